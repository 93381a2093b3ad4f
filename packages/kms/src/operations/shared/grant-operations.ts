/**
 * @module
 * Which grant operations suit which key (dev guide "Grant operations": "the operations in a grant
 * must be supported by the KMS key"): every key allows CreateGrant, RetireGrant and DescribeKey;
 * then symmetric encryption keys their encryption and data-key operations, HMAC keys GenerateMac
 * and VerifyMac, asymmetric keys GetPublicKey and the operations of their key usage. Encryption
 * context constraints apply only to symmetric encryption keys ("Not allowed on asymmetric or HMAC
 * keys").
 */

import type { GrantOperation, KeyRecord } from '../../model/records.ts';

const COMMON: readonly GrantOperation[] = ['CreateGrant', 'RetireGrant', 'DescribeKey'];
const SYMMETRIC: readonly GrantOperation[] = [
  'Decrypt',
  'Encrypt',
  'GenerateDataKey',
  'GenerateDataKeyWithoutPlaintext',
  'GenerateDataKeyPair',
  'GenerateDataKeyPairWithoutPlaintext',
  'ReEncryptFrom',
  'ReEncryptTo',
];
const BY_USAGE: Readonly<Record<string, readonly GrantOperation[]>> = {
  ENCRYPT_DECRYPT: ['Decrypt', 'Encrypt', 'ReEncryptFrom', 'ReEncryptTo', 'GetPublicKey'],
  SIGN_VERIFY: ['Sign', 'Verify', 'GetPublicKey'],
  KEY_AGREEMENT: ['DeriveSharedSecret', 'GetPublicKey'],
  ENCAPSULATE_DECAPSULATE: ['Encapsulate', 'Decapsulate', 'GetPublicKey'],
  GENERATE_VERIFY_MAC: ['GenerateMac', 'VerifyMac'],
};

/** The grant operations `key` supports. */
export function grantOperationsFor(key: KeyRecord): ReadonlySet<GrantOperation> {
  const own = key.keySpec === 'SYMMETRIC_DEFAULT' ? SYMMETRIC : (BY_USAGE[key.keyUsage] ?? []);
  return new Set([...COMMON, ...own]);
}
