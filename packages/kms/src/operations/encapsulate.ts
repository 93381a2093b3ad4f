/**
 * @module
 * Encapsulate: a fresh 32-byte shared secret and its ML-KEM encapsulation under the public key of
 * an ENCAPSULATE_DECAPSULATE key (FIPS 203).
 */

import { dryRunSucceeded } from '../errors.ts';
import { encapsulate as mlKemEncapsulate } from '../model/key-types/ml-kem.ts';
import { enumOf, structure } from '../protocol/shapes.ts';
import { incompatibleAlgorithm, requireKeyUsage } from './shared/key-usage.ts';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { throttleForKey } from './shared/quota-row.ts';
import type { OperationDefinition } from './types.ts';

/** Encapsulate request. */
export interface EncapsulateRequest {
  KeyId: string;
  EncapsulationAlgorithm: string;
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** Encapsulate response. */
export interface EncapsulateResponse {
  KeyId: string;
  SharedSecret: Uint8Array;
  SharedSecretCiphertextBlob: Uint8Array;
  EncapsulationAlgorithm: string;
}

/** Encapsulate. */
export const encapsulate: OperationDefinition<'Encapsulate', EncapsulateRequest, EncapsulateResponse> = {
  name: 'Encapsulate',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  input: structure({ KeyId: KEY_ID, EncapsulationAlgorithm: enumOf(['ML_KEM']), GrantTokens: GRANT_TOKENS, DryRun: DRY_RUN }, [
    'KeyId',
    'EncapsulationAlgorithm',
  ]),

  async handler(input, context) {
    const key = await context.resolveKey(input.KeyId, 'any');
    throttleForKey(context, key);
    context.touch(key);
    context.authorize('kms:Encapsulate', key, {
      conditions: { 'kms:EncapsulationAlgorithm': input.EncapsulationAlgorithm },
      ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}),
    });
    context.requireKeyState(key);
    requireKeyUsage(key, 'ENCAPSULATE_DECAPSULATE', 'Encapsulate');
    if (input.EncapsulationAlgorithm !== 'ML_KEM') throw incompatibleAlgorithm(key, input.EncapsulationAlgorithm);
    if (input.DryRun === true) throw dryRunSucceeded();
    const publicKey = key.keyPair?.publicKey;
    if (publicKey === undefined) throw new RangeError(`key ${key.keyId} has no key pair`);
    const { sharedSecret, ciphertext } = mlKemEncapsulate(key.keySpec, publicKey);
    return { KeyId: key.arn, SharedSecret: sharedSecret, SharedSecretCiphertextBlob: ciphertext, EncapsulationAlgorithm: 'ML_KEM' };
  },
};
