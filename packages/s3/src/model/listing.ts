/**
 * @module
 * The listings' request rules: `max-keys` (default and ceiling 1000), `encoding-type` (only
 * `url`), and the URL encoding S3 applies to keys, prefixes, delimiters and markers in the
 * response when asked (model `ListObjectsV2Request`, ../shared/reference/s3-sse.md §5.3).
 */

import { S3Error } from '../errors.ts';
import { int32Argument } from './int32.ts';

/** The most keys (objects plus common prefixes) one page holds, and the default. */
export const MAX_LIST_KEYS = 1000;

/** How an operation refuses a negative `max-keys`: S3 words it per operation (`S3_ERRORS`). */
export type NegativeMaxKeysAnswer = 'InvalidMaxKeysRange' | 'NegativeMaxKeys';

/**
 * The number of entries a page may hold: `MaxKeys` capped at 1000, 1000 when absent.
 *
 * S3 reads `max-keys` as a 32-bit integer. Captured against S3 (us-east-1, 2026-09-29, a
 * third-party emulator's table of S3's answers): a value that is not an integer is "Provided
 * max-keys not an integer or within integer range" (`max-keys`, the value), refused on the wire by
 * the router before the credential (the binding's `int32('InvalidMaxKeys')`), in process by the
 * operation before its bucket (`int32Argument`), and here again. A negative one is refused per
 * operation: ListObjects and ListObjectsV2 name `maxKeys` with the value ("Argument maxKeys must
 * be an integer between 0 and 2147483647", `InvalidMaxKeysRange`), ListObjectVersions "max-keys
 * cannot be negative" (`max-keys`, no value, `NegativeMaxKeys`).
 *
 * @throws S3Error InvalidMaxKeys for a value that is not an integer in the 32-bit range;
 *   `negative` (InvalidMaxKeysRange by default, or NegativeMaxKeys) for a negative one.
 * @example
 * ```ts
 * import { pageSize } from '@strongbox/s3';
 * pageSize(undefined); // 1000
 * pageSize(5000);      // 1000
 * pageSize(0);         // 0: an empty, untruncated page
 * ```
 */
