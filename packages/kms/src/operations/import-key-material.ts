/**
 * @module
 * ImportKeyMaterial: unwraps 256-bit key material with the import parameters the token names and
 * makes it the EXTERNAL key's material; a PendingImport key becomes Enabled. Key id or ARN only.
 *
 * - `ExpirationModel` defaults to KEY_MATERIAL_EXPIRES, which needs a future `ValidTo` at most 365
 *   days ahead ("A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES": AWS's
 *   text, LocalStack's AWS-validated `test_import_key_symmetric`); KEY_MATERIAL_DOES_NOT_EXPIRE must
 *   come without `ValidTo`.
 * - The token must be one GetParametersForImport issued for this key (InvalidImportTokenException)
 *   and not expired (ExpiredImportTokenException); material not wrapped with its public key and
 *   algorithm is InvalidCiphertextException.
 * - `ImportType` (newer model): NEW_KEY_MATERIAL by default for a key that never had material,
 *   EXISTING_KEY_MATERIAL afterwards. Re-imports must bring the same material
 *   (IncorrectKeyMaterialException otherwise), so ciphertexts made before a deletion or expiry
 *   decrypt again. Known difference: new material for an on-demand rotation of an imported key
 *   (NEW_KEY_MATERIAL into a key that already has material) is not modelled; it is refused with
 *   UnsupportedOperationException.
 *
 * The texts of the token and material exceptions are the model's descriptions of them: AWS's own
 * messages are not recorded anywhere.
 */

