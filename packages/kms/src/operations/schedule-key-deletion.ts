/**
 * @module
 * ScheduleKeyDeletion. PLACEHOLDER-UNIMPLEMENTED: replaced by the real operation before this lands.
 */

import { KmsError } from '../errors.ts';
import { structure } from '../protocol/shapes.ts';
import type { OperationDefinition } from './types.ts';

/** ScheduleKeyDeletion. */
export const scheduleKeyDeletion: OperationDefinition = {
  name: 'ScheduleKeyDeletion',
  input: structure({}),
  handler() {
    throw new KmsError('UnsupportedOperationException', 'ScheduleKeyDeletion is not implemented yet.');
  },
};
