/**
 * @module
 * An `Authorization` header as S3 reads it before any signature check: an empty one, with no
 * credential in the query, is no credential (the request is unsigned); one whose scheme (the text
 * before its first space, matched without case) is not `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256`
 * or SigV2's `AWS` is 400 InvalidArgument "Unsupported Authorization Type", `ArgumentName`
 * `Authorization`, `ArgumentValue` the header, ahead of the SigV4 header's own checks (its missing
 * `x-amz-content-sha256`) (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4`, measured against S3
 * us-east-1 2026-09-29/30: "with no credential in the query, every one measured read the request as
 * unsigned. For a header it is then its one space and its scheme, matched without case (anything
 * but `AWS4-HMAC-SHA256`, `AWS4-ECDSA-P256-SHA256` and V2's `AWS` is `InvalidArgument`,
 * \"Unsupported Authorization Type\", Bearer and `AWS4-HMAC-SHA512` alike)"; the same answer to
 * `Basic` credentials: scrooijmans/DF `markdown-guides/s3-authorization/guides.md`). An empty
 * header beside a query credential is refused first (`auth-mechanisms.ts`). A header without a
 * space is refused before its scheme is read, 400 InvalidArgument "Authorization header is invalid
 * -- one and only one ' ' (space) required", naming the header the same way (backlot
 * `resolve_sigv4`, `_NO_SPACE`, same measurement).
 */

import type { HttpRequestHead } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';

/** The schemes S3 reads as a signature (SigV4, SigV4a, SigV2), upper case. */
const SCHEMES: ReadonlySet<string> = new Set(['AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256', 'AWS']);

/**
 * S3's refusal of an `Authorization` header with no space, or whose scheme is no AWS signature's,
 * or `undefined`.
 * @example authorizationSchemeRefusal('Bearer x')?.fields // [['ArgumentName', 'Authorization'], ['ArgumentValue', 'Bearer x']]
 */
export function authorizationSchemeRefusal(authorization: string | undefined): S3Error | undefined {
  if (authorization === undefined) return undefined;
  const space = authorization.indexOf(' ');
  if (space < 0) return new S3Error('AuthorizationWithoutSpace', { fields: [['ArgumentValue', authorization]] });
  if (SCHEMES.has(authorization.slice(0, space).toUpperCase())) return undefined;
  return new S3Error('UnsupportedAuthorizationType', { fields: [['ArgumentValue', authorization]] });
}

/**
 * Whether an `Authorization` header is SigV2's (`AWS <key>:<signature>`): its scheme, the text
 * before its first space, is `AWS` matched without case, as S3 matches every scheme
 * (brekkylab/backlot `backlot/auth.py`, `resolve_sigv4` and `signed_with_v2`, measured against S3
 * us-east-1 2026-09-29), so `aws <key>:<signature>` is SigV2 too.
 * @example isSigV2Authorization('aws AKID:c2ln') // true
 */
export function isSigV2Authorization(authorization: string | undefined): boolean {
  if (authorization === undefined) return false;
  const space = authorization.indexOf(' ');
  return space === 3 && authorization.slice(0, 3).toUpperCase() === 'AWS';
}

/**
 * The request head as the credential checks read it: without its `Authorization` header when that
 * header is empty (no credential), else `head` itself.
 * @example withoutEmptyAuthorization({ method: 'GET', path: '/b', headers: { authorization: '' } }).headers // {}
 */
export function withoutEmptyAuthorization<T extends HttpRequestHead>(head: T): T {
  if (head.headers['authorization'] !== '') return head;
  const { authorization: _empty, ...headers } = head.headers;
  return { ...head, headers };
}
