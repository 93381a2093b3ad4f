/**
 * @module
 * GenerateRandom: 1..1024 random bytes from the emulator's CSPRNG. Uses no key: authorized by IAM
 * alone (`kms:GenerateRandom`), logged by CloudTrail with `requestParameters: null` and no
 * resources (ct-generaterandom), and counted against the shared cryptographic quota.
 *
 * `NumberOfBytes` is not `required` in the model ("This parameter is required." says its doc), so
 * its absence is a service-side check with its own text; 0 and 1025 get the Coral range texts from
 * the shape (LocalStack's AWS-validated snapshots, 2024-04-11).
 */

import { KmsError } from '../errors.ts';
import { integer, string, structure } from '../protocol/shapes.ts';
import { RECIPIENT, type RecipientInfo, refuseRecipient } from './shared/crypto-members.ts';
import type { OperationDefinition } from './types.ts';

/** GenerateRandom request. */
export interface GenerateRandomRequest {
  /** 1..1024; required in practice. */
  NumberOfBytes?: number;
  CustomKeyStoreId?: string;
  Recipient?: RecipientInfo;
}

/** GenerateRandom response. */
export interface GenerateRandomResponse {
  Plaintext: Uint8Array;
}

/** GenerateRandom. */
export const generateRandom: OperationDefinition<'GenerateRandom', GenerateRandomRequest, GenerateRandomResponse> = {
  name: 'GenerateRandom',
  quota: { shared: 'cryptographic' },
  readOnly: true,
  keyState: 'any',
  input: structure({
    NumberOfBytes: integer({ min: 1, max: 1024 }),
    CustomKeyStoreId: string({ min: 1, max: 64 }),
    Recipient: RECIPIENT,
  }),

  handler(input, context) {
    // Real AWS text for an absent NumberOfBytes (no Coral count prefix).
    if (input.NumberOfBytes === undefined) throw new KmsError('ValidationException', 'NumberOfBytes is required.');
    context.authorize('kms:GenerateRandom', undefined);
    if (input.CustomKeyStoreId !== undefined) {
      // Strongbox models no custom key stores, so every id names a store that does not exist;
      // the text is the model's description of the exception (AWS's own wording is unrecorded).
      throw new KmsError(
        'CustomKeyStoreNotFoundException',
        'The request was rejected because KMS cannot find a custom key store with the specified key store name or ID.',
      );
    }
    refuseRecipient(input.Recipient);
    return { Plaintext: context.random.bytes(input.NumberOfBytes) };
  },
  // requestParameters: null (ct-generaterandom).
  auditParameters: () => null,
};
