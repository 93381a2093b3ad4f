/**
 * @module
 * How a request on the wire was signed, as S3's policy keys `s3:authType`, `s3:signatureversion`,
 * `s3:signatureAge` and `s3:x-amz-content-sha256` report it (S3 API reference, "Amazon S3
 * Signature Version 4 Authentication Specific Policy Keys"): an `Authorization` header is
 * `REST-HEADER`, a presigned URL `REST-QUERY-STRING`; the age runs from `X-Amz-Date` (header or
 * query); a presigned URL's payload is `UNSIGNED-PAYLOAD` unless it says otherwise. An unsigned
 * request (non-strict mode) has none of these keys.
 */

import { type HttpRequestHead, signatureFormOf } from '@strongbox/service-kernel';
import type { SignatureFacts } from '../policy/request-context.ts';

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/**
 * The signature facts of a request head, or `undefined` for an unsigned request.
 * @example signatureFactsOf({ method: 'GET', path: '/b/k', headers: { authorization: 'AWS4-HMAC-SHA256 …', 'x-amz-date': '20261206T050000Z', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } })
 * // { authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256', signedAt: 1796533200000, contentSha256: 'UNSIGNED-PAYLOAD' }
 */
export function signatureFactsOf(head: HttpRequestHead): SignatureFacts | undefined {
  const form = signatureFormOf({ ...head, body: new Uint8Array(0) });
  if (form === 'none') return undefined;
  const question = head.path.indexOf('?');
  const query = new URLSearchParams(question < 0 ? '' : head.path.slice(question + 1));
  const presigned = form === 'query';
  const date = presigned ? query.get('X-Amz-Date') : head.headers['x-amz-date'];
  const signedAt = date === null || date === undefined ? undefined : parseAmzDate(date);
  const contentSha256 = presigned ? (query.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD') : head.headers['x-amz-content-sha256'];
  // SigV2 is not served (the kernel verifies SigV4 only), so a signed request here is SigV4.
  return {
    authType: presigned ? 'REST-QUERY-STRING' : 'REST-HEADER',
    signatureVersion: 'AWS4-HMAC-SHA256',
    ...(signedAt === undefined ? {} : { signedAt }),
    ...(contentSha256 === undefined ? {} : { contentSha256 }),
  };
}

function parseAmzDate(text: string): number | undefined {
  const match = AMZ_DATE.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
