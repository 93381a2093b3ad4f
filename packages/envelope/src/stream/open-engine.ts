/**
 * @module
 * Sans-IO streaming opener: feed sealed chunks of any size, get plaintext back one authenticated
 * frame at a time. A frame's plaintext is returned only after its tag verifies. A sealed frame of
 * `frameLength + 16` bytes is always a regular frame (the final one is shorter), so it is opened as
 * soon as its last byte arrives; the final frame is recognised only at the end of input. A
 * truncated, extended, reordered or spliced message therefore fails without releasing any
 * unauthenticated byte. Memory stays bounded by about one sealed frame plus the header.
 */

import { assertBytes } from '../bytes.ts';
import { decryptFailed, malformed } from '../errors.ts';
import { FRAME_TAG_LENGTH } from '../format/constants.ts';
import { type MessageHeader, parseHeader } from '../format/header.ts';
import { createMessageOpener, type MessageOpener, type OpenOptions } from '../message.ts';

/** The empty buffer every engine starts from (it holds nothing, so one serves all). */
const EMPTY: Uint8Array = new Uint8Array(0);

/** Options of an `OpenEngine`: those of `open`, and whether written chunks stay unchanged. */
export interface OpenEngineOptions extends OpenOptions {
  /**
   * The caller promises never to change a chunk's bytes once it has written it (chunks read from
   * storage or a socket, each a buffer of its own). The engine may then keep views of a frame that
   * arrives across several chunks and decrypt them where they lie, instead of copying them into a
   * frame buffer first. Default false: every partial frame is copied, so a caller may reuse its
   * buffers as soon as `write` returns.
   */
  readonly stableChunks?: boolean;
}

/** Streaming opener for one message. */
export class OpenEngine {
  readonly #options: OpenOptions;
  readonly #stable: boolean;
  /** With stable chunks: views of the partial sealed frame received so far, `#pendingLength` bytes in all. */
  #pieces: Uint8Array[] = [];
  /** Header bytes received so far: `#prefix[0..#prefixLength)`. */
  #prefix: Uint8Array = EMPTY;
  #prefixLength = 0;
  /** The header length the parser last asked for; nothing is re-parsed until it has arrived. */
  #needed = 1;
  #opener: MessageOpener | undefined;
  #pending: Uint8Array = EMPTY;
  #pendingLength = 0;
  /** Bytes of one regular sealed frame: frame length + tag. */
  #sealedFrame = 0;
  #index = 0;
  #closed = false;

  /** @param options - keyring(s), expected context and backend, as for `open`; and `stableChunks`. */
  constructor(options: OpenEngineOptions) {
    this.#options = options;
    this.#stable = options.stableChunks === true;
  }

