/**
 * @module
 * DisableKeyRotation. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** DisableKeyRotation. */
export const disableKeyRotation: OperationDefinition = {
  name: 'DisableKeyRotation',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'DisableKeyRotation is not implemented yet.');
  },
};
