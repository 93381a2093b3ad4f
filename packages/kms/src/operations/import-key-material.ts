/**
 * @module
 * ImportKeyMaterial. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ImportKeyMaterial. */
export const importKeyMaterial: OperationDefinition = {
  name: 'ImportKeyMaterial',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ImportKeyMaterial is not implemented yet.');
  },
};
