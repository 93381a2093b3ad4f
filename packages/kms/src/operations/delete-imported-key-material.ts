/**
 * @module
 * DeleteImportedKeyMaterial. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteImportedKeyMaterial. */
export const deleteImportedKeyMaterial: OperationDefinition = {
  name: 'DeleteImportedKeyMaterial',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'DeleteImportedKeyMaterial is not implemented yet.');
  },
};
