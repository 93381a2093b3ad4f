/**
 * @module
 * Sans-IO streaming opener: feed sealed chunks of any size, get plaintext back one authenticated
 * frame at a time. A frame's plaintext is returned only after its tag verifies, and the final
 * frame is recognised only at the end of input (it is the one shorter than a full frame), so a
 * truncated, extended, reordered or spliced message fails without releasing any unauthenticated
 * byte. Memory stays bounded by about one sealed frame plus the header.
 */

import { assertBytes, concatBytes } from '../bytes.ts';
import { decryptFailed, malformed } from '../errors.ts';
import { FRAME_TAG_LENGTH } from '../format/constants.ts';
import { parseHeader } from '../format/header.ts';
import { createMessageOpener, type MessageOpener, type OpenOptions } from '../message.ts';

/** Streaming opener for one message. */
export class OpenEngine {
  readonly #options: OpenOptions;
  #prefix: Uint8Array = new Uint8Array(0);
  #opener: MessageOpener | undefined;
  #pending: Uint8Array = new Uint8Array(0);
  #pendingLength = 0;
  #index = 0;
  #closed = false;

  /** @param options - keyring(s), expected context and backend, as for `open`. */
  constructor(options: OpenOptions) {
    this.#options = options;
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
        this.#prefix = concatBytes(this.#prefix, chunk);
        const parsed = parseHeader(this.#prefix);
        if ('needed' in parsed) return [];
        const opener = await createMessageOpener(parsed.header, this.#options);
        // abort() may have run while the keyring worked (a destroyed Node.js transform, a cancelled
        // web stream): nothing would destroy this opener later, so destroy it now.
        if (this.#closed) {
          opener.destroy();
          throw new Error('OpenEngine: aborted while the data key was being unwrapped');
        }
        this.#opener = opener;
        this.#pending = new Uint8Array(parsed.header.frameLength + FRAME_TAG_LENGTH);
        chunk = this.#prefix.subarray(parsed.header.length);
        this.#prefix = new Uint8Array(0);
      }
      return this.#body(this.#opener, chunk);
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
      if (opener === undefined) throw malformed(`truncated header: ${this.#prefix.length} bytes`);
      // A final frame is shorter than a sealed full frame; anything else means frames are missing.
      if (this.#pendingLength < FRAME_TAG_LENGTH || this.#pendingLength >= this.#pending.length) throw decryptFailed();
      return [this.#open(opener, true, this.#pending.subarray(0, this.#pendingLength))];
    } finally {
      this.abort();
    }
  }

  /** Discards the message and wipes the frame key. Idempotent. */
  abort(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#opener?.destroy();
  }

  /** Opens every frame known to be regular: one that more bytes follow. */
  #body(opener: MessageOpener, chunk: Uint8Array): Uint8Array[] {
    const out: Uint8Array[] = [];
    const sealedFrame = this.#pending.length;
    let offset = 0;
    if (this.#pendingLength > 0) {
      offset = Math.min(sealedFrame - this.#pendingLength, chunk.length);
      this.#pending.set(chunk.subarray(0, offset), this.#pendingLength);
      this.#pendingLength += offset;
      if (this.#pendingLength < sealedFrame || offset === chunk.length) return out;
      out.push(this.#open(opener, false, this.#pending));
      this.#pendingLength = 0;
    }
    for (; chunk.length - offset > sealedFrame; offset += sealedFrame) {
      out.push(this.#open(opener, false, chunk.subarray(offset, offset + sealedFrame)));
    }
    this.#pending.set(chunk.subarray(offset));
    this.#pendingLength = chunk.length - offset;
    return out;
  }

  #open(opener: MessageOpener, final: boolean, sealed: Uint8Array): Uint8Array {
    const plaintext = opener.openFrame(this.#index++, final, sealed);
    if (plaintext === undefined) throw decryptFailed();
    return plaintext;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('OpenEngine: the message is already finished or failed');
  }
}
