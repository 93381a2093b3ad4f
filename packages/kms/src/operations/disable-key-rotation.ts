/**
 * @module
 * DisableKeyRotation: turns automatic rotation off. The key keeps its current material; an
 * on-demand rotation in progress still completes (DisableKeyRotation doc, "Disable automatic key
 * rotation"). Same key-id forms, key states and refusals as EnableKeyRotation.
 */

import { withoutAutomaticRotation } from '../model/rotation.ts';
import { structure } from '../protocol/shapes.ts';
import { refuseAwsManagedKey } from './shared/aws-managed-access.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** DisableKeyRotation request. */
export interface DisableKeyRotationRequest {
  KeyId: string;
}

/** DisableKeyRotation. */
export const disableKeyRotation: OperationDefinition<'DisableKeyRotation', DisableKeyRotationRequest, void> = {
  name: 'DisableKeyRotation',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'rotationChange',
  input: structure({ KeyId: KEY_ID }, ['KeyId']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:DisableKeyRotation', key);
      refuseAwsManagedKey(context, key, 'kms:DisableKeyRotation');
      context.requireKeyState(key);
      return putKey(withoutAutomaticRotation(key), undefined);
    }),
};
