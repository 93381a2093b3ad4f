/**
 * @module
 * Every KMS key spec: which key usages it allows, which algorithms each usage offers, its key size,
 * the message limits of its operations and the request-quota row its cryptographic operations
 * count against. One table, read by CreateKey (validation), DescribeKey/GetPublicKey (algorithm
 * lists) and the cryptographic operations (algorithm and size checks).
 *
 * Sources: the `KeySpec`, `KeyUsageType` and algorithm enums of `@aws-sdk/client-kms` 3.1164.0
 * (the ground truth for names); the CreateKey `KeyUsage` doc ("For asymmetric KMS keys with RSA key
 * pairs, specify ENCRYPT_DECRYPT or SIGN_VERIFY. ... NIST-standard elliptic curve key pairs,
 * SIGN_VERIFY or KEY_AGREEMENT. ... ECC_SECG_P256K1, SIGN_VERIFY. ... ML-DSA, SIGN_VERIFY. ...
 * ML-KEM, ENCAPSULATE_DECAPSULATE"); the algorithm lists AWS returns in KeyMetadata (LocalStack's
 * AWS-validated snapshots: RSA_4096 ENCRYPT_DECRYPT → `[RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256]`,
 * ECC_NIST_P521 → `[ECDSA_SHA_512]`, ECC_SECG_P256K1 → `[ECDSA_SHA_256]`, HMAC_224 →
 * `[HMAC_SHA_224]`); the developer guide's key spec reference and "Request quotas".
 */

/** Every KeySpec of the KMS API. */
export const KEY_SPECS = [
  'SYMMETRIC_DEFAULT',
  'RSA_2048',
  'RSA_3072',
  'RSA_4096',
  'ECC_NIST_P256',
  'ECC_NIST_P384',
  'ECC_NIST_P521',
  'ECC_SECG_P256K1',
  'ECC_NIST_EDWARDS25519',
  'HMAC_224',
  'HMAC_256',
  'HMAC_384',
  'HMAC_512',
  'ML_DSA_44',
  'ML_DSA_65',
  'ML_DSA_87',
  'ML_KEM_512',
  'ML_KEM_768',
  'ML_KEM_1024',
  'SM2',
] as const;
/** A KMS key spec. */
export type KeySpec = (typeof KEY_SPECS)[number];

/** Every KeyUsage of the KMS API. */
export const KEY_USAGES = ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT', 'ENCAPSULATE_DECAPSULATE'] as const;
/** A KMS key usage. */
export type KeyUsage = (typeof KEY_USAGES)[number];

/** EncryptionAlgorithmSpec. */
export type EncryptionAlgorithm = 'SYMMETRIC_DEFAULT' | 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256' | 'SM2PKE';
/** SigningAlgorithmSpec. */
export type SigningAlgorithm =
  | 'RSASSA_PSS_SHA_256'
  | 'RSASSA_PSS_SHA_384'
  | 'RSASSA_PSS_SHA_512'
  | 'RSASSA_PKCS1_V1_5_SHA_256'
  | 'RSASSA_PKCS1_V1_5_SHA_384'
  | 'RSASSA_PKCS1_V1_5_SHA_512'
  | 'ECDSA_SHA_256'
  | 'ECDSA_SHA_384'
  | 'ECDSA_SHA_512'
  | 'ED25519_SHA_512'
  | 'ED25519_PH_SHA_512'
  | 'ML_DSA_SHAKE_256'
  | 'SM2DSA';
/** MacAlgorithmSpec. */
export type MacAlgorithm = 'HMAC_SHA_224' | 'HMAC_SHA_256' | 'HMAC_SHA_384' | 'HMAC_SHA_512';
/** KeyAgreementAlgorithmSpec. */
export type KeyAgreementAlgorithm = 'ECDH';
/** EncapsulationAlgorithmSpec. */
export type EncapsulationAlgorithm = 'ML_KEM';
/** MessageType of Sign and Verify. */
export type MessageType = 'RAW' | 'DIGEST' | 'EXTERNAL_MU';

