/**
 * @module
 * Which key states an operation accepts, and AWS's exception for each state it refuses (dev guide
 * "Key states of AWS KMS keys", the table converted to named rules; messages carry the full key
 * ARN whatever form the caller used). Each operation's definition names its rule (`keyState`).
 */

import { KmsError, keyDisabled, keyPendingDeletion, keyPendingImport } from '../../errors.ts';
import { isReplicaKey } from '../../model/multi-region.ts';
import type { KeyRecord } from '../../model/records.ts';

/**
 * A row group of the key-state table:
 * - `usable`: needs key material and an Enabled key (cryptographic operations, CreateGrant; rows 1 and 3);
 * - `notPendingDeletion`: refused only while the key is pending deletion;
 * - `enableDisable`: EnableKey/DisableKey, refused while pending deletion or pending import;
 * - `pendingDeletion`: CancelKeyDeletion, only while pending deletion;
 * - `rotationChange`: rotation settings and on-demand rotation (AWS_KMS origin, Enabled);
 * - `rotationRead`: rotation status and history (AWS_KMS origin, any state);
 * - `any`: every state (DescribeKey, the policy, grant-listing and alias-listing calls,
 *   RetireGrant, RevokeGrant, DeleteAlias, operations on no key).
 */
export type KeyStateRule = 'usable' | 'notPendingDeletion' | 'enableDisable' | 'pendingDeletion' | 'rotationChange' | 'rotationRead' | 'any';

/**
 * Throws AWS's exception if an operation with `rule` may not run on `key` in its current state.
 *
 * @throws KmsError DisabledException, KMSInvalidStateException or UnsupportedOperationException.
 * @example requireKeyState(key, 'usable') // throws DisabledException for a disabled key
 */
export function requireKeyState(key: KeyRecord, rule: KeyStateRule): void {
  const { arn } = key;
  // A primary key waiting for its replicas' deletion (PendingReplicaDeletion) is refused wherever a
  // key pending deletion is: the table's footnotes say "is pending deletion (or pending replica
  // deletion)" for both. AWS's own message for that state is UNCONFIRMED; Strongbox sends the
  // pending-deletion text.
  const state = key.state === 'PendingReplicaDeletion' ? 'PendingDeletion' : key.state;
  switch (rule) {
    case 'usable':
      if (state === 'Disabled') throw keyDisabled(arn);
      if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
      if (state === 'PendingImport') throw keyPendingImport(arn);
      return;
    case 'notPendingDeletion':
      if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
      return;
    case 'enableDisable':
      if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
      if (state === 'PendingImport') throw keyPendingImport(arn);
      return;
    case 'pendingDeletion':
      if (state !== 'PendingDeletion') throw new KmsError('KMSInvalidStateException', `${arn} is not pending deletion.`);
      return;
    case 'rotationChange':
    case 'rotationRead':
      // Only symmetric encryption keys rotate: on asymmetric and HMAC keys AWS answers
      // UnsupportedOperationException with an empty message (LocalStack's AWS-validated snapshot
      // test_rotate_key_on_demand_raises_error_given_non_symmetric_key).
      if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw new KmsError('UnsupportedOperationException', '');
      // Only AWS_KMS-origin symmetric keys rotate; imported material never does.
      if (key.origin === 'EXTERNAL') throw new KmsError('UnsupportedOperationException', `${arn} origin is EXTERNAL which is not valid for this operation.`);
      if (rule === 'rotationRead') return;
      // "To enable or disable automatic rotation of a set of related multi-Region keys, set the
      // property on the primary key"; on-demand rotation is invoked "on the primary Region key"
      // (EnableKeyRotation and RotateKeyOnDemand API). AWS's exception on a replica is
      // UNCONFIRMED: Strongbox answers UnsupportedOperationException naming the primary.
      if (isReplicaKey(key)) {
        throw new KmsError(
          'UnsupportedOperationException',
          `${arn} is a multi-Region replica key; change its rotation on its primary key in ${key.multiRegion!.primaryRegion}.`,
        );
      }
      if (state === 'Disabled') throw keyDisabled(arn);
      if (state === 'PendingDeletion') throw keyPendingDeletion(arn);
      return;
    case 'any':
      return;
  }
}
