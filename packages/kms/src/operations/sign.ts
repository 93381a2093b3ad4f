/**
 * @module
 * Sign: signs a message or digest with the private key of an asymmetric SIGN_VERIFY key (RSA,
 * ECC, Ed25519, ML-DSA), returning the signature in the format the algorithm defines (PKCS #1 for
 * RSA, DER for ECDSA).
 */

import { dryRunSucceeded } from '../errors.ts';
import { signMessage } from '../model/key-types/signing.ts';
import type { SigningAlgorithm } from '../model/key-types/spec-table.ts';
import type { KeyRecord } from '../model/records.ts';
import { structure } from '../protocol/shapes.ts';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { throttleForKey } from './shared/quota-row.ts';
import { withResolvedKey } from './shared/resolved-key.ts';
import { checkSigningRequest, MESSAGE_TYPE, SIGNING_ALGORITHM, SIGNING_MESSAGE, signingAuthorization } from './shared/signing-request.ts';
import type { OperationContext, OperationDefinition } from './types.ts';

/** Sign request. */
export interface SignRequest {
  KeyId: string;
  Message: Uint8Array;
  MessageType?: string;
  GrantTokens?: string[];
  SigningAlgorithm: string;
  DryRun?: boolean;
}

/** Sign response. */
export interface SignResponse {
  KeyId: string;
  Signature: Uint8Array;
  SigningAlgorithm: string;
}

/** Sign. */
export const sign: OperationDefinition<'Sign', SignRequest, SignResponse> = {
  name: 'Sign',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    { KeyId: KEY_ID, Message: SIGNING_MESSAGE, MessageType: MESSAGE_TYPE, GrantTokens: GRANT_TOKENS, SigningAlgorithm: SIGNING_ALGORITHM, DryRun: DRY_RUN },
    ['KeyId', 'Message', 'SigningAlgorithm'],
  ),

  handler(input, context) {
    return withResolvedKey(input, context, signWith);
  },
};

function signWith(input: SignRequest, context: OperationContext, key: KeyRecord): SignResponse {
  throttleForKey(context, key);
  context.touch(key);
  context.authorize('kms:Sign', key, signingAuthorization(input.SigningAlgorithm, input.MessageType ?? 'RAW', input.GrantTokens));
  context.requireKeyState(key);
  const messageType = checkSigningRequest(key, 'Sign', input.SigningAlgorithm, input.MessageType, input.Message);
  if (input.DryRun === true) throw dryRunSucceeded();
  const privateKey = key.keyPair?.privateKey;
  if (privateKey === undefined) throw new RangeError(`key ${key.keyId} has no key pair`);
  return {
    KeyId: key.arn,
    Signature: signMessage(key.keySpec, privateKey, input.SigningAlgorithm as SigningAlgorithm, messageType, input.Message),
    SigningAlgorithm: input.SigningAlgorithm,
  };
}
