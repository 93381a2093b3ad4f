/**
 * @module
 * Encrypt: up to 4096 bytes under a symmetric key, bound to an encryption context; or, under an
 * RSA ENCRYPT_DECRYPT key, RSA-OAEP of up to the algorithm's limit (shared/rsa-encryption.ts).
 */

import { dryRunSucceeded } from '../errors.ts';
import { blob, structure } from '../protocol/shapes.ts';
import { requireSymmetricAlgorithm } from './shared/algorithm.ts';
import { encryptedMaterialIdOf } from './shared/audit.ts';
import { contextDetails } from './shared/context-details.ts';
import { encodeRequestContext, sealUnderKey } from './shared/crypto.ts';
import { requireKeyUsage } from './shared/key-usage.ts';
import { DRY_RUN, ENCRYPTION_ALGORITHM, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { throttleForKey } from './shared/quota-row.ts';
import { algorithmCondition, encryptUnderRsaKey, requireRsaEncryption } from './shared/rsa-encryption.ts';
import type { OperationDefinition } from './types.ts';

/** Encrypt request. */
export interface EncryptRequest {
  KeyId: string;
  Plaintext: Uint8Array;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
  EncryptionAlgorithm?: string;
  DryRun?: boolean;
}

/** Encrypt response. */
export interface EncryptResponse {
  CiphertextBlob: Uint8Array;
  KeyId: string;
  EncryptionAlgorithm: string;
}

/** Encrypt. */
export const encrypt: OperationDefinition<'Encrypt', EncryptRequest, EncryptResponse> = {
  name: 'Encrypt',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  auditDefaults: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  input: structure(
    {
      KeyId: KEY_ID,
      Plaintext: blob({ min: 1, max: 4096, sensitive: true }),
      EncryptionContext: ENCRYPTION_CONTEXT,
      GrantTokens: GRANT_TOKENS,
      EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
      DryRun: DRY_RUN,
    },
    ['KeyId', 'Plaintext'],
  ),

  async handler(input, context) {
    // Validation first: before an alias/aws/* key is created, and before DryRun answers.
    const contextEncoding = encodeRequestContext(input.EncryptionContext);
    const key = await context.resolveKey(input.KeyId, 'any');
    throttleForKey(context, key);
    context.touch(key);
    context.authorize('kms:Encrypt', key, contextDetails(input.EncryptionContext, input.GrantTokens, algorithmCondition(input.EncryptionAlgorithm)));
    context.requireKeyState(key);
    if (key.keyPair !== undefined) {
      const algorithm = requireRsaEncryption(key, 'Encrypt', input.EncryptionAlgorithm, input.EncryptionContext);
      if (input.DryRun === true) throw dryRunSucceeded();
      return { CiphertextBlob: encryptUnderRsaKey(key, algorithm, input.Plaintext), KeyId: key.arn, EncryptionAlgorithm: algorithm };
    }
    requireKeyUsage(key, 'ENCRYPT_DECRYPT', 'Encrypt');
    requireSymmetricAlgorithm(key, input.EncryptionAlgorithm);
    if (input.DryRun === true) throw dryRunSucceeded();
    return {
      CiphertextBlob: sealUnderKey(context, key, input.Plaintext, contextEncoding).blob,
      KeyId: key.arn,
      EncryptionAlgorithm: 'SYMMETRIC_DEFAULT',
    };
  },
  auditAdditional: encryptedMaterialIdOf,
};
