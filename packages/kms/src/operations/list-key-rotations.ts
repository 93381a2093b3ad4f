/**
 * @module
 * ListKeyRotations. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ListKeyRotations. */
export const listKeyRotations: OperationDefinition = {
  name: 'ListKeyRotations',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ListKeyRotations is not implemented yet.');
  },
};
