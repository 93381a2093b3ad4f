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

/** The empty buffer every engine starts from (it holds nothing, so one serves all). */
const EMPTY: Uint8Array = new Uint8Array(0);

/** The smallest plaintext buffer a sealer keeps (it grows from here to a frame). */
const MIN_BUFFER = 4096;

/**
 * Frame buffers kept for later messages, in total over every frame length (bounds the memory held
 * idle to this many frames: at most 4 × `MAX_FRAME_LENGTH`, whatever frame lengths a process uses).
 */
const MAX_SPARE_BUFFERS = 4;

/**
 * Frame-sized plaintext buffers of finished messages, oldest first, wiped where they held
 * plaintext: the next message fills one instead of allocating (and zero-filling) a frame again,
 * growing to it in doublings on the way. A streamed object body crosses many frames; allocating
 * a frame buffer per message was most of the garbage a large PUT left besides its ciphertext.
 * One short list for all frame lengths rather than a list per length: a caller that picks its
 * frame length per message would otherwise pin buffers of every length it ever used, for the
 * life of the process. A new spare evicts the least recently kept one, so the lengths in use
 * now displace the ones used before.
 */
const spareBuffers: Uint8Array[] = [];

/** A spare buffer of `frameLength` bytes (all zeros), if one is kept: the most recent one. */
function takeSpare(frameLength: number): Uint8Array | undefined {
  for (let i = spareBuffers.length - 1; i >= 0; i--) {
    if (spareBuffers[i]!.length === frameLength) return spareBuffers.splice(i, 1)[0];
  }
  return undefined;
}

/**
 * Keeps `buffer` (a whole frame) for a later message, after wiping its first `used` bytes, the
 * only ones that ever held plaintext; a buffer not kept is wiped whole and let go.
 */
function releaseBuffer(buffer: Uint8Array, used: number, frameLength: number): void {
  wipe(buffer.subarray(0, used));
  if (buffer.length !== frameLength) return;
  spareBuffers.push(buffer);
  // The oldest spare is all zeros already: it is simply let go.
  if (spareBuffers.length > MAX_SPARE_BUFFERS) spareBuffers.shift();
}

/** Options of a `SealEngine`: those of `seal`, and whether written chunks stay unchanged. */
export interface SealEngineOptions extends SealOptions {
  /**
   * The caller promises never to change a chunk's bytes until the message has ended (a request
   * body's buffers, a socket's reads, another sealer's output). The engine may then keep the
   * last chunk's tail as a view until the next write or the end, instead of copying it into its
   * frame buffer: a message that arrives as one chunk smaller than a frame (most small objects)
   * is sealed where it lies, with no buffer allocated, copied or wiped. Default false: a partial
   * frame is always copied, so a caller may reuse its buffers as soon as `write` returns.
   */
  readonly stableChunks?: boolean;
}

/** Streaming sealer for one message. */
export class SealEngine {
  readonly #sealer: MessageSealer;
  readonly #frameLength: number;
  readonly #stable: boolean;
  /**
   * With stable chunks: the tail of the last chunk written, shorter than a frame, kept as a view
   * of the caller's bytes while `#pending` is empty (copied in if another chunk follows).
   */
  #held: Uint8Array | undefined;
  /**
   * Buffered plaintext of the frame being filled. It grows (doubling, up to a frame) as plaintext
   * arrives rather than being a whole frame from the start: a small object (most are) would
   * otherwise allocate and wipe a whole frame, which cost more than sealing it.
   */
  #pending: Uint8Array = EMPTY;
  #pendingLength = 0;
  /** The most bytes `#pending` ever held: the part to wipe when the buffer is let go. */
  #used = 0;
  #index = 0;
  #headerSent = false;
  #closed = false;

  private constructor(sealer: MessageSealer, stable: boolean) {
    this.#sealer = sealer;
    this.#frameLength = sealer.frameLength;
    this.#stable = stable;
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
    const frameLength = this.#frameLength;
    let offset = 0;
    if (this.#held !== undefined) {
      // Another chunk follows the held tail: it joins the frame buffer, as it would have at once.
      const held = this.#held;
      this.#held = undefined;
      this.#append(held);
    }
    if (this.#pendingLength > 0) {
      offset = Math.min(frameLength - this.#pendingLength, chunk.length);
      this.#append(chunk.subarray(0, offset));
      if (this.#pendingLength < frameLength) return out;
      out.push(...this.#sealRegular(this.#pending.subarray(0, frameLength)));
      this.#pendingLength = 0;
    }
    // Full frames straight from the caller's chunk, without copying them into the buffer first.
    for (; chunk.length - offset >= frameLength; offset += frameLength) {
      out.push(...this.#sealRegular(chunk.subarray(offset, offset + frameLength)));
    }
    if (this.#stable && this.#pendingLength === 0 && offset < chunk.length) this.#held = chunk.subarray(offset);
    else this.#append(chunk.subarray(offset));
    return out;
  }

  /** Appends plaintext to the frame being filled (never past a frame), growing the buffer as needed. */
  #append(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const needed = this.#pendingLength + bytes.length;
    if (needed > this.#pending.length) {
      const grown = takeSpare(this.#frameLength) ?? new Uint8Array(Math.min(this.#frameLength, Math.max(needed, 2 * this.#pending.length, MIN_BUFFER)));
      grown.set(this.#pending.subarray(0, this.#pendingLength));
      // The old buffer held plaintext: wiped before it is let go (or kept, if a whole frame).
      releaseBuffer(this.#pending, this.#used, this.#frameLength);
      this.#pending = grown;
      this.#used = this.#pendingLength;
    }
    this.#pending.set(bytes, this.#pendingLength);
    this.#pendingLength = needed;
    if (needed > this.#used) this.#used = needed;
  }

  /** Seals the final frame and returns the remaining sealed bytes; the engine is then closed. */
  end(): Uint8Array[] {
    this.#assertOpen();
    const out = this.#takeHeader();
    try {
      // A held tail is the whole final frame (nothing is buffered while one is held).
      const last = this.#held ?? this.#pending.subarray(0, this.#pendingLength);
      out.push(...this.#sealer.sealFrameParts(this.#index, true, last));
    } finally {
      this.abort();
    }
    return out;
  }

  /** Discards the message: wipes buffered plaintext and the frame key. Idempotent. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    // The caller's bytes: let go, never wiped here.
    this.#held = undefined;
    releaseBuffer(this.#pending, this.#used, this.#frameLength);
    this.#pending = EMPTY;
    this.#sealer.destroy();
  }

  #sealRegular(plaintext: Uint8Array): readonly Uint8Array[] {
    // The final frame needs an index too, so regular frames may use at most MAX_FRAME_COUNT - 1.
    if (this.#index + 1 >= MAX_FRAME_COUNT) throw new RangeError(`a sealed message holds at most ${MAX_FRAME_COUNT} frames`);
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

/** Test hooks: the spare frame buffers kept for `frameLength` (a copy), and all of them. */
export const __TESTS: {
  readonly spareBuffers: (frameLength: number) => readonly Uint8Array[];
  readonly allSpareBuffers: () => readonly Uint8Array[];
} = {
  spareBuffers: (frameLength) => spareBuffers.filter((spare) => spare.length === frameLength),
  allSpareBuffers: () => [...spareBuffers],
};
