/**
 * @module
 * The content cipher parameters of an object: key, IV and AAD for AES-GCM (V2: the data key, the
 * stored IV, no AAD; V3: the derived DEK, twelve 0x01 bytes, the two suite-ID bytes 0x00 0x73), or
 * key and IV for the legacy AES-CBC (spec `encryption.md` L30-76; Java `CipherProvider.java`).
 */

import { V3_SUITE_ID_BYTES } from '../format/constants.ts';
import type { Envelope } from '../format/envelope.ts';
import { verifyAndDerive } from './commitment.ts';

/** Everything needed to run the content cipher of one object. */
export interface ContentKey {
  readonly mode: 'gcm' | 'cbc';
  readonly key: Uint8Array;
  readonly iv: Uint8Array;
  /** GCM additional authenticated data (V3 only). */
  readonly aad?: Uint8Array;
}

/** V3's fixed content IV: unique keys per object (derived from a random message ID) make a fixed IV safe. */
export const V3_CONTENT_IV: Uint8Array = new Uint8Array(12).fill(0x01);

/**
 * The content parameters of an object, given its unwrapped data key. For V3 the commitment is
 * checked first.
 *
 * @throws S3EncryptionClientError `KeyCommitmentMismatch` for a V3 object whose commitment differs.
 * @example
 * ```ts
 * const { key, iv } = contentKeyFor(envelope, dataKey);
 * ```
 */
export function contentKeyFor(envelope: Envelope, dataKey: Uint8Array): ContentKey {
  if (envelope.format === 'V3')
    return { mode: 'gcm', key: verifyAndDerive(dataKey, envelope.messageId, envelope.commitment), iv: V3_CONTENT_IV, aad: V3_SUITE_ID_BYTES };
  return { mode: envelope.contentAlgorithm === 'AES/GCM/NoPadding' ? 'gcm' : 'cbc', key: dataKey, iv: envelope.iv };
}

/**
 * Overwrites secret bytes with zeros (plaintext data keys, derived content keys, buffers that held
 * them). node:crypto copies a key into its cipher context when the cipher is created, so a key can
 * be wiped as soon as its cipher exists (Java's S3EC likewise destroys its data key after use).
 *
 * @example
 * ```ts
 * const cipher = createCipheriv('aes-256-gcm', key, iv); wipe(key);
 * ```
 */
export function wipe(...buffers: readonly (Uint8Array | undefined)[]): void {
  for (const buffer of buffers) buffer?.fill(0);
}
