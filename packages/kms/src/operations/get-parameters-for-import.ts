/**
 * @module
 * GetParametersForImport. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** GetParametersForImport. */
export const getParametersForImport: OperationDefinition = {
  name: 'GetParametersForImport',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'GetParametersForImport is not implemented yet.');
  },
};
