/**
 * @module
 * EnableKeyRotation. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** EnableKeyRotation. */
export const enableKeyRotation: OperationDefinition = {
  name: 'EnableKeyRotation',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'EnableKeyRotation is not implemented yet.');
  },
};
