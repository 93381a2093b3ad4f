/**
 * @module
 * TagResource. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** TagResource. */
export const tagResource: OperationDefinition = {
  name: 'TagResource',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'TagResource is not implemented yet.');
  },
};
