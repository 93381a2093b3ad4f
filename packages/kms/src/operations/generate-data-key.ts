/**
 * @module
 * GenerateDataKey: a fresh data key, returned in plaintext and encrypted under the KMS key.
 * Exactly one of `NumberOfBytes` (1..1024) and `KeySpec` (AES_256 = 32 bytes, AES_128 = 16).
 * Returns the key ARN and, as the newer model does, the `KeyMaterialId` of the backing key.
 */

import { structure } from '../protocol/shapes.ts';
import { keyMaterialIdOf } from './shared/audit.ts';
import { RECIPIENT, type RecipientInfo, refuseRecipient } from './shared/crypto-members.ts';
import { DATA_KEY_SPEC, type DataKeyRequest, type GeneratedDataKey, generateDataKeyUnder, NUMBER_OF_BYTES } from './shared/data-key-spec.ts';
import { DRY_RUN, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateDataKey request. */
export interface GenerateDataKeyRequest extends DataKeyRequest {
  Recipient?: RecipientInfo;
}

/** GenerateDataKey response. */
export interface GenerateDataKeyResponse {
  CiphertextBlob: Uint8Array;
  Plaintext: Uint8Array;
  KeyId: string;
  /** The backing key that encrypted the data key (64 hex digits). */
  KeyMaterialId: string;
}

/** GenerateDataKey. */
export const generateDataKey: OperationDefinition<'GenerateDataKey', GenerateDataKeyRequest, GenerateDataKeyResponse> = {
  name: 'GenerateDataKey',
  quota: { shared: 'cryptographic' },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    {
      KeyId: KEY_ID,
      EncryptionContext: ENCRYPTION_CONTEXT,
      NumberOfBytes: NUMBER_OF_BYTES,
      KeySpec: DATA_KEY_SPEC,
      GrantTokens: GRANT_TOKENS,
      Recipient: RECIPIENT,
      DryRun: DRY_RUN,
    },
    ['KeyId'],
  ),

  handler(input, context) {
    refuseRecipient(input.Recipient);
    const generated = generateDataKeyUnder(input, context, 'GenerateDataKey');
    return generated instanceof Promise ? generated.then(respond) : respond(generated);
  },
  auditAdditional: keyMaterialIdOf,
};

function respond({ key, plaintext, sealed }: GeneratedDataKey): GenerateDataKeyResponse {
  return { CiphertextBlob: sealed.blob, Plaintext: plaintext, KeyId: key.arn, KeyMaterialId: sealed.materialId };
}
