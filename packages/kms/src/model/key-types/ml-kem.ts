/**
 * @module
 * Encapsulate and Decapsulate with ML-KEM keys (FIPS 203), on `@noble/post-quantum`. The shared
 * secret is 32 bytes; the encapsulated form ("SharedSecretCiphertextBlob") is 768 bytes for
 * ML_KEM_512, 1088 for ML_KEM_768 and 1568 for ML_KEM_1024 (Encapsulate doc). Decapsulating a
 * ciphertext of the right length but made for another key does not fail: FIPS 203's implicit
 * rejection returns an unrelated pseudo-random secret.
 */

import { ML_KEM, type MlKemSpec, mlKeys, mlSeed } from './key-material.ts';
import { rawPublicKey } from './signing.ts';
import type { KeySpec } from './spec-table.ts';

/** Ciphertext lengths per ML-KEM key spec (FIPS 203 Table 3). */
export const ML_KEM_CIPHERTEXT_LENGTHS: Readonly<Record<MlKemSpec, number>> = Object.freeze({ ML_KEM_512: 768, ML_KEM_768: 1088, ML_KEM_1024: 1568 });

/** What Encapsulate returns. */
export interface Encapsulation {
  /** 32 random bytes shared with the key's owner (secret). */
  readonly sharedSecret: Uint8Array;
  /** The ML-KEM ciphertext. */
  readonly ciphertext: Uint8Array;
}

/**
 * Encapsulates a fresh shared secret to the key whose DER SubjectPublicKeyInfo is `publicKey`.
 *
 * @example
 * ```ts
 * const { sharedSecret, ciphertext } = encapsulate('ML_KEM_768', publicKey);
 * decapsulate('ML_KEM_768', privateKey, ciphertext); // the same sharedSecret
 * ```
 */
export function encapsulate(spec: KeySpec, publicKey: Uint8Array): Encapsulation {
  const { sharedSecret, cipherText } = ML_KEM[spec as MlKemSpec].encapsulate(rawPublicKey(spec, publicKey));
  return { sharedSecret, ciphertext: cipherText };
}

/**
 * Recovers the shared secret of `ciphertext` with a serialized ML-KEM private key.
 *
 * @returns the secret, or `undefined` for a ciphertext of the wrong length.
 */
export function decapsulate(spec: KeySpec, privateKey: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
  if (ciphertext.length !== ML_KEM_CIPHERTEXT_LENGTHS[spec as MlKemSpec]) return undefined;
  const { secretKey } = mlKeys(spec, mlSeed(spec, privateKey));
  return ML_KEM[spec as MlKemSpec].decapsulate(ciphertext, secretKey);
}
