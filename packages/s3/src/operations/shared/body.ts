/**
 * @module
 * Object bodies in the in-process API. A request `Body` may be bytes, a string (UTF-8), or an
 * (async) iterable of byte chunks, streamed into the cipher without being joined. A response
 * `Body` is an `ObjectBody`: an async iterable of plaintext chunks with the SDK's
 * `transformToByteArray` / `transformToString`, reading and decrypting as it is consumed.
 */

import type { BodySource } from '../../storage/types.ts';

/** What PutObject accepts as `Body`. */
export type RequestBody = Uint8Array | string | BodySource;

/** A request body as storage takes it. */
export function bodySource(body: RequestBody | undefined): BodySource {
  if (body === undefined) return [];
  if (typeof body === 'string') return [new TextEncoder().encode(body)];
  if (body instanceof Uint8Array) return [body];
  return body;
}

/**
 * A response body: the plaintext, read and decrypted while it is iterated, once.
 *
 * @example
 * ```ts
 * const { Body } = await s3.getObject({ Bucket: 'b', Key: 'k' });
 * const bytes = await Body.transformToByteArray();
 * ```
 */
export class ObjectBody implements AsyncIterable<Uint8Array> {
  readonly #source: () => AsyncIterable<Uint8Array>;
  readonly #release: () => Promise<void>;
  #used = false;

  /**
   * @param source - the plaintext; it releases what it holds when it ends, fails or is returned.
   * @param release - releases the same without reading (for `discard` before any read).
   */
  constructor(source: () => AsyncIterable<Uint8Array>, release: () => Promise<void>) {
    this.#source = source;
    this.#release = release;
  }

  /** @throws Error when iterated twice (the body is a stream). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#used) throw new Error('the object body has already been read');
    this.#used = true;
    return this.#source()[Symbol.asyncIterator]();
  }

  /**
   * Releases an unread body (its reader and keys) without reading it. Breaking out of a
   * `for await` releases it too; a body never read and never discarded keeps its reader open.
   */
  async discard(): Promise<void> {
    if (this.#used) return;
    this.#used = true;
    await this.#release();
  }

  /** The whole body as one byte array. */
  async transformToByteArray(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of this) {
      chunks.push(chunk);
      length += chunk.length;
    }
    // One chunk that is a whole buffer of its own (a decrypted frame) is the body already: no
    // copy. A view into a larger buffer is copied, so the result exposes nothing else.
    const [only] = chunks;
    if (chunks.length === 1 && only !== undefined && only.byteOffset === 0 && only.byteLength === only.buffer.byteLength) return only;
    const bytes = new Uint8Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, offset);
      offset += chunk.length;
    }
    return bytes;
  }

  /** The whole body decoded as UTF-8. */
  async transformToString(): Promise<string> {
    return new TextDecoder().decode(await this.transformToByteArray());
  }
}
