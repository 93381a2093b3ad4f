/**
 * @module
 * One in-process SDK call under an abort signal or the node:http handler's timeouts, which act as
 * @smithy/node-http-handler 4.14 makes them act over a socket (`handle`, `setRequestTimeout`,
 * `setSocketTimeout`). The call resolves at the answer's head, which the node:http edge sends with
 * the body's first chunk, or before it for a declared length of 64 KiB or more
 * (`writeStreamingResponse`). Before the head, an abort rejects the call
 * with an AbortError and a timeout with its TimeoutError; after it, either fails the answer's body
 * (node's `Error: aborted`, `ECONNRESET`, for an abort, as a destroyed request fails its
 * `IncomingMessage`; the TimeoutError for a socket timeout, `response.destroy(error)`), and the
 * call, resolved, is not retried. Either way the upload the service reads is cut (as
 * `req.destroy()` closes the socket: the edge's body then fails with `aborted`, and nothing is
 * stored), and an answer the service gives after the call failed is released.
 */

import type { Readable } from 'node:stream';
import { declaredLength, EARLY_HEAD_BODY_BYTES } from '../http/node-response.ts';
import { ObservedBody } from '../http/observed-body.ts';
import type { StreamingHandler, StreamingRequest } from '../http/types.ts';
import { type AbortSignalLike, abortErrorOf, CuttableBody, connectionReset, release, watch } from './abort.ts';
import { framedByFirstChunk } from './request-body.ts';
import { emptyBody, failingBody, headedBodyOf } from './response-body.ts';
import { InactivityTimeout, isSocketTimeout, socketTimeoutError, startRequestTimeout, type TimeoutSettings, withActivity } from './timeouts.ts';

/** The request as the service is handed it, its optional `secure` set only over `https:`. */
export type Forwarded = { -readonly [K in keyof StreamingRequest]: StreamingRequest[K] };

/** An answer as the SDK is handed it: a body answered whole, or a streamed one as a Readable. */
export interface WatchedAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | Uint8Array | Readable;
}

/** What a watched call is watched with. */
export interface Watching {
  /** The SDK's abort signal, if any. */
  readonly signal: AbortSignalLike | undefined;
  /** The call's `requestTimeout` (its own, else the handler's). */
  readonly requestTimeoutMs: number | undefined;
  /** The handler's settings: `throwOnRequestTimeout`, `socketTimeout`, `logger`. */
  readonly settings: TimeoutSettings;
}

/**
 * Serves `forwarded` under `watching` (see the module documentation). When `framing` is given (the
 * request's header map, whose framing waits for the upload's first chunk), that chunk is read
 * first, under the watch, and the framing header set there (`framedByFirstChunk`).
 * @throws the AbortError or TimeoutError of an abort or timeout before the answer's head, or what
 *   the service throws.
 * @example
 * ```ts
 * import { answerWatched } from './watched-call.ts';
 * const answer = await answerWatched(handler, forwarded, undefined, { signal, requestTimeoutMs: 300, settings: { throwOnRequestTimeout: true } });
 * ```
 */
export async function answerWatched(
  handler: StreamingHandler,
  forwarded: Forwarded,
  framing: Record<string, string> | undefined,
  watching: Watching,
): Promise<WatchedAnswer> {
  const call = new WatchedCall(forwarded, watching);
  if (framing !== undefined) forwarded.body = await call.beforeHead(framedByFirstChunk(framing, forwarded.body));
  let answering: ReturnType<StreamingHandler>;
  try {
    // A service that throws rather than rejecting must not leave the timers and the listener.
    answering = handler(forwarded);
  } catch (error) {
    call.stop();
    throw error;
  }
  const result = await call.beforeHead(answering, release);
  const body = result.body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    call.stop();
    return result as WatchedAnswer;
  }
  return { status: result.status, headers: result.headers, body: await call.headOf(body, declaredLength(result.headers) >= EARLY_HEAD_BODY_BYTES) };
}

/** The watch over one call: its timers, its signal's listener, its upload, its answer's body. */
class WatchedCall {
  /** Whether the call failed before the head (an abort or timeout). */
  #interrupted = false;
  /** The streamed answer once its head has arrived. */
  #answer: Readable | undefined;
  readonly #failed: Promise<never>;
  #fail!: (error: Error) => void;
  /** A body held whole was sent whole: only a streamed one can be cut mid-way. */
  readonly #cuttable: CuttableBody | undefined;
  readonly #inactivity: InactivityTimeout | undefined;
  readonly #requestTimer: NodeJS.Timeout | undefined;
  readonly #unwatch: (() => void) | undefined;

