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

/** What `objectHeadersOf` reads of a write request: the headers it keeps, and the other texts answered as headers. */
export type ObjectHeadersInput = { readonly [Member in keyof ObjectHeaders]?: string | undefined } & {
  readonly ContentType?: string | undefined;
  readonly Metadata?: Readonly<Record<string, string>> | undefined;
};

/**
 * The headers a write request names, checked, as a map that inherits nothing; `undefined` when
 * it names none (most writes). `aws-chunked` is taken out of `Content-Encoding`: it frames the
 * request's body, not the object ("Amazon S3 stores the resulting object without the aws-chunked
 * value in the content-encoding header", SigV4 streaming), and a header left empty (Content-Encoding
 * with nothing but aws-chunked too) is not kept. Every text a GET or HEAD will answer as a header (these, Content-Type, user metadata) is
 * checked to be one an answer can carry (`checkHeaderText`), so that nothing is stored that no
 * read could return.
 * @throws S3Error InvalidRedirectLocation for a redirect that does not start with `/`, `http://`
 *   or `https://`, or is over 2 KB; HeaderValueNotLatin1 / InvalidHeaderValue (400 InvalidArgument)
 *   for a text no answer can carry.
 * @example objectHeadersOf({ CacheControl: 'max-age=60', ContentEncoding: 'gzip,aws-chunked' }) // { CacheControl: 'max-age=60', ContentEncoding: 'gzip' }
 */
export function objectHeadersOf(input: ObjectHeadersInput): ObjectHeaders | undefined {
  if (typeof input.ContentType === 'string') checkHeaderText('Content-Type', input.ContentType);
  const metadata = input.Metadata;
  if (metadata !== undefined) for (const name of Object.keys(metadata)) checkMetadataText(name, String(metadata[name]));
  let headers: ObjectHeaders | undefined;
  for (const member of OBJECT_HEADER_MEMBERS) {
    let value = input[member];
    if (typeof value !== 'string') continue;
    checkHeaderText(HEADER_NAMES[member], value);
    // The redirect is checked even when empty (it has no prefix: 400); a header left empty is not
    // kept, so no read answers it empty (UNCONFIRMED: no capture of S3's answer to an empty one;
    // SDKs never send one, and S3-compatible stores treat it as unset).
    if (member === 'WebsiteRedirectLocation') checkRedirectLocation(value);
    else if (member === 'ContentEncoding') value = withoutAwsChunked(value);
    if (value === '') continue;
    headers ??= Object.create(null) as ObjectHeaders;
    headers[member] = value;
  }
  return headers;
}

/** The wire names of the headers, as S3's `ArgumentName` names them. */
const HEADER_NAMES: Readonly<Record<keyof ObjectHeaders, string>> = Object.freeze({
  CacheControl: 'Cache-Control',
  ContentDisposition: 'Content-Disposition',
  ContentEncoding: 'Content-Encoding',
  ContentLanguage: 'Content-Language',
  Expires: 'Expires',
  WebsiteRedirectLocation: 'x-amz-website-redirect-location',
});
/** A character beyond ISO-8859-1: a header carries one byte per character. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;
/** A control character a header value cannot carry (RFC 9110 §5.5: tab is the one allowed). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it matches.
const CONTROL = /[\x00-\x08\x0a-\x1f\x7f]/;
/** A header name: an RFC 9110 token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Checks a text an answer will carry as the header `name`: one byte per character (S3 writes
 * headers as ISO-8859-1) and no line break or other control character. A request's own headers
 * always pass (HTTP carries nothing else); a form's fields and the engine API can hold anything.
 * @throws S3Error HeaderValueNotLatin1 (400 InvalidArgument "Header value cannot be represented
 *   using ISO-8859-1.", S3's answer to such a response-content-disposition); InvalidHeaderValue
 *   (400 InvalidArgument) for a control character.
 * @example checkHeaderText('Content-Disposition', 'attachment; filename="日本.txt"') // throws HeaderValueNotLatin1
 */
export function checkHeaderText(name: string, value: string): void {
  // The value is not echoed then: an XML document cannot carry most control characters either.
  if (CONTROL.test(value)) throw new S3Error('InvalidHeaderValue', { detail: { value: `The header ${name}` }, fields: [['ArgumentName', name]] });
  if (BEYOND_LATIN1.test(value)) {
    throw new S3Error('HeaderValueNotLatin1', {
      fields: [
        ['ArgumentName', name],
        ['ArgumentValue', value],
      ],
    });
  }
}