import { invalidCiphertext, KmsError } from '../errors.ts';
import { importedMaterialId, withImportedMaterial } from '../model/imported-material.ts';
import { MATERIAL_LENGTH } from '../model/keys.ts';
import type { ExpirationModel, KeyRecord } from '../model/records.ts';
import { DAY_MS } from '../model/rotation.ts';
import { blob, enumOf, string, structure, timestamp } from '../protocol/shapes.ts';
import { requireExternalOrigin } from './shared/import-origin.ts';
import { putKey, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import { findImportParameters, unwrapKeyMaterial } from './shared/wrapping-keys.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** ImportKeyMaterial request. */
export interface ImportKeyMaterialRequest {
  KeyId: string;
  ImportToken: Uint8Array;
  EncryptedKeyMaterial: Uint8Array;
  /** Required with KEY_MATERIAL_EXPIRES (the default); at most 365 days ahead. */
  ValidTo?: Date;
  ExpirationModel?: ExpirationModel;
  ImportType?: 'NEW_KEY_MATERIAL' | 'EXISTING_KEY_MATERIAL';
  KeyMaterialDescription?: string;
  KeyMaterialId?: string;
}

/** ImportKeyMaterial response. */
export interface ImportKeyMaterialResponse {
  /** The key ARN. */
  KeyId: string;
  /** Derived from the key id and the material: the same bytes always get the same id. */
  KeyMaterialId: string;
}

/** Longest `ValidTo` ("The maximum value is 365 days from the request date"). */
const MAX_VALIDITY_MS = 365 * DAY_MS;

const INVALID_TOKEN = 'The request was rejected because the provided import token is invalid or is associated with a different KMS key.';
const EXPIRED_TOKEN =
  'The request was rejected because the specified import token is expired. Use GetParametersForImport to get a new import token and public key, use the new public key to encrypt the key material, and then try the request again.';
const INCORRECT_MATERIAL =
  'The request was rejected because the key material in the request is, expired, invalid, or does not meet expectations. For example, it is not the same key material that was previously imported or KMS expected new key material but the key material being imported is already associated with the KMS key.';

/** ImportKeyMaterial. */
export const importKeyMaterial: OperationDefinition<'ImportKeyMaterial', ImportKeyMaterialRequest, ImportKeyMaterialResponse> = {
  name: 'ImportKeyMaterial',
  quota: { perSecond: 15 },
  readOnly: false,
  keyState: 'notPendingDeletion',
  input: structure(
    {
      KeyId: KEY_ID,
      ImportToken: blob({ min: 1, max: 6144 }),
      EncryptedKeyMaterial: blob({ min: 1, max: 6144 }),
      ValidTo: timestamp(),
      ExpirationModel: enumOf(['KEY_MATERIAL_EXPIRES', 'KEY_MATERIAL_DOES_NOT_EXPIRE']),
      ImportType: enumOf(['NEW_KEY_MATERIAL', 'EXISTING_KEY_MATERIAL']),
      KeyMaterialDescription: string({ min: 0, max: 256, pattern: '^[a-zA-Z0-9:/_\\s.-]+$' }),
      KeyMaterialId: string({ min: 64, max: 64, pattern: '^[a-f0-9]+$' }),
    },
    ['KeyId', 'ImportToken', 'EncryptedKeyMaterial'],
  ),

  handler: (input, context) =>
    updateKey(context, input.KeyId, (key) => {
      context.touch(key);
      const expirationModel = input.ExpirationModel ?? 'KEY_MATERIAL_EXPIRES';
      context.authorize('kms:ImportKeyMaterial', key, {
        conditions: { 'kms:ExpirationModel': expirationModel, ...(input.ValidTo ? { 'kms:ValidTo': Math.floor(input.ValidTo.getTime() / 1000) } : {}) },
      });
      requireExternalOrigin(key);
      context.requireKeyState(key);
      const validTo = checkExpiration(expirationModel, input.ValidTo, context.now);
      const material = unwrap(context, key, input.ImportToken, input.EncryptedKeyMaterial);
      // Once the key record holds the material it belongs to the state; until then (a refused
      // import, or a re-import of material the key already has) it is wiped on the way out.
      let stored = false;
      try {
        const materialId = importedMaterialId(context.backend, key.keyId, material);
        checkImportType(key, input, materialId);
        const updated = withImportedMaterial(key, {
          material,
          materialId,
          expirationModel,
          ...(validTo === undefined ? {} : { validTo }),
          ...(input.KeyMaterialDescription === undefined ? {} : { description: input.KeyMaterialDescription }),
          now: context.now,
        });
        stored = updated.materials.some((version) => version.material === material);
        return putKey(updated, { KeyId: key.arn, KeyMaterialId: materialId });
      } finally {
        if (!stored) material.fill(0);
      }
    }),

  // responseElements: `{ keyId, keyMaterialId }` (dev guide ct-importkeymaterial, 2025).
  auditResponse: (output) => ({ keyId: output.KeyId, keyMaterialId: output.KeyMaterialId }),
};

/**
 * The material's expiry time, checked against the expiration model.
 * @throws KmsError ValidationException for a missing, superfluous, past or too distant `ValidTo`.
 */
function checkExpiration(model: ExpirationModel, validTo: Date | undefined, now: number): number | undefined {
  if (model === 'KEY_MATERIAL_DOES_NOT_EXPIRE') {
    // Unrecorded text; mirrors AWS's recorded one for the opposite case.
    if (validTo !== undefined)
      throw new KmsError('ValidationException', 'A validTo date must not be set if the ExpirationModel is KEY_MATERIAL_DOES_NOT_EXPIRE');
    return undefined;
  }
  if (validTo === undefined) throw new KmsError('ValidationException', 'A validTo date must be set if the ExpirationModel is KEY_MATERIAL_EXPIRES');
  const at = validTo.getTime();
  // Unrecorded texts: "The value of this parameter must be a future date and time. The maximum
  // value is 365 days from the request date." (ImportKeyMaterial doc).
  if (at <= now) throw new KmsError('ValidationException', 'The validTo date must be in the future.');
  if (at > now + MAX_VALIDITY_MS) throw new KmsError('ValidationException', 'The validTo date must be at most 365 days from the request date.');
  return at;
}

/**
 * The 32-byte material the token's parameters unwrap.
 * @throws KmsError InvalidImportTokenException, ExpiredImportTokenException, InvalidCiphertextException
 *   or IncorrectKeyMaterialException (not 256 bits).
 */
function unwrap(context: OperationContext, key: KeyRecord, importToken: Uint8Array, wrapped: Uint8Array): Uint8Array {
  const parameters = findImportParameters(context.state, key.keyId, importToken, context.now);
  if (parameters === undefined) throw new KmsError('InvalidImportTokenException', INVALID_TOKEN);
  if (context.now > parameters.validTo) throw new KmsError('ExpiredImportTokenException', EXPIRED_TOKEN);
  const material = unwrapKeyMaterial(parameters, wrapped);
  if (material === undefined) throw invalidCiphertext();
  if (material.length !== MATERIAL_LENGTH) {
    // A symmetric encryption key's material is a 256-bit AES key.
    material.fill(0);
    throw new KmsError('IncorrectKeyMaterialException', INCORRECT_MATERIAL);
  }
  return material;
}

/**
 * Applies the `ImportType` and `KeyMaterialId` rules.
 * @throws KmsError ValidationException (KeyMaterialId with NEW_KEY_MATERIAL),
 *   IncorrectKeyMaterialException (not the expected material), UnsupportedOperationException (new
 *   material for a rotation).
 */
function checkImportType(key: KeyRecord, input: ImportKeyMaterialRequest, materialId: string): void {
  const known = key.imported?.materialId;
  const importType = input.ImportType ?? (known === undefined ? 'NEW_KEY_MATERIAL' : 'EXISTING_KEY_MATERIAL');
  if (input.KeyMaterialId !== undefined) {
    // "You cannot specify a key material ID with ImportType set to NEW_KEY_MATERIAL" (unrecorded text).
    if (importType === 'NEW_KEY_MATERIAL')
      throw new KmsError('ValidationException', 'A KeyMaterialId cannot be specified when the ImportType is NEW_KEY_MATERIAL');
    if (input.KeyMaterialId !== materialId) throw new KmsError('IncorrectKeyMaterialException', INCORRECT_MATERIAL);
  }
  if (importType === 'EXISTING_KEY_MATERIAL') {
    if (known !== materialId) throw new KmsError('IncorrectKeyMaterialException', INCORRECT_MATERIAL);
    return;
  }
  if (known === undefined) return;
  // NEW_KEY_MATERIAL into a key that already has (or had) material.
  if (known === materialId) throw new KmsError('IncorrectKeyMaterialException', INCORRECT_MATERIAL);
  throw new KmsError(
    'UnsupportedOperationException',
    'Strongbox does not model on-demand rotation of imported key material: only the key material previously imported into this KMS key can be imported again.',
  );
}
