/**
 * @module
 * The service's response body as the in-process handler hands it to the SDK: bytes for a body
 * answered whole, a Readable read ahead by its first chunks for a streamed one, as the SDK's
 * node:http handler hands over an `IncomingMessage`.
 */

import { Readable } from 'node:stream';
import type { BodyStream } from '../http/types.ts';

/**
 * A body the service answered whole (every document, error and empty body), handed over as
 * `WholeBody` bytes: the SDK's deserializers take bytes as they are (`collectBody`, S3's 200-error
 * check), so no stream is made per response only for the SDK to collect it back into bytes.
 */
export function wholeBodyOf(body: string | Uint8Array): WholeBody {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  return new WholeBody(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.length);
}

/**
 * A streamed body (S3's GetObject) as the Readable the SDK reads as it reads an `IncomingMessage`
 * (streaming outputs need one: `sdkStreamMixin`). Its first two chunks are produced now, before
 * the answer is handed over, as the node:http edge produces a small object's first chunk before
 * its head goes out: a body of one chunk (every small object) is then a Readable already ended,
 * read with no further round trip through the service's iterator. At most two chunks are held;
 * the rest is produced as the SDK reads. A failure while producing them fails the stream after
 * the chunks produced before it, when it is read, as a body failing mid-stream does.
 */
export async function streamedBodyOf(body: BodyStream): Promise<Readable> {
  const iterator = body[Symbol.asyncIterator]();
  const ahead: Uint8Array[] = [];
  try {
    for (let step = await iterator.next(); ; step = await iterator.next()) {
      if (step.done === true) return new BodyReadable(undefined, ahead);
      ahead.push(step.value);
      if (ahead.length === 2) return new BodyReadable(iterator, ahead);
    }
  } catch (error) {
    // Rare: the chunks produced, then the failure, when read.
    return failingBody(ahead, error);
  }
}

/**
 * A streamed body whose head has gone out with its first chunk (`first`), or before it (none), handed over at once as
 * node-http-handler resolves on the head: the rest is produced as the reader asks, and a failure
 * from then on (a timeout, an abort) fails this Readable, not the call.
 * @example
 * ```ts
 * import { headedBodyOf } from './response-body.ts';
 * const chunks = (async function* () { yield Buffer.from('ab'); yield Buffer.from('cd'); })();
 * const first = await chunks.next();
 * const readable = headedBodyOf(chunks, first.value); // reads 'abcd'
 * ```
 */
export function headedBodyOf(rest: AsyncIterator<Uint8Array>, first: Uint8Array | undefined): Readable {
  return new BodyReadable(rest, first === undefined ? [] : [first]);
}

/**
 * A body that failed while it was produced: the chunks produced before, then the failure, when read.
 * @example failingBody([], new Error('refused')).toArray() // rejects with 'refused'
 */
export function failingBody(produced: readonly Uint8Array[], error: unknown): Readable {
  return new BodyReadable(replaying(produced, error), []);
}

/** An ended body of no chunk. */
export function emptyBody(): Readable {
  return new BodyReadable(undefined, []);
}

async function* replaying(chunks: readonly Uint8Array[], error: unknown): AsyncGenerator<Uint8Array> {
  yield* chunks;
  throw error;
}

/**
 * A Readable over a body's chunks: those produced ahead are buffered at once (with the end, when
 * the body had no more), the rest pulled from the iterator as the reader asks. Destroyed before
 * its end, it returns the iterator, so the service releases what the body holds (an object's
 * reader and keys), as `Readable.from` does. Destroyed with an error, it emits `error` only when
 * someone listens, as an `IncomingMessage` does (node lib/_http_incoming.js `onError`: "An error
 * is emitted only if there are listeners attached to the event"): a Body nobody reads, or only
 * pipes (`pipe` puts no error listener on its source), does not crash the process when its call
 * times out or is aborted; it closes.
 */
class BodyReadable extends Readable {
  #iterator: AsyncIterator<Uint8Array> | undefined;

  /**
   * @param iterator - where the rest comes from; undefined when the body has ended.
   * @param ahead - the chunks produced ahead.
   */
  constructor(iterator: AsyncIterator<Uint8Array> | undefined, ahead: readonly Uint8Array[]) {
    super();
    this.#iterator = iterator;
    for (const chunk of ahead) if (chunk.length > 0) this.push(chunk);
    if (iterator === undefined) this.push(null);
  }

  override _read(): void {
    this.#iterator?.next().then(
      (step) => {
        if (step.done === true) {
          this.#iterator = undefined;
          this.push(null);
        } else this.push(step.value);
      },
      (error: unknown) => {
        this.#iterator = undefined;
        this.destroy(error as Error);
      },
    );
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const iterator = this.#iterator;
    this.#iterator = undefined;
    // Passed on only to a listener, as `IncomingMessage` does; the stream closes either way.
    const reported = error !== null && this.listenerCount('error') > 0 ? error : null;
    if (iterator?.return === undefined) {
      callback(reported);
      return;
    }
    if (error === null) {
      iterator.return().then(
        () => callback(null),
        (failure: unknown) => callback(failure as Error),
      );
      return;
    }
    // Failed (an abort, a timeout): the reader learns it now, as a destroyed `IncomingMessage`
    // fails at once, not once the service's body lets go: a body stalled in a wait lets go of its
    // iterator only once that wait is over.
    iterator.return().then(
      () => {},
      () => {},
    );
    callback(reported);
  }
}

/**
 * A response body answered whole: bytes (a view, not a copy) that also read as a stream of one
 * chunk, so code that wraps the handler and reads every body with `for await` (as it would read
 * an `IncomingMessage`) reads this one too.
 */
class WholeBody extends Uint8Array {
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.length > 0) yield this;
  }
}
