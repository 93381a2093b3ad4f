/**
 * @module
 * Every operation Strongbox's KMS serves: one line per operation. Adding an operation is one new
 * file (its definition) and one line here; the registry (`index.ts`) derives the rest.
 */

export { cancelKeyDeletion } from './cancel-key-deletion.ts';
export { createAlias } from './create-alias.ts';
export { createGrant } from './create-grant.ts';
export { createKey } from './create-key.ts';
export { decapsulate } from './decapsulate.ts';
export { decrypt } from './decrypt.ts';
export { deleteAlias } from './delete-alias.ts';
export { deleteImportedKeyMaterial } from './delete-imported-key-material.ts';
export { deriveSharedSecret } from './derive-shared-secret.ts';
export { describeKey } from './describe-key.ts';
export { disableKey } from './disable-key.ts';
export { disableKeyRotation } from './disable-key-rotation.ts';
export { enableKey } from './enable-key.ts';
export { enableKeyRotation } from './enable-key-rotation.ts';
export { encapsulate } from './encapsulate.ts';
export { encrypt } from './encrypt.ts';
export { generateDataKey } from './generate-data-key.ts';
export { generateDataKeyPair } from './generate-data-key-pair.ts';
export { generateDataKeyPairWithoutPlaintext } from './generate-data-key-pair-without-plaintext.ts';
export { generateDataKeyWithoutPlaintext } from './generate-data-key-without-plaintext.ts';
export { generateMac } from './generate-mac.ts';
export { generateRandom } from './generate-random.ts';
export { getKeyLastUsage } from './get-key-last-usage.ts';
export { getKeyPolicy } from './get-key-policy.ts';
export { getKeyRotationStatus } from './get-key-rotation-status.ts';
export { getParametersForImport } from './get-parameters-for-import.ts';
export { getPublicKey } from './get-public-key.ts';
export { importKeyMaterial } from './import-key-material.ts';
export { listAliases } from './list-aliases.ts';
export { listGrants } from './list-grants.ts';
export { listKeyPolicies } from './list-key-policies.ts';
export { listKeyRotations } from './list-key-rotations.ts';
export { listKeys } from './list-keys.ts';
export { listResourceTags } from './list-resource-tags.ts';
export { listRetirableGrants } from './list-retirable-grants.ts';
export { putKeyPolicy } from './put-key-policy.ts';
export { reEncrypt } from './re-encrypt.ts';
export { replicateKey } from './replicate-key.ts';
export { retireGrant } from './retire-grant.ts';
export { revokeGrant } from './revoke-grant.ts';
export { rotateKeyOnDemand } from './rotate-key-on-demand.ts';
export { scheduleKeyDeletion } from './schedule-key-deletion.ts';
export { sign } from './sign.ts';
export { tagResource } from './tag-resource.ts';
export { untagResource } from './untag-resource.ts';
export { updateAlias } from './update-alias.ts';
export { updateKeyDescription } from './update-key-description.ts';
export { updatePrimaryRegion } from './update-primary-region.ts';
export { verify } from './verify.ts';
export { verifyMac } from './verify-mac.ts';
