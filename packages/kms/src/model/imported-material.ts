/**
 * @module
 * Imported key material of EXTERNAL keys, as pure functions of a key record (AWS KMS developer
 * guide, "Importing key material"; ImportKeyMaterial and DeleteImportedKeyMaterial API docs):
 *
 * - the material gets a `KeyMaterialId` derived from the key id and the material ("KMS assigns a
 *   unique identifier to the key material based on the KMS key ID and the imported key material"),
 *   so a re-import is recognised as the same material by its id alone;
 * - importing makes a PendingImport key usable; deleting the material, or its `ValidTo` passing,
 *   makes it PendingImport again, and only the same material can be imported back;
 * - the id and description are remembered after deletion (DescribeKey keeps showing
 *   `CurrentKeyMaterialId`; LocalStack's AWS-validated `test_import_key_symmetric`, 2025-11-10).
 *
 * Imported material is stored as backing key version 1: EXTERNAL keys do not rotate in Strongbox,
 * so a blob made before deletion names the same version after re-import and decrypts again.
 */

import type { Backend } from '@strongbox/envelope';
import { hex } from '@strongbox/service-kernel';
import type { ExpirationModel, KeyMaterial, KeyRecord } from './records.ts';

/** Domain separation for the material id (HMAC-SHA-256 keyed by the material, over this and the key id). */
const MATERIAL_ID_LABEL = 'strongbox/kms/imported-key-material-id/v1:';

/** The version imported material takes among the key's backing keys. */
export const IMPORTED_MATERIAL_VERSION = 1;

/** What one ImportKeyMaterial call sets. */
export interface MaterialImport {
  readonly material: Uint8Array;
  readonly materialId: string;
  readonly expirationModel: ExpirationModel;
  /** Epoch ms; required for KEY_MATERIAL_EXPIRES. */
  readonly validTo?: number;
  readonly description?: string;
  readonly now: number;
}

/**
 * The `KeyMaterialId` of `material` imported into key `keyId`: 64 hex digits, the same for the
 * same bytes and key, unrelated across keys, and revealing nothing about the material (an HMAC
 * keyed by it).
 */
export function importedMaterialId(backend: Pick<Backend, 'hmacSha256'>, keyId: string, material: Uint8Array): string {
  return hex(backend.hmacSha256(material, new TextEncoder().encode(MATERIAL_ID_LABEL + keyId)));
}

/**
 * `key` with `imported` as its material: a PendingImport key becomes Enabled; a key that already
 * has this material keeps its state and backing key and takes the new expiration.
 */
export function withImportedMaterial(key: KeyRecord, imported: MaterialImport): KeyRecord {
  const materials: readonly KeyMaterial[] =
    key.materials.length > 0
      ? key.materials
      : [{ version: IMPORTED_MATERIAL_VERSION, material: imported.material, materialId: imported.materialId, createdAt: imported.now }];
  const description = imported.description ?? key.imported?.description;
  return {
    ...key,
    state: key.state === 'PendingImport' ? 'Enabled' : key.state,
    materials,
    imported: {
      materialId: imported.materialId,
      expirationModel: imported.expirationModel,
      ...(imported.validTo === undefined ? {} : { validTo: imported.validTo }),
      ...(description === undefined ? {} : { description }),
    },
  };
}

/**
 * `key` without its material: PendingImport (unless pending deletion, which takes precedence), the
 * expiration gone, the material id and description remembered.
 */
export function withoutImportedMaterial(key: KeyRecord): KeyRecord {
  const { expirationModel: _model, validTo: _validTo, ...remembered } = key.imported ?? { materialId: key.materials.at(-1)?.materialId ?? '' };
  return {
    ...key,
    state: key.state === 'PendingDeletion' ? 'PendingDeletion' : 'PendingImport',
    materials: [],
    ...(remembered.materialId === '' ? {} : { imported: remembered }),
  };
}

/** When the key's imported material expires, or `Infinity`. */
export function materialExpiryTime(key: KeyRecord): number {
  const imported = key.imported;
  if (imported?.expirationModel !== 'KEY_MATERIAL_EXPIRES' || imported.validTo === undefined || key.materials.length === 0) return Infinity;
  return imported.validTo;
}

/** The key after its material expired at `now` ("KMS deletes the key material", ImportKeyMaterial doc), or `key` itself. */
export function applyMaterialExpiry(key: KeyRecord, now: number): KeyRecord {
  return materialExpiryTime(key) <= now ? withoutImportedMaterial(key) : key;
}
