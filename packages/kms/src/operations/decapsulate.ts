/**
 * @module
 * Decapsulate: recovers the shared secret of an ML-KEM ciphertext with the private key of an
 * ENCAPSULATE_DECAPSULATE key. A ciphertext of the wrong length for the key spec cannot be
 * decapsulated: InvalidCiphertextException with an empty message, as Decrypt answers (UNCONFIRMED
 * for Decapsulate). One of the right length made for another key yields an unrelated secret, by
 * FIPS 203's implicit rejection, not an error.
 */

import { dryRunSucceeded, invalidCiphertext } from '../errors.ts';
import { decapsulate as mlKemDecapsulate } from '../model/key-types/ml-kem.ts';
import { blob, enumOf, structure } from '../protocol/shapes.ts';
import { incompatibleAlgorithm, requireKeyUsage } from './shared/key-usage.ts';
import { DRY_RUN, GRANT_TOKENS, KEY_ID } from './shared/members.ts';
import { throttleForKey } from './shared/quota-row.ts';
import type { OperationDefinition } from './types.ts';

/** Decapsulate request. */
export interface DecapsulateRequest {
  KeyId: string;
  SharedSecretCiphertextBlob: Uint8Array;
  EncapsulationAlgorithm: string;
  GrantTokens?: string[];
  DryRun?: boolean;
}

/** Decapsulate response. */
export interface DecapsulateResponse {
  KeyId: string;
  SharedSecret: Uint8Array;
  EncapsulationAlgorithm: string;
}

/** Decapsulate. */
export const decapsulate: OperationDefinition<'Decapsulate', DecapsulateRequest, DecapsulateResponse> = {
  name: 'Decapsulate',
  // The key's cryptographic row (symmetric, RSA, ECC, ML-DSA, ML-KEM), counted once the key is
  // known (shared/quota-row.ts).
  quota: { byHandler: true },
  readOnly: true,
  keyState: 'usable',
  input: structure(
    {
      KeyId: KEY_ID,
      SharedSecretCiphertextBlob: blob({ min: 1, max: 6144 }),
      EncapsulationAlgorithm: enumOf(['ML_KEM']),
      GrantTokens: GRANT_TOKENS,
      DryRun: DRY_RUN,
    },
    ['KeyId', 'SharedSecretCiphertextBlob', 'EncapsulationAlgorithm'],
  ),

  async handler(input, context) {
    const key = await context.resolveKey(input.KeyId, 'any');
    throttleForKey(context, key);
    context.touch(key);
    context.authorize('kms:Decapsulate', key, {
      conditions: { 'kms:EncapsulationAlgorithm': input.EncapsulationAlgorithm },
      ...(input.GrantTokens ? { grantTokens: input.GrantTokens } : {}),
    });
    context.requireKeyState(key);
    requireKeyUsage(key, 'ENCAPSULATE_DECAPSULATE', 'Decapsulate');
    if (input.EncapsulationAlgorithm !== 'ML_KEM') throw incompatibleAlgorithm(key, input.EncapsulationAlgorithm);
    const privateKey = key.keyPair?.privateKey;
    if (privateKey === undefined) throw new RangeError(`key ${key.keyId} has no key pair`);
    const secret = mlKemDecapsulate(key.keySpec, privateKey, input.SharedSecretCiphertextBlob);
    if (secret === undefined) throw invalidCiphertext();
    if (input.DryRun === true) {
      secret.fill(0);
      throw dryRunSucceeded();
    }
    return { KeyId: key.arn, SharedSecret: secret, EncapsulationAlgorithm: 'ML_KEM' };
  },
};
