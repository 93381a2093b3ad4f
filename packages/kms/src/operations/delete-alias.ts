/**
 * @module
 * DeleteAlias. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteAlias. */
export const deleteAlias: OperationDefinition = {
  name: 'DeleteAlias',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'DeleteAlias is not implemented yet.');
  },
};
