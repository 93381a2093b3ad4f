/**
 * @module
 * DeriveSharedSecret: ECDH between the private key of a KEY_AGREEMENT key and a peer's public key
 * (DER SubjectPublicKeyInfo on the same curve). A peer key that is not one answers
 * ValidationException with an empty message (LocalStack's AWS-validated snapshot
 * "response-invalid-public-key").
 */

import { dryRunSucceeded, KmsError } from '../errors.ts';
import { deriveSharedSecret as ecdh, parsePeerPublicKey } from '../model/key-types/ecdh.ts';
import { blob, enumOf, structure } from '../protocol/shapes.ts';
import { RECIPIENT, type RecipientInfo, refuseRecipient } from './shared/crypto-members.ts';
import { incompatibleAlgorithm, requireKeyUsage } from './shared/key-usage.ts';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { throttleForKey } from './shared/quota-row.ts';
import type { OperationDefinition } from './types.ts';

/** DeriveSharedSecret request. */
export interface DeriveSharedSecretRequest {
  KeyId: string;
  KeyAgreementAlgorithm: string;
  PublicKey: Uint8Array;
  GrantTokens?: string[];
  DryRun?: boolean;
  Recipient?: RecipientInfo;
}

/** DeriveSharedSecret response. */
export interface DeriveSharedSecretResponse {
  KeyId: string;
  SharedSecret: Uint8Array;
  KeyAgreementAlgorithm: string;
  KeyOrigin: string;
}

/** DeriveSharedSecret. */
export const deriveSharedSecret: OperationDefinition<'DeriveSharedSecret', DeriveSharedSecretRequest, DeriveSharedSecretResponse> = {
  name: 'DeriveSharedSecret',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    {
      KeyId: KEY_ID,
      KeyAgreementAlgorithm: enumOf(['ECDH']),
      PublicKey: blob({ min: 1, max: 8192 }),
      GrantTokens: GRANT_TOKENS,
      DryRun: DRY_RUN,
      Recipient: RECIPIENT,
    },
    ['KeyId', 'KeyAgreementAlgorithm', 'PublicKey'],
  ),

  async handler(input, context) {
    refuseRecipient(input.Recipient);
    const key = await context.resolveKey(input.KeyId, 'any');
    throttleForKey(context, key);
    context.touch(key);
    context.authorize('kms:DeriveSharedSecret', key, {
      conditions: { 'kms:KeyAgreementAlgorithm': input.KeyAgreementAlgorithm },
      ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}),
    });
    context.requireKeyState(key);
    requireKeyUsage(key, 'KEY_AGREEMENT', 'DeriveSharedSecret');
    if (input.KeyAgreementAlgorithm !== 'ECDH') throw incompatibleAlgorithm(key, input.KeyAgreementAlgorithm);
    const peer = parsePeerPublicKey(key.keySpec, input.PublicKey);
    if (peer === undefined) throw new KmsError('ValidationException', '');
    if (input.DryRun === true) throw dryRunSucceeded();
    const privateKey = key.keyPair?.privateKey;
    if (privateKey === undefined) throw new RangeError(`key ${key.keyId} has no key pair`);
    return { KeyId: key.arn, SharedSecret: ecdh(privateKey, peer), KeyAgreementAlgorithm: 'ECDH', KeyOrigin: key.origin };
  },
};
