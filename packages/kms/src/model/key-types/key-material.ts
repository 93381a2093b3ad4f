/**
 * @module
 * Key material for every key spec: generation, the serialized form kept in key records (and
 * persisted, sealed, like the AES backing keys), and parsed key objects cached per material.
 *
 * Serialized form: asymmetric private keys are DER PKCS #8 (`PrivateKeyPlaintext` of
 * GenerateDataKeyPair is the same bytes, "the plaintext copy of the private key ... DER-encoded
 * PKCS #8"); public keys DER SubjectPublicKeyInfo (what GetPublicKey returns); HMAC keys their raw
 * bytes. These bytes are secrets: never logged, never in an error message, sealed on disk.
 *
 * Randomness: every key is derived from the injected `Random` (ECC scalars by rejection sampling,
 * Ed25519/ML-DSA/ML-KEM seeds, HMAC keys) except RSA, whose prime search node:crypto runs on
 * OpenSSL's own CSPRNG (node:crypto takes no external randomness for RSA key generation); RSA key
 * pairs are generated off the event loop.
 */

import { createECDH, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type * as MlDsaModule from '@noble/post-quantum/ml-dsa.js';
import type * as MlKemModule from '@noble/post-quantum/ml-kem.js';
import type { Random } from '@strongbox/service-kernel';
import { decodeSeedPkcs8, encodeSeedPkcs8, encodeSpki, ML_DSA_OIDS, ML_KEM_OIDS } from './der.ts';
import { hmacKeyLength, KEY_SPEC_TABLE, type KeySpec } from './spec-table.ts';

/** An asymmetric key pair in its serialized form. */
export interface KeyPairMaterial {
  /** DER PKCS #8 PrivateKeyInfo (secret). */
  readonly privateKey: Uint8Array;
  /** DER SubjectPublicKeyInfo. */
  readonly publicKey: Uint8Array;
}

/** The key specs with an elliptic curve node:crypto implements, by curve name. */
export const EC_CURVES: Readonly<Partial<Record<KeySpec, { readonly curve: string; readonly jwk: string; readonly bytes: number }>>> = Object.freeze({
  ECC_NIST_P256: { curve: 'prime256v1', jwk: 'P-256', bytes: 32 },
  ECC_NIST_P384: { curve: 'secp384r1', jwk: 'P-384', bytes: 48 },
  ECC_NIST_P521: { curve: 'secp521r1', jwk: 'P-521', bytes: 66 },
  ECC_SECG_P256K1: { curve: 'secp256k1', jwk: 'secp256k1', bytes: 32 },
});

/** ML-DSA and ML-KEM parameter sets by key spec. */
// @noble/post-quantum loads on first use of an ML-DSA or ML-KEM key (the getters below): an
// endpoint that never meets one does not hold it. It is loaded with require (ESM through
// require(esm), Node.js 20.19+) so key operations stay synchronous.
const requireLazily = createRequire(import.meta.url);
let mlDsaModule: typeof MlDsaModule | undefined;
let mlKemModule: typeof MlKemModule | undefined;
const mlDsa = (): typeof MlDsaModule => (mlDsaModule ??= requireLazily('@noble/post-quantum/ml-dsa.js') as typeof MlDsaModule);
const mlKem = (): typeof MlKemModule => (mlKemModule ??= requireLazily('@noble/post-quantum/ml-kem.js') as typeof MlKemModule);
export const ML_DSA: Readonly<Record<'ML_DSA_44' | 'ML_DSA_65' | 'ML_DSA_87', typeof MlDsaModule.ml_dsa44>> = Object.freeze({
  get ML_DSA_44() {
    return mlDsa().ml_dsa44;
  },
  get ML_DSA_65() {
    return mlDsa().ml_dsa65;
  },
  get ML_DSA_87() {
    return mlDsa().ml_dsa87;
  },
});
export const ML_KEM: Readonly<Record<'ML_KEM_512' | 'ML_KEM_768' | 'ML_KEM_1024', typeof MlKemModule.ml_kem512>> = Object.freeze({
  get ML_KEM_512() {
    return mlKem().ml_kem512;
  },
  get ML_KEM_768() {
    return mlKem().ml_kem768;
  },
  get ML_KEM_1024() {
    return mlKem().ml_kem1024;
  },
});
/** An ML-DSA key spec. */
export type MlDsaSpec = keyof typeof ML_DSA;
/** An ML-KEM key spec. */
export type MlKemSpec = keyof typeof ML_KEM;

/** ML-DSA seeds are 32 bytes (FIPS 204 ξ); ML-KEM seeds 64 (FIPS 203 d ‖ z). */
export const ML_DSA_SEED_LENGTH = 32;
export const ML_KEM_SEED_LENGTH = 64;

// RFC 8410 §7: PKCS #8 of an Ed25519 key is this prefix followed by the 32-byte seed.
const ED25519_PKCS8_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

const generateRsa = promisify(generateKeyPair);

/**
 * Generates a key pair of an asymmetric `spec` (not SM2).
 *
 * @throws RangeError if `spec` is symmetric, HMAC or SM2.
 * @example
 * ```ts
 * const { privateKey, publicKey } = await generateKeyPairMaterial('ECC_NIST_P256', random);
 * ```
 */
export async function generateKeyPairMaterial(spec: KeySpec, random: Random): Promise<KeyPairMaterial> {
  const family = KEY_SPEC_TABLE[spec].family;
  switch (family) {
    case 'rsa': {
      const pair = await generateRsa('rsa', { modulusLength: KEY_SPEC_TABLE[spec].bits, publicExponent: 65537 });
      return fromPrivateKeyObject(pair.privateKey);
    }
    case 'ecc':
      return fromPrivateKeyObject(ecPrivateKey(spec, random));
    case 'ed25519':
      return fromPrivateKeyObject(createPrivateKey({ key: Buffer.from(ed25519Pkcs8(random.bytes(32))), format: 'der', type: 'pkcs8' }));
    case 'ml-dsa': {
      const seed = random.bytes(ML_DSA_SEED_LENGTH);
      return { privateKey: encodeSeedPkcs8(ML_DSA_OIDS[spec as MlDsaSpec], seed), publicKey: mlPublicKey(spec, seed) };
    }
    case 'ml-kem': {
      const seed = random.bytes(ML_KEM_SEED_LENGTH);
      return { privateKey: encodeSeedPkcs8(ML_KEM_OIDS[spec as MlKemSpec], seed), publicKey: mlPublicKey(spec, seed) };
    }
    default:
      throw new RangeError(`"spec" expected an asymmetric key spec Strongbox implements, got ${spec}`);
  }
}

/** A fresh HMAC key of `spec`'s length (HMAC_224: 28 bytes ... HMAC_512: 64). */
export function generateHmacKey(spec: KeySpec, random: Random): Uint8Array {
  if (KEY_SPEC_TABLE[spec].family !== 'hmac') throw new RangeError(`"spec" expected an HMAC key spec, got ${spec}`);
  return random.bytes(hmacKeyLength(spec));
}

/** The DER SubjectPublicKeyInfo of a serialized private key of `spec`. */
export function publicKeyOf(spec: KeySpec, privateKey: Uint8Array): Uint8Array {
  const family = KEY_SPEC_TABLE[spec].family;
  if (family === 'ml-dsa' || family === 'ml-kem') return mlPublicKey(spec, mlSeed(spec, privateKey));
  return new Uint8Array(createPublicKey(privateKeyObject(privateKey)).export({ format: 'der', type: 'spki' }));
}

const PRIVATE_KEYS = new WeakMap<Uint8Array, KeyObject>();
const PUBLIC_KEYS = new WeakMap<Uint8Array, KeyObject>();

/**
 * The node:crypto KeyObject of a serialized (PKCS #8) private key, parsed once per material: key
 * records are immutable, so the same bytes are reused for every request.
 */
export function privateKeyObject(privateKey: Uint8Array): KeyObject {
  let key = PRIVATE_KEYS.get(privateKey);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.from(privateKey.buffer, privateKey.byteOffset, privateKey.byteLength), format: 'der', type: 'pkcs8' });
    PRIVATE_KEYS.set(privateKey, key);
  }
  return key;
}

