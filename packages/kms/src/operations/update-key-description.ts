/**
 * @module
 * UpdateKeyDescription: replaces the key's description (0..8192 characters; "" clears it). Key id
 * or key ARN only; refused while the key is pending deletion.
 */

import { string, structure } from '../protocol/shapes.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** UpdateKeyDescription request. */
export interface UpdateKeyDescriptionRequest {
  KeyId: string;
  Description: string;
}

/** UpdateKeyDescription. */
export const updateKeyDescription: OperationDefinition<'UpdateKeyDescription', UpdateKeyDescriptionRequest, void> = {
  name: 'UpdateKeyDescription',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'notPendingDeletion',
  input: structure({ KeyId: KEY_ID, Description: string({ min: 0, max: 8192 }) }, ['KeyId', 'Description']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:UpdateKeyDescription', key);
      context.requireKeyState(key);
      return putKey({ ...key, description: input.Description }, undefined);
    }),
};
