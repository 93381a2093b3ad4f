/**
 * @module
 * ListKeyPolicies. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ListKeyPolicies. */
export const listKeyPolicies: OperationDefinition = {
  name: 'ListKeyPolicies',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ListKeyPolicies is not implemented yet.');
  },
};
