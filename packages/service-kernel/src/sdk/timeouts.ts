/**
 * @module
 * The timeouts of the SDK's node:http handler (@smithy/node-http-handler 4.14, `setRequestTimeout`
 * and `setSocketTimeout`) as the in-process handler keeps them: the same settings, errors and
 * messages, started and stopped at the same points of a request. No timer exists for a setting
 * that is not given.
 */

import type { BodyStream } from '../http/types.ts';

/** What a handler's timeouts log through when `requestTimeout` only warns (the SDK's `Logger`, or `console`). */
export interface WarningLogger {
  warn?(message: string): void;
}

/**
 * The node:http handler's timeout settings, under its names (its constructor's options, its
 * `updateHttpClientConfig` keys).
 */
export interface TimeoutSettings {
  /**
   * Milliseconds from the call until the answer's head: past them the call fails with a
   * `TimeoutError` when `throwOnRequestTimeout` is set, and only a warning is logged otherwise,
   * as @smithy/node-http-handler 4.x does. `HttpHandlerOptions.requestTimeout` overrides it per call.
   */
  readonly requestTimeout?: number | undefined;
  /** Whether `requestTimeout` fails the call (`TimeoutError`) rather than logging a warning. Default false. */
  readonly throwOnRequestTimeout?: boolean | undefined;
  /**
   * Milliseconds without a byte going either way (the service reading the upload, or producing the
   * answer's head or body) before the call, or the answer's body, fails with a `TimeoutError`.
   */
  readonly socketTimeout?: number | undefined;
  /**
   * Accepted for the node:http handler's sake and has no effect: it bounds how long a TCP
   * connection takes to open, and a call in process opens none.
   */
  readonly connectionTimeout?: number | undefined;
  /** Where `requestTimeout` warns (without `throwOnRequestTimeout`). Default: the client's logger, else `console`. */
  readonly logger?: WarningLogger | undefined;
}

/**
 * The error of a `requestTimeout` with `throwOnRequestTimeout`, word for word node-http-handler
 * 4.14's (`setRequestTimeout`): name `TimeoutError`, code `ETIMEDOUT`; the SDK's retry strategy
 * takes it as transient (its `TRANSIENT_ERROR_CODES` name `TimeoutError`).
 * @example
 * ```ts
 * import { requestTimeoutError } from './timeouts.ts';
 * requestTimeoutError(300).message; // '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 300 ms requestTimeout.'
 * ```
 */
export function requestTimeoutError(timeoutMs: number): Error {
  return Object.assign(new Error(`@smithy/node-http-handler - [ERROR] a request has exceeded the configured ${timeoutMs} ms requestTimeout.`), {
    name: 'TimeoutError',
    code: 'ETIMEDOUT',
  });
}

/**
 * The warning a `requestTimeout` without `throwOnRequestTimeout` logs, node-http-handler 4.14's.
 * @example
 * ```ts
 * import { requestTimeoutWarning } from './timeouts.ts';
 * console.warn(requestTimeoutWarning(300));
 * ```
 */
export function requestTimeoutWarning(timeoutMs: number): string {
  return `@smithy/node-http-handler - [WARN] a request has exceeded the configured ${timeoutMs} ms requestTimeout. Init client requestHandler with throwOnRequestTimeout=true to turn this into an error.`;
}

/**
 * The error of a `socketTimeout`, node-http-handler 4.14's (`setSocketTimeout`, a timeout the
 * client's handler was configured with): name `TimeoutError`, no code.
 * @example
 * ```ts
 * import { socketTimeoutError } from './timeouts.ts';
 * socketTimeoutError(300).name; // 'TimeoutError'
 * ```
 */
export function socketTimeoutError(timeoutMs: number): Error {
  return Object.assign(
    new Error(`@smithy/node-http-handler - the request socket timed out after ${timeoutMs} ms of inactivity (configured by client requestHandler).`),
    { name: 'TimeoutError' },
  );
}

/**
 * Starts a call's `requestTimeout`, as `setRequestTimeout` does: only for a truthy number of
 * milliseconds (0 and none set no timer). Like every timer of a call in flight it keeps the
 * process alive (not unref'd), as node-http-handler's own timer and the socket it guards do; the
 * caller clears it when the answer's head arrives or the call fails.
 * @example
 * ```ts
 * import { startRequestTimeout } from './timeouts.ts';
 * const timer = startRequestTimeout(300, true, undefined, (error) => console.error(error.name));
 * clearTimeout(timer); // the answer's head arrived
 * ```
 */
