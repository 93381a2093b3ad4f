/**
 * @module
 * GenerateDataKeyPairWithoutPlaintext: GenerateDataKeyPair without the plaintext private key,
 * which is wiped as soon as it is encrypted.
 */

import { structure } from '../protocol/shapes.ts';
import { type DataKeyPairRequest, generateDataKeyPairUnder, KEY_PAIR_SPEC } from './shared/data-key-pair.ts';
import { DRY_RUN, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateDataKeyPairWithoutPlaintext request. */
export type GenerateDataKeyPairWithoutPlaintextRequest = DataKeyPairRequest;

/** GenerateDataKeyPairWithoutPlaintext response. */
export interface GenerateDataKeyPairWithoutPlaintextResponse {
  PrivateKeyCiphertextBlob: Uint8Array;
  PublicKey: Uint8Array;
  KeyId: string;
  KeyPairSpec: string;
  KeyMaterialId: string;
}

/** GenerateDataKeyPairWithoutPlaintext. */
export const generateDataKeyPairWithoutPlaintext: OperationDefinition<
  'GenerateDataKeyPairWithoutPlaintext',
  GenerateDataKeyPairWithoutPlaintextRequest,
  GenerateDataKeyPairWithoutPlaintextResponse
> = {
  name: 'GenerateDataKeyPairWithoutPlaintext',
  // The row of the requested key pair spec (RSA_2048 20/s ... ECC 100/s), counted by the handler
  // (shared/data-key-pair.ts), outside the shared cryptographic quota.
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  input: structure({ EncryptionContext: ENCRYPTION_CONTEXT, KeyId: KEY_ID, KeyPairSpec: KEY_PAIR_SPEC, GrantTokens: GRANT_TOKENS, DryRun: DRY_RUN }, [
    'KeyId',
    'KeyPairSpec',
  ]),

  async handler(input, context) {
    const pair = await generateDataKeyPairUnder(input, context, 'GenerateDataKeyPairWithoutPlaintext');
    pair.privateKey.fill(0);
    return {
      PrivateKeyCiphertextBlob: pair.privateKeyCiphertext,
      PublicKey: pair.publicKey,
      KeyId: pair.key.arn,
      KeyPairSpec: input.KeyPairSpec,
      KeyMaterialId: pair.materialId,
    };
  },
};
