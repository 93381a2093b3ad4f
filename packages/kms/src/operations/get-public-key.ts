/**
 * @module
 * GetPublicKey: the public key of an asymmetric key as DER SubjectPublicKeyInfo (RFC 5280), with
 * the key's spec, usage and algorithm list. Symmetric and HMAC keys have none:
 * UnsupportedOperationException (text UNCONFIRMED).
 */

import { KmsError } from '../errors.ts';
import { usageAlgorithms } from '../model/key-types/spec-table.ts';
import { structure } from '../protocol/shapes.ts';
import { GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GetPublicKey request. */
export interface GetPublicKeyRequest {
  KeyId: string;
  GrantTokens?: string[];
}

/** GetPublicKey response. */
export interface GetPublicKeyResponse {
  KeyId: string;
  PublicKey: Uint8Array;
  CustomerMasterKeySpec: string;
  KeySpec: string;
  KeyUsage: string;
  EncryptionAlgorithms?: string[];
  SigningAlgorithms?: string[];
  KeyAgreementAlgorithms?: string[];
  EncapsulationAlgorithms?: string[];
}

/** GetPublicKey. */
export const getPublicKey: OperationDefinition<'GetPublicKey', GetPublicKeyRequest, GetPublicKeyResponse> = {
  name: 'GetPublicKey',
  quota: { perSecond: 2000 },
  readOnly: true,
  keyState: 'usable',
  input: structure({ KeyId: KEY_ID, GrantTokens: GRANT_TOKENS }, ['KeyId']),

  async handler(input, context) {
    const key = await context.resolveKey(input.KeyId, 'any');
    context.touch(key);
    context.authorize('kms:GetPublicKey', key, input.GrantTokens ? { grantTokens: input.GrantTokens } : {});
    context.requireKeyState(key);
    const publicKey = key.keyPair?.publicKey;
    if (publicKey === undefined)
      throw new KmsError('UnsupportedOperationException', `${key.arn} key spec is ${key.keySpec} which is not valid for GetPublicKey.`);
    const algorithms = usageAlgorithms(key.keySpec, key.keyUsage) ?? {};
    return {
      KeyId: key.arn,
      PublicKey: publicKey.slice(),
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      // Each list "appears in the response only when the KeyUsage of the public key is" its usage.
      ...(algorithms.encryption ? { EncryptionAlgorithms: [...algorithms.encryption] } : {}),
      ...(algorithms.signing ? { SigningAlgorithms: [...algorithms.signing] } : {}),
      ...(algorithms.keyAgreement ? { KeyAgreementAlgorithms: [...algorithms.keyAgreement] } : {}),
      ...(algorithms.encapsulation ? { EncapsulationAlgorithms: [...algorithms.encapsulation] } : {}),
    };
  },
};
