/**
 * @module
 * Sign and Verify for every signing key spec, in the formats KMS returns (Sign doc, `Signature`):
 * RSA signatures as PKCS #1 (RFC 8017) octet strings, ECDSA signatures DER-encoded (ANSI X9.62,
 * RFC 3279 §2.2.3), Ed25519 as RFC 8032's 64 bytes, ML-DSA as FIPS 204 signatures.
 *
 * RAW messages are hashed by the algorithm; DIGEST messages are signed as the hash (checked for
 * length by the caller with `checkSigningInput`); EXTERNAL_MU is ML-DSA's 64-byte μ (FIPS 204
 * §6.2). RAW paths run on node:crypto (OpenSSL); the prehashed paths node:crypto lacks run on
 * noble (`@noble/curves` for ECDSA and Ed25519ph, RFC 6979 nonces) or on node:crypto's raw RSA
 * primitive (PKCS #1 v1.5 DigestInfo, `rsa-pss.ts`); ML-DSA on `@noble/post-quantum`. ECDSA
 * signatures are not normalised to low S, like KMS's (secp256k1 users normalise them themselves).
 *
 * Signing draws nonces and salts from the crypto libraries' CSPRNGs (OpenSSL's, or
 * `crypto.getRandomValues` for noble): they take no injected randomness.
 */

import { constants, createHash, type KeyObject, sign as nodeSign, verify as nodeVerify, privateEncrypt, publicDecrypt, timingSafeEqual } from 'node:crypto';
import { createRequire } from 'node:module';
import type * as Ed25519Module from '@noble/curves/ed25519.js';
import type * as NistModule from '@noble/curves/nist.js';
import type * as Secp256k1Module from '@noble/curves/secp256k1.js';
import { digestInfo } from './der.ts';
import { EC_CURVES, ML_DSA, type MlDsaSpec, mlKeys, mlSeed, privateKeyObject, publicKeyObject } from './key-material.ts';
import { signPssDigest, verifyPssDigest } from './rsa-pss.ts';
import {
  digestLength,
  EXTERNAL_MU_LENGTH,
  KEY_SPEC_TABLE,
  type KeySpec,
  MAX_RAW_MESSAGE_LENGTH,
  type MessageType,
  messageTypesOf,
  type SigningAlgorithm,
  signingHash,
  usageAlgorithms,
} from './spec-table.ts';

// @noble/curves loads on first use (DIGEST signing with ECDSA, Ed25519ph): its curves and tables
// cost about 10 MiB of memory that an endpoint which never signs a digest need not hold. It is
// loaded with require (ESM through require(esm), Node.js 20.19+) so signing stays synchronous.
const requireLazily = createRequire(import.meta.url);
let nistModule: typeof NistModule | undefined;
let secp256k1Module: typeof Secp256k1Module | undefined;
let ed25519Module: typeof Ed25519Module | undefined;
const nist = (): typeof NistModule => (nistModule ??= requireLazily('@noble/curves/nist.js') as typeof NistModule);
const secp256k1 = (): typeof Secp256k1Module.secp256k1 => (secp256k1Module ??= requireLazily('@noble/curves/secp256k1.js') as typeof Secp256k1Module).secp256k1;
const ed25519ph = (): typeof Ed25519Module.ed25519ph => (ed25519Module ??= requireLazily('@noble/curves/ed25519.js') as typeof Ed25519Module).ed25519ph;

/** Why a Sign/Verify input cannot be used, for the operation to answer with AWS's error. */
export type SigningInputProblem =
  /** The algorithm is not one of the key's SigningAlgorithms. */
  | 'incompatible-algorithm'
  /** The algorithm does not take this message type (ED25519_SHA_512 with DIGEST, ...). */
  | 'message-type'
  /** A DIGEST of the wrong length for the algorithm's hash. */
  | 'digest-length'
  /** An EXTERNAL_MU that is not 64 bytes. */
  | 'mu-length'
  /** A RAW message over 4096 bytes. */
  | 'message-too-long';

/**
 * Checks a Sign/Verify request against the key spec table, before any cryptography.
 *
 * @returns `undefined` when the input can be signed, otherwise what is wrong with it.
 * @example
 * ```ts
 * checkSigningInput('ECC_NIST_P256', 'ECDSA_SHA_256', 'DIGEST', new Uint8Array(31)); // 'digest-length'
 * ```
 */
