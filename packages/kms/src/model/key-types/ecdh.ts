/**
 * @module
 * DeriveSharedSecret: ECDH (NIST SP 800-56A §5.7.1.2) between a KMS key's private key and a peer's
 * public key on the same curve. KMS returns "the raw secret derived from the specified key
 * agreement algorithm": the x-coordinate of the shared point, as OpenSSL's `pkey derive` gives it
 * (LocalStack's AWS-validated `test_derive_shared_secret_matches_openssl`).
 */

import { createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { EC_CURVES, privateKeyObject } from './key-material.ts';
import type { KeySpec } from './spec-table.ts';

/**
 * Parses a peer's DER SubjectPublicKeyInfo for ECDH with a key of `spec`.
 *
 * @returns the key, or `undefined` when `der` is not an EC public key on `spec`'s curve (KMS
 * answers ValidationException).
 */
export function parsePeerPublicKey(spec: KeySpec, der: Uint8Array): KeyObject | undefined {
  const curve = EC_CURVES[spec];
  if (curve === undefined) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== curve.curve) return undefined;
  return key;
}

/**
 * The ECDH shared secret of a serialized private key and a peer public key from
 * `parsePeerPublicKey` (secret: never logged).
 *
 * @example
 * ```ts
 * const peer = parsePeerPublicKey('ECC_NIST_P256', peerSpki);
 * if (peer) deriveSharedSecret(privateKey, peer); // 32 bytes
 * ```
 */
export function deriveSharedSecret(privateKey: Uint8Array, peer: KeyObject): Uint8Array {
  return new Uint8Array(diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: peer }));
}
