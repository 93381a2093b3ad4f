/**
 * @module
 * Headers between the SDK and the service in process, as a socket would carry them: the SDK
 * request's headers as the node:http edge reads them (node:http's own checks, names lower-cased,
 * outer whitespace dropped, nothing inherited), and the service's answer headers as the SDK's
 * node:http handler hands them over.
 */

import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { HttpRequest as SdkRequest } from '@smithy/types';

/** Leading or trailing spaces and tabs of a header value (what an HTTP parser strips). */
const OUTER_WHITESPACE_ALL = /^[ \t]+|[ \t]+$/g;
/** A header name node:http sends: an RFC 9110 token (node's `checkIsHttpToken`). */
const HTTP_TOKEN = /^[\^_`a-zA-Z\-0-9!#$%&'*+.|~]+$/;
/** A character node:http refuses in a header value (node's `checkInvalidHeaderChar`). */
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/**
 * The prototype of a request's header map: an empty frozen object with no prototype, so a header
 * map inherits no name (`constructor`, `toString`), and `__proto__` has no setter on its chain: it
 * is stored as an ordinary name, as on an `Object.create(null)` map. Not that map itself: V8 keeps
 * a prototype-less object as a hash table, rebuilt as it grows and probed by each of the many
 * header reads a request meets; an object with this prototype stays a fast object.
 */
const INHERITS_NOTHING: object = Object.freeze(Object.create(null));

/**
 * The SDK request's headers as the node:http edge reads them: names lower-cased, values without
 * their outer whitespace, nothing inherited (the framing header node:http adds when the SDK set
 * none is added by `implicitFraming`).
 * @throws TypeError (`ERR_INVALID_HTTP_TOKEN`, `ERR_INVALID_CHAR`) for a name or value node:http refuses.
 * @example forwardedHeaders(request)['content-type'] // the SDK's `Content-Type`, its outer spaces dropped
 */
export function forwardedHeaders(request: SdkRequest): Record<string, string> {
  // Nothing inherited, as the node:http edge reads them: a `__proto__` header is just a header.
  const headers = Object.create(INHERITS_NOTHING) as Record<string, string>;
  // Own keys only (`for…in` would also walk inherited enumerable keys).
  for (const name of Object.keys(request.headers)) {
    const value = request.headers[name] as string;
    // node:http's own checks (`ClientRequest#setHeader`), so a test in process fails where the
    // same call against AWS would fail in the client (x-amz-meta-* with a newline or non-Latin-1
    // text). The same patterns first; node's functions only to throw node's exact error.
    const lower = checkedName(name);
    if (typeof value !== 'string' || INVALID_VALUE_CHAR.test(value)) validateHeaderValue(name, value);
    // A field value's leading and trailing spaces and tabs are not part of it (RFC 9110 §5.5,
    // OWS): node:http's parser drops them, so the service sees what it would over a socket.
    headers[lower] = typeof value === 'string' && hasOuterWhitespace(value) ? value.replace(OUTER_WHITESPACE_ALL, '') : value;
  }
  return headers;
}

/**
 * The response headers as the SDK's node:http handler hands them over: lower-case names (its
 * deserializers read them so) on a plain object. A plain object, not a prototype-less one: V8
 * keeps an `Object.create(null)` object in dictionary mode, and the SDK reads and walks the headers
 * of every response many times (bindings, checksums, request ids, the clock-skew `date`). A name
 * stays only a key: `__proto__` (no service sends it) is defined as a property, not given to the
 * prototype setter.
 */
export function sdkHeaders(given: Readonly<Record<string, string>>): Record<string, string> {
  // Names already lower-case (every S3 response): copied whole, which V8 does in one allocation
  // of the right size, rather than name by name. A spread defines each name as an own property,
  // `__proto__` included, as the loop below does.
  if (allLowerCase(given)) return { ...given };
  const headers: Record<string, string> = {};
  for (const name of Object.keys(given)) {
    const lower = name.toLowerCase();
    if (lower === '__proto__') Object.defineProperty(headers, lower, { value: given[name], enumerable: true, writable: true, configurable: true });
    else headers[lower] = given[name] as string;
  }
  return headers;
}

function allLowerCase(headers: Readonly<Record<string, string>>): boolean {
  for (const name of Object.keys(headers)) if (name !== name.toLowerCase()) return false;
  return true;
}

/** Header names already checked, lower-cased: a client sends the same few names on every call. */
const CHECKED_NAMES = new Map<string, string>();
/** Names remembered before the memo starts again (a client inventing names cannot grow it). */
const CHECKED_NAMES_LIMIT = 512;

/**
 * A header name lower-cased, once node:http's token check passed (checked once per distinct name).
 * @throws TypeError `ERR_INVALID_HTTP_TOKEN`, node's own, for a name node:http refuses.
 */
function checkedName(name: string): string {
  let lower = CHECKED_NAMES.get(name);
  if (lower === undefined) {
    if (!HTTP_TOKEN.test(name)) validateHeaderName(name);
    lower = name.toLowerCase();
    if (CHECKED_NAMES.size >= CHECKED_NAMES_LIMIT) CHECKED_NAMES.clear();
    CHECKED_NAMES.set(name, lower);
  }
  return lower;
}

/** Whether a header value starts or ends with a space or tab (RFC 9110 §5.5 OWS). */
function hasOuterWhitespace(value: string): boolean {
  if (value.length === 0) return false;
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  return first === 0x20 || first === 0x09 || last === 0x20 || last === 0x09;
}
