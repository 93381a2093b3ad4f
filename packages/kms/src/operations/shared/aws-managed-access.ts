/**
 * @module
 * What every rotation operation checks besides the key state: AWS managed keys' rotation cannot be
 * configured ("You cannot enable or disable automatic rotation of AWS managed KMS keys",
 * EnableKeyRotation doc; nor rotate them on demand, RotateKeyOnDemand doc). Their key policy lets
 * the account only `kms:Describe*`, `kms:Get*` and `kms:List*` (the aws/s3 policy, research memo
 * §7.2), so the refusal surfaces as the key policy's AccessDenied while GetKeyRotationStatus and
 * ListKeyRotations work. The policy evaluation normally refuses first; this check keeps the rule
 * whatever policy the stored key carries.
 */

import { KmsError } from '../../errors.ts';
import type { KeyRecord } from '../../model/records.ts';
import { accessDeniedMessage } from '../../policy/authorize.ts';
import type { KmsAction, OperationContext } from '../types.ts';

/**
 * Refuses changing the rotation of an AWS managed key.
 * @throws KmsError AccessDeniedException for a key with KeyManager AWS.
 */
export function refuseAwsManagedKey(context: OperationContext, key: KeyRecord, action: KmsAction): void {
  if (key.keyManager !== 'AWS') return;
  const request = { caller: context.caller, action, key, region: context.region, grants: [], details: {} };
  throw new KmsError('AccessDeniedException', accessDeniedMessage(request, { allowed: false, reason: 'noResourcePolicy' }));
}
