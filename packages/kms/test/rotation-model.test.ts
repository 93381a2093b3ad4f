/**
 * The pure rotation and lifecycle model (src/model/rotation.ts, imported-material.ts,
 * lifecycle.ts) with a fake clock: due times, catch-up, overdue keys, AWS managed keys, material
 * expiry, and the invariants any sequence of clock moves and state changes keeps.
 */

import type { Random } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { withImportedMaterial } from '../src/model/imported-material.ts';
import { createKeyRecord, newMaterial } from '../src/model/keys.ts';
import { dueChanges, nextDueTime } from '../src/model/lifecycle.ts';
import type { KeyRecord, KeyState } from '../src/model/records.ts';
import {
  applyDueRotations,
  automaticRotationImminent,
  DAY_MS,
  rotationDueTime,
  rotationStatus,
  withAutomaticRotation,
  withOnDemandRotationStarted,
  withoutAutomaticRotation,
} from '../src/model/rotation.ts';
import { KmsState } from '../src/model/state.ts';

const T0 = Date.UTC(2025, 0, 1);

/** Deterministic randomness: a counter, so ids differ and runs repeat. */
function counterRandom(): Random {
  let next = 0;
  return { bytes: (length) => Uint8Array.from({ length }, () => next++ & 0xff) };
}

function customerKey(random: Random, overrides: Partial<KeyRecord> = {}): KeyRecord {
  const key = createKeyRecord({
    keyId: '0f1e2d3c-4b5a-4697-8877-665544332211',
    account: '000000000000',
    region: 'us-east-1',
    now: T0,
    description: '',
    policy: '{}',
    origin: 'AWS_KMS',
    keyManager: 'CUSTOMER',
    tags: [],
    materials: [newMaterial(random, 1, T0)],
  });
  return { ...key, ...overrides };
}

describe('automatic rotation', () => {
  it('falls due one period after it is enabled, and then every period', () => {
    const random = counterRandom();
    const key = withAutomaticRotation(customerKey(random), T0, 90);
    expect(rotationDueTime(key)).toBe(T0 + 90 * DAY_MS);
    expect(applyDueRotations(key, T0 + 90 * DAY_MS - 1, random)).toBe(key);
    const rotated = applyDueRotations(key, T0 + 90 * DAY_MS, random);
    expect(rotated.materials.map((material) => material.version)).toEqual([1, 2]);
    expect(rotated.rotation.history).toEqual([{ rotationDate: T0 + 90 * DAY_MS, rotationType: 'AUTOMATIC', materialId: rotated.materials[1]!.materialId }]);
    expect(rotated.rotation.nextRotationDate).toBe(T0 + 180 * DAY_MS);
  });

  it('is not due while disabled, and stops when turned off', () => {
    const random = counterRandom();
    const key = withoutAutomaticRotation(withAutomaticRotation(customerKey(random), T0, 90));
    expect(rotationDueTime(key)).toBe(Infinity);
    expect(applyDueRotations(key, T0 + 1000 * DAY_MS, random)).toBe(key);
    expect(rotationStatus(key)).toEqual({ enabled: false });
  });

  it('remembers a due date passed while the key was Disabled, and rotates at once when Enabled', () => {
    const random = counterRandom();
    const disabled: KeyRecord = { ...withAutomaticRotation(customerKey(random), T0, 90), state: 'Disabled' };
    // Watched until due, so the date is remembered, then not due until enabled.
    expect(rotationDueTime(disabled)).toBe(T0 + 90 * DAY_MS);
    const overdue = applyDueRotations(disabled, T0 + 100 * DAY_MS, random);
    expect(overdue.materials).toHaveLength(1);
    expect(overdue.rotation.overdue).toBe(true);
    expect(rotationDueTime(overdue)).toBe(Infinity);
    const enabled: KeyRecord = { ...overdue, state: 'Enabled' };
    expect(rotationDueTime(enabled)).toBe(-Infinity);
    const rotated = applyDueRotations(enabled, T0 + 150 * DAY_MS, random);
    expect(rotated.rotation.history.map((event) => event.rotationDate)).toEqual([T0 + 150 * DAY_MS]);
    expect(rotated.rotation.nextRotationDate).toBe(T0 + 240 * DAY_MS);
    expect(rotated.rotation.overdue).toBeUndefined();
  });

  it('counts an imminent (within 20 minutes) or overdue rotation as a conflict for on-demand rotation', () => {
    const key = withAutomaticRotation(customerKey(counterRandom()), T0, 90);
    expect(automaticRotationImminent(key, T0 + 90 * DAY_MS - 21 * 60_000)).toBe(false);
    expect(automaticRotationImminent(key, T0 + 90 * DAY_MS - 20 * 60_000)).toBe(true);
    expect(automaticRotationImminent({ ...key, rotation: { ...key.rotation, overdue: true } }, T0)).toBe(true);
    expect(automaticRotationImminent({ ...key, state: 'Disabled' }, T0 + 90 * DAY_MS)).toBe(false);
  });

  it('applies to AWS managed keys yearly, from creation or their last rotation', () => {
    const random = counterRandom();
    const key = customerKey(random, { keyManager: 'AWS' });
    expect(rotationStatus(key)).toEqual({ enabled: true, periodInDays: 365, nextRotationDate: T0 + 365 * DAY_MS });
    const rotated = applyDueRotations(key, T0 + 800 * DAY_MS, random);
    expect(rotated.rotation.history.map((event) => event.rotationDate)).toEqual([T0 + 365 * DAY_MS, T0 + 730 * DAY_MS]);
    expect(rotationStatus(rotated)).toMatchObject({ nextRotationDate: T0 + 1095 * DAY_MS });
  });

  it('never applies to imported material', () => {
    const random = counterRandom();
    const key = withAutomaticRotation(customerKey(random, { origin: 'EXTERNAL' }), T0, 90);
    expect(rotationDueTime(key)).toBe(Infinity);
    expect(applyDueRotations(key, T0 + 1000 * DAY_MS, random)).toBe(key);
  });
});