export function pageSize(maxKeys: number | undefined, negative: NegativeMaxKeysAnswer = 'InvalidMaxKeysRange'): number {
  if (maxKeys === undefined) return MAX_LIST_KEYS;
  int32Argument(maxKeys, 'InvalidMaxKeys');
  if (maxKeys < 0) {
    throw negative === 'NegativeMaxKeys'
      ? new S3Error('NegativeMaxKeys')
      : new S3Error('InvalidMaxKeysRange', { fields: [['ArgumentValue', String(maxKeys)]] });
  }
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

/**
 * The bytes `encoding-type=url` writes as they are: `java.net.URLEncoder`'s unreserved set
 * (`A-Z a-z 0-9 . - _ *`) plus `/`, by byte value (an index into this table is a UTF-8 byte).
 */
const KEPT: Uint8Array = (() => {
  const kept = new Uint8Array(256);
  for (const character of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_*/') kept[character.charCodeAt(0)] = 1;
  return kept;
})();
const SPACE = 0x20;
const HEX = '0123456789ABCDEF';

/**
 * Encodes a key, prefix, delimiter or marker as S3 writes it for `encoding-type=url`: form
 * encoding over the UTF-8 bytes (the `java.net.URLEncoder` set) with `/` kept. A space is `+`,
 * `A-Z a-z 0-9 . - _ * /` stay, and every other byte (a literal `+`, `%`, `~`, `!`, `'`, `(`,
 * `)`, …) is `%XX` in upper-case hex.
 *
 * Evidence: a third party's measurement of real S3 (ap-northeast-2, 2026-09-14,
 * brekkylab/backlot#178): `a b.txt` is listed as `a+b.txt`, `a+b.txt` as `a%2Bb.txt`,
 * `100%.csv` as `100%25.csv`, `한글/x.txt` as `%ED%95%9C%EA%B8%80/x.txt`, and the common prefix
 * `run books/` as `run+books/`. botocore decodes these fields with `unquote_str`, which is
 * `urllib.parse.unquote_plus` (botocore/compat.py), and MinIO's `s3URLEncode` is Go's
 * `url.QueryEscape` "considering some S3 exceptions: avoid encoding '/' and '*', force encoding
 * of '~'" (cmd/api-utils.go). `*` and `~` are UNCONFIRMED by a capture of AWS (MinIO's rule and
 * the URLEncoder set agree). ceph s3-tests' `test_bucket_list_encoding_basic` expects `%20` for a
 * space, RGW's answer, with no capture of AWS. The AWS SDK for JavaScript v3 does not decode
 * these fields: its callers get the text as written here.
 *
 * @example
 * ```ts
 * import { urlEncodeKey } from '@strongbox/s3';
 * urlEncodeKey('a b+c/x~*'); // 'a+b%2Bc/x%7E*'
 * ```
 */
export function urlEncodeKey(key: string): string {
  const bytes = Buffer.from(key, 'utf8');
  let encoded = '';
  for (const byte of bytes) {
    if (KEPT[byte] === 1) encoded += String.fromCharCode(byte);
    else if (byte === SPACE) encoded += '+';
    else encoded += `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return encoded;
}

type OtherVersionRefusal = 'ContinuationTokenWithoutListType2' | 'StartAfterWithoutListType2' | 'MarkerWithListType2';

/** ListObjectsV2's own query parameters, which ListObjects refuses, in the order S3 refuses them. */
const V2_ONLY: readonly (readonly [string, OtherVersionRefusal])[] = [
  ['continuation-token', 'ContinuationTokenWithoutListType2'],
  ['start-after', 'StartAfterWithoutListType2'],
];

/** ListObjects' own query parameter, which ListObjectsV2 refuses. */
const V1_ONLY: readonly (readonly [string, OtherVersionRefusal])[] = [['marker', 'MarkerWithListType2']];

/** The names `refuseOtherListingVersion` reads for ListObjects (`v2` false) and ListObjectsV2. */
export const OTHER_VERSION_ARGUMENTS: Readonly<{ v1: readonly string[]; v2: readonly string[] }> = Object.freeze({
  v1: V2_ONLY.map(([name]) => name),
  v2: V1_ONLY.map(([name]) => name),
});

/**
 * Refuses a query parameter of the other listing version: ListObjects (`v2` false: any
 * `list-type` but 2, or none) refuses `continuation-token`, then `start-after`, and
 * ListObjectsV2 refuses `marker`, each sent empty or not, with S3's 400 InvalidArgument naming
 * the parameter (`ArgumentName`, no `ArgumentValue`). S3 refuses them before the bucket is
 * looked up and before the credential, after a `max-keys` that does not parse and before a
 * `versionId`; a V1 request sending both V2 parameters is refused for `continuation-token`
 * (brekkylab/backlot, measured against S3 2026-09-14 and 2026-09-29, `backlot/routers/s3.py`
 * at commit 07bef4332838e4c4ee55118732a8ac1520f70d16, `_V2_ONLY`, `_V1_ONLY`, `_listing_parse`).
 * UNCONFIRMED: that these come before a `versionId` (backlot's code and its measurement of the
 * other listing arguments, not a stated request with both); before the credential is stated for
 * the HEAD, measured "beside the GET", and for the GET by backlot's code.
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { refuseOtherListingVersion } from './src/model/listing.ts';
 * refuseOtherListingVersion(new Map([['marker', 'a']]), true); // throws MarkerWithListType2
 * ```
 * @throws S3Error ContinuationTokenWithoutListType2, StartAfterWithoutListType2, MarkerWithListType2.
 */
export function refuseOtherListingVersion(query: ReadonlyMap<string, string>, v2: boolean): void {
  for (const [name, reason] of v2 ? V1_ONLY : V2_ONLY) if (query.has(name)) throw new S3Error(reason);
}
