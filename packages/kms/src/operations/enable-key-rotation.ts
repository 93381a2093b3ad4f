/**
 * @module
 * EnableKeyRotation: turns on automatic rotation of a symmetric key's material every
 * `RotationPeriodInDays` (90..2560, default 365); the first rotation falls due one period from now.
 * Calling it again changes the period. Key id or ARN only. Keys with imported material cannot
 * rotate automatically (UnsupportedOperationException), nor can a Disabled or PendingDeletion key
 * be changed (key-state table), and AWS managed keys are not configurable.
 */

import { DEFAULT_ROTATION_PERIOD_DAYS } from '../model/keys.ts';
import { MAX_ROTATION_PERIOD_DAYS, MIN_ROTATION_PERIOD_DAYS, withAutomaticRotation } from '../model/rotation.ts';
import { integer, structure } from '../protocol/shapes.ts';
import { keyIdResponse } from './shared/audit.ts';
import { refuseAwsManagedKey } from './shared/aws-managed-access.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** EnableKeyRotation request. */
export interface EnableKeyRotationRequest {
  KeyId: string;
  /** 90..2560 days; default 365. */
  RotationPeriodInDays?: number;
}

/** EnableKeyRotation. */
export const enableKeyRotation: OperationDefinition<'EnableKeyRotation', EnableKeyRotationRequest, void> = {
  name: 'EnableKeyRotation',
  quota: { perSecond: 15 },
  readOnly: false,
  keyState: 'rotationChange',
  input: structure({ KeyId: KEY_ID, RotationPeriodInDays: integer({ min: MIN_ROTATION_PERIOD_DAYS, max: MAX_ROTATION_PERIOD_DAYS }) }, ['KeyId']),

  handler(input, context) {
    const periodInDays = input.RotationPeriodInDays ?? DEFAULT_ROTATION_PERIOD_DAYS;
    return updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      context.authorize('kms:EnableKeyRotation', key, { conditions: { 'kms:RotationPeriodInDays': periodInDays } });
      refuseAwsManagedKey(context, key, 'kms:EnableKeyRotation');
      context.requireKeyState(key);
      return putKey(withAutomaticRotation(key, context.now, periodInDays), undefined);
    });
  },
  // responseElements.keyId: the affected key's ARN (dev guide ct-enablekeyrotation, entries since December 2022).
  auditResponse: keyIdResponse,
};