  /** Starts the watch, and wraps the upload `forwarded` carries so a fault cuts it and its chunks count as activity. */
  constructor(forwarded: Forwarded, { signal, requestTimeoutMs, settings }: Watching) {
    this.#failed = new Promise<never>((_, reject) => {
      this.#fail = reject;
    });
    // Observed by the races below, or by no one when the fault comes after the head.
    this.#failed.catch(() => {});
    this.#cuttable = forwarded.body instanceof ObservedBody ? undefined : new CuttableBody(forwarded.body);
    const socketTimeoutMs = settings.socketTimeout;
    this.#inactivity = isSocketTimeout(socketTimeoutMs)
      ? new InactivityTimeout(socketTimeoutMs, () => this.#fault(socketTimeoutError(socketTimeoutMs)))
      : undefined;
    const inactivity = this.#inactivity;
    if (this.#cuttable !== undefined) forwarded.body = inactivity === undefined ? this.#cuttable : withActivity(this.#cuttable, () => inactivity.touch());
    this.#requestTimer = startRequestTimeout(requestTimeoutMs, settings.throwOnRequestTimeout === true, settings.logger, (error) => this.#fault(error));
    this.#unwatch = signal === undefined ? undefined : watch(signal, () => this.#fault(abortErrorOf(signal), connectionReset()));
  }

  /**
   * `work` (a step before the answer's head), or the error of an abort or timeout that comes
   * first. Either way out but `work`'s value stops the watch; a value that comes after the call
   * was cut is passed to `onLate` (released, as the edge releases the body of a client that left).
   * @throws the fault's error, or `work`'s.
   */
  async beforeHead<T>(work: Promise<T>, onLate?: (value: T) => void): Promise<T> {
    try {
      return await Promise.race([work, this.#failed]);
    } catch (error) {
      this.stop();
      if (this.#interrupted && onLate !== undefined) work.then(onLate, () => {});
      throw error;
    }
  }

  /**
   * The streamed answer's body as the Readable handed over once its head is "sent", as the node:http
   * edge sends it (`writeStreamingResponse`): with the first chunk, produced under the watch, or at
   * once when `headFirst` (a declared length of 64 KiB or more, whose head the edge flushes before
   * the first chunk). From then on a fault fails this Readable, not the call. A body that fails
   * before its first chunk is handed over failing when read.
   * @throws the error of an abort or timeout before the head.
   */
  async headOf(body: AsyncIterable<Uint8Array>, headFirst: boolean): Promise<Readable> {
    // The head has arrived: bytes were received, and the request timeout is over.
    clearTimeout(this.#requestTimer);
    const inactivity = this.#inactivity;
    inactivity?.touch();
    // A complete answer is not timed out (node-http-handler checks `response.complete`).
    const produced =
      inactivity === undefined
        ? body
        : withActivity(
            body,
            () => inactivity.touch(),
            () => inactivity.stop(),
          );
    const iterator = produced[Symbol.asyncIterator]();
    if (headFirst) return this.#handedOver(headedBodyOf(iterator, undefined));
    let first: IteratorResult<Uint8Array>;
    try {
      first = await this.beforeHead(iterator.next());
    } catch (error) {
      if (this.#interrupted) {
        iterator.return?.().catch(() => {});
        throw error;
      }
      return failingBody([], error);
    }
    if (first.done === true) {
      this.stop();
      return emptyBody();
    }
    return this.#handedOver(headedBodyOf(iterator, first.value));
  }

  /** The answer's body, now what a fault fails, watched until it closes. */
  #handedOver(readable: Readable): Readable {
    this.#answer = readable;
    readable.once('close', () => this.stop());
    return readable;
  }

  /** Stops watching: the timers are cleared and the signal let go. */
  stop(): void {
    clearTimeout(this.#requestTimer);
    this.#inactivity?.stop();
    this.#unwatch?.();
  }

  /**
   * An abort or timeout: the upload is cut, as the request's socket is destroyed; before the head
   * the call fails with `error`, after it the answer's body with `onBody`.
   */
  #fault(error: Error, onBody: Error = error): void {
    this.#cuttable?.cut();
    if (this.#answer !== undefined) {
      this.#answer.destroy(onBody);
      return;
    }
    this.#interrupted = true;
    this.#fail(error);
  }
}
