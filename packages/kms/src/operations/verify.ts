/**
 * @module
 * Verify: checks a signature with the public key of an asymmetric SIGN_VERIFY key. A signature
 * that does not verify is not `SignatureValid: false` but `KMSInvalidSignatureException` with an
 * empty message (VerifyResponse doc; LocalStack's AWS-validated snapshot "bad-signature").
 */

import { dryRunSucceeded, KmsError } from '../errors.ts';
import { verifyMessage } from '../model/key-types/signing.ts';
import type { SigningAlgorithm } from '../model/key-types/spec-table.ts';
import type { KeyRecord } from '../model/records.ts';
import { blob, structure } from '../protocol/shapes.ts';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { throttleForKey } from './shared/quota-row.ts';
import { withResolvedKey } from './shared/resolved-key.ts';
import { checkSigningRequest, MESSAGE_TYPE, SIGNING_ALGORITHM, SIGNING_MESSAGE, signingAuthorization } from './shared/signing-request.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** Verify request. */
export interface VerifyRequest {
  KeyId: string;
  Message: Uint8Array;
  MessageType?: string;
  Signature: Uint8Array;
  SigningAlgorithm: string;
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** Verify response. */
export interface VerifyResponse {
  KeyId: string;
  SignatureValid: true;
  SigningAlgorithm: string;
}

/** Verify. */
export const verify: OperationDefinition<'Verify', VerifyRequest, VerifyResponse> = {
  name: 'Verify',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    {
      KeyId: KEY_ID,
      Message: SIGNING_MESSAGE,
      MessageType: MESSAGE_TYPE,
      Signature: blob({ min: 1, max: 6144 }),
      SigningAlgorithm: SIGNING_ALGORITHM,
      GrantTokens: GRANT_TOKENS,
      DryRun: DRY_RUN,
    },
    ['KeyId', 'Message', 'Signature', 'SigningAlgorithm'],
  ),

  handler(input, context) {
    return withResolvedKey(input, context, verifyWith);
  },
};

function verifyWith(input: VerifyRequest, context: OperationContext, key: KeyRecord): VerifyResponse {
  throttleForKey(context, key);
  context.touch(key);
  context.authorize('kms:Verify', key, signingAuthorization(input.SigningAlgorithm, input.MessageType ?? 'RAW', input.GrantTokens));
  context.requireKeyState(key);
  const messageType = checkSigningRequest(key, 'Verify', input.SigningAlgorithm, input.MessageType, input.Message);
  if (input.DryRun === true) throw dryRunSucceeded();
  const publicKey = key.keyPair?.publicKey;
  if (publicKey === undefined) throw new RangeError(`key ${key.keyId} has no key pair`);
  if (!verifyMessage(key.keySpec, publicKey, input.SigningAlgorithm as SigningAlgorithm, messageType, input.Message, input.Signature)) {
    throw new KmsError('KMSInvalidSignatureException', '');
  }
  return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: input.SigningAlgorithm };
}
