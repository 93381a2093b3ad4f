/**
 * @module
 * The operation table: every served operation, by its wire name.
 */

import type { OperationName } from './catalog.ts';
import type { OperationDefinition } from './types.ts';
import { cancelKeyDeletion } from './cancel-key-deletion.ts';
import { createAlias } from './create-alias.ts';
import { createGrant } from './create-grant.ts';
import { createKey } from './create-key.ts';
import { decrypt } from './decrypt.ts';
import { deleteAlias } from './delete-alias.ts';
import { deleteImportedKeyMaterial } from './delete-imported-key-material.ts';
import { describeKey } from './describe-key.ts';
import { disableKey } from './disable-key.ts';
import { disableKeyRotation } from './disable-key-rotation.ts';
import { enableKey } from './enable-key.ts';
import { enableKeyRotation } from './enable-key-rotation.ts';
import { encrypt } from './encrypt.ts';
import { generateDataKey } from './generate-data-key.ts';
import { generateDataKeyWithoutPlaintext } from './generate-data-key-without-plaintext.ts';
import { generateRandom } from './generate-random.ts';
import { getKeyPolicy } from './get-key-policy.ts';
import { getKeyRotationStatus } from './get-key-rotation-status.ts';
import { getParametersForImport } from './get-parameters-for-import.ts';
import { importKeyMaterial } from './import-key-material.ts';
import { listAliases } from './list-aliases.ts';
import { listGrants } from './list-grants.ts';
import { listKeyPolicies } from './list-key-policies.ts';
import { listKeyRotations } from './list-key-rotations.ts';
import { listKeys } from './list-keys.ts';
import { listResourceTags } from './list-resource-tags.ts';
import { listRetirableGrants } from './list-retirable-grants.ts';
import { putKeyPolicy } from './put-key-policy.ts';
import { reEncrypt } from './re-encrypt.ts';
import { retireGrant } from './retire-grant.ts';
import { revokeGrant } from './revoke-grant.ts';
import { rotateKeyOnDemand } from './rotate-key-on-demand.ts';
import { scheduleKeyDeletion } from './schedule-key-deletion.ts';
import { tagResource } from './tag-resource.ts';
import { untagResource } from './untag-resource.ts';
import { updateAlias } from './update-alias.ts';
import { updateKeyDescription } from './update-key-description.ts';

/** Every operation, keyed by wire name. */
export const OPERATIONS: Readonly<Record<OperationName, OperationDefinition>> = Object.freeze({
  CancelKeyDeletion: cancelKeyDeletion,
  CreateAlias: createAlias,
  CreateGrant: createGrant,
  CreateKey: createKey,
  Decrypt: decrypt,
  DeleteAlias: deleteAlias,
  DeleteImportedKeyMaterial: deleteImportedKeyMaterial,
  DescribeKey: describeKey,
  DisableKey: disableKey,
  DisableKeyRotation: disableKeyRotation,
  EnableKey: enableKey,
  EnableKeyRotation: enableKeyRotation,
  Encrypt: encrypt,
  GenerateDataKey: generateDataKey,
  GenerateDataKeyWithoutPlaintext: generateDataKeyWithoutPlaintext,
  GenerateRandom: generateRandom,
  GetKeyPolicy: getKeyPolicy,
  GetKeyRotationStatus: getKeyRotationStatus,
  GetParametersForImport: getParametersForImport,
  ImportKeyMaterial: importKeyMaterial,
  ListAliases: listAliases,
  ListGrants: listGrants,
  ListKeyPolicies: listKeyPolicies,
  ListKeyRotations: listKeyRotations,
  ListKeys: listKeys,
  ListResourceTags: listResourceTags,
  ListRetirableGrants: listRetirableGrants,
  PutKeyPolicy: putKeyPolicy,
  ReEncrypt: reEncrypt,
  RetireGrant: retireGrant,
  RevokeGrant: revokeGrant,
  RotateKeyOnDemand: rotateKeyOnDemand,
  ScheduleKeyDeletion: scheduleKeyDeletion,
  TagResource: tagResource,
  UntagResource: untagResource,
  UpdateAlias: updateAlias,
  UpdateKeyDescription: updateKeyDescription,
});
