/**
 * @module
 * Decrypt: finds the key from the blob itself; with `KeyId`, the blob must have been made under
 * that key (IncorrectKeyException otherwise). The encryption context must match exactly.
 */

import { dryRunSucceeded, KmsError } from '../errors.ts';
import { blob, structure } from '../protocol/shapes.ts';
import { requireSymmetricAlgorithm } from './shared/algorithm.ts';
import { decryptWithKey, keyOfBlob } from './shared/crypto.ts';
import { requireKeyState } from './shared/key-state.ts';
import { DRY_RUN, ENCRYPTION_ALGORITHM, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** Decrypt request. */
export interface DecryptRequest {
  CiphertextBlob: Uint8Array;
  EncryptionContext?: Record<string, string>;
  GrantTokens?: string[];
  KeyId?: string;
  EncryptionAlgorithm?: string;
  DryRun?: boolean;
}

/** Decrypt response. */
export interface DecryptResponse {
  KeyId: string;
  Plaintext: Uint8Array;
  EncryptionAlgorithm: 'SYMMETRIC_DEFAULT';
}

/** IncorrectKeyException's text (LocalStack's AWS-validated snapshot `decrypt-invalid-key-id`). */
const INCORRECT_KEY = 'The key ID in the request does not identify a CMK that can perform this operation.';

/** Decrypt. */
export const decrypt: OperationDefinition<DecryptRequest, DecryptResponse> = {
  name: 'Decrypt',
  input: structure(
    {
      CiphertextBlob: blob({ min: 1, max: 6144 }),
      EncryptionContext: ENCRYPTION_CONTEXT,
      GrantTokens: GRANT_TOKENS,
      KeyId: KEY_ID,
      EncryptionAlgorithm: ENCRYPTION_ALGORITHM,
      DryRun: DRY_RUN,
    },
    ['CiphertextBlob'],
  ),

  async handler(input, context) {
    const key = keyOfBlob(context, input.CiphertextBlob);
    if (input.KeyId !== undefined) {
      const named = await context.resolveKey(input.KeyId, 'any');
      if (named.keyId !== key.keyId) throw new KmsError('IncorrectKeyException', INCORRECT_KEY);
    }
    context.touch(key);
    context.authorize('kms:Decrypt', key, { encryptionContext: input.EncryptionContext ?? {}, ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}) });
    requireKeyState(key, 'Decrypt');
    requireSymmetricAlgorithm(key, input.EncryptionAlgorithm);
    const plaintext = decryptWithKey(context, key, input.CiphertextBlob, input.EncryptionContext);
    if (input.DryRun === true) {
      plaintext.fill(0);
      throw dryRunSucceeded();
    }
    return { KeyId: key.arn, Plaintext: plaintext, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' };
  },
};
