/**
 * @module
 * The `KeyMetadata` structure (DescribeKey, CreateKey and others), built from a key record.
 */

import { keyArn } from '../../model/identifiers.ts';
import { usageAlgorithms } from '../../model/key-types/spec-table.ts';
import { currentMaterial } from '../../model/keys.ts';
import type { KeyRecord } from '../../model/records.ts';

/** A multi-Region key's member, as KeyMetadata lists it. */
export interface MultiRegionKey {
  Arn: string;
  Region: string;
}

/** AWS's KeyMetadata. */
export interface KeyMetadata {
  AWSAccountId: string;
  KeyId: string;
  Arn: string;
  CreationDate: Date;
  Enabled: boolean;
  Description: string;
  KeyUsage: string;
  KeyState: string;
  DeletionDate?: Date;
  PendingDeletionWindowInDays?: number;
  Origin: string;
  KeyManager: string;
  CustomerMasterKeySpec: string;
  KeySpec: string;
  EncryptionAlgorithms?: string[];
  SigningAlgorithms?: string[];
  MacAlgorithms?: string[];
  KeyAgreementAlgorithms?: string[];
  EncapsulationAlgorithms?: string[];
  MultiRegion: boolean;
  MultiRegionConfiguration?: { MultiRegionKeyType: 'PRIMARY' | 'REPLICA'; PrimaryKey: MultiRegionKey; ReplicaKeys: MultiRegionKey[] };
  CurrentKeyMaterialId?: string;
  /** EXTERNAL keys with imported material: KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE. */
  ExpirationModel?: string;
  /** EXTERNAL keys whose material expires: when. */
  ValidTo?: Date;
}

/** KeyMetadata of `key`, as DescribeKey returns it. */
export function keyMetadata(key: KeyRecord): KeyMetadata {
  // CurrentKeyMaterialId "is present for symmetric encryption keys" only (KeyMetadata doc; absent
  // from the asymmetric and HMAC keys of LocalStack's AWS-validated snapshots).
  const currentMaterialId = key.keySpec === 'SYMMETRIC_DEFAULT' ? (currentMaterial(key)?.materialId ?? key.imported?.materialId) : undefined;
  const algorithms = usageAlgorithms(key.keySpec, key.keyUsage) ?? {};
  return {
    AWSAccountId: key.account,
    KeyId: key.keyId,
    Arn: key.arn,
    CreationDate: new Date(key.creationDate),
    Enabled: key.state === 'Enabled',
    Description: key.description,
    KeyUsage: key.keyUsage,
    KeyState: key.state,
    ...(key.deletionDate === undefined ? {} : { DeletionDate: new Date(key.deletionDate) }),
    // PendingDeletionWindowInDays: "This value is present only when the KeyState of the KMS key is
    // PendingReplicaDeletion" (KeyMetadata doc); its DeletionDate is not known yet.
    ...(key.state === 'PendingReplicaDeletion' && key.pendingWindowInDays !== undefined ? { PendingDeletionWindowInDays: key.pendingWindowInDays } : {}),
    Origin: key.origin,
    KeyManager: key.keyManager,
    // CustomerMasterKeySpec (deprecated) "and KeySpec ... have the same value".
    CustomerMasterKeySpec: key.keySpec,
    KeySpec: key.keySpec,
    // Each algorithm list appears only for its key usage (KeyMetadata doc), in KMS's order.
    ...(algorithms.encryption ? { EncryptionAlgorithms: [...algorithms.encryption] } : {}),
    ...(algorithms.signing ? { SigningAlgorithms: [...algorithms.signing] } : {}),
    ...(algorithms.mac ? { MacAlgorithms: [...algorithms.mac] } : {}),
    ...(algorithms.keyAgreement ? { KeyAgreementAlgorithms: [...algorithms.keyAgreement] } : {}),
    ...(algorithms.encapsulation ? { EncapsulationAlgorithms: [...algorithms.encapsulation] } : {}),
    MultiRegion: key.multiRegion !== undefined,
    ...(key.multiRegion === undefined ? {} : { MultiRegionConfiguration: multiRegionConfiguration(key) }),
    // After DeleteImportedKeyMaterial AWS still shows the id of the deleted material, but no
    // ExpirationModel (LocalStack's AWS-validated test_import_key_symmetric, 2025-11-10).
    ...(currentMaterialId === undefined ? {} : { CurrentKeyMaterialId: currentMaterialId }),
    ...(key.imported?.expirationModel === undefined ? {} : { ExpirationModel: key.imported.expirationModel }),
    ...(key.imported?.validTo === undefined ? {} : { ValidTo: new Date(key.imported.validTo) }),
  };
}

/**
 * MultiRegionConfiguration: the primary and every replica, each as ARN and Region ("ReplicaKeys
 * displays the key ARNs and Regions of all replica keys"; a new primary lists `ReplicaKeys: []`,
 * LocalStack's AWS-validated test_create_multi_region_key).
 */
function multiRegionConfiguration(key: KeyRecord): NonNullable<KeyMetadata['MultiRegionConfiguration']> {
  const config = key.multiRegion;
  if (config === undefined) throw new RangeError('not a multi-Region key');
  const member = (region: string): MultiRegionKey => ({ Arn: keyArn(region, key.account, key.keyId), Region: region });
  return {
    MultiRegionKeyType: config.primaryRegion === key.region ? 'PRIMARY' : 'REPLICA',
    PrimaryKey: member(config.primaryRegion),
    ReplicaKeys: config.replicaRegions.map(member),
  };
}
