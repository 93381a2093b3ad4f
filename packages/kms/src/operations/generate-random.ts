/**
 * @module
 * GenerateRandom. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateRandom. */
export const generateRandom: OperationDefinition = {
  name: 'GenerateRandom',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'GenerateRandom is not implemented yet.');
  },
};
