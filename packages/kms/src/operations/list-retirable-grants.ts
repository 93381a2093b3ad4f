/**
 * @module
 * ListRetirableGrants. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ListRetirableGrants. */
export const listRetirableGrants: OperationDefinition = {
  name: 'ListRetirableGrants',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ListRetirableGrants is not implemented yet.');
  },
};
