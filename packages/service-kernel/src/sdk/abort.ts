/**
 * @module
 * Abort signals as the in-process handler honours them, as the SDK's node:http handler does: the
 * AbortError it rejects with, node's `aborted` for a cut body, listening on either shape of signal.
 */

import type { HttpHandlerOptions } from '@smithy/types';
import type { BodyStream } from '../http/types.ts';

/**
 * Throws the AbortError of a signal that has already fired.
 * @throws Error `AbortError` (`abortErrorOf`) when `signal` is aborted.
 * @example throwIfAborted(options.abortSignal)
 */
export function throwIfAborted(signal: HttpHandlerOptions['abortSignal']): void {
  if (signal?.aborted === true) throw abortErrorOf(signal);
}

/** The abort signal the SDK passes (its own interface, or the global `AbortSignal`). */
export type AbortSignalLike = NonNullable<HttpHandlerOptions['abortSignal']>;

/**
 * The AbortError the node:http handler rejects with (`buildAbortError` of
 * @smithy/node-http-handler 4.14): `Request aborted` with the signal's reason as `cause` when it
 * is an Error (or falsy: none, 0, '', false), the reason as the message otherwise.
 * @example abortErrorOf(AbortSignal.abort('late')).message // 'late'
 */
export function abortErrorOf(signal: AbortSignalLike): Error {
  const reason = 'reason' in signal ? (signal.reason as unknown) : undefined;
  // Tested for truth as smithy does (`if (reason)`): 0, '' and false are no reason.
  const error = !reason || reason instanceof Error ? new Error('Request aborted', reason ? { cause: reason } : undefined) : new Error(String(reason));
  error.name = 'AbortError';
  return error;
}

/**
 * What node:http fails a destroyed request's body with (`connResetException('aborted')`).
 * @example readable.destroy(connectionReset())
 */
export function connectionReset(): Error {
  return Object.assign(new Error('aborted'), { code: 'ECONNRESET' });
}

/**
 * Calls `onAbort` once when the signal fires; returns what stops listening. Both shapes the SDK
 * accepts, as the node:http handler listens: `addEventListener`, else `onabort`.
 * @example const stop = watch(signal, () => body.cut()); // later: stop()
 */
export function watch(signal: AbortSignalLike, onAbort: () => void): () => void {
  // The SDK's own `AbortSignal` type names only `onabort`; the global one (what users pass) has both.
  const target = signal as { addEventListener?: EventTarget['addEventListener']; removeEventListener?: EventTarget['removeEventListener'] };
  if (typeof target.addEventListener === 'function') {
    target.addEventListener('abort', onAbort, { once: true });
    return () => target.removeEventListener?.('abort', onAbort);
  }
  signal.onabort = onAbort;
  return () => {
    if (signal.onabort === onAbort) signal.onabort = null;
  };
}

/**
 * A streamed request body that fails with node's `aborted` once cut, as the edge's body fails when
 * the client's socket closes mid-body: a read waiting then fails at once, and so does every later
 * one. One waiting read at a time is remembered (never a promise per chunk, which would keep every
 * chunk read alive until the upload ends). The SDK's own stream is left as node:http leaves it
 * (unpiped, not destroyed).
 */
export class CuttableBody implements AsyncIterable<Uint8Array> {
  readonly #source: AsyncIterable<Uint8Array>;
  #failure: Error | undefined;
  #waiting: ((error: Error) => void) | undefined;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source;
  }

  /** Fails the read waiting, if any, and every later one. */
  cut(): void {
    this.#failure ??= connectionReset();
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.(this.#failure);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    const iterator = this.#source[Symbol.asyncIterator]();
    return {
      next: () => {
        if (this.#failure !== undefined) return Promise.reject(this.#failure);
        return new Promise<IteratorResult<Uint8Array>>((resolve, reject) => {
          this.#waiting = reject;
          iterator.next().then(
            (step) => {
              this.#waiting = undefined;
              resolve(step);
            },
            (error: unknown) => {
              this.#waiting = undefined;
              reject(error);
            },
          );
        });
      },
      return: async (value?: unknown) => (iterator.return === undefined ? { done: true, value } : iterator.return(value)),
    };
  }
}

/**
 * Releases an answer no one will read: its streamed body's iterator is returned.
 * @example answering.then(release, () => {})
 */
export function release(result: { readonly body: string | Uint8Array | BodyStream }): void {
  const body = result.body;
  if (typeof body === 'string' || body instanceof Uint8Array) return;
  const iterator = body[Symbol.asyncIterator]();
  iterator.return?.().catch(() => {});
}
