/**
 * @module
 * GetKeyRotationStatus: whether automatic rotation is on, its period and next date, and the start
 * of an on-demand rotation still in progress. AWS managed keys always report rotation on, yearly;
 * a key pending deletion reports it off (its setting returns if the deletion is cancelled).
 * Works in every key state; keys with imported material answer UnsupportedOperationException.
 */

import { rotationStatus } from '../model/rotation.ts';
import { structure } from '../protocol/shapes.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GetKeyRotationStatus request. */
export interface GetKeyRotationStatusRequest {
  KeyId: string;
}

/** GetKeyRotationStatus response. */
export interface GetKeyRotationStatusResponse {
  KeyRotationEnabled: boolean;
  /** The key ARN. */
  KeyId: string;
  /** Present while automatic rotation is on. */
  RotationPeriodInDays?: number;
  /** Present while automatic rotation is on. */
  NextRotationDate?: Date;
  /** Present while an on-demand rotation is in progress. */
  OnDemandRotationStartDate?: Date;
}

/** GetKeyRotationStatus. */
export const getKeyRotationStatus: OperationDefinition<'GetKeyRotationStatus', GetKeyRotationStatusRequest, GetKeyRotationStatusResponse> = {
  name: 'GetKeyRotationStatus',
  quota: { perSecond: 1000 },
  readOnly: true,
  keyState: 'rotationRead',
  input: structure({ KeyId: KEY_ID }, ['KeyId']),

  async handler(input, context) {
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:GetKeyRotationStatus', key);
    context.requireKeyState(key);
    const status = rotationStatus(key);
    return {
      KeyRotationEnabled: status.enabled,
      KeyId: key.arn,
      ...(status.periodInDays === undefined ? {} : { RotationPeriodInDays: status.periodInDays }),
      ...(status.nextRotationDate === undefined ? {} : { NextRotationDate: new Date(status.nextRotationDate) }),
      ...(status.onDemandStartDate === undefined ? {} : { OnDemandRotationStartDate: new Date(status.onDemandStartDate) }),
    };
  },
};
