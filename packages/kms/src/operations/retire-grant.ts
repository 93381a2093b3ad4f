/**
 * @module
 * RetireGrant. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** RetireGrant. */
export const retireGrant: OperationDefinition = {
  name: 'RetireGrant',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'RetireGrant is not implemented yet.');
  },
};
