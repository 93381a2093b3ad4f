/**
 * @module
 * ReEncrypt. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ReEncrypt. */
export const reEncrypt: OperationDefinition = {
  name: 'ReEncrypt',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ReEncrypt is not implemented yet.');
  },
};
