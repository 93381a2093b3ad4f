/**
 * @module
 * DeleteImportedKeyMaterial: deletes an EXTERNAL key's imported material at once; the key becomes
 * PendingImport and unusable (its old ciphertexts fail with "is pending import.") until the same
 * material is imported again. Key id or ARN only; refused for other origins and while pending
 * deletion. The newer model's optional `KeyMaterialId` must name the key's material, and the
 * response names the key (ARN) and the deleted material.
 */

import { KmsError } from '../errors.ts';
import { withoutImportedMaterial } from '../model/imported-material.ts';
import { string, structure } from '../protocol/shapes.ts';
import { requireExternalOrigin } from './shared/import-origin.ts';
import { putKey, unchanged, updateKey } from './shared/key-update.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteImportedKeyMaterial request. */
export interface DeleteImportedKeyMaterialRequest {
  KeyId: string;
  /** Default: the current material. */
  KeyMaterialId?: string;
}

/** DeleteImportedKeyMaterial response. */
export interface DeleteImportedKeyMaterialResponse {
  /** The key ARN. */
  KeyId: string;
  /** The deleted material's id (absent if nothing was ever imported). */
  KeyMaterialId?: string;
}

/** DeleteImportedKeyMaterial. */
export const deleteImportedKeyMaterial: OperationDefinition<'DeleteImportedKeyMaterial', DeleteImportedKeyMaterialRequest, DeleteImportedKeyMaterialResponse> =
  {
    name: 'DeleteImportedKeyMaterial',
    quota: { perSecond: 15 },
    readOnly: false,
    keyState: 'notPendingDeletion',
    input: structure({ KeyId: KEY_ID, KeyMaterialId: string({ min: 64, max: 64, pattern: '^[a-f0-9]+$' }) }, ['KeyId']),

    handler: (input, context) =>
      updateKey(context, input.KeyId, (key) => {
        context.touch(key);
        context.authorize('kms:DeleteImportedKeyMaterial', key);
        requireExternalOrigin(key);
        context.requireKeyState(key);
        const materialId = key.imported?.materialId;
        if (input.KeyMaterialId !== undefined && input.KeyMaterialId !== materialId) {
          // Unrecorded in AWS: Strongbox keys hold one imported material, so any other id is unknown.
          throw new KmsError('NotFoundException', `Key material ${input.KeyMaterialId} does not exist for key ${key.arn}.`);
        }
        // Deleting again is harmless: the key is PendingImport either way.
        const output = { KeyId: key.arn, ...(materialId === undefined ? {} : { KeyMaterialId: materialId }) };
        return key.materials.length > 0 || key.state !== 'PendingImport' ? putKey(withoutImportedMaterial(key), output) : unchanged(output);
      }),

    // responseElements: `{ keyId, keyMaterialId }` (dev guide ct-deleteimportedkeymaterial, 2025).
    auditResponse: (output) => ({ keyId: output.KeyId, ...(output.KeyMaterialId === undefined ? {} : { keyMaterialId: output.KeyMaterialId }) }),
  };
