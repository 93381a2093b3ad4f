/**
 * @module
 * GenerateDataKeyPair: a fresh asymmetric data key pair of any DataKeyPairSpec (RSA, ECC,
 * Ed25519, ML-KEM), returned as the DER SubjectPublicKeyInfo, the DER PKCS #8 private key, and that
 * private key encrypted under a symmetric encryption KMS key (decrypt it with Decrypt).
 */

import { structure } from '../protocol/shapes.ts';
import { RECIPIENT, type RecipientInfo, refuseRecipient } from './shared/crypto-members.ts';
import { type DataKeyPairRequest, generateDataKeyPairUnder, KEY_PAIR_SPEC } from './shared/data-key-pair.ts';
import { DRY_RUN, ENCRYPTION_CONTEXT, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateDataKeyPair request. */
export interface GenerateDataKeyPairRequest extends DataKeyPairRequest {
  Recipient?: RecipientInfo;
}

/** GenerateDataKeyPair response. */
export interface GenerateDataKeyPairResponse {
  PrivateKeyCiphertextBlob: Uint8Array;
  PrivateKeyPlaintext: Uint8Array;
  PublicKey: Uint8Array;
  KeyId: string;
  KeyPairSpec: string;
  KeyMaterialId: string;
}

/** GenerateDataKeyPair. */
export const generateDataKeyPair: OperationDefinition<'GenerateDataKeyPair', GenerateDataKeyPairRequest, GenerateDataKeyPairResponse> = {
  name: 'GenerateDataKeyPair',
  // The row of the requested key pair spec (RSA_2048 20/s ... ECC 100/s), counted by the handler
  // (shared/data-key-pair.ts), outside the shared cryptographic quota.
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    { EncryptionContext: ENCRYPTION_CONTEXT, KeyId: KEY_ID, KeyPairSpec: KEY_PAIR_SPEC, GrantTokens: GRANT_TOKENS, Recipient: RECIPIENT, DryRun: DRY_RUN },
    ['KeyId', 'KeyPairSpec'],
  ),

  async handler(input, context) {
    refuseRecipient(input.Recipient);
    const pair = await generateDataKeyPairUnder(input, context, 'GenerateDataKeyPair');
    return {
      PrivateKeyCiphertextBlob: pair.privateKeyCiphertext,
      PrivateKeyPlaintext: pair.privateKey,
      PublicKey: pair.publicKey,
      KeyId: pair.key.arn,
      KeyPairSpec: input.KeyPairSpec,
      KeyMaterialId: pair.materialId,
    };
  },
};
