/**
 * @module
 * Encryption materials for a new object (single PUT or multipart upload): a data key from the
 * keyring, the envelope that will be stored, and the content cipher parameters. The commitment
 * policy picks the format: V2 under `FORBID_ENCRYPT_ALLOW_DECRYPT`, V3 otherwise.
 */

import { commitKey, deriveContentKey } from '../crypto/commitment.ts';
import { type ContentKey, V3_CONTENT_IV, wipe } from '../crypto/content-key.ts';
import { GCM_IV_LENGTH, MESSAGE_ID_LENGTH, V3_SUITE_ID_BYTES } from '../format/constants.ts';
import { contentAlgorithmForWrite, type Envelope } from '../format/envelope.ts';
import { mapFromRecord } from '../format/json-map.ts';
import type { ClientContext, RequestOptions } from './context.ts';

/** What a new object is encrypted with. */
export interface ObjectMaterials {
  readonly envelope: Envelope;
  readonly contentKey: ContentKey;
}

/**
 * Creates the materials of a new object. The returned `contentKey.key` is the caller's to wipe once
 * its cipher exists; for V3 the data key itself is wiped here, after the derivation.
 *
 * @param plaintextLength - stored as `x-amz-unencrypted-content-length` when known.
 * @throws S3EncryptionClientError from the keyring (reserved context key, KMS errors).
 * @example
 * ```ts
 * const { envelope, contentKey } = await newObjectMaterials(context, {}, 11);
 * ```
 */
export async function newObjectMaterials(context: ClientContext, options: RequestOptions | undefined, plaintextLength?: number): Promise<ObjectMaterials> {
  const contentAlgorithm = contentAlgorithmForWrite(context.commitmentPolicy);
  const encryptionContext = mapFromRecord(options?.encryptionContext, 'encryptionContext');
  const wrapped = await context.keyring.onEncrypt({ contentAlgorithm, encryptionContext });
  const common = {
    wrapAlgorithm: wrapped.wrapAlgorithm,
    encryptedDataKey: wrapped.encryptedDataKey,
    description: wrapped.description,
    location: context.writeInstructionFile ? ('instruction-file' as const) : ('metadata' as const),
    ...(plaintextLength === undefined ? {} : { unencryptedContentLength: plaintextLength }),
  };
  if (contentAlgorithm === '115') {
    try {
      const messageId = context.random(MESSAGE_ID_LENGTH);
      return {
        envelope: { ...common, format: 'V3', contentAlgorithm, messageId, commitment: commitKey(wrapped.dataKey, messageId) },
        contentKey: { mode: 'gcm', key: deriveContentKey(wrapped.dataKey, messageId), iv: V3_CONTENT_IV, aad: V3_SUITE_ID_BYTES },
      };
    } finally {
      wipe(wrapped.dataKey);
    }
  }
  // V2: the data key is the content key, wiped by the caller with it.
  const iv = context.random(GCM_IV_LENGTH);
  return { envelope: { ...common, format: 'V2', contentAlgorithm: 'AES/GCM/NoPadding', iv }, contentKey: { mode: 'gcm', key: wrapped.dataKey, iv } };
}
