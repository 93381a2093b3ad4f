/**
 * @module
 * Object bodies in the in-process API. A request `Body` may be bytes, a string (UTF-8), or an
 * (async) iterable of byte chunks, streamed into the cipher without being joined. A response
 * `Body` is an `ObjectBody`: an async iterable of plaintext chunks with the SDK's
 * `transformToByteArray` / `transformToString`, reading and decrypting as it is consumed.
 */

import type { BodySource } from '../../storage/types.ts';

/**
 * What PutObject accepts as `Body`. The chunks of an iterable are lent to the engine until the
 * call settles: the source must not write into a chunk it has yielded (a small body is sealed
 * where it lies, not copied first), as with `socket.write`.
 */
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
   * @param source - the plaintext, made when the body is first read.
   * @param release - releases what the plaintext holds (its reader and keys): run once the body
   *   has ended, failed or been returned, or by `discard` before any read.
   */
  constructor(source: () => AsyncIterable<Uint8Array>, release: () => Promise<void>) {
    this.#source = source;
    this.#release = release;
  }

  /** @throws Error when iterated twice (the body is a stream). */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    if (this.#used) throw new Error('the object body has already been read');
    this.#used = true;
    // An iterator of its own rather than a generator delegating to the plaintext's: the chunks
    // pass with no extra suspension, and the release still runs however the reading stops.
    return new ReleasingIterator(this.#source, this.#release);
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

/**
 * The plaintext's iterator, made at the first `next` (so a failure making it fails that call, as
 * a generator's body would), running `release` once: after the end, a failure, or `return`.
 */
class ReleasingIterator implements AsyncIterator<Uint8Array> {
  #make: (() => AsyncIterable<Uint8Array>) | undefined;
  #release: (() => Promise<void>) | undefined;
  #source: AsyncIterator<Uint8Array> | undefined;

  constructor(make: () => AsyncIterable<Uint8Array>, release: () => Promise<void>) {
    this.#make = make;
    this.#release = release;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    let step: IteratorResult<Uint8Array>;
    try {
      if (this.#source === undefined) {
        const make = this.#make;
        if (make === undefined) return { done: true, value: undefined };
        this.#make = undefined;
        this.#source = make()[Symbol.asyncIterator]();
      }
      step = await this.#source.next();
    } catch (error) {
      await this.#released();
      throw error;
    }
    if (step.done === true) await this.#released();
    return step;
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    const source = this.#source;
    this.#make = undefined;
    try {
      await source?.return?.();
    } finally {
      await this.#released();
    }
    return { done: true, value: undefined };
  }

  async #released(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    this.#make = undefined;
    this.#source = EXHAUSTED;
    await release?.();
  }
}

/** The iterator of a body whose reading has stopped. */
const EXHAUSTED: AsyncIterator<Uint8Array> = Object.freeze({ next: () => Promise.resolve({ done: true as const, value: undefined }) });
