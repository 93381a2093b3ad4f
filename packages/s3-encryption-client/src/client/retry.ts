/**
 * @module
 * Retrying an upload whose body is a stream the client makes again for each attempt. The SDK does
 * not retry a request with a streamed body (smithy's retry middleware: "non-retryable streaming
 * request"), but an in-memory plaintext's ciphertext stream can be made again, byte for byte (the
 * same key and IV), so the client retries it as the SDK would retry a byte body: up to the S3
 * client's `maxAttempts`, on server errors, throttling and transient network errors, with
 * exponential backoff and full jitter.
 */

import type { S3Client } from '@aws-sdk/client-s3';

/** S3 error names the SDK treats as transient or throttling (smithy service-error-classification). */
const RETRYABLE_NAMES: ReadonlySet<string> = new Set([
  'RequestTimeout',
  'RequestTimeoutException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalError',
]);

/** Node network error codes the SDK retries. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT']);

/**
 * Whether an error from `S3Client.send` is worth another attempt.
 * @example isRetryable({ $metadata: { httpStatusCode: 503 } }) // true
 */
export function isRetryable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { name?: unknown; code?: unknown; $retryable?: unknown; $metadata?: { httpStatusCode?: unknown } };
  if (e.name === 'AbortError') return false;
  const status = e.$metadata?.httpStatusCode;
  return (
    e.$retryable !== undefined ||
    (typeof status === 'number' && status >= 500) ||
    (typeof e.name === 'string' && RETRYABLE_NAMES.has(e.name)) ||
    (typeof e.code === 'string' && TRANSIENT_CODES.has(e.code))
  );
}

/**
 * Sends what `attempt` makes, again on a retryable error, up to the S3 client's `maxAttempts`.
 *
 * @param attempt - makes and sends one attempt (a fresh body each time).
 * @throws the last attempt's error, or the first that is not retryable, unchanged.
 * @example
 * ```ts
 * await withRetries(s3, () => s3.send(new PutObjectCommand({ ...input, Body: freshStream() })));
 * ```
 */
export async function withRetries<T>(s3: S3Client, attempt: () => Promise<T>, abortSignal?: AbortSignal): Promise<T> {
  const maxAttempts = Math.max(1, await s3.config.maxAttempts());
  for (let made = 1; ; made += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (made >= maxAttempts || abortSignal?.aborted === true || !isRetryable(error)) throw error;
      // The SDK's defaults: base 100 ms, doubling, capped at 20 s, full jitter.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20_000, 100 * 2 ** (made - 1))));
    }
  }
}
