/**
 * @module
 * Encrypt, Decrypt and ReEncrypt with RSA ENCRYPT_DECRYPT keys: the algorithm and size checks,
 * with AWS's answers, around RSA-OAEP (model/key-types/rsa-oaep.ts):
 *
 * - no EncryptionAlgorithm means SYMMETRIC_DEFAULT, which an RSA key refuses: "Algorithm
 *   SYMMETRIC_DEFAULT is incompatible with key spec RSA_4096." (InvalidKeyUsageException, seen from
 *   real KMS: zalando/spring-cloud-config-aws-kms#82);
 * - "Algorithm RSAES_OAEP_SHA_256 and key spec RSA_2048 cannot encrypt data larger than 190
 *   bytes." (ValidationException, LocalStack's AWS-validated snapshot);
 * - an encryption context: "An encryption context is supported only on operations with symmetric
 *   encryption KMS keys" (Encrypt doc); Strongbox refuses one rather than ignore it
 *   (ValidationException, text UNCONFIRMED);
 * - a ciphertext that does not decrypt: InvalidCiphertextException with AWS's empty message.
 */

import { invalidCiphertext, KmsError } from '../../errors.ts';
import { type RsaEncryptionAlgorithm, rsaDecrypt, rsaEncrypt } from '../../model/key-types/rsa-oaep.ts';
import { maxRsaPlaintextLength, usageAlgorithms } from '../../model/key-types/spec-table.ts';
import type { KeyRecord } from '../../model/records.ts';
import { incompatibleAlgorithm, requireKeyUsage } from './key-usage.ts';

/** Whether an EncryptionAlgorithm value is one of the RSA ones. */
export function isRsaAlgorithm(algorithm: string | undefined): algorithm is RsaEncryptionAlgorithm {
  return algorithm === 'RSAES_OAEP_SHA_1' || algorithm === 'RSAES_OAEP_SHA_256';
}

/**
 * Checks `key` and `algorithm` for RSA encryption or decryption.
 * @throws KmsError InvalidKeyUsageException, ValidationException (encryption context).
 */
export function requireRsaEncryption(
  key: KeyRecord,
  operation: string,
  algorithm: string | undefined,
  encryptionContext: Readonly<Record<string, string>> | undefined,
): RsaEncryptionAlgorithm {
  requireKeyUsage(key, 'ENCRYPT_DECRYPT', operation);
  const offered = usageAlgorithms(key.keySpec, 'ENCRYPT_DECRYPT')?.encryption ?? [];
  const wanted = algorithm ?? 'SYMMETRIC_DEFAULT';
  if (!isRsaAlgorithm(wanted) || !offered.includes(wanted)) throw incompatibleAlgorithm(key, wanted);
  if (encryptionContext !== undefined && Object.keys(encryptionContext).length > 0) {
    throw new KmsError('ValidationException', 'EncryptionContext is supported only on operations with symmetric encryption KMS keys.');
  }
  return wanted;
}

/**
 * RSA-OAEP encryption of `plaintext` under `key`'s public key.
 * @throws KmsError ValidationException for a plaintext over the algorithm's limit.
 */
export function encryptUnderRsaKey(key: KeyRecord, algorithm: RsaEncryptionAlgorithm, plaintext: Uint8Array): Uint8Array {
  const limit = maxRsaPlaintextLength(key.keySpec, algorithm);
  if (plaintext.length > limit)
    throw new KmsError('ValidationException', `Algorithm ${algorithm} and key spec ${key.keySpec} cannot encrypt data larger than ${limit} bytes.`);
  const publicKey = key.keyPair?.publicKey;
  if (publicKey === undefined) throw new RangeError(`key ${key.keyId} has no key pair`);
  return rsaEncrypt(algorithm, publicKey, plaintext);
}

/**
 * RSA-OAEP decryption with `key`'s private key.
 * @returns the plaintext (secret).
 * @throws KmsError InvalidCiphertextException (empty message) when it does not decrypt.
 */
export function decryptUnderRsaKey(key: KeyRecord, algorithm: RsaEncryptionAlgorithm, ciphertext: Uint8Array): Uint8Array {
  const privateKey = key.keyPair?.privateKey;
  if (privateKey === undefined) throw new RangeError(`key ${key.keyId} has no key pair`);
  const plaintext = rsaDecrypt(algorithm, privateKey, ciphertext);
  if (plaintext === undefined) throw invalidCiphertext();
  return plaintext;
}

/**
 * `kms:EncryptionAlgorithm` as the request gives it ("the value of the EncryptionAlgorithm
 * parameter in the request"; SYMMETRIC_DEFAULT when absent, the parameter's default).
 */
export function algorithmCondition(algorithm: string | undefined): Readonly<Record<string, string>> {
  const value = algorithm ?? 'SYMMETRIC_DEFAULT';
  // One frozen object per algorithm (the input shape admits only the model's few): the policy
  // engine then lower-cases its names once, not on every call (`conditionLookup`).
  let conditions = ALGORITHM_CONDITIONS.get(value);
  if (conditions === undefined) {
    conditions = Object.freeze({ 'kms:EncryptionAlgorithm': value });
    if (ALGORITHM_CONDITIONS.size < MAX_ALGORITHM_CONDITIONS) ALGORITHM_CONDITIONS.set(value, conditions);
  }
  return conditions;
}

const ALGORITHM_CONDITIONS = new Map<string, Readonly<Record<string, string>>>();
/** Bound on the table, should a value outside the model's algorithms ever reach it. */
const MAX_ALGORITHM_CONDITIONS = 16;
