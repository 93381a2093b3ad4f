/**
 * @module
 * RotateKeyOnDemand. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** RotateKeyOnDemand. */
export const rotateKeyOnDemand: OperationDefinition = {
  name: 'RotateKeyOnDemand',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'RotateKeyOnDemand is not implemented yet.');
  },
};