describe('on-demand rotation', () => {
  it('completes at start + delay, before a later automatic rotation', () => {
    const random = counterRandom();
    const key = withOnDemandRotationStarted(withAutomaticRotation(customerKey(random), T0, 90), T0 + 89 * DAY_MS, DAY_MS * 2);
    expect(rotationStatus(key).onDemandStartDate).toBe(T0 + 89 * DAY_MS);
    const rotated = applyDueRotations(key, T0 + 95 * DAY_MS, random);
    expect(rotated.rotation.history.map((event) => [event.rotationDate, event.rotationType])).toEqual([
      [T0 + 90 * DAY_MS, 'AUTOMATIC'],
      [T0 + 91 * DAY_MS, 'ON_DEMAND'],
    ]);
    expect(rotated.rotation.onDemandStartDate).toBeUndefined();
    expect(rotated.rotation.onDemandCount).toBe(1);
  });
});

describe('lifecycle', () => {
  it('still deletes keys whose deletion window has passed, and rotates the others', () => {
    const random = counterRandom();
    const state = new KmsState();
    const pending: KeyRecord = {
      ...customerKey(random),
      keyId: '11111111-2222-4333-8444-555555555555',
      state: 'PendingDeletion',
      deletionDate: T0 + 7 * DAY_MS,
    };
    const rotating = withAutomaticRotation(customerKey(random), T0, 90);
    state.apply({ type: 'putKey', key: pending });
    state.apply({ type: 'putKey', key: rotating });
    expect(nextDueTime(state)).toBe(T0 + 7 * DAY_MS);
    const changes = dueChanges(state, T0 + 90 * DAY_MS, random);
    expect(changes.map((change) => change.type)).toEqual(['deleteKey', 'putKey']);
  });

  it('deletes imported material when its ValidTo passes (PendingImport), keeping a pending deletion', () => {
    const random = counterRandom();
    const external = customerKey(random, { origin: 'EXTERNAL', materials: [], state: 'PendingImport' });
    const imported = withImportedMaterial(external, {
      material: new Uint8Array(32),
      materialId: 'a'.repeat(64),
      expirationModel: 'KEY_MATERIAL_EXPIRES',
      validTo: T0 + DAY_MS,
      now: T0,
    });
    const state = new KmsState();
    state.apply({ type: 'putKey', key: imported });
    expect(nextDueTime(state)).toBe(T0 + DAY_MS);
    const [change] = dueChanges(state, T0 + DAY_MS, random);
    expect(change).toMatchObject({ type: 'putKey', key: { state: 'PendingImport', materials: [], imported: { materialId: 'a'.repeat(64) } } });
    state.apply({ type: 'putKey', key: { ...imported, state: 'PendingDeletion', deletionDate: T0 + 30 * DAY_MS } });
    expect(dueChanges(state, T0 + DAY_MS, random)).toMatchObject([{ type: 'putKey', key: { state: 'PendingDeletion', materials: [] } }]);
  });
});

type Event = { readonly kind: 'advance'; readonly days: number } | { readonly kind: 'state'; readonly state: KeyState } | { readonly kind: 'onDemand' };

describe('invariants under any sequence of clock moves and state changes', () => {
  it('keeps every backing key, numbers versions 1..n, dates rotations in order and never rotates a key that is not Enabled', () => {
    const event: fc.Arbitrary<Event> = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 0, max: 500 }) }),
      fc.record({ kind: fc.constantFrom('state' as const), state: fc.constantFrom<KeyState>('Enabled', 'Disabled', 'PendingDeletion') }),
      fc.record({ kind: fc.constant('onDemand' as const) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 90, max: 2560 }), fc.boolean(), fc.array(event, { maxLength: 40 }), (period, awsManaged, events) => {
        const random = counterRandom();
        let now = T0;
        let key = withAutomaticRotation(customerKey(random, { keyManager: awsManaged ? 'AWS' : 'CUSTOMER' }), T0, period);
        for (const current of events) {
          const before = key;
          if (current.kind === 'advance') now += current.days * DAY_MS;
          if (current.kind === 'state') key = { ...key, state: current.state };
          if (current.kind === 'onDemand' && key.rotation.onDemandStartDate === undefined) key = withOnDemandRotationStarted(key, now, 0);
          const after = applyDueRotations(key, now, random);
          // Only an Enabled key rotates automatically.
          const automatic = after.rotation.history.slice(key.rotation.history.length).filter((entry) => entry.rotationType === 'AUTOMATIC');
          if (key.state !== 'Enabled') expect(automatic).toEqual([]);
          expect(after.materials.slice(0, before.materials.length)).toEqual(before.materials);
          key = after;
        }
        expect(key.materials.map((material) => material.version)).toEqual(key.materials.map((_, i) => i + 1));
        expect(key.rotation.history.map((entry) => entry.materialId)).toEqual(key.materials.slice(1).map((material) => material.materialId));
        const dates = key.rotation.history.map((entry) => entry.rotationDate);
        expect(dates).toEqual([...dates].sort((a, b) => a - b));
        expect(dates.every((date) => date <= now)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