/** The node:crypto KeyObject of a DER SubjectPublicKeyInfo, parsed once per array. */
export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  let key = PUBLIC_KEYS.get(publicKey);
  if (key === undefined) {
    key = createPublicKey({ key: Buffer.from(publicKey.buffer, publicKey.byteOffset, publicKey.byteLength), format: 'der', type: 'spki' });
    PUBLIC_KEYS.set(publicKey, key);
  }
  return key;
}

/**
 * The seed of a serialized ML-DSA or ML-KEM private key.
 * @throws RangeError if `privateKey` is not a seed-form PKCS #8 key of `spec`.
 */
export function mlSeed(spec: KeySpec, privateKey: Uint8Array): Uint8Array {
  const seed =
    spec in ML_DSA
      ? decodeSeedPkcs8(ML_DSA_OIDS[spec as MlDsaSpec], ML_DSA_SEED_LENGTH, privateKey)
      : spec in ML_KEM
        ? decodeSeedPkcs8(ML_KEM_OIDS[spec as MlKemSpec], ML_KEM_SEED_LENGTH, privateKey)
        : undefined;
  if (seed === undefined) throw new RangeError(`"privateKey" expected a seed-form PKCS #8 ${spec} key`);
  return seed;
}

const ML_KEYS = new WeakMap<Uint8Array, { secretKey: Uint8Array; publicKey: Uint8Array }>();

