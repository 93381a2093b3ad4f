/**
 * @module
 * The streaming request body: a node:http request's 'data' events as an async iterator, with
 * back-pressure (the request is paused past a read-ahead) and a queue whose size stays bounded by
 * what the consumer has not taken yet.
 */

import type { IncomingMessage } from 'node:http';

/** Bytes a body reader holds for a consumer that has not asked for them yet, before it pauses the request. */
const READ_AHEAD_BYTES = 64 * 1024;

/** Taken slots at the front of a body reader's queue past which it is compacted (if they are half of it). */
const COMPACT_AFTER = 1024;

/**
 * A request body as an async iterator over its 'data' events. Node's stream iterator
 * (`request.iterator()`) costs more per chunk: each chunk goes through `read()`, a 'readable'
 * event and two `process.nextTick` hops before it reaches the consumer, and a 1 MiB body over TLS
 * arrives as 64 chunks of 16 KiB. Here a chunk goes from the 'data' event to the waiting consumer
 * directly. Back-pressure: past `READ_AHEAD_BYTES` not yet taken, the request is paused (node:http
 * then stops reading the socket) until the consumer catches up. Returning early (a `for await` left
 * by `break` or a throw) detaches the reader and leaves the request undestroyed, paused or not, for
 * the edge to drain (`drainUnread` in `node-listener.ts`); a request that fails or closes before its end fails the
 * iteration.
 */
export class RequestBodyReader implements AsyncIterator<Uint8Array> {
  readonly #request: IncomingMessage;
  /**
   * Chunks received and not yet taken: `#queue[#head..]`, `#queuedBytes` bytes in all. The slots
   * before `#head` were taken (`EMPTY_CHUNK`); the array is compacted once `COMPACT_AFTER` or more
   * of them are at least as many as the chunks waiting, so it stays below twice the chunks
   * waiting plus `COMPACT_AFTER`.
   */
  #queue: Buffer[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** Consumers waiting for a chunk, first come first served (next() may be called again before a chunk arrives). */
  #waiting: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void }[] = [];
  #ended = false;
  #failure: Error | undefined;
  #paused = false;

  constructor(request: IncomingMessage) {
    this.#request = request;
    // The handler may start reading after the request is over: the client sent a short body and
    // closed (node:http then destroys the request), or the whole body came and was read to its end.
    // Those events are past, so the state says it: without this, the consumer would wait forever.
    if (request.readableEnded) {
      this.#ended = true;
      return;
    }
    if (request.destroyed) {
      this.#failure = request.errored ?? new Error('the request closed before its body ended');
      return;
    }
    request.on('data', this.#onData);
    request.once('end', this.#onEnd);
    request.once('error', this.#onError);
    request.once('close', this.#onClose);
  }

  /** Test hook (`__TESTS`): the slots of `reader`'s queue array, taken ones included. */
  static queueSlots(reader: object): number {
    return reader instanceof RequestBodyReader ? reader.#queue.length : -1;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#head < this.#queue.length) {
      const chunk = this.#queue[this.#head] as Buffer;
      this.#queue[this.#head++] = EMPTY_CHUNK;
      this.#queuedBytes -= chunk.length;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#queue.length) {
        // A handler steadily a little behind never empties the queue: without this, every chunk
        // of the body would keep a slot. Moves at most as many slots as were taken since the
        // last compaction, so a chunk costs O(1) amortised.
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (this.#paused && this.#queuedBytes < READ_AHEAD_BYTES) {
        this.#paused = false;
        this.#request.resume();
      }
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.#detach();
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#ended = true;
    return Promise.resolve({ done: true, value: undefined });
  }

  readonly #onData = (chunk: Buffer): void => {
    const waiting = this.#waiting.shift();
    if (waiting !== undefined) {
      waiting.resolve({ done: false, value: chunk });
      return;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (!this.#paused && this.#queuedBytes >= READ_AHEAD_BYTES) {
      this.#paused = true;
      this.#request.pause();
    }
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#detach();
    this.#settle();
  };

  readonly #onError = (error: Error): void => this.#fail(error);

  /** A request destroyed before its end (the client went away): its body is incomplete. */
  readonly #onClose = (): void => {
    if (!this.#ended) this.#fail(new Error('the request closed before its body ended'));
  };

  #fail(error: Error): void {
    if (this.#ended || this.#failure !== undefined) return;
    this.#failure = error;
    this.#detach();
    this.#settle();
  }

  /** Answers the consumers waiting for chunks that will not come. */
  #settle(): void {
    for (const waiting of this.#waiting.splice(0)) {
      if (this.#failure !== undefined) waiting.reject(this.#failure);
      else waiting.resolve({ done: true, value: undefined });
    }
  }

  #detach(): void {
    this.#request.off('data', this.#onData);
    this.#request.off('end', this.#onEnd);
    this.#request.off('error', this.#onError);
    this.#request.off('close', this.#onClose);
  }
}

const EMPTY_CHUNK: Buffer = Buffer.alloc(0);

/** Test hooks: the slots of a body reader's queue array (taken ones included), to pin its bound. */
export const __TESTS: { readonly queueSlots: (body: AsyncIterator<Uint8Array>) => number } = {
  queueSlots: (body) => RequestBodyReader.queueSlots(body),
};
