/**
 * @module
 * A request body with observers: the pass-through checks a body meets on its way to storage
 * (the signed SHA-256, S3's checksum, the plaintext's size and MD5) each see every chunk as it
 * passes and check the whole at the body's end, all in one pass. Stacking one async generator
 * per check would cost each chunk a promise, an iterator result and a suspension per stage;
 * here a chunk is read once and shown to each observer synchronously.
 *
 * Order is that of a chain of stages, innermost first: observers see a chunk in the order they
 * were added, and at the end of the source their end checks run in that order, the first failure
 * failing the body (so the check a request fails is the one it failed before: its signed
 * SHA-256, then its checksum). An end check runs before the body ends: a consumer that stores
 * what it reads (storage's blob writer) sees the failure instead of the end and keeps nothing.
 */

/** One observer of a body: sees each chunk as it passes, and may check the whole at its end. */
export interface BodyObserver {
  /**
   * Sees a chunk before it is passed on.
   * @throws to fail the body at this chunk (the source is then closed).
   */
  update(chunk: Uint8Array): void;
  /**
   * Runs once the source has ended, before the body ends.
   * @throws (or rejects) to fail the body at its end.
   */
  end?(): void | Promise<void>;
}

/**
 * Where a body's chunks come from: chunks held whole (an array), a stream (a `BodyStream`), or
 * any other iterable of chunks.
 */
export type ChunkSource = readonly Uint8Array[] | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** A body's iteration state: `extended` when a body observing more took its place. */
type BodyState = 'ready' | 'iterated' | 'extended';

const DONE: IteratorReturnResult<undefined> = Object.freeze({ done: true, value: undefined });

/**
 * A body read once, each chunk shown to its observers (see the module documentation).
 *
 * @example
 * ```ts
 * const body = ObservedBody.observe(ObservedBody.of([bytes]), { update: (chunk) => void hash.update(chunk) });
 * for await (const chunk of body) sink.write(chunk);
 * ```
 */
export class ObservedBody implements AsyncIterable<Uint8Array> {
  readonly #source: ChunkSource;
  readonly #observers: readonly BodyObserver[];
  #state: BodyState = 'ready';

  private constructor(source: ChunkSource, observers: readonly BodyObserver[]) {
    this.#source = source;
    this.#observers = observers;
  }

  /**
   * A body of chunks held whole (a request answered with bytes, the in-process caller's buffer),
   * read without a suspension per chunk.
   * @example ObservedBody.of([new TextEncoder().encode('hello')])
   */
  static of(chunks: readonly Uint8Array[]): ObservedBody {
    return new ObservedBody(chunks, []);
  }

  /**
   * `source` with `observer` added. A body of this class not yet read is not wrapped: the result
   * takes its place (its source, its observers, then `observer`), and reading the original
   * afterwards throws, as reading a stream a second time would. Any other source is wrapped.
   * @throws TypeError when `source` is a body of this class already read (but for chunks held
   *   whole with no observers) or already extended.
   * @example const counted = ObservedBody.observe(request.body, { update: (chunk) => void (size += chunk.length) });
   */
  static observe(source: ChunkSource, observer: BodyObserver): ObservedBody {
    if (!(source instanceof ObservedBody)) return new ObservedBody(source, [observer]);
    source.#take('extended');
    return new ObservedBody(source.#source, [...source.#observers, observer]);
  }

  /**
   * @throws TypeError when read twice (unless it holds its chunks whole and has no observers), or
   *   after a body observing more took its place.
   */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    this.#take('iterated');
    const source = this.#source;
    if (Array.isArray(source)) return new HeldChunks(source as readonly Uint8Array[], this.#observers);
    const iterator =
      Symbol.asyncIterator in source ? (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]() : (source as Iterable<Uint8Array>)[Symbol.iterator]();
    return new StreamedChunks(iterator, this.#observers);
  }

  /** Marks the body read (`iterated`) or handed on to a body observing more (`extended`). */
  #take(next: 'iterated' | 'extended'): void {
    // Chunks held whole with nothing observing them read again as often as asked (a bodiless
    // request's empty body, read twice by a service, is empty twice), as bytes would.
    const rereadable = this.#state === 'iterated' && this.#observers.length === 0 && Array.isArray(this.#source);
    if (this.#state !== 'ready' && !rereadable) {
      throw new TypeError(this.#state === 'iterated' ? 'the body has already been read' : 'the body was handed on to another observer');
    }
    this.#state = next;
  }
}

/** Runs every observer's end check, in order, awaiting only those that return a promise. */
async function endAll(observers: readonly BodyObserver[], from: number): Promise<IteratorReturnResult<undefined>> {
  for (let index = from; index < observers.length; index++) await observers[index]?.end?.();
  return DONE;
}

/** Ends the body: the synchronous end checks run at once; the first asynchronous one is awaited. */
function ended(observers: readonly BodyObserver[]): Promise<IteratorReturnResult<undefined>> {
  for (let index = 0; index < observers.length; index++) {
    let result: void | Promise<void>;
    try {
      result = observers[index]?.end?.();
    } catch (error) {
      return Promise.reject(error);
    }
    if (result !== undefined) return Promise.resolve(result).then(() => endAll(observers, index + 1));
  }
  return Promise.resolve(DONE);
}

function observe(observers: readonly BodyObserver[], chunk: Uint8Array): void {
  for (let index = 0; index < observers.length; index++) observers[index]?.update(chunk);
}

/** Iterates chunks held whole: no awaiting between them. */
class HeldChunks implements AsyncIterator<Uint8Array> {
  readonly #chunks: readonly Uint8Array[];
  readonly #observers: readonly BodyObserver[];
  #index = 0;
  #done = false;

  constructor(chunks: readonly Uint8Array[], observers: readonly BodyObserver[]) {
    this.#chunks = chunks;
    this.#observers = observers;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#done) return Promise.resolve(DONE);
    if (this.#index >= this.#chunks.length) {
      this.#done = true;
      return ended(this.#observers);
    }
    const chunk = this.#chunks[this.#index++] as Uint8Array;
    try {
      observe(this.#observers, chunk);
    } catch (error) {
      this.#done = true;
      return Promise.reject(error);
    }
    return Promise.resolve({ done: false, value: chunk });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.#done = true;
    return Promise.resolve(DONE);
  }
}

/** Iterates a streamed source (or any iterator), closing it when an observer fails a chunk. */
class StreamedChunks implements AsyncIterator<Uint8Array> {
  readonly #source: AsyncIterator<Uint8Array> | Iterator<Uint8Array>;
  readonly #observers: readonly BodyObserver[];
  #done = false;

  constructor(source: AsyncIterator<Uint8Array> | Iterator<Uint8Array>, observers: readonly BodyObserver[]) {
    this.#source = source;
    this.#observers = observers;
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#done) return DONE;
    let step: IteratorResult<Uint8Array>;
    try {
      step = await this.#source.next();
    } catch (error) {
      this.#done = true;
      throw error;
    }
    if (step.done === true) {
      this.#done = true;
      return ended(this.#observers);
    }
    try {
      observe(this.#observers, step.value);
    } catch (error) {
      // As a `for await` stage failing on a chunk does: the source is closed, then the failure;
      // a failure to close is dropped (IteratorClose on a throw completion), the observer's wins.
      this.#done = true;
      try {
        await this.#source.return?.();
      } catch {
        // The observer's error is the one to report.
      }
      throw error;
    }
    return step;
  }

  async return(): Promise<IteratorResult<Uint8Array>> {
    if (this.#done) return DONE;
    this.#done = true;
    await this.#source.return?.();
    return DONE;
  }
}
