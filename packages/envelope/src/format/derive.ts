/**
 * @module
 * Per-message key derivation and key commitment for suite 0x0001.
 *
 * ```
 * okm            = HKDF-Expand-SHA-256(PRK = data key, info = LABEL ‖ u16 suite ‖ message id, L = 64)
 * frame key      = okm[0..32]
 * key commitment = okm[32..64]
 * ```
 *
 * HKDF's Extract step is skipped, as RFC 5869 §3.3 allows when the input is already a uniformly
 * random key: the data key is 256 bits from a CSPRNG (or KMS), so it serves as the PRK directly,
 * and the message id moves from the salt into `info`. Two HMAC-SHA-256 calls instead of three, a
 * sixth of a small seal. A fresh message id per message makes the frame key unique per message
 * even if a data key were reused. The commitment binds the header to exactly one data key: a ciphertext that opens under
 * two different keys cannot be built without an HKDF-SHA-256 collision (the property behind the
 * AWS Encryption SDK's committing suites). Openers compare it in constant time before decrypting.
 */

import type { Backend } from '../backend/types.ts';
import { utf8, writeU16 } from '../bytes.ts';
import { COMMITMENT_LENGTH, DATA_KEY_LENGTH } from './constants.ts';

/** Domain-separation label of this format's key derivation. */
const LABEL: Uint8Array = utf8('strongbox/sealed-message/v1 derive key and commitment');

/** What one data key yields for one message. The caller owns both buffers and wipes `frameKey`. */
export interface MessageKeys {
  /** AES-256-GCM key of every frame. */
  readonly frameKey: Uint8Array;
  /** The key commitment stored in (or compared against) the header. */
  readonly commitment: Uint8Array;
}

/**
 * Derives the frame key and key commitment of one message.
 *
 * @throws RangeError if the data key is not 32 bytes.
 */
export function deriveMessageKeys(backend: Backend, dataKey: Uint8Array, messageId: Uint8Array, suite: number): MessageKeys {
  if (dataKey.length !== DATA_KEY_LENGTH) {
    throw new RangeError(`"dataKey" expected Uint8Array of length ${DATA_KEY_LENGTH}, got length=${dataKey.length}`);
  }
  const info = new Uint8Array(LABEL.length + 2 + messageId.length);
  info.set(LABEL);
  writeU16(info, LABEL.length, suite);
  info.set(messageId, LABEL.length + 2);
  const okm = backend.hkdfSha256Expand(dataKey, info, DATA_KEY_LENGTH + COMMITMENT_LENGTH);
  // Two views of one buffer: wiping `frameKey` leaves the commitment, which is public (header).
  return { frameKey: okm.subarray(0, DATA_KEY_LENGTH), commitment: okm.subarray(DATA_KEY_LENGTH) };
}
