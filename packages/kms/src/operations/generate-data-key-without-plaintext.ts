/**
 * @module
 * GenerateDataKeyWithoutPlaintext: GenerateDataKey without the plaintext: only the data key
 * encrypted under the KMS key, for a data key to be decrypted later (by Decrypt) where it is used.
 * Same input rules; authorized by `kms:GenerateDataKeyWithoutPlaintext`.
 */

import { structure } from '../protocol/shapes.ts';
import { keyMaterialIdOf } from './shared/audit.ts';
import { DATA_KEY_SPEC, type DataKeyRequest, type GeneratedDataKey, generateDataKeyUnder, NUMBER_OF_BYTES } from './shared/data-key-spec.ts';
import { DRY_RUN, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateDataKeyWithoutPlaintext request. */
export type GenerateDataKeyWithoutPlaintextRequest = DataKeyRequest;

/** GenerateDataKeyWithoutPlaintext response. */
export interface GenerateDataKeyWithoutPlaintextResponse {
  CiphertextBlob: Uint8Array;
  KeyId: string;
  /** The backing key that encrypted the data key (64 hex digits). */
  KeyMaterialId: string;
}

/** GenerateDataKeyWithoutPlaintext. */
export const generateDataKeyWithoutPlaintext: OperationDefinition<
  'GenerateDataKeyWithoutPlaintext',
  GenerateDataKeyWithoutPlaintextRequest,
  GenerateDataKeyWithoutPlaintextResponse
> = {
  name: 'GenerateDataKeyWithoutPlaintext',
  quota: { shared: 'cryptographic' },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    {
      KeyId: KEY_ID,
      EncryptionContext: ENCRYPTION_CONTEXT,
      KeySpec: DATA_KEY_SPEC,
      NumberOfBytes: NUMBER_OF_BYTES,
      GrantTokens: GRANT_TOKENS,
      DryRun: DRY_RUN,
    },
    ['KeyId'],
  ),

  handler(input, context) {
    const generated = generateDataKeyUnder(input, context, 'GenerateDataKeyWithoutPlaintext');
    return generated instanceof Promise ? generated.then(respond) : respond(generated);
  },
  auditAdditional: keyMaterialIdOf,
};

function respond({ key, plaintext, sealed }: GeneratedDataKey): GenerateDataKeyWithoutPlaintextResponse {
  // The caller never sees the plaintext: do not leave it lying in memory.
  plaintext.fill(0);
  return { CiphertextBlob: sealed.blob, KeyId: key.arn, KeyMaterialId: sealed.materialId };
}
