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
import { decapsulate } from './decapsulate.ts';
import { deriveSharedSecret } from './derive-shared-secret.ts';
import { encapsulate } from './encapsulate.ts';
import { generateDataKeyPair } from './generate-data-key-pair.ts';
import { generateDataKeyPairWithoutPlaintext } from './generate-data-key-pair-without-plaintext.ts';
import { generateMac } from './generate-mac.ts';
import { getPublicKey } from './get-public-key.ts';
import { getKeyLastUsage } from './get-key-last-usage.ts';
import { sign } from './sign.ts';
import { verify } from './verify.ts';
import { verifyMac } from './verify-mac.ts';

/** The operation table's type: each entry keeps its own request and response types. */
export interface OperationTable {
  readonly CancelKeyDeletion: typeof cancelKeyDeletion;
  readonly CreateAlias: typeof createAlias;
  readonly CreateGrant: typeof createGrant;
  readonly CreateKey: typeof createKey;
  readonly Decrypt: typeof decrypt;
  readonly DeleteAlias: typeof deleteAlias;
  readonly DeleteImportedKeyMaterial: typeof deleteImportedKeyMaterial;
  readonly DescribeKey: typeof describeKey;
  readonly DisableKey: typeof disableKey;
  readonly DisableKeyRotation: typeof disableKeyRotation;
  readonly EnableKey: typeof enableKey;
  readonly EnableKeyRotation: typeof enableKeyRotation;
  readonly Encrypt: typeof encrypt;
  readonly GenerateDataKey: typeof generateDataKey;
  readonly GenerateDataKeyWithoutPlaintext: typeof generateDataKeyWithoutPlaintext;
  readonly GenerateRandom: typeof generateRandom;
  readonly GetKeyPolicy: typeof getKeyPolicy;
  readonly GetKeyRotationStatus: typeof getKeyRotationStatus;
  readonly GetParametersForImport: typeof getParametersForImport;
  readonly ImportKeyMaterial: typeof importKeyMaterial;
  readonly ListAliases: typeof listAliases;
  readonly ListGrants: typeof listGrants;
  readonly ListKeyPolicies: typeof listKeyPolicies;
  readonly ListKeyRotations: typeof listKeyRotations;
  readonly ListKeys: typeof listKeys;
  readonly ListResourceTags: typeof listResourceTags;
  readonly ListRetirableGrants: typeof listRetirableGrants;
  readonly PutKeyPolicy: typeof putKeyPolicy;
  readonly ReEncrypt: typeof reEncrypt;
  readonly RetireGrant: typeof retireGrant;
  readonly RevokeGrant: typeof revokeGrant;
  readonly RotateKeyOnDemand: typeof rotateKeyOnDemand;
  readonly ScheduleKeyDeletion: typeof scheduleKeyDeletion;
  readonly TagResource: typeof tagResource;
  readonly UntagResource: typeof untagResource;
  readonly UpdateAlias: typeof updateAlias;
  readonly UpdateKeyDescription: typeof updateKeyDescription;
  readonly Decapsulate: typeof decapsulate;
  readonly DeriveSharedSecret: typeof deriveSharedSecret;
  readonly Encapsulate: typeof encapsulate;
  readonly GenerateDataKeyPair: typeof generateDataKeyPair;
  readonly GenerateDataKeyPairWithoutPlaintext: typeof generateDataKeyPairWithoutPlaintext;
  readonly GenerateMac: typeof generateMac;
  readonly GetPublicKey: typeof getPublicKey;
  readonly GetKeyLastUsage: typeof getKeyLastUsage;
  readonly Sign: typeof sign;
  readonly Verify: typeof verify;
  readonly VerifyMac: typeof verifyMac;
}

// Compile-time check: the table covers exactly the catalog's operations, each a definition.
const _complete: Record<OperationName, OperationDefinition> = {} as OperationTable;
void _complete;

/** Every operation, keyed by wire name. */
export const OPERATIONS: OperationTable = Object.freeze({
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
  Decapsulate: decapsulate,
  DeriveSharedSecret: deriveSharedSecret,
  Encapsulate: encapsulate,
  GenerateDataKeyPair: generateDataKeyPair,
  GenerateDataKeyPairWithoutPlaintext: generateDataKeyPairWithoutPlaintext,
  GenerateMac: generateMac,
  GetPublicKey: getPublicKey,
  GetKeyLastUsage: getKeyLastUsage,
  Sign: sign,
  Verify: verify,
  VerifyMac: verifyMac,
});
