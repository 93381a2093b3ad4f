/**
 * @module
 * CancelKeyDeletion. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** CancelKeyDeletion. */
export const cancelKeyDeletion: OperationDefinition = {
  name: 'CancelKeyDeletion',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'CancelKeyDeletion is not implemented yet.');
  },
};