export function checkSigningInput(spec: KeySpec, algorithm: SigningAlgorithm, messageType: MessageType, message: Uint8Array): SigningInputProblem | undefined {
  if (!(usageAlgorithms(spec, 'SIGN_VERIFY')?.signing ?? []).includes(algorithm)) return 'incompatible-algorithm';
  if (!messageTypesOf(algorithm).includes(messageType)) return 'message-type';
  if (messageType === 'DIGEST' && message.length !== digestLength(algorithm)) return 'digest-length';
  if (messageType === 'EXTERNAL_MU' && message.length !== EXTERNAL_MU_LENGTH) return 'mu-length';
  if (messageType === 'RAW' && message.length > MAX_RAW_MESSAGE_LENGTH) return 'message-too-long';
  return undefined;
}

/**
 * Signs `message` with a serialized private key of `spec`. The input must have passed
 * `checkSigningInput`.
 *
 * @throws RangeError for a spec without signing (programming error).
 * @example
 * ```ts
 * const signature = signMessage('ECC_NIST_P256', privateKey, 'ECDSA_SHA_256', 'RAW', message);
 * crypto.verify('sha256', message, publicKeyDer, signature); // true
 * ```
 */
export function signMessage(spec: KeySpec, privateKey: Uint8Array, algorithm: SigningAlgorithm, messageType: MessageType, message: Uint8Array): Uint8Array {
  const family = KEY_SPEC_TABLE[spec].family;
  if (family === 'ml-dsa') {
    const { secretKey } = mlKeys(spec, mlSeed(spec, privateKey));
    const dsa = ML_DSA[spec as MlDsaSpec];
    // Pure ML-DSA with an empty context (FIPS 204 Algorithm 2); EXTERNAL_MU skips μ's computation
    // and signs the given μ ("KMS skips the concatenated hashing of the public key hash and the message").
    return messageType === 'EXTERNAL_MU' ? dsa.internal.sign(message, secretKey, { externalMu: true }) : dsa.sign(message, secretKey);
  }
  const key = privateKeyObject(privateKey);
  const hash = signingHash(algorithm).name as 'sha256' | 'sha384' | 'sha512';
  switch (family) {
    case 'rsa':
      if (algorithm.startsWith('RSASSA_PSS')) {
        return messageType === 'DIGEST'
          ? signPssDigest(key, KEY_SPEC_TABLE[spec].bits, hash, message)
          : new Uint8Array(nodeSign(hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }));
      }
      return messageType === 'DIGEST'
        ? new Uint8Array(privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, digestInfo(hash, message)))
        : new Uint8Array(nodeSign(hash, message, key));
    case 'ecc':
      return messageType === 'DIGEST'
        ? ecdsa(spec).sign(message, ecSecret(key), { prehash: false, lowS: false, format: 'der' })
        : new Uint8Array(nodeSign(hash, message, { key, dsaEncoding: 'der' }));
    case 'ed25519':
      // ED25519_PH_SHA_512 (DIGEST only): KMS "still performs the SHA-512 prehash", so the given
      // digest is the message of HashEdDSA (RFC 8032 §5.1, Ed25519ph).
      return algorithm === 'ED25519_PH_SHA_512' ? ed25519ph().sign(message, ed25519Seed(key)) : new Uint8Array(nodeSign(null, message, key));
    default:
      throw new RangeError(`"spec" expected a signing key spec, got ${spec}`);
  }
}

/**
 * Whether `signature` is a signature of `message` by the key whose DER SubjectPublicKeyInfo is
 * `publicKey`. Malformed signatures are simply invalid. The input must have passed
 * `checkSigningInput`.
 */
