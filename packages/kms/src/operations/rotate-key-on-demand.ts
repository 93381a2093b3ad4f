/**
 * @module
 * RotateKeyOnDemand: starts a rotation now, whether or not automatic rotation is on, without
 * changing the automatic schedule. Asynchronous, as in AWS: the call returns at once, and
 * GetKeyRotationStatus shows `OnDemandRotationStartDate` until the rotation completes after the
 * emulator's `onDemandRotationDelayMs` (applied by the clock-driven lifecycle; with 0 it completes
 * on the next request). Key id or ARN only; returns the key ARN.
 *
 * Refusals: the per-key limit (LimitExceededException, AWS's text from LocalStack's AWS-validated
 * `test_key_rotations_limits`), an automatic rotation due within 20 minutes (ConflictException),
 * imported material (UnsupportedOperationException), Disabled / PendingDeletion keys, and AWS
 * managed keys (their policy does not allow it).
 */

import { KmsError } from '../errors.ts';
import { automaticRotationImminent, onDemandLimitReached, onDemandRotationInProgress, withOnDemandRotationStarted } from '../model/rotation.ts';
import { structure } from '../protocol/shapes.ts';
import { refuseAwsManagedKey } from './shared/aws-managed-access.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** RotateKeyOnDemand request. */
export interface RotateKeyOnDemandRequest {
  KeyId: string;
}

/** RotateKeyOnDemand response. */
export interface RotateKeyOnDemandResponse {
  /** The key ARN. */
  KeyId: string;
}

/** RotateKeyOnDemand. */
export const rotateKeyOnDemand: OperationDefinition<'RotateKeyOnDemand', RotateKeyOnDemandRequest, RotateKeyOnDemandResponse> = {
  name: 'RotateKeyOnDemand',
  quota: { perSecond: 5 },
  readOnly: false,
  keyState: 'rotationChange',
  input: structure({ KeyId: KEY_ID }, ['KeyId']),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:RotateKeyOnDemand', key);
      refuseAwsManagedKey(context, key, 'kms:RotateKeyOnDemand');
      context.requireKeyState(key);
      if (onDemandLimitReached(key)) {
        throw new KmsError(
          'LimitExceededException',
          `The on-demand rotations limit has been reached for the given keyId. No more on-demand rotations can be performed for this key: ${key.arn}`,
        );
      }
      if (automaticRotationImminent(key, context.now)) {
        // The model's description of ConflictException; AWS's own message is unrecorded.
        throw new KmsError(
          'ConflictException',
          'The request was rejected because an automatic rotation of this key is currently in progress or scheduled to begin within the next 20 minutes.',
        );
      }
      if (onDemandRotationInProgress(key)) {
        // Unrecorded in AWS: LocalStack's AWS-validated test waits for each rotation to finish before
        // starting the next, so Strongbox refuses overlapping ones the same way as an automatic one.
        throw new KmsError('ConflictException', `An on-demand rotation of ${key.arn} is already in progress.`);
      }
      return putKey(withOnDemandRotationStarted(key, context.now, context.settings.onDemandRotationDelayMs), { KeyId: key.arn });
    }),

  // ct-rotatekeyondemand logs `responseElements: { keyId }`. Its example shows the bare key id where
  // this logs the ARN the call returns: which form AWS logs is UNCONFIRMED.
  auditResponse: (output) => ({ keyId: output.KeyId }),
};
