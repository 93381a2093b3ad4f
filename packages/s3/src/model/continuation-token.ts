/**
 * @module
 * ListObjectsV2 continuation tokens: opaque to clients (S3's are base64 text) and refused when
 * altered. A token is the base64 of a version byte, a 16-byte tag and the UTF-8 of the last key or
 * common prefix of the previous page; the tag is a MAC (injected: the model draws no key and does
 * no I/O) over the bucket name and that key, so a token made up by a client, edited, or carried to
 * another bucket is 400 `InvalidArgument` "The continuation token provided is incorrect"
 * (LS-snapshot `test_list_objects_v2_continuation_start_after`, for an empty token).
 */

import { S3Error } from '../errors.ts';
import { decodeBase64, encodeBase64 } from './customer-key.ts';

const VERSION = 2;
const TAG_LENGTH = 16;

/** A keyed MAC (HMAC-SHA-256 in the engine); at least 16 bytes of output. */
export type TokenMac = (data: Uint8Array) => Uint8Array;

/**
 * The token that continues a listing of `bucket` after `startAfter`.
 *
 * @example
 * ```ts
 * import { createHmac } from 'node:crypto';
 * import { decodeContinuationToken, encodeContinuationToken } from '@strongbox/s3';
 * const mac = (data: Uint8Array) => createHmac('sha256', secret).update(data).digest();
 * decodeContinuationToken(encodeContinuationToken('photos', 'photos/2026/', mac), 'photos', mac); // 'photos/2026/'
 * ```
 */
export function encodeContinuationToken(bucket: string, startAfter: string, mac: TokenMac): string {
  const key = new TextEncoder().encode(startAfter);
  const bytes = new Uint8Array(1 + TAG_LENGTH + key.length);
  bytes[0] = VERSION;
  bytes.set(tagOf(bucket, key, mac), 1);
  bytes.set(key, 1 + TAG_LENGTH);
  return encodeBase64(bytes);
}

/**
 * The key a continuation token of `bucket` continues after.
 *
 * @throws S3Error InvalidContinuationToken for anything `encodeContinuationToken` did not make
 *   for this bucket with this MAC (empty, not base64, another version, an altered key or tag).
 * @example
 * ```ts
 * import { decodeContinuationToken } from '@strongbox/s3';
 * decodeContinuationToken('not a token', 'photos', mac); // throws S3Error InvalidArgument
 * ```
 */
export function decodeContinuationToken(token: string, bucket: string, mac: TokenMac): string {
  const bytes = decodeBase64(token);
  if (bytes === undefined || bytes.length < 2 + TAG_LENGTH || bytes[0] !== VERSION) throw new S3Error('InvalidContinuationToken');
  const key = bytes.subarray(1 + TAG_LENGTH);
  if (!equalInConstantTime(bytes.subarray(1, 1 + TAG_LENGTH), tagOf(bucket, key, mac))) throw new S3Error('InvalidContinuationToken');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(key);
  } catch (cause) {
    throw new S3Error('InvalidContinuationToken', { cause });
  }
}

function tagOf(bucket: string, key: Uint8Array, mac: TokenMac): Uint8Array {
  // Bucket names hold no NUL, so `bucket NUL key` is unambiguous.
  const name = new TextEncoder().encode(`${bucket}\0`);
  const data = new Uint8Array(name.length + key.length);
  data.set(name);
  data.set(key, name.length);
  const tag = mac(data);
  if (tag.length < TAG_LENGTH) throw new RangeError(`a token MAC must give at least ${TAG_LENGTH} bytes`);
  return tag.subarray(0, TAG_LENGTH);
}

function equalInConstantTime(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let index = 0; index < Math.min(a.length, b.length); index++) difference |= (a[index] ?? 0) ^ (b[index] ?? 0);
  return difference === 0;
}
