/**
 * @module
 * ReEncrypt: decrypts a blob under its source key and encrypts the plaintext under the destination
 * key, without the plaintext leaving KMS. Changes the key, the encryption context, or (same key)
 * the backing key after a rotation. Needs `kms:ReEncryptFrom` on the source key and
 * `kms:ReEncryptTo` on the destination key; both keys must be usable (key-state table, row 1).
 *
 * `SourceKeyId` is optional (the blob names its key) but must match when given
 * (IncorrectKeyException, LocalStack's AWS-validated `re_encrypt_incorrect_source_key`).
 * `CiphertextBlob` is optional in the newer model only for a dry run with `IGNORE_CIPHERTEXT`,
 * which then needs `SourceKeyId`.
 */

import { dryRunSucceeded, KmsError } from '../errors.ts';
import type { ParsedBlob } from '../model/ciphertext-blob.ts';
import type { KeyRecord } from '../model/records.ts';
import { blob, structure } from '../protocol/shapes.ts';
import { INCORRECT_KEY_MESSAGE } from './decrypt.ts';
import { requireSymmetricAlgorithm } from './shared/algorithm.ts';
import { keyMaterialIdOf } from './shared/audit.ts';
import { encodeRequestContext, keyOfBlob, openUnderKey, sealUnderKey } from './shared/crypto.ts';
import { DRY_RUN_MODIFIERS, ignoresCiphertext, requireMember } from './shared/crypto-members.ts';
import { requireKeyUsage } from './shared/key-usage.ts';
import { DRY_RUN, ENCRYPTION_ALGORITHM, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { quotaRowOf, throttleForKey } from './shared/quota-row.ts';
import { algorithmCondition, decryptUnderRsaKey, encryptUnderRsaKey, isRsaAlgorithm, requireRsaEncryption } from './shared/rsa-encryption.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** ReEncrypt request. */
export interface ReEncryptRequest {
  /** Required except for a dry run with `DryRunModifiers: ['IGNORE_CIPHERTEXT']`. */
  CiphertextBlob?: Uint8Array;
  SourceEncryptionContext?: Record<string, string>;
  SourceKeyId?: string;
  DestinationKeyId: string;
  DestinationEncryptionContext?: Record<string, string>;
  SourceEncryptionAlgorithm?: string;
  DestinationEncryptionAlgorithm?: string;
  GrantTokens?: string[];
  DryRun?: boolean;
  DryRunModifiers?: 'IGNORE_CIPHERTEXT'[];
}

/** ReEncrypt response. */
export interface ReEncryptResponse {
  CiphertextBlob: Uint8Array;
  /** ARN of the key that decrypted. */
  SourceKeyId: string;
  /** ARN of the key that encrypted. */
  KeyId: string;
  SourceEncryptionAlgorithm: string;
  DestinationEncryptionAlgorithm: string;
  /** The backing key that decrypted (64 hex digits); symmetric source keys only. */
  SourceKeyMaterialId?: string;
  /** The backing key that encrypted (64 hex digits); symmetric destination keys only. */
  DestinationKeyMaterialId?: string;
}

/** ReEncrypt. */
export const reEncrypt: OperationDefinition<'ReEncrypt', ReEncryptRequest, ReEncryptResponse> = {
  name: 'ReEncrypt',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  auditDefaults: { sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  input: structure(
    {
      CiphertextBlob: blob({ min: 1, max: 6144 }),
      SourceEncryptionContext: ENCRYPTION_CONTEXT,
      SourceKeyId: KEY_ID,
      DestinationKeyId: KEY_ID,
      DestinationEncryptionContext: ENCRYPTION_CONTEXT,
      SourceEncryptionAlgorithm: ENCRYPTION_ALGORITHM,
      DestinationEncryptionAlgorithm: ENCRYPTION_ALGORITHM,
      GrantTokens: GRANT_TOKENS,
      DryRun: DRY_RUN,
      DryRunModifiers: DRY_RUN_MODIFIERS,
    },
    ['DestinationKeyId'],
  ),

  async handler(input, context) {
    const skipCiphertext = ignoresCiphertext(input);
    const ciphertext = skipCiphertext ? undefined : requireMember(input.CiphertextBlob, 'ciphertextBlob');
    // Both contexts are validated before an alias/aws/* key is created and before DryRun answers.
    const sourceEncoding = encodeRequestContext(input.SourceEncryptionContext);
    const destinationEncoding = encodeRequestContext(input.DestinationEncryptionContext);
    const { key: source, blob } = await sourceKey(input, context, ciphertext);
    const destination = await context.resolveKey(input.DestinationKeyId, 'any');
    // Once against the source key's row, and once more against the destination's when it is
    // another row (an RSA source re-encrypted under a symmetric key): UNCONFIRMED how AWS counts it.
    throttleForKey(context, source);
    if (quotaRowOf(destination) !== quotaRowOf(source)) throttleForKey(context, destination);
    // CloudTrail lists the source key, then the destination key.
    context.touch(source);
    context.touch(destination);
    const grantTokens = input.GrantTokens ? { grantTokens: input.GrantTokens } : {};
    context.authorize('kms:ReEncryptFrom', source, {
      encryptionContext: input.SourceEncryptionContext ?? {},
      conditions: algorithmCondition(input.SourceEncryptionAlgorithm),
      ...grantTokens,
    });
    context.authorize('kms:ReEncryptTo', destination, {
      encryptionContext: input.DestinationEncryptionContext ?? {},
      conditions: algorithmCondition(input.DestinationEncryptionAlgorithm),
      ...grantTokens,
    });
    context.requireKeyState(source);
    context.requireKeyState(destination);
    const sourceRsa =
      source.keyPair !== undefined ? requireRsaEncryption(source, 'ReEncrypt', input.SourceEncryptionAlgorithm, input.SourceEncryptionContext) : undefined;
    if (sourceRsa === undefined) {
      requireKeyUsage(source, 'ENCRYPT_DECRYPT', 'ReEncrypt');
      requireSymmetricAlgorithm(source, input.SourceEncryptionAlgorithm);
    }
    const destinationRsa =
      destination.keyPair !== undefined
        ? requireRsaEncryption(destination, 'ReEncrypt', input.DestinationEncryptionAlgorithm, input.DestinationEncryptionContext)
        : undefined;
    if (destinationRsa === undefined) {
      requireKeyUsage(destination, 'ENCRYPT_DECRYPT', 'ReEncrypt');
      requireSymmetricAlgorithm(destination, input.DestinationEncryptionAlgorithm);
    }
    if (ciphertext === undefined || (blob === undefined && sourceRsa === undefined)) throw dryRunSucceeded();
    const opened =
      sourceRsa !== undefined
        ? { plaintext: decryptUnderRsaKey(source, sourceRsa, ciphertext), materialId: undefined }
        : openUnderKey(context, source, blob!, sourceEncoding);
    try {
      if (input.DryRun === true) throw dryRunSucceeded();
      const sealed =
        destinationRsa !== undefined
          ? { blob: encryptUnderRsaKey(destination, destinationRsa, opened.plaintext), materialId: undefined }
          : sealUnderKey(context, destination, opened.plaintext, destinationEncoding);
      return {
        CiphertextBlob: sealed.blob,
        SourceKeyId: source.arn,
        KeyId: destination.arn,
        SourceEncryptionAlgorithm: sourceRsa ?? 'SYMMETRIC_DEFAULT',
        DestinationEncryptionAlgorithm: destinationRsa ?? 'SYMMETRIC_DEFAULT',
        ...(opened.materialId === undefined ? {} : { SourceKeyMaterialId: opened.materialId }),
        ...(sealed.materialId === undefined ? {} : { DestinationKeyMaterialId: sealed.materialId }),
      };
    } finally {
      // The plaintext never leaves KMS.
      opened.plaintext.fill(0);
    }
  },

  // requestParameters: the input's members, always with both algorithms, never the ciphertext
  // (auditDefaults; ct-reencrypt).
  auditAdditional: keyMaterialIdOf,
};

/**
 * The key that decrypts: the blob's key (checked against `SourceKeyId` when given) with the blob
 * parsed, or, for a dry run that ignores the ciphertext, the key `SourceKeyId` names and no blob.
 */
async function sourceKey(
  input: ReEncryptRequest,
  context: OperationContext,
  ciphertext: Uint8Array | undefined,
): Promise<{ key: KeyRecord; blob?: ParsedBlob }> {
  // An RSA ciphertext names no key: SourceKeyId is required with an RSA SourceEncryptionAlgorithm.
  if (isRsaAlgorithm(input.SourceEncryptionAlgorithm)) return { key: await context.resolveKey(requireMember(input.SourceKeyId, 'sourceKeyId'), 'any') };
  if (ciphertext === undefined) return { key: await context.resolveKey(requireMember(input.SourceKeyId, 'sourceKeyId'), 'any') };
  const found = keyOfBlob(context, ciphertext);
  if (input.SourceKeyId !== undefined) {
    const named = await context.resolveKey(input.SourceKeyId, 'any');
    if (named.keyId !== found.key.keyId) throw new KmsError('IncorrectKeyException', INCORRECT_KEY_MESSAGE);
  }
  return found;
}
