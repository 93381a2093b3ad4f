/**
 * @module
 * Retrying an upload whose body is a stream the client makes again for each attempt. The SDK does
 * not retry a request with a streamed body (smithy's retry middleware: "non-retryable streaming
 * request"), but an in-memory plaintext's ciphertext stream can be made again, byte for byte (the
 * same key and IV), so the client retries it as the SDK would retry a byte body: with the S3
 * client's own retry strategy (its `retryMode`, `maxAttempts`, retry quota and backoff, or the
 * caller's `retryStrategy`) and smithy's own error classification, so every error the SDK retries
 * is retried here too; a clock-skew correction above all (the SDK moves its clock offset from the
 * refusal's `Date` and sets `$metadata.clockSkewCorrected`, and the next attempt is signed at the
 * corrected time).
 */

import type { S3Client } from '@aws-sdk/client-s3';
import { getRetryAfterHint, isServerError, isThrottlingError, isTransientError, StandardRetryStrategy } from '@smithy/core/retry';

/** What smithy's retry strategies are given for a failed attempt (`@smithy/types` RetryErrorInfo). */
type RetryErrorInfo = Parameters<StandardRetryStrategy['refreshRetryTokenForRetry']>[1];
/** THROTTLING, TRANSIENT, SERVER_ERROR or CLIENT_ERROR. */
type RetryErrorType = RetryErrorInfo['errorType'];
/** A token-based retry strategy (`@smithy/types` RetryStrategyV2), as the SDK's retry middleware drives it. */
type RetryStrategyV2 = Pick<StandardRetryStrategy, 'acquireInitialRetryToken' | 'refreshRetryTokenForRetry' | 'recordSuccess'>;
type SdkError = Parameters<typeof isTransientError>[0];

/**
 * How the SDK's retry middleware classifies an error from `S3Client.send` (smithy's
 * `getRetryErrorType`, built from the same exported predicates).
 * @example retryErrorType({ $metadata: { httpStatusCode: 503 } }) // 'TRANSIENT'
 */
export function retryErrorType(error: unknown): RetryErrorType {
  if (typeof error !== 'object' || error === null) return 'CLIENT_ERROR';
  const sdkError = error as SdkError;
  if (isThrottlingError(sdkError)) return 'THROTTLING';
  if (isTransientError(sdkError)) return 'TRANSIENT';
  if (isServerError(sdkError)) return 'SERVER_ERROR';
  return 'CLIENT_ERROR';
}

/** The S3 client's strategy when it is a token-based one (the SDK's default), else a standard one of its `maxAttempts`. */
async function strategyOf(s3: S3Client): Promise<RetryStrategyV2> {
  const configured = (await s3.config.retryStrategy()) as Partial<RetryStrategyV2>;
  if (
    typeof configured.acquireInitialRetryToken === 'function' &&
    typeof configured.refreshRetryTokenForRetry === 'function' &&
    typeof configured.recordSuccess === 'function'
  )
    return configured as RetryStrategyV2;
  // A legacy (pre-token) strategy only retries a whole middleware chain; keep its attempt count.
  return new StandardRetryStrategy(await s3.config.maxAttempts());
}

/** `promise`, or a rejection with the signal's reason as soon as `signal` aborts. */
function raced<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  let onAbort = (): void => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  return Promise.race([promise, aborted]).finally(() => signal.removeEventListener('abort', onAbort));
}

/**
 * Sends what `attempt` makes, again whenever the S3 client's retry strategy grants a retry for
 * the error, waiting the strategy's backoff (cut short by `abortSignal`).
 *
 * @param attempt - makes and sends one attempt (a fresh body each time).
 * @throws the last attempt's error (when the strategy grants no more retries, or the error is not
 *   retryable) unchanged, or the abort reason when `abortSignal` aborts during a backoff.
 * @example
 * ```ts
 * await withRetries(s3, () => s3.send(new PutObjectCommand({ ...input, Body: freshStream() })));
 * ```
 */
export async function withRetries<T>(s3: S3Client, attempt: () => Promise<T>, abortSignal?: AbortSignal): Promise<T> {
  // A function, so a check after an `await` is not narrowed by the one before it.
  const aborted = (): boolean => abortSignal?.aborted === true;
  const strategy = await strategyOf(s3);
  let token = await raced(strategy.acquireInitialRetryToken(''), abortSignal);
  for (;;) {
    try {
      const output = await attempt();
      strategy.recordSuccess(token);
      return output;
    } catch (error) {
      if (aborted()) throw error;
      const info: RetryErrorInfo = { error: error as SdkError, errorType: retryErrorType(error) };
      const hint = typeof error === 'object' && error !== null ? getRetryAfterHint((error as { $response?: unknown }).$response) : undefined;
      if (hint !== undefined) info.retryAfterHint = hint;
      try {
        // The standard strategy waits its backoff inside `refreshRetryTokenForRetry`.
        token = await raced(strategy.refreshRetryTokenForRetry(token, info), abortSignal);
      } catch (refused) {
        if (aborted() && refused === abortSignal?.reason) throw refused;
        throw error;
      }
      const delay = token.getRetryDelay();
      if (delay > 0) await raced(new Promise((resolve) => setTimeout(resolve, delay)), abortSignal);
    }
  }
}
