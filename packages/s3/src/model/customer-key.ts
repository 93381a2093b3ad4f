/**
 * @module
 * The SSE-C header trio (algorithm, key, key MD5), checked as S3 checks it (LS-snapshot, recorded
 * against AWS; ../shared/reference/s3-sse.md §2.1), in this order:
 *
 * 1. a key without an algorithm, then an algorithm without a key (`InvalidArgument`);
 * 2. an algorithm other than `AES256` (`InvalidEncryptionAlgorithmError`);
 * 3. a missing key MD5 (UNCONFIRMED: MinIO's answer, since SDKs always send one);
 * 4. the MD5 of the decoded key against the one sent, **before** the key's length: real S3
 *    answers a short key with a wrong MD5 with the MD5 error, and a short key with a matching MD5
 *    with "The secret key was invalid…" (LocalStack checks the length first; AWS does not).
 *    On a read of an SSE-C object, a key of the wrong length with a matching MD5 is not the
 *    object's key: 403 AccessDenied "…must provide the correct secret key." (LS-snapshot
 *    `test_object_retrieval_sse_c`, `get-obj-sse-c-no-md5` and `head-obj-sse-c-no-md5`: botocore
 *    sent a 44-byte key with its MD5, and S3 answered 403 to GET and HEAD, where the same key on
 *    PutObject is 400 `put-obj-sse-c-no-md5`).
 *
 * The MD5 is of the raw 32 key bytes, not of the base64 text. The key is returned as bytes the
 * caller owns and must wipe; it never appears in an error.
 */

import { S3Error } from '../errors.ts';
import type { Md5 } from './etag.ts';

/** SSE-C's only algorithm. */
export const SSE_C_ALGORITHM = 'AES256';
/** SSE-C keys are AES-256 keys. */
export const SSE_C_KEY_LENGTH = 32;

/** The SSE-C headers of a request, as sent (undefined when absent). */
export interface CustomerKeyHeaders {
  readonly algorithm?: string | undefined;
  /** Base64 of the key. */
  readonly key?: string | undefined;
  /** Base64 of the MD5 of the raw key bytes. */
  readonly keyMd5?: string | undefined;
}

/** A checked SSE-C key. */
export interface CustomerKey {
  /** The 32 key bytes; the caller owns and wipes them. */
  readonly key: Uint8Array;
  /** The key MD5 as the request sent it (S3 echoes it in `…-customer-key-MD5`). */
  readonly keyMd5: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Whether a request carries any SSE-C header.
 *
 * @example
 * ```ts
 * import { hasCustomerKeyHeaders } from '@strongbox/s3';
 * hasCustomerKeyHeaders({ algorithm: 'AES256' }); // true
 * ```
 */
export function hasCustomerKeyHeaders(headers: CustomerKeyHeaders): boolean {
  return headers.algorithm !== undefined || headers.key !== undefined || headers.keyMd5 !== undefined;
}

/**
 * Checks an SSE-C trio and decodes the key.
 *
 * @param wrongLength - what a key of the wrong length (with a matching MD5) is: `SseCInvalidKey`
 *   (400) on writes, `SseCWrongKey` (403) when reading an SSE-C object (LS-snapshot, see above).
 * @throws S3Error SseCMissingAlgorithm, SseCMissingKey, SseCAlgorithmNotAes256, SseCMissingKeyMd5,
 *   SseCKeyMd5Mismatch or SseCInvalidKey (all 400), or SseCWrongKey (403) as `wrongLength` says.
 * @example
 * ```ts
 * import { checkCustomerKey } from '@strongbox/s3';
 * const { key, keyMd5 } = checkCustomerKey({ algorithm: 'AES256', key: keyBase64, keyMd5: md5Base64 }, md5);
 * ```
 */
export function checkCustomerKey(headers: CustomerKeyHeaders, md5: Md5, wrongLength: 'SseCInvalidKey' | 'SseCWrongKey' = 'SseCInvalidKey'): CustomerKey {
  const { algorithm, key, keyMd5 } = headers;
  if (algorithm === undefined) throw new S3Error('SseCMissingAlgorithm');
  if (key === undefined) throw new S3Error('SseCMissingKey');
  if (algorithm !== SSE_C_ALGORITHM) throw new S3Error('SseCAlgorithmNotAes256', { fields: [['ArgumentValue', algorithm]] });
  if (keyMd5 === undefined) throw new S3Error('SseCMissingKeyMd5');
  // Text that is not base64 decodes to no key at all; S3 answers it as it answers a wrong length.
  const bytes = decodeBase64(key);
  if (bytes === undefined) throw new S3Error('SseCInvalidKey');
  if (encodeBase64(md5([bytes])) !== keyMd5) {
    bytes.fill(0);
    throw new S3Error('SseCKeyMd5Mismatch');
  }
  if (bytes.length !== SSE_C_KEY_LENGTH) {
    bytes.fill(0);
    throw new S3Error(wrongLength);
  }
  return { key: bytes, keyMd5 };
}

/** Strict base64 (padded, standard alphabet) to bytes, or undefined. */
export function decodeBase64(text: string): Uint8Array | undefined {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/** Bytes to standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}
