/**
 * @module
 * What AWS managed keys refuse whatever the policy stored with them says: changing their rotation
 * ("You cannot enable or disable automatic rotation of AWS managed KMS keys", EnableKeyRotation
 * doc; nor rotate them on demand, RotateKeyOnDemand doc) and replacing their key policy. Their key
 * policy lets the account only `kms:Describe*`, `kms:Get*` and `kms:List*` (the aws/s3 policy,
 * research memo §7.2), so the refusal surfaces as the key policy's AccessDenied while
 * GetKeyRotationStatus, ListKeyRotations and GetKeyPolicy work. The policy evaluation normally
 * refuses first; this check keeps the rule whatever policy the stored key carries.
 */

import { KmsError } from '../../errors.ts';
import type { KeyRecord } from '../../model/records.ts';
import { accessDeniedMessage } from '../../policy/authorize.ts';
import type { KmsAction, OperationContext } from '../types.ts';

/**
 * Refuses `action` on an AWS managed key as its key policy would.
 * @throws KmsError AccessDeniedException ("... because no resource-based policy allows the <action>
 *   action") for a key with KeyManager AWS.
 */
export function refuseAwsManagedKey(context: OperationContext, key: KeyRecord, action: KmsAction): void {
  if (key.keyManager !== 'AWS') return;
  const request = { caller: context.caller, action, key, details: {} };
  throw new KmsError('AccessDeniedException', accessDeniedMessage(request, { allowed: false, reason: 'noResourcePolicy' }));
}
