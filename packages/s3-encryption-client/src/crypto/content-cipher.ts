/**
 * @module
 * The content cipher: AES-256-GCM with a 128-bit tag appended to the ciphertext (S3 body =
 * ciphertext ‖ tag), as a whole-buffer operation and as streams, plus the legacy AES-256-CBC
 * decryption (spec `encryption.md` L65-69; Java `CipherProvider.java`). Every authentication
 * failure throws the same `DecryptionFailed` error, whatever check failed.
 */

import { type CipherGCM, createCipheriv, createDecipheriv, type DecipherGCM } from 'node:crypto';
import { Readable, Transform, type TransformCallback } from 'node:stream';
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

/** How much plaintext one GCM call covers when an in-memory body is encrypted as a stream. */
export const ENCRYPT_CHUNK_SIZE: number = 4 * 1024 * 1024;

/**
 * Encrypts an in-memory plaintext as a stream of ciphertext chunks ending with the tag (the same
 * bytes as `encryptContent`), as it is read: no whole-object ciphertext is built, and each GCM call
 * covers `chunkSize` bytes (large enough that node:crypto runs at full speed). The cipher is made
 * now (it copies the key), so the caller may wipe the key once this returns.
 *
 * @example
 * ```ts
 * const body = encryptChunks(contentKey, plaintext); // a Readable of plaintext.length + 16 bytes
 * ```
 */
export function encryptChunks(contentKey: ContentKey, plaintext: Uint8Array, chunkSize: number = ENCRYPT_CHUNK_SIZE): Readable {
  const cipher = gcmCipher(contentKey);
  return Readable.from(
    (function* () {
      for (let offset = 0; offset < plaintext.length; offset += chunkSize) yield cipher.update(plaintext.subarray(offset, offset + chunkSize));
      const tail = cipher.final();
      yield tail.length === 0 ? cipher.getAuthTag() : Buffer.concat([tail, cipher.getAuthTag()]);
    })(),
    { objectMode: false },
  );
}

/**
 * Decrypts a GCM body of known length as its chunks arrive, into one plaintext buffer, and
 * authenticates it at the end: nothing is returned before the tag verifies (the plaintext is
 * wiped on failure). Saves joining the ciphertext into one buffer before decrypting it.
 *
 * @param length - the body's length (ciphertext ‖ tag), from the response's Content-Length.
 * @throws S3EncryptionClientError `DecryptionFailed` when the tag does not verify or the body is
 *   not `length` bytes long; the source's own errors pass through.
 * @example
 * ```ts
 * const plaintext = await decryptChunks(contentKey, response.Body, response.ContentLength);
 * ```
 */
export async function decryptChunks(contentKey: ContentKey, source: AsyncIterable<unknown>, length: number): Promise<Uint8Array> {
  if (contentKey.mode !== 'gcm') throw new TypeError('decryptChunks decrypts GCM bodies only');
  const plainLength = length - TAG_LENGTH;
  const plaintext = Buffer.allocUnsafe(Math.max(0, plainLength));
  const tag = Buffer.alloc(TAG_LENGTH);
  let received = 0;
  let written = 0;
  const failed = (why: string, cause?: unknown): S3EncryptionClientError =>
    new S3EncryptionClientError('DecryptionFailed', undefined, { cause: cause ?? new Error(why) });
  try {
    if (plainLength < 0) throw failed('shorter than the tag');
    const decipher = gcmDecipher(contentKey);
    for await (const item of source) {
      const chunk = typeof item === 'string' ? Buffer.from(item) : (item as Uint8Array);
      if (received + chunk.length > length) throw failed('longer than its Content-Length');
      // The part of this chunk before the tag is ciphertext; the rest is (part of) the tag.
      const cipherEnd = Math.min(chunk.length, Math.max(0, plainLength - received));
      if (cipherEnd > 0) {
        const opened = decipher.update(chunk.subarray(0, cipherEnd));
        plaintext.set(opened, written);
        written += opened.length;
      }
      if (cipherEnd < chunk.length) tag.set(chunk.subarray(cipherEnd), received + cipherEnd - plainLength);
      received += chunk.length;
    }
    if (received !== length) throw failed('shorter than its Content-Length');
    let tail: Buffer;
    try {
      decipher.setAuthTag(tag);
      tail = decipher.final();
    } catch (error) {
      throw failed('the tag does not verify', error);
    }
    plaintext.set(tail, written);
    return asBytes(plaintext);
  } catch (error) {
    // Unauthenticated plaintext is never released, nor left in memory.
    plaintext.fill(0);
    throw error;
  }
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
