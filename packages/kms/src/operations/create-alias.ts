/**
 * @module
 * CreateAlias. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** CreateAlias. */
export const createAlias: OperationDefinition = {
  name: 'CreateAlias',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'CreateAlias is not implemented yet.');
  },
};
