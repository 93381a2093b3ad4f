/**
 * @module
 * ListObjectsV2 continuation tokens: opaque to clients (S3's are base64 text), here the base64 of
 * a version byte and the UTF-8 of the last key or common prefix of the previous page. A token that
 * does not decode is 400 `InvalidArgument` "The continuation token provided is incorrect" (LS-snapshot).
 */

import { S3Error } from '../errors.ts';
import { decodeBase64, encodeBase64 } from './customer-key.ts';

const VERSION = 1;

/**
 * The token that continues a listing after `startAfter`.
 *
 * @example
 * ```ts
 * import { decodeContinuationToken, encodeContinuationToken } from '@strongbox/s3';
 * decodeContinuationToken(encodeContinuationToken('photos/2026/')); // 'photos/2026/'
 * ```
 */
export function encodeContinuationToken(startAfter: string): string {
  const key = new TextEncoder().encode(startAfter);
  const bytes = new Uint8Array(key.length + 1);
  bytes[0] = VERSION;
  bytes.set(key, 1);
  return encodeBase64(bytes);
}

/**
 * The key a continuation token continues after.
 *
 * @throws S3Error InvalidContinuationToken for anything `encodeContinuationToken` did not make.
 * @example
 * ```ts
 * import { decodeContinuationToken } from '@strongbox/s3';
 * decodeContinuationToken('not a token'); // throws S3Error InvalidArgument
 * ```
 */
export function decodeContinuationToken(token: string): string {
  const bytes = decodeBase64(token);
  if (bytes === undefined || bytes.length < 2 || bytes[0] !== VERSION) throw new S3Error('InvalidContinuationToken');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(1));
  } catch (cause) {
    throw new S3Error('InvalidContinuationToken', { cause });
  }
}
