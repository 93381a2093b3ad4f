/**
 * @module
 * Frame nonces and body layout.
 *
 * The body is a sequence of frames, each `ciphertext ‖ 16-byte tag` under the message's frame key.
 * Every frame but the last carries exactly `frameLength` plaintext bytes; the last (final) frame
 * carries the remainder, `0 <= r < frameLength` bytes, so a message whose length is a multiple of
 * the frame length ends with an empty final frame. Hence the body length alone determines the
 * frame count, and no frame needs a length field:
 *
 * ```
 * bodyLength = (n - 1) × (frameLength + 16) + (r + 16)
 * ```
 *
 * Nonce (12 bytes) = `u32 kind ‖ u64 frame index`, kind 0 for regular frames and 1 for the final
 * frame. AAD: none in version 2 (the frame key is derived over the whole header), the header bytes
 * in version 1. Binding the index and the final mark into the nonce makes reordered, duplicated,
 * dropped or appended frames, and truncation at a frame boundary, fail their tags.
 */

import { assertInteger, writeU32 } from '../bytes.ts';
import { FRAME_TAG_LENGTH, MAX_FRAME_COUNT } from './constants.ts';

const NONCE_LENGTH = 12;
const KIND_REGULAR = 0;
const KIND_FINAL = 1;

/**
 * The nonce of frame `index`, marked final or not.
 *
 * @throws TypeError unless `index` is a safe integer; RangeError unless it is below
 *   MAX_FRAME_COUNT (a larger index would be truncated to 32 bits and repeat an earlier nonce).
 */
export function frameNonce(index: number, final: boolean): Uint8Array {
  assertInteger(index, 0, MAX_FRAME_COUNT - 1, 'index');
  const nonce = new Uint8Array(NONCE_LENGTH);
  writeU32(nonce, 0, final ? KIND_FINAL : KIND_REGULAR);
  // u64 index: the high word stays zero because index < MAX_FRAME_COUNT < 2^32 (asserted above).
  writeU32(nonce, 8, index);
  return nonce;
}

/** Shape of a body of a given length. */
export interface BodyLayout {
  /** Number of frames, including the final one (at least 1). */
  readonly frameCount: number;
  /** Plaintext bytes in the final frame (less than the frame length). */
  readonly finalFrameLength: number;
  /** Total plaintext bytes. */
  readonly plaintextLength: number;
}

/** The layout for `plaintextLength` bytes of plaintext. */
export function layoutForPlaintext(plaintextLength: number, frameLength: number): BodyLayout {
  const frameCount = Math.floor(plaintextLength / frameLength) + 1;
  if (frameCount > MAX_FRAME_COUNT) {
    throw new RangeError(`plaintext of ${plaintextLength} bytes needs more than ${MAX_FRAME_COUNT} frames of ${frameLength} bytes`);
  }
  return { frameCount, finalFrameLength: plaintextLength % frameLength, plaintextLength };
}

/** The layout a body of `bodyLength` bytes must have, or `undefined` if no layout fits. */
export function layoutForBody(bodyLength: number, frameLength: number): BodyLayout | undefined {
  if (bodyLength < FRAME_TAG_LENGTH) return undefined;
  const sealedFrame = frameLength + FRAME_TAG_LENGTH;
  const regularFrames = Math.floor((bodyLength - FRAME_TAG_LENGTH) / sealedFrame);
  const finalFrameLength = bodyLength - FRAME_TAG_LENGTH - regularFrames * sealedFrame;
  if (finalFrameLength >= frameLength || regularFrames + 1 > MAX_FRAME_COUNT) return undefined;
  return { frameCount: regularFrames + 1, finalFrameLength, plaintextLength: regularFrames * frameLength + finalFrameLength };
}
