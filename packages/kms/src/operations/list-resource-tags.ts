/**
 * @module
 * ListResourceTags. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ListResourceTags. */
export const listResourceTags: OperationDefinition = {
  name: 'ListResourceTags',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ListResourceTags is not implemented yet.');
  },
};
