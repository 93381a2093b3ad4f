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
}

/** KeyMetadata of `key`, as DescribeKey returns it. */
export function keyMetadata(key: KeyRecord): KeyMetadata {
  const material = currentMaterial(key);
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
    ...(key.pendingWindowInDays === undefined ? {} : { PendingDeletionWindowInDays: key.pendingWindowInDays }),
    Origin: key.origin,
    KeyManager: key.keyManager,
    CustomerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    KeySpec: key.keySpec,
    EncryptionAlgorithms: ['SYMMETRIC_DEFAULT'],
    MultiRegion: false,
    ...(material === undefined ? {} : { CurrentKeyMaterialId: material.materialId }),
  };
}
