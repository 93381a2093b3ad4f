/**
 * @module
 * GetKeyPolicy. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** GetKeyPolicy. */
export const getKeyPolicy: OperationDefinition = {
  name: 'GetKeyPolicy',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'GetKeyPolicy is not implemented yet.');
  },
};
