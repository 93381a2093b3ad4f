/**
 * @module
 * UpdateAlias. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** UpdateAlias. */
export const updateAlias: OperationDefinition = {
  name: 'UpdateAlias',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'UpdateAlias is not implemented yet.');
  },
};