export function startRequestTimeout(
  timeoutMs: number | undefined,
  throwOnTimeout: boolean,
  logger: WarningLogger | undefined,
  onTimeout: (error: Error) => void,
): NodeJS.Timeout | undefined {
  if (!timeoutMs) return undefined;
  return setTimeout(() => {
    if (throwOnTimeout) onTimeout(requestTimeoutError(timeoutMs));
    else (logger ?? console).warn?.(requestTimeoutWarning(timeoutMs));
  }, timeoutMs);
}

/** Whether a `socketTimeout` sets a timer: `setSocketTimeout` takes only a finite number above 0. */
export function isSocketTimeout(timeoutMs: number | undefined): timeoutMs is number {
  return typeof timeoutMs === 'number' && Number.isFinite(timeoutMs) && timeoutMs > 0;
}

/**
 * node-http-handler registers a socket timeout of 6 s or more only 3 s after the call starts
 * (`DEFER_EVENT_LISTENER_TIME`), a shorter one at once.
 */
const DEFERRED_FROM_MS = 6000;
const DEFERRAL_MS = 3000;

/**
 * A `socketTimeout`: fires once no byte has gone either way for `timeoutMs`, as `socket.setTimeout`
 * does (node refreshes the timer on every read and write; so does `touch`). Its timers keep the
 * process alive while the call is in flight (not unref'd), as the request's socket does over
 * node:http: an upload that stalls with nothing else pending still ends in the TimeoutError rather
 * than in the process exiting. `stop` clears them on every way out.
 * @example
 * ```ts
 * import { InactivityTimeout } from './timeouts.ts';
 * const timeout = new InactivityTimeout(300, () => console.error('timed out'));
 * timeout.touch(); // a chunk went by
 * timeout.stop(); // the answer is complete
 * ```
 */
export class InactivityTimeout {
  readonly #timeoutMs: number;
  readonly #onTimeout: () => void;
  #timer: NodeJS.Timeout | undefined;
  /** Whether the inactivity timer runs (a long timeout's is registered late). */
  #armed = false;
  #stopped = false;

  /**
   * @param timeoutMs - a finite number of milliseconds above 0 (`isSocketTimeout`).
   * @param onTimeout - called once, when the timeout fires before `stop`.
   */
  constructor(timeoutMs: number, onTimeout: () => void) {
    this.#timeoutMs = timeoutMs;
    this.#onTimeout = onTimeout;
    if (timeoutMs < DEFERRED_FROM_MS) this.#arm();
    else this.#timer = setTimeout(() => this.#arm(), DEFERRAL_MS);
  }

  /** Activity: the wait starts again (nothing before the deferred registration counts, as in node). */
  touch(): void {
    if (this.#armed && !this.#stopped) this.#timer?.refresh();
  }

  /** Stops the timeout for good (the call failed, or its answer is complete). */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#stopped) return;
    this.#armed = true;
    this.#timer = setTimeout(() => {
      if (this.#stopped) return;
      this.stop();
      this.#onTimeout();
    }, this.#timeoutMs);
  }
}

/**
 * A body whose every chunk counts as activity (`onChunk`), and whose end calls `onEnd`: a chunk
 * the service reads from the upload, or produces for the answer, is a byte over the socket.
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { InactivityTimeout, withActivity } from './timeouts.ts';
 * const timeout = new InactivityTimeout(300, () => console.error('timed out'));
 * const body = withActivity(Readable.from([Buffer.from('ab')]), () => timeout.touch(), () => timeout.stop());
 * ```
 */
export function withActivity(body: BodyStream, onChunk: () => void, onEnd?: () => void): BodyStream {
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<Uint8Array> => {
      const iterator = body[Symbol.asyncIterator]();
      return {
        next: async () => {
          const step = await iterator.next();
          if (step.done === true) onEnd?.();
          else onChunk();
          return step;
        },
        return: async (value?: unknown) => (iterator.return === undefined ? { done: true, value } : iterator.return(value)),
      };
    },
  };
}
