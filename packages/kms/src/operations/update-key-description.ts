/**
 * @module
 * UpdateKeyDescription: replaces the key's description (0..8192 characters; "" clears it). Key id
 * or key ARN only; refused while the key is pending deletion.
 */

import { string, structure } from '../protocol/shapes.ts';
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

  async handler(input, context) {
    const key = await context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:UpdateKeyDescription', key);
    context.requireKeyState(key);
    await context.commit({ type: 'putKey', key: { ...key, description: input.Description } });
  },
};
