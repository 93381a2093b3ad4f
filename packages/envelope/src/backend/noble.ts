/**
 * @module
 * The portable backend: pure JavaScript on @noble/ciphers (AES-GCM) and @noble/hashes (HMAC and
 * HKDF over SHA-256), with randomness from `globalThis.crypto.getRandomValues`. Imports no Node.js
 * built-ins, so it runs in browsers, Deno, Bun and workers. Output is byte-identical to the `node`
 * backend (checked by differential property tests).
 *
 * @example
 * ```ts
 * import { nobleBackend } from '@strongbox/envelope/noble';
 * import { seal } from '@strongbox/envelope';
 * const sealed = await seal(data, { keyring, backend: nobleBackend });
 * ```
 */

import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { expand, hkdf } from '@noble/hashes/hkdf.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { assertBytes, assertInteger } from '../bytes.ts';
import { assertGcmParameters } from './gcm-parts.ts';
import { createGcmEncryptor, createGcmUnverifiedDecryptor } from './gcm-stream.ts';
import { prepareNobleGcm } from './noble-prepared.ts';
import { assertOutput, type Backend, GCM_TAG_LENGTH, HKDF_SHA256_MAX_LENGTH, type PreparedAesGcm } from './types.ts';

/** noble's one-shot `gcm` needs a nonce of at least 8 bytes; shorter ones use the composed GCM. */
const NOBLE_GCM_MIN_NONCE = 8;

/** The portable backend (see the module documentation). */
export const nobleBackend: Backend = Object.freeze({
  name: 'noble',

  randomBytes(length: number): Uint8Array {
    assertInteger(length, 0, 2 ** 16, 'length');
    return randomBytes(length);
  },

  allocate(length: number): Uint8Array {
    return new Uint8Array(length);
  },

  aesGcmEncrypt(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array, output?: Uint8Array): Uint8Array {
    assertGcmParameters(key, nonce, aad);
    assertBytes(plaintext, 'plaintext');
    assertOutput(output, plaintext.length + GCM_TAG_LENGTH);
    if (nonce.length >= NOBLE_GCM_MIN_NONCE) {
      const sealed = gcm(key, nonce, aad).encrypt(plaintext);
      if (output === undefined) return sealed;
      output.set(sealed);
      return output;
    }
    const encryptor = createGcmEncryptor(key, nonce, aad);
    const ciphertext = encryptor.update(plaintext);
    const out = output ?? new Uint8Array(ciphertext.length + GCM_TAG_LENGTH);
    out.set(ciphertext);
    out.set(encryptor.final(), ciphertext.length);
    return out;
  },

  aesGcmDecrypt(key: Uint8Array, nonce: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, output?: Uint8Array): Uint8Array | undefined {
    assertGcmParameters(key, nonce, aad);
    assertBytes(sealed, 'sealed');
    if (sealed.length < GCM_TAG_LENGTH) return undefined;
    assertOutput(output, sealed.length - GCM_TAG_LENGTH);
    let plaintext: Uint8Array | undefined;
    if (nonce.length >= NOBLE_GCM_MIN_NONCE) {
      try {
        // noble verifies the tag before running CTR, so no unauthenticated plaintext exists on failure.
        plaintext = gcm(key, nonce, aad).decrypt(sealed);
      } catch {
        output?.fill(0);
        return undefined;
      }
    } else {
      const decryptor = createGcmUnverifiedDecryptor(key, nonce, aad);
      const unverified = decryptor.updateUnverified(sealed.subarray(0, sealed.length - GCM_TAG_LENGTH));
      if (!decryptor.verify(sealed.subarray(sealed.length - GCM_TAG_LENGTH))) {
        unverified.fill(0);
        output?.fill(0);
        return undefined;
      }
      plaintext = unverified;
    }
    if (output === undefined) return plaintext;
    output.set(plaintext);
    plaintext.fill(0);
    return output;
  },

  prepareAesGcm(key: Uint8Array, expectedLength = 1024): PreparedAesGcm {
    return prepareNobleGcm(key, expectedLength, nobleBackend);
  },

  aesGcmEncryptor: createGcmEncryptor,
  aesGcmUnverifiedDecryptor: createGcmUnverifiedDecryptor,

  hmacSha256(key: Uint8Array, data: Uint8Array): Uint8Array {
    assertBytes(key, 'key');
    assertBytes(data, 'data');
    return hmac(sha256, key, data);
  },

  hkdfSha256(ikm: Uint8Array, salt: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    assertBytes(ikm, 'ikm');
    assertBytes(salt, 'salt');
    assertBytes(info, 'info');
    assertInteger(length, 0, HKDF_SHA256_MAX_LENGTH, 'length');
    // RFC 5869 §2.3 allows L = 0 (empty OKM); noble rejects it, so answer it here.
    if (length === 0) return new Uint8Array(0);
    return hkdf(sha256, ikm, salt, info, length);
  },

  hkdfSha256Expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
    assertBytes(prk, 'prk');
    assertBytes(info, 'info');
    assertInteger(length, 0, HKDF_SHA256_MAX_LENGTH, 'length');
    if (prk.length < 32) throw new RangeError(`"prk" expected at least 32 bytes, got length=${prk.length}`);
    if (length === 0) return new Uint8Array(0);
    return expand(sha256, prk, info, length);
  },
});

export default nobleBackend;
