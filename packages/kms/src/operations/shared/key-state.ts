/**
 * @module
 * Which key states each operation accepts, and AWS's exception for each state it refuses
 * (dev guide "Key states of AWS KMS keys", the table converted to code; messages carry the full
 * key ARN whatever form the caller used).
 */

import { KmsError, keyDisabled, keyPendingDeletion, keyPendingImport } from '../../errors.ts';
import type { KeyRecord } from '../../model/records.ts';
import type { OperationName } from '../catalog.ts';

/** Operations that need key material and an Enabled key (table rows 1 and 3). */
const CRYPTOGRAPHIC_OR_GRANT: ReadonlySet<OperationName> = new Set<OperationName>([
  'Encrypt',
  'Decrypt',
  'ReEncrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'CreateGrant',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  // Row 2 of the table: GenerateMac, VerifyMac, Sign, Verify, GetPublicKey (and the newer key
  // agreement and encapsulation operations, which need the private key the same way).
  'Sign',
  'Verify',
  'GetPublicKey',
  'GenerateMac',
  'VerifyMac',
  'DeriveSharedSecret',
  'Encapsulate',
  'Decapsulate',
]);

/** Operations refused only while the key is pending deletion. */
const NOT_PENDING_DELETION: ReadonlySet<OperationName> = new Set<OperationName>([
  'CreateAlias',
  'UpdateAlias',
  'ScheduleKeyDeletion',
  'TagResource',
  'UntagResource',
  'UpdateKeyDescription',
  'GetParametersForImport',
  'ImportKeyMaterial',
  'DeleteImportedKeyMaterial',
]);

/**
 * Throws AWS's exception if `operation` may not run on `key` in its current state.
 * Operations absent from the table (DescribeKey, the policy, grant-listing and alias-listing
 * calls, RetireGrant, RevokeGrant, DeleteAlias) work in every state.
 *
 * @throws KmsError DisabledException, KMSInvalidStateException or UnsupportedOperationException.
 */
export function requireKeyState(key: KeyRecord, operation: OperationName): void {
  const { state, arn } = key;
  if (CRYPTOGRAPHIC_OR_GRANT.has(operation)) {
    if (state === 'Disabled') throw keyDisabled(arn);
    if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
    if (state === 'PendingImport') throw keyPendingImport(arn);
    return;
  }
  if (NOT_PENDING_DELETION.has(operation)) {
    if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
    return;
  }
  switch (operation) {
    case 'EnableKey':
    case 'DisableKey':
      if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
      if (state === 'PendingImport') throw keyPendingImport(arn);
      return;
    case 'CancelKeyDeletion':
      if (state !== 'PendingDeletion') throw new KmsError('KMSInvalidStateException', `${arn} is not pending deletion.`);
      return;
    case 'EnableKeyRotation':
    case 'DisableKeyRotation':
    case 'GetKeyRotationStatus':
    case 'RotateKeyOnDemand':
    case 'ListKeyRotations':
      // Only symmetric encryption keys rotate: on asymmetric and HMAC keys AWS answers
      // UnsupportedOperationException with an empty message (LocalStack's AWS-validated snapshot
      // test_rotate_key_on_demand_raises_error_given_non_symmetric_key).
      if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw new KmsError('UnsupportedOperationException', '');
      // Only AWS_KMS-origin symmetric keys rotate; imported material never does.
      if (key.origin === 'EXTERNAL') throw new KmsError('UnsupportedOperationException', `${arn} origin is EXTERNAL which is not valid for this operation.`);
      if (operation === 'GetKeyRotationStatus' || operation === 'ListKeyRotations') return;
      if (state === 'Disabled') throw keyDisabled(arn);
      if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
      return;
    default:
      return;
  }
}
