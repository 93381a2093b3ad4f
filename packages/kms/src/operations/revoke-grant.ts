/**
 * @module
 * RevokeGrant. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** RevokeGrant. */
export const revokeGrant: OperationDefinition = {
  name: 'RevokeGrant',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'RevokeGrant is not implemented yet.');
  },
};
