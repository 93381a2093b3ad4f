/**
 * @module
 * The wire form of the headers an object keeps (`model/object-headers.ts`): the same header names
 * on the writes that set them (PutObject, CopyObject, CreateMultipartUpload) and on GetObject's
 * and HeadObject's answers. `Expires` is a string both ways: S3 answers the text it was sent.
 */

import { header, type MemberBinding } from './binding.ts';

/** The headers an object keeps, bound to their members (requests and responses alike). */
export const OBJECT_HEADERS_BINDING: Readonly<Record<string, MemberBinding>> = Object.freeze({
  CacheControl: header('cache-control'),
  ContentDisposition: header('content-disposition'),
  ContentEncoding: header('content-encoding'),
  ContentLanguage: header('content-language'),
  Expires: header('expires'),
  WebsiteRedirectLocation: header('x-amz-website-redirect-location'),
});
