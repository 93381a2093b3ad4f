/**
 * @module
 * The wire form of the headers an object keeps (`model/object-headers.ts`): the same header names
 * on the writes that set them (PutObject, CopyObject, CreateMultipartUpload) and on GetObject's
 * and HeadObject's answers. `Expires` is a string both ways: S3 answers the text it was sent.
 */

import { RESPONSE_OVERRIDES } from '../model/object-headers.ts';
import { header, type MemberBinding, query } from './binding.ts';

/** The headers an object keeps, bound to their members (requests and responses alike). */
export const OBJECT_HEADERS_BINDING: Readonly<Record<string, MemberBinding>> = Object.freeze({
  CacheControl: header('cache-control'),
  ContentDisposition: header('content-disposition'),
  ContentEncoding: header('content-encoding'),
  ContentLanguage: header('content-language'),
  Expires: header('expires'),
  WebsiteRedirectLocation: header('x-amz-website-redirect-location'),
});

/** GetObject's and HeadObject's response-* query parameters, bound to their members (texts as sent). */
export const RESPONSE_OVERRIDES_BINDING: Readonly<Record<string, MemberBinding>> = Object.freeze(
  Object.fromEntries(RESPONSE_OVERRIDES.map(([member, , parameter]) => [member, query(parameter)])),
);

/**
 * Whether a query names a response-* override ("When you use these parameters, you must sign the
 * request … These parameters cannot be used with an unsigned (anonymous) request", GetObject API
 * reference).
 * @example namesResponseOverride(new Map([['response-content-type', 'text/plain']])) // true
 */
export function namesResponseOverride(query: ReadonlyMap<string, string>): boolean {
  if (query.size === 0) return false;
  for (const [, , parameter] of RESPONSE_OVERRIDES) if (query.has(parameter)) return true;
  return false;
}
