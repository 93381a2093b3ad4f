/**
 * @module
 * GetKeyRotationStatus. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** GetKeyRotationStatus. */
export const getKeyRotationStatus: OperationDefinition = {
  name: 'GetKeyRotationStatus',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'GetKeyRotationStatus is not implemented yet.');
  },
};
