/**
 * @module
 * EnableKey. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** EnableKey. */
export const enableKey: OperationDefinition = {
  name: 'EnableKey',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'EnableKey is not implemented yet.');
  },
};
