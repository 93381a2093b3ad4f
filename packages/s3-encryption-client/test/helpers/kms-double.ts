/**
 * A KMS test double: returns a fixed plaintext data key from Decrypt (as the official Go client's
 * tests do with an httptest server) and records every request, so a test can assert the exact
 * encryption context the client sent.
 */

import type { KmsClientLike } from '../../src/index.ts';

/** The double and what it was asked. */
export interface KmsDouble extends KmsClientLike {
  readonly decryptRequests: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string>; KeyId?: string }[];
}

/** A KMS whose Decrypt always answers `dataKey`; GenerateDataKey is not expected. */
export function kmsReturning(dataKey: Uint8Array): KmsDouble {
  const decryptRequests: KmsDouble['decryptRequests'] = [];
  return {
    decryptRequests,
    async generateDataKey() {
      throw new Error('kms double: GenerateDataKey not expected');
    },
    async decrypt(input) {
      decryptRequests.push({ ...input, EncryptionContext: { ...input.EncryptionContext } });
      return { Plaintext: new Uint8Array(dataKey) };
    },
  };
}
