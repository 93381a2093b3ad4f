/**
 * @module
 * Running an operation on the key its `KeyId` names without an `await` on the hot path: resolving
 * a key is synchronous except when it commits (an alias/aws/* alias's first use creates the AWS
 * managed key), so the continuation runs at once in the common case.
 */

import type { KeyRecord } from '../../model/records.ts';
import type { OperationContext } from '../types.ts';

/**
 * Calls `then(input, context, key)` with the key `input.KeyId` names (any key reference form: id,
 * ARN, alias name or alias ARN): synchronously when the key resolves synchronously, after it
 * otherwise. Takes the continuation's arguments rather than a closure, so the common case
 * allocates nothing.
 * @throws KmsError what `context.resolveKey` throws (NotFoundException, invalid key ids, ...).
 * @example
 * ```ts
 * handler: (input, context) => withResolvedKey(input, context, signWith),
 * ```
 */
export function withResolvedKey<I extends { readonly KeyId: string }, T>(
  input: I,
  context: OperationContext,
  then: (input: I, context: OperationContext, key: KeyRecord) => T,
): T | Promise<T> {
  const key = context.resolveKey(input.KeyId, 'any');
  return key instanceof Promise ? key.then((resolved) => then(input, context, resolved)) : then(input, context, key);
}
