/**
 * @module
 * Sans-IO streaming sealer: feed plaintext chunks of any size, get sealed bytes back. It holds at
 * most one frame of plaintext, so memory stays bounded by the frame length whatever the message
 * size. A frame is sealed as soon as it is full: only the final frame may be short (see
 * `format/frames.ts`), so a full frame is never the final one.
 */

import { assertBytes, wipe } from '../bytes.ts';
import { MAX_FRAME_COUNT } from '../format/constants.ts';
import { createMessageSealer, type MessageSealer, type SealOptions } from '../message.ts';

/** Options of a `SealEngine`: those of `seal`, and whether written chunks stay unchanged. */
export interface SealEngineOptions extends SealOptions {
  /**
   * The caller promises never to change a chunk's bytes once it has written it, until the engine
   * has ended or been aborted (a request body whose chunks are buffers of their own). The engine
   * may then keep views of a frame's plaintext that arrives across several chunks and encrypt them
   * where they lie, instead of copying them into a frame buffer first. Default false: a partial
   * frame is copied, so a caller may reuse its buffers as soon as `write` returns.
   */
  readonly stableChunks?: boolean;
}

/** Streaming sealer for one message. */
export class SealEngine {
  readonly #sealer: MessageSealer;
  /** Partial frame buffer (unstable chunks); empty with stable chunks. */
  readonly #pending: Uint8Array;
  /** With stable chunks: views of the partial frame's plaintext, `#pendingLength` bytes in all. */
  #pieces: Uint8Array[] | undefined;
  #pendingLength = 0;
  #index = 0;
  #headerSent = false;
  #closed = false;

  private constructor(sealer: MessageSealer, stable: boolean) {
    this.#sealer = sealer;
    this.#pending = new Uint8Array(stable ? 0 : sealer.frameLength);
    this.#pieces = stable ? [] : undefined;
  }

  /**
   * Starts a message (obtains and wraps its data key).
   * @throws TypeError / RangeError for bad options; whatever a keyring throws, unchanged.
   */
  static async create(options: SealEngineOptions): Promise<SealEngine> {
    return new SealEngine(await createMessageSealer(options), options.stableChunks === true);
  }

  /**
   * Accepts the next plaintext chunk and returns the sealed bytes now ready (the header first).
   * @throws TypeError unless `chunk` is a Uint8Array; RangeError past 2^32 - 1 frames.
   */
  write(chunk: Uint8Array): Uint8Array[] {
    this.#assertOpen();
    assertBytes(chunk, 'chunk');
    const out = this.#takeHeader();
    if (this.#pieces !== undefined) return this.#writeStable(chunk, this.#pieces, out);
    const frameLength = this.#pending.length;
    let offset = 0;
    if (this.#pendingLength > 0) {
      offset = Math.min(frameLength - this.#pendingLength, chunk.length);
      this.#pending.set(chunk.subarray(0, offset), this.#pendingLength);
      this.#pendingLength += offset;
      if (this.#pendingLength < frameLength) return out;
      out.push(...this.#sealRegular(this.#pending));
      this.#pendingLength = 0;
    }
    // Full frames straight from the caller's chunk, without copying them into the buffer first.
    for (; chunk.length - offset >= frameLength; offset += frameLength) {
      out.push(...this.#sealRegular(chunk.subarray(offset, offset + frameLength)));
    }
    this.#pending.set(chunk.subarray(offset));
    this.#pendingLength = chunk.length - offset;
    return out;
  }

  /** Seals the final frame and returns the remaining sealed bytes; the engine is then closed. */
  end(): Uint8Array[] {
    this.#assertOpen();
    const out = this.#takeHeader();
    try {
      const final = this.#pieces ?? [this.#pending.subarray(0, this.#pendingLength)];
      out.push(...this.#sealer.sealFramePieces(this.#index, true, final));
    } finally {
      this.abort();
    }
    return out;
  }

  /** Discards the message: wipes buffered plaintext and the frame key. Idempotent. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    // The pieces are the caller's buffers, never wiped here; only the copy this engine owns is.
    if (this.#pieces !== undefined) this.#pieces = [];
    wipe(this.#pending);
    this.#sealer.destroy();
  }

  /** `write` with stable chunks: partial frames are kept as views, full frames sealed from them. */
  #writeStable(chunk: Uint8Array, pieces: Uint8Array[], out: Uint8Array[]): Uint8Array[] {
    const frameLength = this.#sealer.frameLength;
    let offset = 0;
    if (this.#pendingLength > 0) {
      offset = Math.min(frameLength - this.#pendingLength, chunk.length);
      if (offset > 0) pieces.push(chunk.subarray(0, offset));
      this.#pendingLength += offset;
      if (this.#pendingLength < frameLength) return out;
      this.#checkFrameCount();
      out.push(...this.#sealer.sealFramePieces(this.#index++, false, pieces));
      pieces.length = 0;
      this.#pendingLength = 0;
    }
    for (; chunk.length - offset >= frameLength; offset += frameLength) {
      out.push(...this.#sealRegular(chunk.subarray(offset, offset + frameLength)));
    }
    if (offset < chunk.length) pieces.push(chunk.subarray(offset));
    this.#pendingLength = chunk.length - offset;
    return out;
  }

  #checkFrameCount(): void {
    // The final frame needs an index too, so regular frames may use at most MAX_FRAME_COUNT - 1.
    if (this.#index + 1 >= MAX_FRAME_COUNT) throw new RangeError(`a sealed message holds at most ${MAX_FRAME_COUNT} frames`);
  }

  #sealRegular(plaintext: Uint8Array): readonly Uint8Array[] {
    this.#checkFrameCount();
    return this.#sealer.sealFrameParts(this.#index++, false, plaintext);
  }

  #takeHeader(): Uint8Array[] {
    if (this.#headerSent) return [];
    this.#headerSent = true;
    return [this.#sealer.header];
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('SealEngine: the message is already finished');
  }
}