export function verifyMessage(
  spec: KeySpec,
  publicKey: Uint8Array,
  algorithm: SigningAlgorithm,
  messageType: MessageType,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  const family = KEY_SPEC_TABLE[spec].family;
  try {
    if (family === 'ml-dsa') {
      const dsa = ML_DSA[spec as MlDsaSpec];
      const raw = rawPublicKey(spec, publicKey);
      return messageType === 'EXTERNAL_MU' ? dsa.internal.verify(signature, message, raw, { externalMu: true }) : dsa.verify(signature, message, raw);
    }
    const key = publicKeyObject(publicKey);
    const hash = signingHash(algorithm).name as 'sha256' | 'sha384' | 'sha512';
    switch (family) {
      case 'rsa':
        if (algorithm.startsWith('RSASSA_PSS')) {
          return messageType === 'DIGEST'
            ? verifyPssDigest(key, KEY_SPEC_TABLE[spec].bits, hash, message, signature)
            : nodeVerify(hash, message, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST }, signature);
        }
        return messageType === 'DIGEST' ? verifyPkcs1Digest(key, hash, message, signature) : nodeVerify(hash, message, key, signature);
      case 'ecc':
        return messageType === 'DIGEST'
          ? ecdsa(spec).verify(signature, message, rawPublicKey(spec, publicKey), { prehash: false, lowS: false, format: 'der' })
          : nodeVerify(hash, message, { key, dsaEncoding: 'der' }, signature);
      case 'ed25519':
        return algorithm === 'ED25519_PH_SHA_512'
          ? ed25519ph().verify(signature, message, rawPublicKey(spec, publicKey))
          : nodeVerify(null, message, key, signature);
      default:
        return false;
    }
  } catch {
    // A signature that does not even parse (bad DER, wrong length) is an invalid signature.
    return false;
  }
}

function verifyPkcs1Digest(key: KeyObject, hash: 'sha256' | 'sha384' | 'sha512', digest: Uint8Array, signature: Uint8Array): boolean {
  const expected = digestInfo(hash, digest);
  let recovered: Buffer;
  try {
    recovered = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, signature);
  } catch {
    return false;
  }
  return recovered.length === expected.length && timingSafeEqual(recovered, expected);
}

function ecdsa(spec: KeySpec): typeof NistModule.p256 {
  switch (spec) {
    case 'ECC_NIST_P384':
      return nist().p384;
    case 'ECC_NIST_P521':
      return nist().p521;
    case 'ECC_SECG_P256K1':
      return secp256k1();
    default:
      return nist().p256;
  }
}

const EC_SECRETS = new WeakMap<KeyObject, Uint8Array>();

/** The raw scalar of an EC private key (for noble), exported once per key object. */
function ecSecret(key: KeyObject): Uint8Array {
  let secret = EC_SECRETS.get(key);
  if (secret === undefined) {
    secret = new Uint8Array(Buffer.from(key.export({ format: 'jwk' }).d ?? '', 'base64url'));
    EC_SECRETS.set(key, secret);
  }
  return secret;
}

function ed25519Seed(key: KeyObject): Uint8Array {
  return ecSecret(key);
}

const RAW_PUBLIC_KEYS = new WeakMap<Uint8Array, Uint8Array>();

/**
 * The raw public key inside a SubjectPublicKeyInfo: the uncompressed point for ECDSA, the 32-byte
 * key for Ed25519, the FIPS 204 encoding for ML-DSA.
 */
export function rawPublicKey(spec: KeySpec, spki: Uint8Array): Uint8Array {
  let raw = RAW_PUBLIC_KEYS.get(spki);
  if (raw === undefined) {
    const family = KEY_SPEC_TABLE[spec].family;
    if (family === 'ml-dsa' || family === 'ml-kem') {
      raw = spki.slice(spki.length - rawMlLength(spec));
    } else {
      const jwk = publicKeyObject(spki).export({ format: 'jwk' });
      const x = Buffer.from(jwk.x ?? '', 'base64url');
      raw = family === 'ecc' ? new Uint8Array(Buffer.concat([Buffer.of(0x04), x, Buffer.from(jwk.y ?? '', 'base64url')])) : new Uint8Array(x);
    }
    RAW_PUBLIC_KEYS.set(spki, raw);
  }
  return raw;
}

function rawMlLength(spec: KeySpec): number {
  if (spec in ML_DSA) return ML_DSA[spec as MlDsaSpec].lengths.publicKey ?? 0;
  return { ML_KEM_512: 800, ML_KEM_768: 1184, ML_KEM_1024: 1568 }[spec as 'ML_KEM_512'] ?? 0;
}

/** Whether a spec has a curve node:crypto knows (used by tests and ECDH). */
export function hasNodeCurve(spec: KeySpec): boolean {
  return EC_CURVES[spec] !== undefined;
}

/** SHA digest helper for callers that turn a RAW message into a DIGEST (tests, benchmarks). */
export function digestOf(algorithm: SigningAlgorithm, message: Uint8Array): Uint8Array {
  return new Uint8Array(createHash(signingHash(algorithm).name).update(message).digest());
}
