/**
 * The audit trail's memory is bounded per event and in total, as CloudTrail bounds its records:
 * parameters over 100 KB are recorded as omitted, the oldest events go once the retained fields
 * pass a byte budget, and events older than CloudTrail's 90 days of history are dropped.
 */

import { type AuditEventInput, AuditTrail, EVENT_HISTORY_MS, jsonSize, MAX_FIELD_BYTES, principalFromArn } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { Kms, ManualClock } from '../src/index.ts';

const T0 = Date.UTC(2024, 0, 1);
const DAY = 86_400_000;

const event = (n: number, parameters: Record<string, unknown> | null = null, time = T0 + n): AuditEventInput => ({
  eventTime: time,
  eventName: 'Encrypt',
  eventSource: 'kms.amazonaws.com',
  resourceType: 'AWS::KMS::Key',
  region: 'us-east-1',
  caller: principalFromArn('arn:aws:iam::000000000000:root'),
  sourceIpAddress: '127.0.0.1',
  userAgent: 'test',
  requestId: `request-${n}`,
  requestParameters: parameters,
  responseElements: null,
  resources: [],
  readOnly: true,
  recipientAccountId: '000000000000',
});

describe('per event', () => {
  it('records requestParameters over 100 KB as {"omitted": true}, and keeps smaller ones whole', async () => {
    const kms = new Kms({ clock: new ManualClock(T0), quotas: false });
    const { KeyMetadata } = await kms.createKey({});
    // Refused (over Strongbox's 64 KiB context limit), and recorded like any call.
    const big = { tenant: 'x'.repeat(MAX_FIELD_BYTES) };
    const small = { tenant: 'x'.repeat(50_000) };
    await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]), EncryptionContext: big }).catch(() => undefined);
    expect(kms.auditTrail.lookup({ eventName: 'Encrypt', maxResults: 1 }).records[0]!.requestParameters).toEqual({ omitted: true });
    await kms.encrypt({ KeyId: KeyMetadata.KeyId, Plaintext: new Uint8Array([1]), EncryptionContext: small });
    expect(kms.auditTrail.lookup({ eventName: 'Encrypt', maxResults: 1 }).records[0]!.requestParameters).toMatchObject({ encryptionContext: small });
  });

  it('keeps rejected calls with huge parameters small: 500 events with a 938 KB context', async () => {
    const context = Object.fromEntries(Array.from({ length: 96 }, (_, i) => [`k${i}`, 'v'.repeat(10_000)]));
    const trail = new AuditTrail();
    for (let n = 0; n < 500; n++)
      trail.record({
        ...event(n, { keyId: 'alias/missing', encryptionContext: context }),
        errorCode: 'NotFoundException',
        errorMessage: 'Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.',
      });
    expect(trail.size).toBe(500);
    expect(trail.bytes).toBeLessThan(500 * 1024);
    expect(trail.events().every((e) => e.requestParameters?.['omitted'] === true)).toBe(true);
    // The same through the emulator (a few calls: building such a request costs more than recording it).
    const kms = new Kms({ clock: new ManualClock(T0), quotas: false });
    for (let i = 0; i < 5; i++)
      await kms.encrypt({ KeyId: 'alias/missing', Plaintext: new Uint8Array([1]), EncryptionContext: context }).catch(() => undefined);
    expect(kms.auditTrail.events().map((e) => [e.errorCode, e.requestParameters])).toEqual(
      Array.from({ length: 5 }, () => ['ValidationException', { omitted: true }]),
    );
  });

  it('counts a field no further than the limit', () => {
    expect(jsonSize({ a: 'bc' }, 100)).toBe(JSON.stringify({ a: 'bc' }).length);
    expect(jsonSize({ a: [1, true, null] }, 100)).toBe(JSON.stringify({ a: [1, true, null] }).length);
    expect(jsonSize({ a: 'x'.repeat(1000) }, 100)).toBe(101);
  });
});

describe('in total', () => {
  it('drops the oldest events once the retained fields pass maxBytes', () => {
    const trail = new AuditTrail({ maxBytes: 20_000 });
    for (let n = 0; n < 100; n++) trail.record(event(n, { keyId: 'k'.repeat(1000) }));
    expect(trail.bytes).toBeLessThanOrEqual(20_000);
    expect(trail.size).toBeGreaterThan(5);
    expect(trail.size).toBeLessThan(100);
    const kept = trail.events().map((e) => e.requestId);
    expect(kept.at(-1)).toBe('request-99');
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => `request-${100 - kept.length + i}`));
    // Lookups and page tokens still walk the retained events.
    expect(trail.lookup({ maxResults: 2 }).records.map((r) => r.requestID)).toEqual(['request-99', 'request-98']);
  });

  it('drops events older than 90 days before the newest', () => {
    const trail = new AuditTrail();
    trail.record(event(1, null, T0));
    trail.record(event(2, null, T0 + 10 * DAY));
    trail.record(event(3, null, T0 + EVENT_HISTORY_MS + 5 * DAY));
    expect(trail.events().map((e) => e.requestId)).toEqual(['request-2', 'request-3']);
  });

  it('keeps every event and its ids while the ring grows past its first slots and wraps around', () => {
    // The columns start small and grow with the trail; events dropped by age move the ring's start
    // before it is full, so the wrap-around meets slots that were allocated in several steps.
    const trail = new AuditTrail({ capacity: 5000 });
    for (let n = 0; n < 3000; n++) trail.record(event(n, null, n < 1500 ? T0 : T0 + 20 * DAY + n));
    trail.record(event(3000, null, T0 + EVENT_HISTORY_MS + 11 * DAY));
    expect(trail.size).toBe(1501);
    for (let n = 3001; n < 9000; n++) trail.record(event(n, null, T0 + EVENT_HISTORY_MS + 11 * DAY + n));
    const kept = trail.events();
    expect(kept).toHaveLength(5000);
    expect(kept.map((e) => e.requestId)).toEqual(Array.from({ length: 5000 }, (_, i) => `request-${4000 + i}`));
    expect(new Set(kept.map((e) => e.eventId)).size).toBe(5000);
    expect(kept.every((e, i) => i === 0 || e.eventTime >= kept[i - 1]!.eventTime)).toBe(true);
  });

  it('refuses a maxBytes that is not a positive number', () => {
    expect(() => new AuditTrail({ maxBytes: 0 })).toThrow(RangeError);
  });
});
