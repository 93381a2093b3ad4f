/**
 * @module
 * Members and checks shared by the key policy operations (GetKeyPolicy, PutKeyPolicy): the
 * `PolicyName` member, whose only valid value is `default`.
 */

import { KmsError } from '../../errors.ts';
import { type Shape, string } from '../../protocol/shapes.ts';

/** `PolicyNameType`: 1..128 word characters (the Smithy model's anchored pattern). */
export const POLICY_NAME: Shape = string({ min: 1, max: 128, pattern: '^[\\w]+$' });

/** The only key policy name ("The only valid name is default", GetKeyPolicy/PutKeyPolicy API reference). */
export const DEFAULT_POLICY_NAME = 'default';

/**
 * Checks a `PolicyName` parameter (absent means `default` in the current model).
 * @throws KmsError NotFoundException `No such policy exists` for any other name (the text moto and
 *   LocalStack use; AWS's is not recorded publicly).
 */
export function requireDefaultPolicyName(name: string | undefined): void {
  if (name !== undefined && name !== DEFAULT_POLICY_NAME) throw new KmsError('NotFoundException', 'No such policy exists');
}
