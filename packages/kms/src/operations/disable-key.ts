/**
 * @module
 * DisableKey. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** DisableKey. */
export const disableKey: OperationDefinition = {
  name: 'DisableKey',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'DisableKey is not implemented yet.');
  },
};
