/**
 * @module
 * The content cipher: AES-256-GCM with a 128-bit tag appended to the ciphertext (S3 body =
 * ciphertext ‖ tag), as a whole-buffer operation and as streams, plus the legacy AES-256-CBC
 * decryption (spec `encryption.md` L65-69; Java `CipherProvider.java`). Every authentication
 * failure throws the same `DecryptionFailed` error, whatever check failed.
 */

import { type CipherGCM, createCipheriv, createDecipheriv, type DecipherGCM } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3EncryptionClientError } from '../errors.ts';
import { TAG_LENGTH } from '../format/constants.ts';
import type { ContentKey } from './content-key.ts';

/**
 * Encrypts a whole plaintext with AES-256-GCM: returns ciphertext ‖ tag.
 *
 * @example
 * ```ts
 * const body = encryptContent(contentKey, plaintext); // plaintext.length + 16 bytes
 * ```
 */
export function encryptContent(contentKey: ContentKey, plaintext: Uint8Array): Uint8Array {
  const cipher = gcmCipher(contentKey);
  const head = cipher.update(plaintext);
  const tail = cipher.final();
  // One copy (the concat), returned as a view: objects are encrypted whole up to the part size.
  return asBytes(Buffer.concat([head, tail, cipher.getAuthTag()]));
}

/**
 * A stream that encrypts what is written to it and ends with the 16-byte tag; with `expectedLength`,
 * it fails at the end unless exactly that many plaintext bytes went through.
 *
 * @example
 * ```ts
 * const body = plaintextStream.pipe(createEncryptStream(contentKey));
 * ```
 */
export function createEncryptStream(contentKey: ContentKey, expectedLength?: number): Transform {
  const cipher = gcmCipher(contentKey);
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      seen += chunk.length;
      callback(null, cipher.update(chunk));
    },
    flush(callback: TransformCallback) {
      // The declared Content-Length was sent before the body: a body of another length cannot be stored.
      if (expectedLength !== undefined && seen !== expectedLength) {
        callback(new S3EncryptionClientError('InvalidConfiguration', `the Body had ${seen} bytes, ContentLength said ${expectedLength}`));
        return;
      }
      const tail = cipher.final();
      callback(null, Buffer.concat([tail, cipher.getAuthTag()]));
    },
  });
}

/**
 * A GCM cipher that the caller feeds in order (multipart upload: one cipher across all parts).
 *
 * @example
 * ```ts
 * const cipher = createGcmCipher(contentKey); cipher.update(part1); ...; cipher.final(); cipher.getAuthTag();
 * ```
 */
export function createGcmCipher(contentKey: ContentKey): CipherGCM {
  return gcmCipher(contentKey);
}

/**
 * Decrypts a whole body (ciphertext ‖ tag for GCM, padded ciphertext for CBC), authenticating it
 * before any plaintext is returned.
 *
 * @throws S3EncryptionClientError `DecryptionFailed` when the tag (or CBC padding) does not verify.
 * @example
 * ```ts
 * const plaintext = decryptContent(contentKey, body);
 * ```
 */
export function decryptContent(contentKey: ContentKey, body: Uint8Array): Uint8Array {
  try {
    if (contentKey.mode === 'cbc') {
      const decipher = createDecipheriv('aes-256-cbc', contentKey.key, contentKey.iv);
      return new Uint8Array(Buffer.concat([decipher.update(body), decipher.final()]));
    }
    if (body.length < TAG_LENGTH) throw new Error('shorter than the tag');
    const decipher = gcmDecipher(contentKey);
    decipher.setAuthTag(body.subarray(body.length - TAG_LENGTH));
    const head = decipher.update(body.subarray(0, body.length - TAG_LENGTH));
    const tail = decipher.final();
    // GCM's final() releases no bytes: the plaintext is `head` itself, returned without a copy.
    return asBytes(tail.length === 0 ? head : Buffer.concat([head, tail]));
  } catch (error) {
    throw new S3EncryptionClientError('DecryptionFailed', undefined, { cause: error });
  }
}

/**
 * A stream that decrypts a GCM body as it arrives, holding back the last 16 bytes as the tag: the
 * plaintext it releases is unauthenticated until the stream ends without error (delayed
 * authentication). A CBC body is decrypted likewise, its padding checked at the end.
 *
 * @example
 * ```ts
 * const plaintext = ciphertextStream.pipe(createDecryptStream(contentKey));
 * ```
 */
export function createDecryptStream(contentKey: ContentKey): Transform {
  if (contentKey.mode === 'cbc') {
    const decipher = createDecipheriv('aes-256-cbc', contentKey.key, contentKey.iv);
    return new Transform({
      transform(chunk: Buffer, _encoding, callback: TransformCallback) {
        callback(null, decipher.update(chunk));
      },
      flush(callback: TransformCallback) {
        try {
          callback(null, decipher.final());
        } catch (error) {
          callback(new S3EncryptionClientError('DecryptionFailed', undefined, { cause: error }));
        }
      },
    });
  }
  const decipher = gcmDecipher(contentKey);
  let pending = Buffer.alloc(0);
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const all = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      if (all.length <= TAG_LENGTH) {
        pending = Buffer.from(all);
        callback();
        return;
      }
      pending = Buffer.from(all.subarray(all.length - TAG_LENGTH));
      callback(null, decipher.update(all.subarray(0, all.length - TAG_LENGTH)));
    },
    flush(callback: TransformCallback) {
      try {
        if (pending.length !== TAG_LENGTH) throw new Error('shorter than the tag');
        decipher.setAuthTag(pending);
        callback(null, decipher.final());
      } catch (error) {
        callback(new S3EncryptionClientError('DecryptionFailed', undefined, { cause: error }));
      }
    },
  });
}

function gcmCipher(contentKey: ContentKey): CipherGCM {
  const cipher = createCipheriv('aes-256-gcm', contentKey.key, contentKey.iv, { authTagLength: TAG_LENGTH });
  if (contentKey.aad !== undefined) cipher.setAAD(contentKey.aad);
  return cipher;
}

function gcmDecipher(contentKey: ContentKey): DecipherGCM {
  const decipher = createDecipheriv('aes-256-gcm', contentKey.key, contentKey.iv, { authTagLength: TAG_LENGTH });
  if (contentKey.aad !== undefined) decipher.setAAD(contentKey.aad);
  return decipher;
}

/** A Buffer as a plain Uint8Array view of the same memory (no copy). */
function asBytes(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
