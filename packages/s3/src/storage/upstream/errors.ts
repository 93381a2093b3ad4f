/**
 * @module
 * What an upstream failure looks like to the engine's callers: an S3 error as S3 itself answers
 * when its storage fails, never the upstream's own error (its code, message, endpoint or bucket
 * would leak where the sealed bytes live). An upstream that cannot be reached or is throttling is
 * 503 `ServiceUnavailable` (retryable, as S3's 503s are); anything else (refused credentials, a
 * missing upstream bucket, a 500, a short blob) is 500 `InternalError`. The upstream's error is
 * kept as `cause`, for logs.
 */

import { S3Error } from '../../errors.ts';

/** Upstream answers that mean "try again later". */
const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'SlowDown',
  'ServiceUnavailable',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestTimeout',
  'TimeoutError',
]);

/** Socket-level failures: the upstream endpoint could not be reached or dropped the connection. */
const NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);

/**
 * The S3 error to answer for an upstream failure.
 *
 * @example
 * ```ts
 * upstreamFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).code; // 'ServiceUnavailable'
 * ```
 */
export function upstreamFailure(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  return new S3Error(isUnavailable(error) ? 'ServiceUnavailable' : 'InternalError', { cause: error });
}

function isUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, code, $metadata } = error as { name?: unknown; code?: unknown; $metadata?: { httpStatusCode?: unknown } };
  const status = $metadata?.httpStatusCode;
  if (status === 503 || status === 429) return true;
  if (typeof name === 'string' && UNAVAILABLE_CODES.has(name)) return true;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // The SDK wraps socket errors; the socket's code is on the cause.
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isUnavailable(cause);
}
