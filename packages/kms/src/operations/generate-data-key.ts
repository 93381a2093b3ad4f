/**
 * @module
 * GenerateDataKey: a fresh data key, returned in plaintext and encrypted under the KMS key.
 * Exactly one of `NumberOfBytes` (1..1024) and `KeySpec` (AES_256 = 32 bytes, AES_128 = 16).
 */

import { dryRunSucceeded } from '../errors.ts';
import { enumOf, integer, structure } from '../protocol/shapes.ts';
import { encryptUnderKey } from './shared/crypto.ts';
import { dataKeyLength } from './shared/data-key-spec.ts';
import { requireKeyState } from './shared/key-state.ts';
import { DRY_RUN, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateDataKey request. */
export interface GenerateDataKeyRequest {
  KeyId: string;
  EncryptionContext?: Record<string, string>;
  NumberOfBytes?: number;
  KeySpec?: 'AES_256' | 'AES_128';
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** GenerateDataKey response. */
export interface GenerateDataKeyResponse {
  CiphertextBlob: Uint8Array;
  Plaintext: Uint8Array;
  KeyId: string;
}

/** GenerateDataKey. */
export const generateDataKey: OperationDefinition<GenerateDataKeyRequest, GenerateDataKeyResponse> = {
  name: 'GenerateDataKey',
  input: structure(
    {
      KeyId: KEY_ID,
      EncryptionContext: ENCRYPTION_CONTEXT,
      NumberOfBytes: integer({ min: 1, max: 1024 }),
      KeySpec: enumOf(['AES_256', 'AES_128']),
      GrantTokens: GRANT_TOKENS,
      DryRun: DRY_RUN,
    },
    ['KeyId'],
  ),

  async handler(input, context) {
    const length = dataKeyLength(input.NumberOfBytes, input.KeySpec);
    const key = await context.resolveKey(input.KeyId, 'any');
    context.touch(key);
    context.authorize('kms:GenerateDataKey', key, { encryptionContext: input.EncryptionContext ?? {}, ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}) });
    requireKeyState(key, 'GenerateDataKey');
    if (input.DryRun === true) throw dryRunSucceeded();
    const plaintext = context.random.bytes(length);
    return { CiphertextBlob: encryptUnderKey(context, key, plaintext, input.EncryptionContext), Plaintext: plaintext, KeyId: key.arn };
  },
};
