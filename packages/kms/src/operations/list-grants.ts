/**
 * @module
 * ListGrants. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ListGrants. */
export const listGrants: OperationDefinition = {
  name: 'ListGrants',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ListGrants is not implemented yet.');
  },
};