/** Every SigningAlgorithmSpec, in the SDK's order. */
export const SIGNING_ALGORITHMS: readonly SigningAlgorithm[] = Object.freeze([
  'ECDSA_SHA_256',
  'ECDSA_SHA_384',
  'ECDSA_SHA_512',
  'ED25519_PH_SHA_512',
  'ED25519_SHA_512',
  'ML_DSA_SHAKE_256',
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
  'SM2DSA',
] as const);
/** Every MacAlgorithmSpec. */
export const MAC_ALGORITHMS: readonly MacAlgorithm[] = Object.freeze(['HMAC_SHA_224', 'HMAC_SHA_256', 'HMAC_SHA_384', 'HMAC_SHA_512'] as const);
/** Every EncryptionAlgorithmSpec. */
export const ENCRYPTION_ALGORITHMS: readonly EncryptionAlgorithm[] = Object.freeze([
  'SYMMETRIC_DEFAULT',
  'RSAES_OAEP_SHA_1',
  'RSAES_OAEP_SHA_256',
  'SM2PKE',
] as const);
/** Every MessageType. */
export const MESSAGE_TYPES: readonly MessageType[] = Object.freeze(['RAW', 'DIGEST', 'EXTERNAL_MU'] as const);

/**
 * The request-quota row a key's cryptographic operations count against ("Request quotas"):
 * `symmetric` is the shared "Cryptographic operations (symmetric) request rate" (HMAC keys too:
 * GenerateMac and VerifyMac are in its list); `rsa`, `ecc` ("ECC and SM2") and `ml-dsa` are the
 * 1,000/s asymmetric rows. `ml-kem` has no row on the page as of the 2025 version: UNCONFIRMED,
 * modelled as its own 1,000/s row like the other asymmetric families.
 */
export type QuotaFamily = 'symmetric' | 'rsa' | 'ecc' | 'ml-dsa' | 'ml-kem';

/** The algorithms one key usage of one key spec offers. */
export interface UsageAlgorithms {
  readonly encryption?: readonly EncryptionAlgorithm[];
  readonly signing?: readonly SigningAlgorithm[];
  readonly mac?: readonly MacAlgorithm[];
  readonly keyAgreement?: readonly KeyAgreementAlgorithm[];
  readonly encapsulation?: readonly EncapsulationAlgorithm[];
}

/** How a key spec's material is made and used. */
export type KeyFamily = 'symmetric' | 'hmac' | 'rsa' | 'ecc' | 'ed25519' | 'ml-dsa' | 'ml-kem' | 'sm2';

/** One row of the key spec table. */
export interface KeySpecInfo {
  readonly spec: KeySpec;
  readonly family: KeyFamily;
  /** Key size in bits (RSA modulus, curve size, HMAC key, ML-DSA/ML-KEM security category size). */
  readonly bits: number;
  readonly quota: QuotaFamily;
  /** The usages CreateKey accepts, each with its algorithms (in the order KMS lists them). */
  readonly usages: Readonly<Partial<Record<KeyUsage, UsageAlgorithms>>>;
  /** Whether GenerateDataKeyPair accepts this spec as a `KeyPairSpec`. */
  readonly dataKeyPair: boolean;
  /** Whether the key is asymmetric (has a public key: GetPublicKey). */
  readonly asymmetric: boolean;
  /** Refused by Strongbox, with why (SM2: China Regions only). */
  readonly unsupported?: string;
}

const RSA_ENCRYPTION: readonly EncryptionAlgorithm[] = ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'];
// DescribeKey lists RSA signing algorithms PKCS#1 v1.5 first, then PSS (AWS CLI describe-key examples).
const RSA_SIGNING: readonly SigningAlgorithm[] = [
  'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384',
  'RSASSA_PKCS1_V1_5_SHA_512',
  'RSASSA_PSS_SHA_256',
  'RSASSA_PSS_SHA_384',
  'RSASSA_PSS_SHA_512',
];
const ECDH: readonly KeyAgreementAlgorithm[] = ['ECDH'];
const SM2_REFUSAL = 'SM2 key specs are available only in the AWS China Regions (cn-north-1, cn-northwest-1), which Strongbox does not emulate.';

