/**
 * @module
 * ListObjectsV2's request rules: `max-keys` (default and ceiling 1000), `encoding-type` (only
 * `url`), and the URL encoding S3 applies to keys, prefixes, delimiters and `StartAfter` in the
 * response when asked (model `ListObjectsV2Request`, ../shared/reference/s3-sse.md §5.3).
 */

import { S3Error } from '../errors.ts';

/** The most keys (objects plus common prefixes) one page holds, and the default. */
export const MAX_LIST_KEYS = 1000;

/**
 * The number of entries a page may hold: `MaxKeys` capped at 1000, 1000 when absent.
 *
 * UNCONFIRMED: the error for a negative or fractional value (no capture of real S3).
 *
 * @throws S3Error InvalidMaxKeys for a value that is not a non-negative integer.
 * @example
 * ```ts
 * import { pageSize } from '@strongbox/s3';
 * pageSize(undefined); // 1000
 * pageSize(5000);      // 1000
 * pageSize(0);         // 0: an empty, untruncated page
 * ```
 */
export function pageSize(maxKeys: number | undefined): number {
  if (maxKeys === undefined) return MAX_LIST_KEYS;
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 0) throw new S3Error('InvalidMaxKeys', { fields: [['ArgumentValue', String(maxKeys)]] });
  return Math.min(maxKeys, MAX_LIST_KEYS);
}

/**
 * Checks `EncodingType`: absent or `url` (LS-snapshot `test_list_ops_encoding_type_validation`:
 * any other value, the empty one included, is 400 with the value as `ArgumentValue`).
 *
 * @throws S3Error InvalidEncodingType.
 * @example
 * ```ts
 * import { checkEncodingType } from '@strongbox/s3';
 * checkEncodingType('url'); // true: encode the response's keys
 * ```
 */
export function checkEncodingType(encodingType: string | undefined): boolean {
  if (encodingType === undefined) return false;
  if (encodingType !== 'url') throw new S3Error('InvalidEncodingType', { fields: [['ArgumentValue', encodingType]] });
  return true;
}

const UNRESERVED = /[A-Za-z0-9_.\-~/]/;

/**
 * Percent-encodes a key as S3 does for `encoding-type=url`: every UTF-8 byte except the RFC 3986
 * unreserved characters and `/` becomes `%XX` (upper-case hex), so `a/😀 b` is
 * `a/%F0%9F%98%80%20b`. `/` kept and UTF-8 encoded as in the LS-snapshot
 * `test_delete_objects_encoding`; the treatment of the other reserved characters is UNCONFIRMED
 * (this is what LocalStack's `urllib.parse.quote` does).
 *
 * @example
 * ```ts
 * import { urlEncodeKey } from '@strongbox/s3';
 * urlEncodeKey('a b+c'); // 'a%20b%2Bc'
 * ```
 */
export function urlEncodeKey(key: string): string {
  let encoded = '';
  for (const character of key) {
    if (UNRESERVED.test(character)) {
      encoded += character;
      continue;
    }
    for (const byte of new TextEncoder().encode(character)) encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}
