/**
 * @module
 * Changing a key as one atomic step. AWS applies each request to the key as it is when the request
 * takes effect: concurrent TagResource calls merge their tags, a description update and a rotation
 * change are independent, and a PutKeyPolicy is never undone by a call that started earlier. An
 * operation that read the key, yielded (any `await`) and then committed a record built from what
 * it read would write back a stale copy over the changes others committed meanwhile, each of them
 * acknowledged (REVIEW R12).
 *
 * So the read of the current record, the operation's checks (authorization, key state, quotas) and
 * the apply of its changes run in one synchronous step: `decide` cannot be asynchronous (it returns
 * the changes, not a promise), and `ChangeStore.commit` applies changes before it returns. JavaScript
 * runs one step at a time, so no other request, and none of the clock-driven changes (rotations,
 * deletions), can come in between. Only durability is awaited afterwards.
 */

import type { KeyRecord } from '../../model/records.ts';
import type { Change } from '../../model/state.ts';
import type { OperationContext } from '../types.ts';

/** What an operation decided on a key's current record. */
export interface KeyUpdate<T> {
  /** The changes to commit; none when the key stays as it is. */
  readonly changes: readonly Change[];
  /** The operation's answer, returned once the changes are durable. */
  readonly output: T;
}

/**
 * Runs `decide` on the current record of the key `keyId` names (key id or key ARN), commits the
 * changes it returns in the same synchronous step, and resolves with its output once they are
 * durable.
 *
 * @throws KmsError what `context.resolveKey` throws (NotFoundException, invalid key ids,
 *   InvalidArnException for an alias), what `decide` throws (nothing is committed then), and what
 *   the store's commit throws.
 * @example
 * ```ts
 * handler: (input, context) =>
 *   updateKey(context, input.KeyId, (key) => ({ changes: [{ type: 'putKey', key: { ...key, description: input.Description } }], output: undefined })),
 * ```
 */
export function updateKey<T>(context: OperationContext, keyId: string, decide: (key: KeyRecord) => KeyUpdate<T>): Promise<T> {
  try {
    return apply(context, decide(context.resolveKey(keyId, 'key')));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Builds a one-change `KeyUpdate` that puts `key` (the usual case). */
export function putKey<T>(key: KeyRecord, output: T): KeyUpdate<T> {
  return { changes: [{ type: 'putKey', key }], output };
}

/** A `KeyUpdate` that changes nothing. */
export function unchanged<T>(output: T): KeyUpdate<T> {
  return { changes: [], output };
}

function apply<T>(context: OperationContext, update: KeyUpdate<T>): Promise<T> {
  if (update.changes.length === 0) return Promise.resolve(update.output);
  return context.commit(...update.changes).then(() => update.output);
}