function rsa(spec: KeySpec, bits: number): KeySpecInfo {
  return {
    spec,
    family: 'rsa',
    bits,
    quota: 'rsa',
    usages: { ENCRYPT_DECRYPT: { encryption: RSA_ENCRYPTION }, SIGN_VERIFY: { signing: RSA_SIGNING } },
    dataKeyPair: true,
    asymmetric: true,
  };
}
function nist(spec: KeySpec, bits: number, signing: SigningAlgorithm): KeySpecInfo {
  return {
    spec,
    family: 'ecc',
    bits,
    quota: 'ecc',
    usages: { SIGN_VERIFY: { signing: [signing] }, KEY_AGREEMENT: { keyAgreement: ECDH } },
    dataKeyPair: true,
    asymmetric: true,
  };
}
function hmac(spec: KeySpec, bits: number, mac: MacAlgorithm): KeySpecInfo {
  return { spec, family: 'hmac', bits, quota: 'symmetric', usages: { GENERATE_VERIFY_MAC: { mac: [mac] } }, dataKeyPair: false, asymmetric: false };
}
function mlDsa(spec: KeySpec, bits: number): KeySpecInfo {
  return { spec, family: 'ml-dsa', bits, quota: 'ml-dsa', usages: { SIGN_VERIFY: { signing: ['ML_DSA_SHAKE_256'] } }, dataKeyPair: false, asymmetric: true };
}
function mlKem(spec: KeySpec, bits: number): KeySpecInfo {
  return {
    spec,
    family: 'ml-kem',
    bits,
    quota: 'ml-kem',
    usages: { ENCAPSULATE_DECAPSULATE: { encapsulation: ['ML_KEM'] } },
    dataKeyPair: true,
    asymmetric: true,
  };
}

/** The key spec table. */
export const KEY_SPEC_TABLE: Readonly<Record<KeySpec, KeySpecInfo>> = Object.freeze({
  SYMMETRIC_DEFAULT: {
    spec: 'SYMMETRIC_DEFAULT',
    family: 'symmetric',
    bits: 256,
    quota: 'symmetric',
    usages: { ENCRYPT_DECRYPT: { encryption: ['SYMMETRIC_DEFAULT'] } },
    dataKeyPair: false,
    asymmetric: false,
  },
  RSA_2048: rsa('RSA_2048', 2048),
  RSA_3072: rsa('RSA_3072', 3072),
  RSA_4096: rsa('RSA_4096', 4096),
  ECC_NIST_P256: nist('ECC_NIST_P256', 256, 'ECDSA_SHA_256'),
  ECC_NIST_P384: nist('ECC_NIST_P384', 384, 'ECDSA_SHA_384'),
  ECC_NIST_P521: nist('ECC_NIST_P521', 521, 'ECDSA_SHA_512'),
  ECC_SECG_P256K1: {
    spec: 'ECC_SECG_P256K1',
    family: 'ecc',
    bits: 256,
    quota: 'ecc',
    usages: { SIGN_VERIFY: { signing: ['ECDSA_SHA_256'] } },
    dataKeyPair: true,
    asymmetric: true,
  },
  // "ECC_NIST_EDWARDS25519 (ed25519) - signing and verification only" (CreateKey KeySpec doc).
  ECC_NIST_EDWARDS25519: {
    spec: 'ECC_NIST_EDWARDS25519',
    family: 'ed25519',
    bits: 256,
    quota: 'ecc',
    usages: { SIGN_VERIFY: { signing: ['ED25519_SHA_512', 'ED25519_PH_SHA_512'] } },
    dataKeyPair: true,
    asymmetric: true,
  },
  HMAC_224: hmac('HMAC_224', 224, 'HMAC_SHA_224'),
  HMAC_256: hmac('HMAC_256', 256, 'HMAC_SHA_256'),
  HMAC_384: hmac('HMAC_384', 384, 'HMAC_SHA_384'),
  HMAC_512: hmac('HMAC_512', 512, 'HMAC_SHA_512'),
  ML_DSA_44: mlDsa('ML_DSA_44', 128),
  ML_DSA_65: mlDsa('ML_DSA_65', 192),
  ML_DSA_87: mlDsa('ML_DSA_87', 256),
  ML_KEM_512: mlKem('ML_KEM_512', 128),
  ML_KEM_768: mlKem('ML_KEM_768', 192),
  ML_KEM_1024: mlKem('ML_KEM_1024', 256),
  SM2: {
    spec: 'SM2',
    family: 'sm2',
    bits: 256,
    quota: 'ecc',
    usages: { ENCRYPT_DECRYPT: { encryption: ['SM2PKE'] }, SIGN_VERIFY: { signing: ['SM2DSA'] }, KEY_AGREEMENT: { keyAgreement: ECDH } },
    dataKeyPair: true,
    asymmetric: true,
    unsupported: SM2_REFUSAL,
  },
});

