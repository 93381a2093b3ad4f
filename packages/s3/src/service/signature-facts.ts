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
  // The usual request (an SDK call: an Authorization header, no presigning parameter in the
  // query) is told apart without parsing the query; anything else goes through the kernel's test
  // (which also refuses a request signed both ways).
  const form = head.headers['authorization'] !== undefined && plainQuery(head.path) ? 'header' : signatureFormOf({ ...head, body: NO_BODY });
  if (form === 'none') return undefined;
  if (form === 'header') return headerFacts(head);
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

/** The facts of an `Authorization` header signature (no query to read). */
function headerFacts(head: HttpRequestHead): SignatureFacts {
  const date = head.headers['x-amz-date'];
  const signedAt = date === undefined ? undefined : parseAmzDate(date);
  const contentSha256 = head.headers['x-amz-content-sha256'];
  const facts: { -readonly [K in keyof SignatureFacts]: SignatureFacts[K] } = { authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256' };
  if (signedAt !== undefined) facts.signedAt = signedAt;
  if (contentSha256 !== undefined) facts.contentSha256 = contentSha256;
  return facts;
}

const NO_BODY = new Uint8Array(0);

/** Whether a path's query can name no presigning parameter (none spelled out, none percent-encoded). */
function plainQuery(path: string): boolean {
  const question = path.indexOf('?');
  if (question < 0) return true;
  const query = path.slice(question + 1);
  return !query.includes('X-Amz-Algorithm') && !query.includes('%');
}

/** The last date parsed (a client's requests in the same second carry the same X-Amz-Date). */
let lastDate: { readonly text: string; readonly time: number | undefined } = { text: '', time: undefined };

function parseAmzDate(text: string): number | undefined {
  if (text !== lastDate.text) lastDate = { text, time: parseAmzDateUncached(text) };
  return lastDate.time;
}

function parseAmzDateUncached(text: string): number | undefined {
  const match = AMZ_DATE.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
