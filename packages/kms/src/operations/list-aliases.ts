/**
 * @module
 * ListAliases. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ListAliases. */
export const listAliases: OperationDefinition = {
  name: 'ListAliases',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ListAliases is not implemented yet.');
  },
};