/** Whether `value` is a KeySpec. */
export function isKeySpec(value: string): value is KeySpec {
  return Object.hasOwn(KEY_SPEC_TABLE, value);
}

/**
 * The algorithms a key of `spec` and `usage` offers, or `undefined` when CreateKey refuses the
 * combination.
 *
 * @example
 * ```ts
 * usageAlgorithms('ECC_NIST_P384', 'SIGN_VERIFY'); // { signing: ['ECDSA_SHA_384'] }
 * usageAlgorithms('RSA_2048', 'KEY_AGREEMENT');    // undefined
 * ```
 */
export function usageAlgorithms(spec: KeySpec, usage: KeyUsage): UsageAlgorithms | undefined {
  return KEY_SPEC_TABLE[spec].usages[usage];
}

/** The usages a key spec allows, in KEY_USAGES order. */
export function allowedUsages(spec: KeySpec): readonly KeyUsage[] {
  return KEY_USAGES.filter((usage) => KEY_SPEC_TABLE[spec].usages[usage] !== undefined);
}

// ---------------------------------------------------------------------------------------------
// Message limits
// ---------------------------------------------------------------------------------------------

/** Largest Sign/Verify RAW message and GenerateMac/VerifyMac message (model: Message 1..4096). */
export const MAX_RAW_MESSAGE_LENGTH = 4096;
/** EXTERNAL_MU messages are ML-DSA's 64-byte μ (FIPS 204 §6.2; Sign MessageType doc). */
export const EXTERNAL_MU_LENGTH = 64;

/** The hash a signing algorithm applies to a RAW message, with its output length in bytes. */
export interface SigningHash {
  /** node:crypto digest name; `shake256` for ML-DSA (its μ is SHAKE-256 output). */
  readonly name: 'sha256' | 'sha384' | 'sha512' | 'shake256' | 'sm3';
  readonly length: number;
}

const SHA256: SigningHash = { name: 'sha256', length: 32 };
const SHA384: SigningHash = { name: 'sha384', length: 48 };
const SHA512: SigningHash = { name: 'sha512', length: 64 };

/**
 * The hash of a signing algorithm ("Signing algorithms that end in SHA_256 use the SHA_256
 * hashing algorithm ... SHAKE_256 ... SM2DSA uses the SM3 hashing algorithm", Sign doc).
 */
export function signingHash(algorithm: SigningAlgorithm): SigningHash {
  if (algorithm === 'ML_DSA_SHAKE_256') return { name: 'shake256', length: EXTERNAL_MU_LENGTH };
  if (algorithm === 'SM2DSA') return { name: 'sm3', length: 32 };
  if (algorithm.endsWith('_256')) return SHA256;
  if (algorithm.endsWith('_384')) return SHA384;
  return SHA512;
}

