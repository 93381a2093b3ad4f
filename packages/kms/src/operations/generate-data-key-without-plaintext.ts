/**
 * @module
 * GenerateDataKeyWithoutPlaintext. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateDataKeyWithoutPlaintext. */
export const generateDataKeyWithoutPlaintext: OperationDefinition = {
  name: 'GenerateDataKeyWithoutPlaintext',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'GenerateDataKeyWithoutPlaintext is not implemented yet.');
  },
};
