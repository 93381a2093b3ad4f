/**
 * @module
 * CancelKeyDeletion: a key pending deletion is kept; "When this operation succeeds, the key state
 * of the KMS key is Disabled" (API doc), not Enabled. A key awaiting imported material returns to
 * PendingImport. Key id or key ARN only.
 */

import type { KeyRecord } from '../model/records.ts';
import { structure } from '../protocol/shapes.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** CancelKeyDeletion request. */
export interface CancelKeyDeletionRequest {
  KeyId: string;
}

/** CancelKeyDeletion response. */
export interface CancelKeyDeletionResponse {
  /** The key ARN. */
  KeyId: string;
}

/** CancelKeyDeletion. */
export const cancelKeyDeletion: OperationDefinition<'CancelKeyDeletion', CancelKeyDeletionRequest, CancelKeyDeletionResponse> = {
  name: 'CancelKeyDeletion',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'pendingDeletion',
  input: structure({ KeyId: KEY_ID }, ['KeyId']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:CancelKeyDeletion', key);
      context.requireKeyState(key);
      const { deletionDate: _deletionDate, pendingWindowInDays: _window, ...rest } = key;
      // "the KMS key is in the Disabled state" after cancellation (CancelKeyDeletion API), or
      // PendingImport for a symmetric key whose imported material is gone. A primary waiting in
      // PendingReplicaDeletion is cancelled the same way.
      const pendingImport = key.keySpec === 'SYMMETRIC_DEFAULT' && key.materials.length === 0;
      const kept: KeyRecord = { ...rest, state: pendingImport ? 'PendingImport' : 'Disabled' };
      return putKey(kept, { KeyId: key.arn });
    }),

  // CloudTrail (dev guide ct-cancel-key-deletion.md): responseElements {"keyId": "<key ARN>"}.
  auditResponse: (output) => ({ keyId: output.KeyId }),
};