/** The expanded ML-DSA / ML-KEM key pair of a seed, computed once per seed array. */
export function mlKeys(spec: KeySpec, seed: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  let keys = ML_KEYS.get(seed);
  if (keys === undefined) {
    keys = spec in ML_DSA ? ML_DSA[spec as MlDsaSpec].keygen(seed) : ML_KEM[spec as MlKemSpec].keygen(seed);
    ML_KEYS.set(seed, keys);
  }
  return keys;
}

function mlPublicKey(spec: KeySpec, seed: Uint8Array): Uint8Array {
  const oid = spec in ML_DSA ? ML_DSA_OIDS[spec as MlDsaSpec] : ML_KEM_OIDS[spec as MlKemSpec];
  return encodeSpki(oid, mlKeys(spec, seed).publicKey);
}

function fromPrivateKeyObject(key: KeyObject): KeyPairMaterial {
  return {
    privateKey: new Uint8Array(key.export({ format: 'der', type: 'pkcs8' })),
    publicKey: new Uint8Array(createPublicKey(key).export({ format: 'der', type: 'spki' })),
  };
}

/**
 * A private key on `spec`'s curve from the injected randomness: a scalar drawn uniformly from
 * [1, n−1] by rejection (FIPS 186-5 A.2.2, "rejection sampling"); OpenSSL refuses 0 and ≥ n.
 */
function ecPrivateKey(spec: KeySpec, random: Random): KeyObject {
  const curve = EC_CURVES[spec];
  if (curve === undefined) throw new RangeError(`"spec" expected an ECC key spec, got ${spec}`);
  const ecdh = createECDH(curve.curve);
  for (;;) {
    const d = random.bytes(curve.bytes);
    // P-521 scalars are 521 bits: clear the 7 high bits of the 66-byte string.
    if (curve.bytes === 66) d[0] = (d[0] ?? 0) & 0x01;
    try {
      ecdh.setPrivateKey(d);
    } catch {
      continue;
    }
    const point = ecdh.getPublicKey();
    const half = (point.length - 1) / 2;
    return createPrivateKey({
      key: {
        kty: 'EC',
        crv: curve.jwk,
        d: Buffer.from(d).toString('base64url'),
        x: point.subarray(1, 1 + half).toString('base64url'),
        y: point.subarray(1 + half).toString('base64url'),
      },
      format: 'jwk',
    });
  }
}

function ed25519Pkcs8(seed: Uint8Array): Uint8Array {
  const out = new Uint8Array(ED25519_PKCS8_PREFIX.length + seed.length);
  out.set(ED25519_PKCS8_PREFIX, 0);
  out.set(seed, ED25519_PKCS8_PREFIX.length);
  return out;
}
