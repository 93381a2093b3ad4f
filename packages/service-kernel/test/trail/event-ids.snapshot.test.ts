/**
 * EventIds in a process started from a Node.js startup snapshot: the batch of id randomness built
 * into the snapshot would otherwise be handed out again, identically, by every process started
 * from it. `node:v8` is mocked to play the snapshot's build (isBuildingSnapshot) and its start
 * (running the deserialize callbacks).
 */

import { beforeEach, describe, expect, it, vi } from 'vitest';

const snapshot = vi.hoisted(() => ({ building: true, callbacks: [] as (() => void)[] }));
vi.mock('node:v8', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:v8')>();
  return {
    ...actual,
    startupSnapshot: {
      ...actual.startupSnapshot,
      isBuildingSnapshot: () => snapshot.building,
      addDeserializeCallback: (callback: () => void) => {
        if (!snapshot.building) throw new Error('addDeserializeCallback outside a snapshot build');
        snapshot.callbacks.push(callback);
      },
    },
  };
});

const { AuditTrail, EventIds } = await import('../../src/index.ts');
const { auditEventInput } = await import('../helpers/audit-event.ts');

/** A Random whose draws are numbered: batch n is all bytes n, so ids show which batch they came from. */
function numberedRandom(): { bytes: (length: number) => Uint8Array; readonly draws: number } {
  let draws = 0;
  return {
    bytes: (length) => new Uint8Array(length).fill((draws += 1)),
    get draws() {
      return draws;
    },
  };
}

beforeEach(() => {
  snapshot.building = true;
  snapshot.callbacks.length = 0;
});

describe('EventIds and startup snapshots', () => {
  it('drops the batch drawn while the snapshot was built when a process starts from it', () => {
    const random = numberedRandom();
    const ids = new EventIds(random);
    const built = ids.next();
    expect(random.draws).toBe(1);
    expect(snapshot.callbacks).toHaveLength(1);
    // A process starts from the snapshot: the callback runs before any request.
    snapshot.building = false;
    for (const callback of snapshot.callbacks) callback();
    const started = ids.next();
    expect(random.draws).toBe(2);
    expect(started.slice(0, 8)).toBe('02020202');
    expect(started).not.toBe(built);
  });

  it('registers nothing outside a snapshot build (Node throws there) and keeps using its batch', () => {
    snapshot.building = false;
    const random = numberedRandom();
    const ids = new EventIds(random);
    ids.next();
    ids.next();
    expect(snapshot.callbacks).toHaveLength(0);
    expect(random.draws).toBe(1);
  });
});

describe('the audit trail and startup snapshots', () => {
  const call = (index: number) =>
    auditEventInput({ eventTime: Date.UTC(2026, 0, 1) + index, eventName: 'GenerateMac', eventSource: 'kms.amazonaws.com', resourceType: 'AWS::KMS::Key' });

  it('keeps the ids of events recorded in the snapshot, and derives later ones under a key drawn after the start', () => {
    const random = numberedRandom();
    const built = new AuditTrail({}, random);
    built.record(call(0));
    const inSnapshot = built.events()[0]?.eventId;
    expect(random.draws).toBe(1);
    // Two processes start from the same snapshot: each draws its own key for the events it records.
    snapshot.building = false;
    for (const callback of snapshot.callbacks) callback();
    built.record(call(1));
    expect(random.draws).toBe(2);
    const [first, second] = built.events();
    expect(first?.eventId).toBe(inSnapshot);
    expect(second?.eventId).not.toBe(built.eventIdOf(0));
    // Had the key not changed, event 1 would have the id the snapshot's key derives for it, as a
    // sibling process would too: a trail that never rekeys, with the snapshot's key, shows it.
    const sibling = new AuditTrail({}, { bytes: (length) => new Uint8Array(length).fill(1) });
    sibling.record(call(0));
    sibling.record(call(1));
    expect(sibling.events()[0]?.eventId).toBe(inSnapshot);
    expect(second?.eventId).not.toBe(sibling.events()[1]?.eventId);
  });
});
