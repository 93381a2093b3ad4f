/**
 * @module
 * CreateGrant. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** CreateGrant. */
export const createGrant: OperationDefinition = {
  name: 'CreateGrant',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'CreateGrant is not implemented yet.');
  },
};