/**
 * The length a DIGEST message must have for `algorithm` ("the length of the Message value must
 * match the length of hashed messages for the specified signing algorithm"), or `undefined` where
 * the algorithm takes no DIGEST: ED25519_SHA_512 "requires MessageType:RAW" and ML-DSA signs a RAW
 * message or an EXTERNAL_MU. ED25519_PH_SHA_512 takes a SHA-512 digest (64 bytes), which KMS hashes
 * once more (HashEdDSA, FIPS 186-5 §7.8.1 step 1).
 */
export function digestLength(algorithm: SigningAlgorithm): number | undefined {
  if (algorithm === 'ED25519_SHA_512' || algorithm === 'ML_DSA_SHAKE_256') return undefined;
  return signingHash(algorithm).length;
}

/** Which message types a signing algorithm accepts (Sign doc, MessageType). */
export function messageTypesOf(algorithm: SigningAlgorithm): readonly MessageType[] {
  switch (algorithm) {
    case 'ED25519_SHA_512':
      return ['RAW'];
    case 'ED25519_PH_SHA_512':
      return ['DIGEST'];
    case 'ML_DSA_SHAKE_256':
      return ['RAW', 'EXTERNAL_MU'];
    default:
      return ['RAW', 'DIGEST'];
  }
}

/** Bytes of an RSA modulus. */
export function rsaModulusBytes(spec: KeySpec): number {
  return KEY_SPEC_TABLE[spec].bits / 8;
}

/**
 * Largest plaintext RSA-OAEP encrypts: k − 2·hLen − 2 (RFC 8017 §7.1.1). KMS answers
 * "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190 bytes."
 * with these numbers (LocalStack's AWS-validated snapshot: 214/190, 342/318, 470/446).
 */
export function maxRsaPlaintextLength(spec: KeySpec, algorithm: 'RSAES_OAEP_SHA_1' | 'RSAES_OAEP_SHA_256'): number {
  const hashLength = algorithm === 'RSAES_OAEP_SHA_1' ? 20 : 32;
  return rsaModulusBytes(spec) - 2 * hashLength - 2;
}

/** HMAC key length in bytes ("HMAC_224 ... 224-bit key", key spec reference). */
export function hmacKeyLength(spec: KeySpec): number {
  return KEY_SPEC_TABLE[spec].bits / 8;
}

/** Length of a MAC of `algorithm`, in bytes. */
export function macLength(algorithm: MacAlgorithm): number {
  return Number(algorithm.slice('HMAC_SHA_'.length)) / 8;
}

// ---------------------------------------------------------------------------------------------
// Data key pairs
// ---------------------------------------------------------------------------------------------

/** GenerateDataKeyPair `KeyPairSpec` values (DataKeyPairSpec enum). */
export const DATA_KEY_PAIR_SPECS: readonly KeySpec[] = Object.freeze(KEY_SPECS.filter((spec) => KEY_SPEC_TABLE[spec].dataKeyPair));

/**
 * GenerateDataKeyPair and GenerateDataKeyPairWithoutPlaintext quotas per key pair spec, requests
 * per second ("Request quotas": ECC 100 each, RSA_2048 20, RSA_3072 4, RSA_4096 1). ML-KEM data key
 * pairs have no row on the page: UNCONFIRMED, modelled like the ECC ones.
 */
export const DATA_KEY_PAIR_QUOTAS: Readonly<Partial<Record<KeySpec, number>>> = Object.freeze({
  RSA_2048: 20,
  RSA_3072: 4,
  RSA_4096: 1,
  ECC_NIST_P256: 100,
  ECC_NIST_P384: 100,
  ECC_NIST_P521: 100,
  ECC_SECG_P256K1: 100,
  ECC_NIST_EDWARDS25519: 100,
  ML_KEM_512: 100,
  ML_KEM_768: 100,
  ML_KEM_1024: 100,
  SM2: 25,
});

/** Default request quota of each asymmetric cryptographic row, per second ("Request quotas"). */
export const ASYMMETRIC_QUOTAS: Readonly<Record<Exclude<QuotaFamily, 'symmetric'>, number>> = Object.freeze({
  rsa: 1000,
  ecc: 1000,
  'ml-dsa': 1000,
  'ml-kem': 1000,
});
