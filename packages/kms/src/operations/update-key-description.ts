/**
 * @module
 * UpdateKeyDescription. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** UpdateKeyDescription. */
export const updateKeyDescription: OperationDefinition = {
  name: 'UpdateKeyDescription',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'UpdateKeyDescription is not implemented yet.');
  },
};
