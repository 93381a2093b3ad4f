/**
 * @module
 * UntagResource. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** UntagResource. */
export const untagResource: OperationDefinition = {
  name: 'UntagResource',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'UntagResource is not implemented yet.');
  },
};