/**
 * Checks a user metadata entry: its name must be a header name, its value free of control
 * characters (text beyond ASCII is answered RFC 2047-encoded, `protocol/metadata-encoding.ts`).
 */
function checkMetadataText(name: string, value: string): void {
  const header = `x-amz-meta-${name}`;
  if (!TOKEN.test(name)) throw new S3Error('InvalidHeaderValue', { detail: { value: `The header name ${header}` }, fields: [['ArgumentName', header]] });
  if (CONTROL.test(value)) throw new S3Error('InvalidHeaderValue', { detail: { value: `The header ${header}` }, fields: [['ArgumentName', header]] });
}

/**
 * Checks an `x-amz-website-redirect-location` value (PutObject: "The value must be prefixed by,
 * '/', 'http://' or 'https://'. The length of the value is limited to 2 KB").
 * @throws S3Error InvalidRedirectLocation / RedirectLocationTooLong.
 * @example checkRedirectLocation('/elsewhere.html')
 */
export function checkRedirectLocation(value: string): void {
  if (!REDIRECT_PREFIX.test(value)) throw new S3Error('InvalidRedirectLocation');
  // Characters are bytes here: `objectHeadersOf` refused a value beyond ISO-8859-1 first.
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

/**
 * The headers a GetObject or HeadObject response-* parameter sets, by their response member
 * (`CacheControl`, …, `ContentType`, `Expires`).
 */
export type ResponseOverrides = { -readonly [Member in keyof ResponseOverrideMembers as ResponseOverrideTarget<Member>]?: string };

/** The request members that override a read's headers (GetObject and HeadObject API reference). */
export interface ResponseOverrideMembers {
  readonly ResponseCacheControl?: string | undefined;
  readonly ResponseContentDisposition?: string | undefined;
  readonly ResponseContentEncoding?: string | undefined;
  readonly ResponseContentLanguage?: string | undefined;
  readonly ResponseContentType?: string | undefined;
  /** A date (the SDK's type) or the text sent (`response-expires` on the wire), answered as given. */
  readonly ResponseExpires?: Date | string | undefined;
}

type ResponseOverrideTarget<Member extends string> = Member extends `Response${infer Target}` ? Target : never;

/** Each override member, the header member it sets and its query parameter (S3's `ArgumentName`). */
export const RESPONSE_OVERRIDES: readonly (readonly [keyof ResponseOverrideMembers, keyof ResponseOverrides, string])[] = Object.freeze([
  ['ResponseCacheControl', 'CacheControl', 'response-cache-control'],
  ['ResponseContentDisposition', 'ContentDisposition', 'response-content-disposition'],
  ['ResponseContentEncoding', 'ContentEncoding', 'response-content-encoding'],
  ['ResponseContentLanguage', 'ContentLanguage', 'response-content-language'],
  ['ResponseContentType', 'ContentType', 'response-content-type'],
  ['ResponseExpires', 'Expires', 'response-expires'],
] as const);

/**
 * A read's response-* overrides, checked; `undefined` when it names none (most reads). Each
 * replaces the stored header in a successful answer ("These modified response header values are
 * included only in a successful response", GetObject API reference); an empty one is ignored, as
 * an empty stored header is not kept. Whether the request may use them (not anonymously) is the
 * protocol edge's to check.
 * @throws S3Error HeaderValueNotLatin1 (400 InvalidArgument naming e.g. `response-content-disposition`,
 *   as captured from S3: guardian/grid#1716) / InvalidHeaderValue for a value no header can carry.
 * @example responseOverridesOf({ ResponseContentDisposition: 'attachment' }) // { ContentDisposition: 'attachment' }
 */
export function responseOverridesOf(input: ResponseOverrideMembers): ResponseOverrides | undefined {
  let overrides: ResponseOverrides | undefined;
  for (const [member, target, parameter] of RESPONSE_OVERRIDES) {
    const given = input[member];
    if (given === undefined) continue;
    const value = given instanceof Date ? given.toUTCString() : String(given);
    checkHeaderText(parameter, value);
    if (value === '') continue;
    overrides ??= Object.create(null) as ResponseOverrides;
    overrides[target] = value;
  }
  return overrides;
}
