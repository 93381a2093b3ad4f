/**
 * @module
 * Per-message key derivation and key commitment for suite 0x0001, in both format versions.
 *
 * ```
 * version 1:  okm = HKDF-Expand-SHA-256(PRK = data key, info = LABEL_V1 ‖ u16 suite ‖ message id, L = 64)
 * version 2:  okm = HKDF-Expand-SHA-256(PRK = data key, info = LABEL_V2 ‖ header[0 .. length-32], L = 64)
 * frame key      = okm[0..32]
 * key commitment = okm[32..64]
 * ```
 *
 * HKDF's Extract step is skipped, as RFC 5869 §3.3 allows when the input is already a uniformly
 * random key: the data key is 256 bits from a CSPRNG (or KMS), so it serves as the PRK directly.
 * The message id (random, fresh per message) makes the frame key unique per message even if a data
 * key were reused. The commitment binds the message to exactly one data key: a ciphertext that
 * opens under two different keys cannot be built without an HMAC-SHA-256 collision (the property
 * behind the AWS Encryption SDK's committing suites). Openers compare it in constant time before
 * decrypting anything.
 *
 * Version 2 puts every header byte before the commitment (version, suite, message id, context,
 * wrapped keys, frame length) into `info`. Two consequences, both checked by tests:
 * - the commitment is an HMAC-SHA-256 output keyed by the data key over the whole header, so
 *   matching it authenticates the header (a 256-bit tag) before any frame is read, for the cost of
 *   hashing the header once per message;
 * - the frame key depends on every header byte, so frames sealed under one header do not open under
 *   any other header, even for someone who knows the data key and recomputes the commitment:
 *   splicing a changed header onto existing frames needs the frames re-sealed, i.e. being a sender.
 * Frames therefore need no header AAD, and the per-frame work no longer grows with the header.
 */

import type { Backend } from '../backend/types.ts';
import { utf8 } from '../bytes.ts';
import { COMMITMENT_LENGTH, DATA_KEY_LENGTH, FORMAT_VERSION_1 } from './constants.ts';

/** Domain-separation label of version 1's key derivation. */
const LABEL_V1: Uint8Array = utf8('strongbox/sealed-message/v1 derive key and commitment');
/** Domain-separation label of version 2's key derivation (a different label: no v1 `info` is a v2 one). */
const LABEL_V2: Uint8Array = utf8('strongbox/sealed-message/v2');

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
 * @param header - the header bytes; only the part before the commitment is read (version 1 reads
 *   just the suite and message id from it, at their fixed offsets).
 * @throws RangeError if the data key is not 32 bytes or the header is shorter than its fixed fields.
 */
export function deriveMessageKeys(backend: Backend, dataKey: Uint8Array, header: Uint8Array): MessageKeys {
  if (dataKey.length !== DATA_KEY_LENGTH) {
    throw new RangeError(`"dataKey" expected Uint8Array of length ${DATA_KEY_LENGTH}, got length=${dataKey.length}`);
  }
  const bound = header.length - COMMITMENT_LENGTH;
  if (bound < 35) throw new RangeError(`"header" expected at least ${35 + COMMITMENT_LENGTH} bytes, got length=${header.length}`);
  let info: Uint8Array;
  if (header[0] === FORMAT_VERSION_1) {
    // u16 suite ‖ message id: header bytes 1..35, exactly as version 1 has always derived.
    info = new Uint8Array(LABEL_V1.length + 34);
    info.set(LABEL_V1);
    info.set(header.subarray(1, 35), LABEL_V1.length);
  } else {
    info = new Uint8Array(LABEL_V2.length + bound);
    info.set(LABEL_V2);
    info.set(header.subarray(0, bound), LABEL_V2.length);
  }
  const okm = backend.hkdfSha256Expand(dataKey, info, DATA_KEY_LENGTH + COMMITMENT_LENGTH);
  // Two views of one buffer: wiping `frameKey` leaves the commitment, which is public (header).
  return { frameKey: okm.subarray(0, DATA_KEY_LENGTH), commitment: okm.subarray(DATA_KEY_LENGTH) };
}
