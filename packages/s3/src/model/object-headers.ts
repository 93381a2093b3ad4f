/**
 * @module
 * The HTTP headers an object keeps from the request that wrote it and answers on every GET and
 * HEAD (S3 User Guide, "Working with object metadata", system-defined metadata a user can set):
 * `Cache-Control`, `Content-Disposition`, `Content-Encoding`, `Content-Language`, `Expires` and
 * `x-amz-website-redirect-location`. PutObject, CreateMultipartUpload, CopyObject with `REPLACE`
 * and a POST form's fields set them; CopyObject with `COPY` keeps the source's (but the redirect:
 * "x-amz-website-redirect-location is unique to each object and is not copied when using the
 * x-amz-metadata-directive header", CopyObject API reference, `MetadataDirective`). Pure: the members a request named, checked and normalised, and their stored form.
 */

import { S3Error } from '../errors.ts';

/** The headers an object keeps, by their AWS member names. */
export interface ObjectHeaders {
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  /** As sent: S3 answers the text it was given, a date or not (hence the SDK's `ExpiresString`). */
  Expires?: string;
  WebsiteRedirectLocation?: string;
}

/** The members of `ObjectHeaders`, in the order they are stored and answered. */
export const OBJECT_HEADER_MEMBERS: readonly (keyof ObjectHeaders)[] = Object.freeze([
  'CacheControl',
  'ContentDisposition',
  'ContentEncoding',
  'ContentLanguage',
  'Expires',
  'WebsiteRedirectLocation',
]);

/** "The length of the value is limited to 2 KB" (PutObject, `WebsiteRedirectLocation`). */
const MAX_REDIRECT_LOCATION_LENGTH = 2048;
/** The prefixes as the API reference writes them (UNCONFIRMED whether S3 takes `HTTP://`: matched as written). */
const REDIRECT_PREFIX = /^(?:\/|https?:\/\/)/;
const NO_HEADERS: Readonly<ObjectHeaders> = Object.freeze(Object.create(null) as ObjectHeaders);

/**
 * The headers a write request names, checked, as a map that inherits nothing; `undefined` when
 * it names none (most writes). `aws-chunked` is taken out of `Content-Encoding`: it frames the
 * request's body, not the object ("Amazon S3 stores the resulting object without the aws-chunked
 * value in the content-encoding header", SigV4 streaming), and a header left empty is not kept.
 * @throws S3Error InvalidRedirectLocation for a redirect that does not start with `/`, `http://`
 *   or `https://`, or is over 2 KB.
 * @example objectHeadersOf({ CacheControl: 'max-age=60', ContentEncoding: 'gzip,aws-chunked' }) // { CacheControl: 'max-age=60', ContentEncoding: 'gzip' }
 */
export function objectHeadersOf(input: { readonly [Member in keyof ObjectHeaders]?: string | undefined }): ObjectHeaders | undefined {
  let headers: ObjectHeaders | undefined;
  for (const member of OBJECT_HEADER_MEMBERS) {
    let value = input[member];
    if (typeof value !== 'string') continue;
    if (member === 'ContentEncoding') {
      value = withoutAwsChunked(value);
      if (value === '') continue;
    } else if (member === 'WebsiteRedirectLocation') checkRedirectLocation(value);
    headers ??= Object.create(null) as ObjectHeaders;
    headers[member] = value;
  }
  return headers;
}

/**
 * Checks an `x-amz-website-redirect-location` value (PutObject: "The value must be prefixed by,
 * '/', 'http://' or 'https://'. The length of the value is limited to 2 KB").
 * @throws S3Error InvalidRedirectLocation / RedirectLocationTooLong.
 * @example checkRedirectLocation('/elsewhere.html')
 */
export function checkRedirectLocation(value: string): void {
  if (!REDIRECT_PREFIX.test(value)) throw new S3Error('InvalidRedirectLocation');
  if (value.length > MAX_REDIRECT_LOCATION_LENGTH) throw new S3Error('RedirectLocationTooLong');
}

/**
 * The stored form of an object's headers: JSON, or `undefined` for none.
 * @example objectHeadersJson({ CacheControl: 'no-cache' }) // '{"CacheControl":"no-cache"}'
 */
export function objectHeadersJson(headers: Readonly<ObjectHeaders> | undefined): string | undefined {
  return headers === undefined ? undefined : JSON.stringify(headers);
}

/**
 * An object's headers from their stored JSON (absent: none), into a map that inherits nothing:
 * only the known members are taken, so a name from the JSON never reaches a prototype setter.
 * @throws SyntaxError for JSON that does not parse (a damaged record).
 * @example parseObjectHeaders('{"Expires":"soon"}').Expires // 'soon'
 */
export function parseObjectHeaders(json: string | undefined): Readonly<ObjectHeaders> {
  // Most objects keep none: one shared empty map for them.
  if (json === undefined) return NO_HEADERS;
  const headers = Object.create(null) as ObjectHeaders;
  const parsed = JSON.parse(json) as Readonly<Record<string, unknown>>;
  for (const member of OBJECT_HEADER_MEMBERS) {
    const value = Object.hasOwn(parsed, member) ? parsed[member] : undefined;
    if (typeof value === 'string') headers[member] = value;
  }
  return Object.freeze(headers);
}

/** A Content-Encoding list without its `aws-chunked` codings ('' when nothing else is left). */
function withoutAwsChunked(value: string): string {
  if (!/aws-chunked/i.test(value)) return value;
  return value
    .split(',')
    .map((coding) => coding.trim())
    .filter((coding) => coding !== '' && coding.toLowerCase() !== 'aws-chunked')
    .join(',');
}
