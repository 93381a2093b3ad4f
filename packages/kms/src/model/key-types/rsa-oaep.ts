/**
 * @module
 * Encrypt and Decrypt with RSA keys: RSAES-OAEP (RFC 8017 §7.1) with SHA-1 or SHA-256 for both
 * the hash and MGF1, and an empty label, as KMS's RSAES_OAEP_SHA_1 / RSAES_OAEP_SHA_256 ("RSAES-OAEP
 * using SHA-256 and MGF1 with SHA-256"), on node:crypto. A ciphertext made with
 * `crypto.publicEncrypt({ key, padding: RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256' })` decrypts here.
 */

import { constants, privateDecrypt, publicEncrypt } from 'node:crypto';
import { privateKeyObject, publicKeyObject } from './key-material.ts';

/** An RSA encryption algorithm. */
export type RsaEncryptionAlgorithm = 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256';

function oaepHash(algorithm: RsaEncryptionAlgorithm): string {
  return algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256';
}

/**
 * RSA-OAEP encryption under a DER SubjectPublicKeyInfo. The caller checks the plaintext length
 * (`maxRsaPlaintextLength`).
 *
 * @example
 * ```ts
 * const ciphertext = rsaEncrypt('RSAES_OAEP_SHA_256', publicKey, plaintext); // k bytes
 * ```
 */
export function rsaEncrypt(algorithm: RsaEncryptionAlgorithm, publicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  return new Uint8Array(
    publicEncrypt({ key: publicKeyObject(publicKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, plaintext),
  );
}

/**
 * RSA-OAEP decryption with a serialized private key.
 *
 * @returns the plaintext (secret), or `undefined` when the ciphertext does not decrypt (KMS
 * answers InvalidCiphertextException, without saying why).
 */
export function rsaDecrypt(algorithm: RsaEncryptionAlgorithm, privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
  try {
    return new Uint8Array(
      privateDecrypt({ key: privateKeyObject(privateKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(algorithm) }, ciphertext),
    );
  } catch {
    return undefined;
  }
}
