/**
 * The trail's own event and request ids are derived from each event's sequence number when read
 * (`SequenceIds`), not drawn and stored per event: what must hold is what stored ids gave, namely
 * random-looking version-4 UUIDs, all distinct, the same at every read (the data directory's log,
 * which sees each event as it is recorded, and LookupEvents later agree), readable after the event
 * left the ring, and restored events keep the ids they came with.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AuditEvent, type AuditEventInput, AuditTrail, immutableAuditField, jsonSize } from '../../src/index.ts';
import { SequenceIds } from '../../src/trail/sequence-ids.ts';
import { auditEventInput } from '../helpers/audit-event.ts';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const random = { bytes: (length: number) => crypto.getRandomValues(new Uint8Array(length)) };

const call = (index: number, requestId?: string): AuditEventInput =>
  auditEventInput({
    eventTime: Date.UTC(2026, 0, 1) + index,
    eventName: index % 2 === 0 ? 'GenerateMac' : 'Encrypt',
    eventSource: 'kms.amazonaws.com',
    resourceType: 'AWS::KMS::Key',
    ...(requestId === undefined ? {} : { requestId }),
    requestParameters: { keyId: `key-${index % 3}` },
    readOnly: index % 2 === 0,
  });

describe('SequenceIds', () => {
  it('gives distinct version-4 UUIDs, event and request ids alike, across keystream batches', () => {
    const ids = new SequenceIds(random);
    ids.prepare();
    const seen = new Set<string>();
    // 128 events a batch: 1,000 events cross several batch boundaries.
    for (let sequence = 0; sequence < 1000; sequence++) {
      seen.add(ids.eventId(sequence));
      seen.add(ids.requestId(sequence));
    }
    expect(seen.size).toBe(2000);
    for (const id of seen) expect(id).toMatch(V4);
  });

  it('answers the same id for a sequence at every read, in any order of reads', () => {
    const ids = new SequenceIds(random);
    ids.prepare();
    fc.assert(
      fc.property(fc.array(fc.nat(5000), { minLength: 1, maxLength: 40 }), (order) => {
        const first = new Map(order.map((sequence) => [sequence, ids.eventId(sequence)]));
        for (const sequence of [...order].reverse()) expect(ids.eventId(sequence)).toBe(first.get(sequence));
      }),
    );
  });

  it('draws one 16-byte key, not randomness per event; two trails get different ids', () => {
    const draws: number[] = [];
    const counting = { bytes: (length: number) => (draws.push(length), crypto.getRandomValues(new Uint8Array(length))) };
    const a = new SequenceIds(counting);
    a.prepare();
    for (let sequence = 0; sequence < 500; sequence++) a.eventId(sequence);
    expect(draws).toEqual([16]);
    const b = new SequenceIds(random);
    b.prepare();
    expect(b.eventId(0)).not.toBe(a.eventId(0));
  });

  it('after a rekey, events from the given sequence get ids under the new key, older ones keep theirs', () => {
    const ids = new SequenceIds(random);
    ids.prepare();
    const before = [0, 1, 2].map((sequence) => ids.eventId(sequence));
    const wouldBe = ids.eventId(3);
    ids.rekey(3);
    ids.prepare();
    expect([0, 1, 2].map((sequence) => ids.eventId(sequence))).toEqual(before);
    expect(ids.eventId(3)).not.toBe(wouldBe);
    expect(ids.eventId(3)).toMatch(V4);
  });
});

describe("the trail's derived ids", () => {
  it('are what the data directory sink saw at record time, at every later read (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.option(fc.uuid(), { nil: undefined }), { maxLength: 120 }), (capacity, requestIds) => {
        const trail = new AuditTrail({ capacity }, random);
        const sunk: AuditEvent[] = [];
        trail.onRecord((event) => sunk.push(event));
        for (const [index, requestId] of requestIds.entries()) trail.record(call(index, requestId));
        // The ring keeps the newest `capacity` events: each reads back as the sink got it.
        const retained = sunk.slice(Math.max(0, sunk.length - capacity));
        expect(trail.events()).toEqual(retained);
        expect(trail.events()).toEqual(retained);
        for (const [index, event] of sunk.entries()) {
          expect(event.eventId).toMatch(V4);
          if (requestIds[index] === undefined) expect(event.requestId).toMatch(V4);
          else expect(event.requestId).toBe(requestIds[index]);
          // Also once dropped from the ring.
          expect(trail.eventIdOf(index)).toBe(event.eventId);
          if (requestIds[index] === undefined) expect(trail.requestIdOf(index)).toBe(event.requestId);
        }
        expect(new Set(sunk.map((event) => event.eventId)).size).toBe(sunk.length);
      }),
      { numRuns: 60 },
    );
  });

  it('name the latest event by its sequence number; latestIds agrees', () => {
    const trail = new AuditTrail({}, random);
    expect(trail.latestSequence()).toBeUndefined();
    expect(trail.latestIds()).toBeUndefined();
    trail.record(call(0));
    trail.record(call(1, 'given-request-id'));
    expect(trail.latestSequence()).toBe(1);
    const latest = trail.events()[1];
    expect(trail.latestIds()?.eventId).toBe(latest?.eventId);
    expect(trail.latestIds()?.requestId).toBe('given-request-id');
    expect(trail.latestRequestId()).toBe('given-request-id');
    expect(trail.eventIdOf(2)).toBeUndefined();
    expect(trail.eventIdOf(-1)).toBeUndefined();
  });

  it('leave restored events their own ids, in the ring and once dropped', () => {
    const first = new AuditTrail({}, random);
    first.record(call(0));
    first.record(call(1, 'request-b'));
    const saved = first.events();
    const second = new AuditTrail({ capacity: 3 }, random);
    for (const event of saved) second.restore(event);
    second.record(call(2));
    expect(second.events().slice(0, 2)).toEqual(saved);
    expect(second.eventIdOf(0)).toBe(saved[0]?.eventId);
    second.record(call(3));
    second.record(call(4));
    // Both restored events have left the ring: their ids are not the trail's to derive.
    expect(second.eventIdOf(0)).toBeUndefined();
    expect(second.eventIdOf(1)).toBeUndefined();
    expect(second.eventIdOf(2)).toBe(second.events()[0]?.eventId);
  });
});

describe('immutableAuditField', () => {
  it('freezes the field deeply and counts the size it measures', () => {
    const field = immutableAuditField({ keyId: 'k', nested: { list: [1, 'a'] } });
    expect(Object.isFrozen(field)).toBe(true);
    expect(Object.isFrozen(field.nested)).toBe(true);
    expect(Object.isFrozen(field.nested.list)).toBe(true);
    const trail = new AuditTrail({}, random);
    trail.record({ ...call(0), requestParameters: field });
    const plain = new AuditTrail({}, random);
    plain.record({ ...call(0), requestParameters: { keyId: 'k', nested: { list: [1, 'a'] } } });
    expect(trail.bytes).toBe(plain.bytes);
    expect(trail.events()[0]?.requestParameters).toBe(field);
    expect(jsonSize(field, 1000)).toBe(JSON.stringify(field).length);
  });
});
