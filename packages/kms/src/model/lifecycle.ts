/**
 * @module
 * Changes the clock causes on its own: keys whose deletion window has passed are deleted (with
 * their aliases and grants, as AWS does), automatic rotations fall due and on-demand rotations
 * complete (model/rotation.ts), and imported key material reaches its `ValidTo`
 * (model/imported-material.ts). `nextDueTime` lets the dispatcher skip the scan entirely until
 * something is due. A multi-Region replica never rotates on its own: it shares its primary's key
 * material and rotation, which the state copies onto it when the primary rotates; a deleted
 * replica leaves its primary's replica list (model/multi-region.ts).
 */

import type { Random } from '@strongbox/service-kernel';
import { applyMaterialExpiry, materialExpiryTime } from './imported-material.ts';
import { isReplicaKey, withoutReplica } from './multi-region.ts';
import type { KeyRecord } from './records.ts';
import { applyDueRotations, DAY_MS, rotationDueTime } from './rotation.ts';
import type { Change, KmsState } from './state.ts';

/** The earliest time any key has something due, or `Infinity`. */
export function nextDueTime(state: KmsState): number {
  let next = Infinity;
  for (const key of state.keys()) {
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate < next) next = key.deletionDate;
    if (!isReplicaKey(key)) next = Math.min(next, rotationDueTime(key), materialExpiryTime(key));
  }
  return next;
}

/** The changes due at `now`. */
export function dueChanges(state: KmsState, now: number, random: Random): Change[] {
  const changes: Change[] = [];
  /** Primaries changed in this scan, by key id: a primary's later changes build on them. */
  const primaries = new Map<string, KeyRecord>();
  const deletedReplicas: KeyRecord[] = [];
  for (const key of state.keys()) {
    // ScheduleKeyDeletion API: when the waiting period ends, KMS deletes the key and its aliases.
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) {
      changes.push({ type: 'deleteKey', keyId: key.keyId, region: key.region });
      if (isReplicaKey(key)) deletedReplicas.push(key);
      continue;
    }
    if (isReplicaKey(key)) continue;
    // Material expiry first: a key whose material expired has nothing left to rotate.
    const updated = applyDueRotations(applyMaterialExpiry(key, now), now, random);
    if (updated !== key) {
      if (updated.multiRegion !== undefined) primaries.set(key.keyId, updated);
      else changes.push({ type: 'putKey', key: updated });
    }
  }
  for (const replica of deletedReplicas) {
    const primary = primaries.get(replica.keyId) ?? state.key(replica.keyId, replica.multiRegion!.primaryRegion);
    if (primary !== undefined) primaries.set(replica.keyId, withoutReplica(primary, replica.region, now, DAY_MS));
  }
  for (const primary of primaries.values()) changes.push({ type: 'putKey', key: primary });
  return changes;
}
