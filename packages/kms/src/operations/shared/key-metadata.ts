/**
 * @module
 * The `KeyMetadata` structure (DescribeKey, CreateKey and others), built from a key record.
 */

import { currentMaterial } from '../../model/keys.ts';
import type { KeyRecord } from '../../model/records.ts';

/** AWS's KeyMetadata for a symmetric encryption key. */
export interface KeyMetadata {
  AWSAccountId: string;
  KeyId: string;
  Arn: string;
  CreationDate: Date;
  Enabled: boolean;
  Description: string;
  KeyUsage: 'ENCRYPT_DECRYPT';
  KeyState: string;
  DeletionDate?: Date;
  PendingDeletionWindowInDays?: number;
  Origin: string;
  KeyManager: string;
  CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT';
  KeySpec: 'SYMMETRIC_DEFAULT';
  EncryptionAlgorithms: string[];
  MultiRegion: boolean;
  CurrentKeyMaterialId?: string;
  /** EXTERNAL keys with imported material: KEY_MATERIAL_EXPIRES or KEY_MATERIAL_DOES_NOT_EXPIRE. */
  ExpirationModel?: string;
  /** EXTERNAL keys whose material expires: when. */
  ValidTo?: Date;
}

/** KeyMetadata of `key`, as DescribeKey returns it. */
export function keyMetadata(key: KeyRecord): KeyMetadata {
  const currentMaterialId = currentMaterial(key)?.materialId ?? key.imported?.materialId;
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
    // No PendingDeletionWindowInDays: "This value is present only when the KeyState of the KMS key is
    // PendingReplicaDeletion" (KeyMetadata doc), a multi-Region state Strongbox does not model.
    Origin: key.origin,
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: key.keySpec,
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
    // After DeleteImportedKeyMaterial AWS still shows the id of the deleted material, but no
    // ExpirationModel (LocalStack's AWS-validated test_import_key_symmetric, 2025-11-10).
    ...(currentMaterialId === undefined ? {} : { CurrentKeyMaterialId: currentMaterialId }),
    ...(key.imported?.expirationModel === undefined ? {} : { ExpirationModel: key.imported.expirationModel }),
    ...(key.imported?.validTo === undefined ? {} : { ValidTo: new Date(key.imported.validTo) }),
  };
}
