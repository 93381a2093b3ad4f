/**
 * @module
 * Key usage and algorithm checks shared by the cryptographic operations, with the texts AWS
 * answers (LocalStack's AWS-validated snapshots):
 *
 * - `InvalidKeyUsageException: <key ARN> key usage is SIGN_VERIFY which is not valid for Encrypt.`
 * - `InvalidKeyUsageException: Algorithm HMAC_SHA_256 is incompatible with key spec HMAC_224.`
 *   (the same form for signing and encryption algorithms: "Algorithm SYMMETRIC_DEFAULT is
 *   incompatible with key spec RSA_4096." was reported from real KMS, zalando/spring-cloud-config-aws-kms#82).
 */

import { KmsError } from '../../errors.ts';
import { KEY_SPEC_TABLE, type KeyUsage } from '../../model/key-types/spec-table.ts';
import type { KeyRecord } from '../../model/records.ts';

/**
 * Throws unless `key` has `usage`.
 * @throws KmsError InvalidKeyUsageException.
 */
export function requireKeyUsage(key: KeyRecord, usage: KeyUsage, operation: string): void {
  if (key.keyUsage !== usage) throw new KmsError('InvalidKeyUsageException', `${key.arn} key usage is ${key.keyUsage} which is not valid for ${operation}.`);
}

/** `InvalidKeyUsageException: Algorithm <algorithm> is incompatible with key spec <spec>.` */
export function incompatibleAlgorithm(key: KeyRecord, algorithm: string): KmsError {
  return new KmsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${key.keySpec}.`);
}

/**
 * Throws unless `key` is a symmetric encryption key (SYMMETRIC_DEFAULT, ENCRYPT_DECRYPT): the only
 * keys GenerateDataKey, GenerateDataKeyPair and symmetric ReEncrypt destinations accept ("You
 * cannot specify an asymmetric KMS key"). An RSA ENCRYPT_DECRYPT key is refused as Encrypt refuses
 * it without an algorithm: its implicit SYMMETRIC_DEFAULT is incompatible with the key spec
 * (UNCONFIRMED for these operations; the Encrypt text is AWS's).
 * @throws KmsError InvalidKeyUsageException.
 */
export function requireSymmetricEncryptionKey(key: KeyRecord, operation: string): void {
  requireKeyUsage(key, 'ENCRYPT_DECRYPT', operation);
  if (key.keySpec !== 'SYMMETRIC_DEFAULT') throw incompatibleAlgorithm(key, 'SYMMETRIC_DEFAULT');
}

/** Whether `key` is asymmetric (has a key pair). */
export function isAsymmetric(key: KeyRecord): boolean {
  return KEY_SPEC_TABLE[key.keySpec].asymmetric;
}