  /**
   * Accepts the next sealed chunk; resolves to the plaintext frames it completed and authenticated.
   * @throws EnvelopeError as `open` does; the engine is closed after any error.
   * @throws Error if `abort()` ran while the data key was being unwrapped (the frame key is then
   *   destroyed at once).
   */
  async write(chunk: Uint8Array): Promise<Uint8Array[]> {
    this.#assertOpen();
    try {
      assertBytes(chunk, 'chunk');
      if (this.#opener === undefined) {
        const taken = this.#takeHeader(chunk);
        if (taken === undefined) return [];
        const { header } = taken;
        chunk = taken.body;
        const opener = await createMessageOpener(header, this.#options);
        // abort() may have run while the keyring worked (a destroyed Node.js transform, a cancelled
        // web stream): nothing would destroy this opener later, so destroy it now.
        if (this.#closed) {
          opener.destroy();
          throw new Error('OpenEngine: aborted while the data key was being unwrapped');
        }
        this.#opener = opener;
        this.#prefix = EMPTY;
        this.#sealedFrame = header.frameLength + FRAME_TAG_LENGTH;
        if (!this.#stable) this.#pending = new Uint8Array(this.#sealedFrame);
      }
      return this.#stable ? this.#bodyStable(this.#opener, chunk) : this.#body(this.#opener, chunk);
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /**
   * Signals the end of input: opens the final frame and closes the engine.
   * @throws EnvelopeError `DECRYPT_FAILED` if the message is truncated; `MALFORMED_MESSAGE` if
   *   input ended inside the header.
   */
  end(): Uint8Array[] {
    this.#assertOpen();
    try {
      const opener = this.#opener;
      if (opener === undefined) throw malformed(`truncated header: ${this.#prefixLength} bytes`);
      // Whole sealed frames were opened as regular ones on arrival, so what is left must be a final
      // frame: at least a tag. Less (nothing at all after a frame boundary) means frames are missing.
      if (this.#pendingLength < FRAME_TAG_LENGTH) throw decryptFailed();
      if (this.#stable) return [...this.#openPieces(opener, true, this.#pieces)];
      return [this.#open(opener, true, this.#pending.subarray(0, this.#pendingLength))];
    } finally {
      this.abort();
    }
  }

  /** Discards the message and wipes the frame key. Idempotent. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#pieces = [];
    this.#opener?.destroy();
  }

  /**
   * Appends as much of `chunk` as the parser asked for, re-parsing only once that much has arrived
   * (so a header fed byte by byte is parsed once per field, not once per byte).
   * @returns the header once complete, with the rest of `chunk` (body bytes); else undefined.
   */
  #takeHeader(chunk: Uint8Array): { header: MessageHeader; body: Uint8Array } | undefined {
    if (this.#prefixLength === 0 && chunk.length >= this.#needed) {
      // The usual case: the first chunk holds the whole header (a stored object's first chunk, a
      // socket read). Parsed once, where it lies; the parser reads no further than the header.
      const parsed = parseHeader(chunk, this.#options.context);
      if ('header' in parsed) return { header: parsed.header, body: chunk.subarray(parsed.header.length) };
      this.#needed = parsed.needed;
    }
    let offset = 0;
    for (;;) {
      const take = Math.min(chunk.length - offset, this.#needed - this.#prefixLength);
      this.#append(chunk.subarray(offset, offset + take));
      offset += take;
      if (this.#prefixLength < this.#needed) return undefined;
      const parsed = parseHeader(this.#prefix.subarray(0, this.#prefixLength), this.#options.context);
      // Never more than `needed` bytes were taken, so the header ends exactly where `chunk` was cut.
      if ('header' in parsed) return { header: parsed.header, body: chunk.subarray(offset) };
      this.#needed = parsed.needed;
    }
  }

  /** Appends to the header prefix, growing it geometrically (and at least to `#needed`). */
  #append(bytes: Uint8Array): void {
    const length = this.#prefixLength + bytes.length;
    if (length > this.#prefix.length) {
      const grown = new Uint8Array(Math.max(this.#needed, 2 * this.#prefix.length, 64));
      grown.set(this.#prefix.subarray(0, this.#prefixLength));
      this.#prefix = grown;
    }
    this.#prefix.set(bytes, this.#prefixLength);
    this.#prefixLength = length;
  }

  /** Opens every whole sealed frame: `frameLength + 16` bytes can only be a regular frame. */
  #body(opener: MessageOpener, chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const sealedFrame = this.#pending.length;
    let offset = 0;
    if (this.#pendingLength > 0) {
      offset = Math.min(sealedFrame - this.#pendingLength, chunk.length);
      this.#pending.set(chunk.subarray(0, offset), this.#pendingLength);
      this.#pendingLength += offset;
      if (this.#pendingLength < sealedFrame) return out;
      out.push(this.#open(opener, false, this.#pending));
      this.#pendingLength = 0;
    }
    for (; chunk.length - offset >= sealedFrame; offset += sealedFrame) {
      out.push(this.#open(opener, false, chunk.subarray(offset, offset + sealedFrame)));
    }
    this.#pending.set(chunk.subarray(offset));
    this.#pendingLength = chunk.length - offset;
    return out;
  }

  /** As `#body`, keeping views of a partial frame (stable chunks) instead of copying it. */
  #bodyStable(opener: MessageOpener, chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const sealedFrame = this.#sealedFrame;
    let offset = 0;
    if (this.#pendingLength > 0) {
      offset = Math.min(sealedFrame - this.#pendingLength, chunk.length);
      if (offset > 0) this.#pieces.push(chunk.subarray(0, offset));
      this.#pendingLength += offset;
      if (this.#pendingLength < sealedFrame) return out;
      out.push(...this.#openPieces(opener, false, this.#pieces));
      this.#pieces = [];
      this.#pendingLength = 0;
    }
    for (; chunk.length - offset >= sealedFrame; offset += sealedFrame) {
      out.push(this.#open(opener, false, chunk.subarray(offset, offset + sealedFrame)));
    }
    if (offset < chunk.length) this.#pieces.push(chunk.subarray(offset));
    this.#pendingLength = chunk.length - offset;
    return out;
  }

  #openPieces(opener: MessageOpener, final: boolean, sealed: readonly Uint8Array[]): readonly Uint8Array[] {
    // openFramePieces refuses an index past the format's frame count like a bad tag, as openFrame.
    const plaintext = opener.openFramePieces(this.#index++, final, sealed);
    if (plaintext === undefined) throw decryptFailed();
    return plaintext;
  }

  #open(opener: MessageOpener, final: boolean, sealed: Uint8Array): Uint8Array {
    // openFrame refuses an index past the format's frame count (MAX_FRAME_COUNT) like a bad tag.
    const plaintext = opener.openFrame(this.#index++, final, sealed);
    if (plaintext === undefined) throw decryptFailed();
    return plaintext;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('OpenEngine: the message is already finished or failed');
  }
}
