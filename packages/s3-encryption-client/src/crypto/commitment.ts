/**
 * @module
 * V3 key derivation and key commitment (spec `key-derivation.md` L22-50; Java
 * `internal/CipherProvider.java`, `internal/HmacKeyDerivationFunction.java`; Go
 * `v4/internal/key_derivation.go`). HKDF-SHA512 (RFC 5869) with the message ID as salt:
 * `commitKey = HKDF(dataKey, messageId, 0x0073 ‖ "COMMITKEY", 28)` and
 * `DEK = HKDF(dataKey, messageId, 0x0073 ‖ "DERIVEKEY", 32)`.
 */

import { hkdfSync, timingSafeEqual } from 'node:crypto';
import { S3EncryptionClientError } from '../errors.ts';
import { COMMITMENT_LENGTH, DATA_KEY_LENGTH, V3_SUITE_ID_BYTES } from '../format/constants.ts';

const COMMIT_INFO = Buffer.concat([V3_SUITE_ID_BYTES, Buffer.from('COMMITKEY', 'ascii')]);
const DERIVE_INFO = Buffer.concat([V3_SUITE_ID_BYTES, Buffer.from('DERIVEKEY', 'ascii')]);

/**
 * The key commitment of a data key under a message ID (the value of `x-amz-d`).
 *
 * @throws RangeError when the data key is not 32 bytes.
 * @example
 * ```ts
 * const commitment = commitKey(dataKey, messageId); // 28 bytes
 * ```
 */
export function commitKey(dataKey: Uint8Array, messageId: Uint8Array): Uint8Array {
  assertDataKey(dataKey);
  return new Uint8Array(hkdfSync('sha512', dataKey, messageId, COMMIT_INFO, COMMITMENT_LENGTH));
}

/**
 * The V3 content key (DEK) of a data key under a message ID.
 *
 * @throws RangeError when the data key is not 32 bytes.
 * @example
 * ```ts
 * const dek = deriveContentKey(dataKey, messageId); // 32 bytes
 * ```
 */
export function deriveContentKey(dataKey: Uint8Array, messageId: Uint8Array): Uint8Array {
  assertDataKey(dataKey);
  return new Uint8Array(hkdfSync('sha512', dataKey, messageId, DERIVE_INFO, DATA_KEY_LENGTH));
}

/**
 * Checks the stored commitment in constant time, then derives the content key (spec
 * `decryption.md` L57-68: the commitment is verified before the DEK is derived).
 *
 * @throws S3EncryptionClientError `KeyCommitmentMismatch` when the commitment differs.
 * @example
 * ```ts
 * const dek = verifyAndDerive(dataKey, envelope.messageId, envelope.commitment);
 * ```
 */
export function verifyAndDerive(dataKey: Uint8Array, messageId: Uint8Array, commitment: Uint8Array): Uint8Array {
  const expected = commitKey(dataKey, messageId);
  // Precondition: the stored commitment matches the data key before any content is decrypted.
  if (commitment.length !== expected.length || !timingSafeEqual(expected, commitment)) throw new S3EncryptionClientError('KeyCommitmentMismatch');
  return deriveContentKey(dataKey, messageId);
}

function assertDataKey(dataKey: Uint8Array): void {
  if (dataKey.length !== DATA_KEY_LENGTH) throw new RangeError(`"dataKey" expected Uint8Array of length ${DATA_KEY_LENGTH}, got length=${dataKey.length}`);
}
