/**
 * @module
 * ListKeys. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ListKeys. */
export const listKeys: OperationDefinition = {
  name: 'ListKeys',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ListKeys is not implemented yet.');
  },
};
