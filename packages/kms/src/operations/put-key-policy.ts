/**
 * @module
 * PutKeyPolicy. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** PutKeyPolicy. */
export const putKeyPolicy: OperationDefinition = {
  name: 'PutKeyPolicy',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'PutKeyPolicy is not implemented yet.');
  },
};
