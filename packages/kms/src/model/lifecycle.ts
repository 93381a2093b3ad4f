/**
 * @module
 * Changes the clock causes on its own: keys whose deletion window has passed are deleted (with
 * their aliases and grants, as AWS does), automatic rotations fall due and on-demand rotations
 * complete (model/rotation.ts), and imported key material reaches its `ValidTo`
 * (model/imported-material.ts). `nextDueTime` lets the dispatcher skip the scan entirely until
 * something is due.
 */

import type { Random } from '@strongbox/service-kernel';
import { applyMaterialExpiry, materialExpiryTime } from './imported-material.ts';
import { applyDueRotations, rotationDueTime } from './rotation.ts';
import type { Change, KmsState } from './state.ts';

/** The earliest time any key has something due, or `Infinity`. */
export function nextDueTime(state: KmsState): number {
  let next = Infinity;
  for (const key of state.keys()) {
    if (key.deletionDate !== undefined && key.deletionDate < next) next = key.deletionDate;
    next = Math.min(next, rotationDueTime(key), materialExpiryTime(key));
  }
  return next;
}

/** The changes due at `now`. */
export function dueChanges(state: KmsState, now: number, random: Random): Change[] {
  const changes: Change[] = [];
  for (const key of state.keys()) {
    // ScheduleKeyDeletion API: when the waiting period ends, KMS deletes the key and its aliases.
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) {
      changes.push({ type: 'deleteKey', keyId: key.keyId });
      continue;
    }
    // Material expiry first: a key whose material expired has nothing left to rotate.
    const updated = applyDueRotations(applyMaterialExpiry(key, now), now, random);
    if (updated !== key) changes.push({ type: 'putKey', key: updated });
  }
  return changes;
}
