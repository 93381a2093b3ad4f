/**
 * @module
 * An operation's request members from the wire, and its response members to the wire, as its
 * REST binding declares (`binding.ts`): headers and query values converted by type, user
 * metadata from `x-amz-meta-*`, the body streamed, read as text, or parsed as XML. Request
 * members are built on objects that inherit nothing: header and query names are only ever keys.
 */

import type { BodyStream, StreamingResponse } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { int32Argument } from '../model/int32.ts';
import type { Int32Type, MemberBinding, RestBinding, ScalarType } from './binding.ts';
import { frameBodilessHead } from './head-framing.ts';
import { mailSafeMetadataValue } from './metadata-encoding.ts';
import { parseXml, writeRootText, writeXml } from './xml.ts';

/** The largest XML or text request body read (DeleteObjects' 1000 keys of 1024 bytes fit). */
export const MAX_DOCUMENT_BYTES: number = 2 * 1024 * 1024;

/**
 * The prototype of an operation's decoded input: empty, frozen and prototype-less, so the input
 * inherits no member (`constructor`, `toString`) and `__proto__` has no setter on its chain. Not
 * an `Object.create(null)` input itself: V8 keeps that as a hash table, rebuilt as members are
 * added, and the engine reads every member from it; an object with this prototype stays a fast
 * object, of the same shape for each call of an operation.
 */
const INPUT_PROTOTYPE: object = Object.freeze(Object.create(null));

/** What a request offers the decoder. */
export interface WireRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: ReadonlyMap<string, string>;
  /** The payload (already decoded from aws-chunked and checked against its signed hash, as it streams). */
  readonly body: BodyStream;
}

/**
 * The request members an operation's binding declares, from the request: at once when the
 * binding reads no document body (headers, query values, a streamed payload: every object PUT
 * and GET), else a promise settled once the document is read.
 * @throws S3Error InvalidHeaderValue for a value of the wrong type, or the member's own error for
 *   a malformed `int32` member (thrown, or the promise rejects with it); MalformedXML for an XML body that does not parse; MaxMessageLengthExceeded-
 *   style 400 for a document body over the limit (the promise rejects).
 * @example const input = await decodeRequest(binding, { headers, query, body });
 */
export function decodeRequest(binding: RestBinding, request: WireRequest): Record<string, unknown> | Promise<Record<string, unknown>> {
  if (readsDocument(binding)) return decodeWithDocument(binding, request);
  const plan = planOf(binding);
  const input = Object.create(INPUT_PROTOTYPE) as Record<string, unknown>;
  try {
    decodePlanned(plan, request, input);
  } catch (error) {
    // Two malformed values: the one reported is the first the binding declares, as member by
    // member. Decoding again in that order throws it (a request's error path only).
    decodeInOrder(binding, request);
    throw error;
  }
  return input;
}

/**
 * The members of a binding with no document body, found from the request rather than from the
 * binding: a request carries a dozen headers, PutObject's binding declares dozens, so each of the
 * request's headers is looked up among the bound ones, not each bound one among the headers.
 */
interface DecodePlan {
  /** The header members by header name (lowercase); a name bound twice lists both. */
  readonly headers: ReadonlyMap<string, readonly (readonly [string, Extract<MemberBinding, { readonly in: 'header' }>])[]>;
  readonly query: readonly (readonly [string, Extract<MemberBinding, { readonly in: 'query' }>])[];
  readonly prefixes: readonly (readonly [string, string])[];
  /** The member the body streams as, if any. */
  readonly stream: string | undefined;
}

/** Each binding's plan (bindings are static). */
const DECODE_PLANS = new WeakMap<RestBinding, DecodePlan>();

function planOf(binding: RestBinding): DecodePlan {
  let plan = DECODE_PLANS.get(binding);
  if (plan === undefined) {
    const headers = new Map<string, (readonly [string, Extract<MemberBinding, { readonly in: 'header' }>])[]>();
    const query: (readonly [string, Extract<MemberBinding, { readonly in: 'query' }>])[] = [];
    const prefixes: (readonly [string, string])[] = [];
    let stream: string | undefined;
    for (const [member, location] of membersOf(binding.request?.members)) {
      if (location.in === 'header') headers.set(location.name, [...(headers.get(location.name) ?? []), [member, location]]);
      else if (location.in === 'query') query.push([member, location]);
      else if (location.in === 'prefix-headers') prefixes.push([member, location.prefix]);
      else if (location.kind === 'stream') stream = member;
    }
    plan = { headers, query, prefixes, stream };
    DECODE_PLANS.set(binding, plan);
  }
  return plan;
}

/** `decodeRequest`'s members onto `input`, by the plan (see `DecodePlan`). */
function decodePlanned(plan: DecodePlan, request: WireRequest, input: Record<string, unknown>): void {
  const headers = request.headers;
  const prefixes = plan.prefixes;
  // Each prefix member's map, made at its first header (none: the member is absent).
  const maps: (Record<string, string> | undefined)[] = [];
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    const bound = plan.headers.get(name);
    if (bound !== undefined) {
      for (let index = 0; index < bound.length; index++) {
        const [member, location] = bound[index] as readonly [string, Extract<MemberBinding, { readonly in: 'header' }>];
        input[member] = scalarFromText(value, location.type, location.name, 'header');
      }
    }
    for (let index = 0; index < prefixes.length; index++) {
      const [member, prefix] = prefixes[index] as readonly [string, string];
      if (!name.startsWith(prefix)) continue;
      let map = maps[index];
      if (map === undefined) input[member] = maps[index] = map = Object.create(null) as Record<string, string>;
      map[name.slice(prefix.length)] = value;
    }
  }
  const query = plan.query;
  for (let index = 0; index < query.length; index++) {
    const [member, location] = query[index] as readonly [string, Extract<MemberBinding, { readonly in: 'query' }>];
    const value = request.query.get(location.name);
    if (value === undefined) continue;
    // An empty int32 member decodes to nothing (absent), as S3 reads it.
    const decoded = scalarFromText(value, location.type, location.name, 'query');
    if (decoded !== undefined) input[member] = decoded;
  }
  if (plan.stream !== undefined) input[plan.stream] = request.body;
}

/**
 * The members one by one in the binding's order, as the general decoder takes them.
 * @throws S3Error InvalidHeaderValue for the first member the binding declares whose value is malformed.
 */
function decodeInOrder(binding: RestBinding, request: WireRequest): Record<string, unknown> {
  const input = Object.create(INPUT_PROTOTYPE) as Record<string, unknown>;
  const members = membersOf(binding.request?.members);
  for (let index = 0; index < members.length; index++) {
    const [member, location] = members[index] as readonly [string, MemberBinding];
    const value = decodeMember(location, request);
    if (value !== undefined) input[member] = value;
  }
  return input;
}

/** Whether each binding's request has a document body to read (XML or text), worked out once per binding. */
const READS_DOCUMENT = new WeakMap<RestBinding, boolean>();

function readsDocument(binding: RestBinding): boolean {
  let reads = READS_DOCUMENT.get(binding);
  if (reads === undefined) {
    reads =
      binding.request?.xml !== undefined || membersOf(binding.request?.members).some(([, location]) => location.in === 'payload' && location.kind !== 'stream');
    READS_DOCUMENT.set(binding, reads);
  }
  return reads;
}

/** `decodeRequest` for a binding with a document body: the members, then the document read and parsed. */
async function decodeWithDocument(binding: RestBinding, request: WireRequest): Promise<Record<string, unknown>> {
  const input = Object.create(INPUT_PROTOTYPE) as Record<string, unknown>;
  for (const [member, location] of membersOf(binding.request?.members)) {
    // Headers, query values and a streamed payload are at hand; only a document payload is awaited.
    const value = location.in === 'payload' && location.kind !== 'stream' ? await decodeMember(location, request) : decodeMember(location, request);
    if (value !== undefined) input[member] = value;
  }
  const xml = binding.request?.xml;
  if (xml !== undefined) {
    const text = await readText(request.body);
    if (text.trim() !== '') Object.assign(input, parseXml(text, xml.root, xml.shape));
  }
  return input;
}

/** A binding's members as entries, listed once per binding (bindings are static). */
const MEMBER_ENTRIES = new WeakMap<object, readonly (readonly [string, MemberBinding])[]>();
const NO_MEMBERS: readonly (readonly [string, MemberBinding])[] = Object.freeze([]);

function membersOf(members: Readonly<Record<string, MemberBinding>> | undefined): readonly (readonly [string, MemberBinding])[] {
  if (members === undefined) return NO_MEMBERS;
  let entries = MEMBER_ENTRIES.get(members);
  if (entries === undefined) MEMBER_ENTRIES.set(members, (entries = Object.freeze(Object.entries(members))));
  return entries;
}

/** A binding's members by name, mapped once per binding (bindings are static). */
const MEMBER_MAPS = new WeakMap<object, ReadonlyMap<string, MemberBinding>>();

function memberMapOf(members: Readonly<Record<string, MemberBinding>>): ReadonlyMap<string, MemberBinding> {
  let map = MEMBER_MAPS.get(members);
  if (map === undefined) MEMBER_MAPS.set(members, (map = new Map(membersOf(members))));
  return map;
}

/** A binding's root-text payload member and its root element, found once per binding (bindings are static). */
const ROOT_TEXT = new WeakMap<object, readonly [string, string] | undefined>();

function rootTextOf(members: Readonly<Record<string, MemberBinding>>): readonly [string, string] | undefined {
  if (ROOT_TEXT.has(members)) return ROOT_TEXT.get(members);
  let found: readonly [string, string] | undefined;
  for (const [member, location] of membersOf(members)) if (location.in === 'payload' && location.kind === 'root-text') found = [member, location.root];
  ROOT_TEXT.set(members, found);
  return found;
}

/** A member's value: at once for headers, query values and a streamed payload; a promise for a document payload. */
function decodeMember(location: MemberBinding, request: WireRequest): unknown {
  switch (location.in) {
    case 'header': {
      const value = request.headers[location.name];
      return value === undefined ? undefined : scalarFromText(value, location.type, location.name, 'header');
    }
    case 'query': {
      const value = request.query.get(location.name);
      return value === undefined ? undefined : scalarFromText(value, location.type, location.name, 'query');
    }
    case 'prefix-headers': {
      // Absent when no header has the prefix (a request without user metadata), as for a call
      // made in process without the member: no empty map for the engine to walk.
      let map: Record<string, string> | undefined;
      const headers = request.headers;
      // Names first: most headers are not metadata, and their values need no reading.
      for (const name of Object.keys(headers)) {
        if (!name.startsWith(location.prefix)) continue;
        const value = headers[name];
        if (value !== undefined) (map ??= Object.create(null) as Record<string, string>)[name.slice(location.prefix.length)] = value;
      }
      return map;
    }
    case 'payload':
      switch (location.kind) {
        case 'stream':
          return request.body;
        case 'text':
          return readText(request.body);
        case 'xml':
          return xmlPayloadOf(request.body, location);
        case 'root-text':
          throw new TypeError('a root-text payload is a response form');
      }
  }
}

/**
 * An XML payload member, parsed once the body is read (absent for an empty body). Its own function:
 * the callback's closure over `location` inside `decodeMember` would cost that function a context
 * object on every call, for every member of every request.
 */
function xmlPayloadOf(body: BodyStream, location: Extract<MemberBinding, { readonly kind: 'xml' }>): Promise<unknown> {
  return readText(body).then((text) => (text.trim() === '' ? undefined : parseXml(text, location.root, location.shape)));
}

function scalarFromText(text: string, type: ScalarType, name: string, where: 'header' | 'query'): unknown {
  if (typeof type === 'object') return int32FromText(text, type);
  switch (type) {
    case 'string':
      return text;
    case 'integer':
      if (!/^\d+$/.test(text.trim())) throw new S3Error('InvalidHeaderValue', { detail: { value: `The ${where} ${name}` } });
      return Number(text.trim());
    case 'boolean': {
      const lower = text.trim().toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw new S3Error('InvalidHeaderValue', { detail: { value: `The ${where} ${name}` } });
      return lower === 'true';
    }
    case 'timestamp': {
      const time = Date.parse(text);
      if (Number.isNaN(time)) throw new S3Error('InvalidHeaderValue', { detail: { value: `The ${where} ${name}` } });
      return new Date(time);
    }
    case 'list':
      return text.split(',').map((item) => item.trim());
  }
}

/**
 * A signed 32-bit integer member (`binding.ts` `Int32Type`, read by `int32Argument`), or the
 * member's own refusal with the value as sent: captured against S3 (us-east-1, 2026-09-29),
 * `max-keys=abc` is "Provided max-keys not an integer or within integer range" with `ArgumentValue`
 * `abc`, on ListObjects and ListObjectVersions alike, and `max-uploads`, `max-parts` and
 * `part-number-marker` are refused the same way, each naming itself. An empty value is absent (S3
 * serves `max-keys=` and `part-number-marker=` as if not sent); a negative one is the operation's to
 * refuse (S3 does so later).
 */
function int32FromText(text: string, type: Int32Type): number | undefined {
  return int32Argument(text, type.malformed);
}

/** Reads a document body (XML or a policy) as UTF-8, up to `MAX_DOCUMENT_BYTES`. */
async function readText(body: BodyStream): Promise<string> {
  const chunks: Uint8Array[] = [];
  let length = 0;
  for await (const chunk of body) {
    length += chunk.length;
    if (length > MAX_DOCUMENT_BYTES) throw new S3Error('MalformedXML');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The wire response of an operation's output: status, the bound headers, and the body (a stream,
 * text, or an XML document). A HEAD response carries the headers only (a stream body is released
 * unread first: then the answer is a promise). `headers` are the response's own, begun by the
 * caller (its ids and date): they are completed in place, not copied.
 * @throws whatever releasing a HEAD response's stream body rejects with (the promise rejects).
 * @example const response = await encodeResponse(binding, output, 'GET', baseHeaders(ids));
 */
export function encodeResponse(
  binding: RestBinding,
  output: Readonly<Record<string, unknown>> | undefined,
  method: string,
  headers: Record<string, string>,
): StreamingResponse | Promise<StreamingResponse> {
  const values = output ?? {};
  let body: StreamingResponse['body'] = '';
  let contentType: string | undefined;
  const members = binding.response?.members;
  // The output's members, looked up in the binding: an output names a few of the many members a
  // binding declares (GetObject's headers), so walking the binding would mostly find nothing.
  if (members !== undefined) {
    const bound = memberMapOf(members);
    for (const member of Object.keys(values)) {
      const location = bound.get(member);
      if (location === undefined) continue;
      const value = values[member];
      if (value === undefined || value === null) continue;
      switch (location.in) {
        case 'header':
          headers[location.name] = scalarToText(value, location.type);
          break;
        case 'query':
          break;
        case 'prefix-headers':
          // User metadata: non-ASCII values RFC 2047-encoded, as S3 returns them.
          for (const [name, text] of Object.entries(value as Record<string, string>)) headers[`${location.prefix}${name}`] = mailSafeMetadataValue(text);
          break;
        case 'payload':
          if (location.kind === 'stream') body = value as BodyStream;
          else if (location.kind === 'text') body = String(value);
          else if (location.kind === 'xml') {
            body = writeXml(location.root, location.shape, value as Record<string, unknown>);
            contentType = 'application/xml';
          }
          break;
      }
    }
    // A root-text payload is written even when its member is absent (us-east-1's empty constraint).
    const rootText = rootTextOf(members);
    if (rootText !== undefined) {
      const [member, root] = rootText;
      body = writeRootText(root, values[member] === undefined ? undefined : String(values[member]));
      contentType = 'application/xml';
    }
  }
  const xml = binding.response?.xml;
  if (xml !== undefined) {
    const rest = Object.create(null) as Record<string, unknown>;
    for (const [member, value] of Object.entries(values)) if (members === undefined || !Object.hasOwn(members, member)) rest[member] = value;
    body = writeXml(xml.root, xml.shape, rest);
    contentType = 'application/xml';
  }
  if (contentType !== undefined && headers['content-type'] === undefined) headers['content-type'] = contentType;
  const status = typeof binding.status === 'function' ? binding.status(values) : (binding.status ?? 200);
  if (method === 'HEAD') return headResponse(status, headers, body);
  // A document's Content-Length is its own; GetObject's is the object's (a bound member).
  if (headers['content-length'] === undefined && (typeof body === 'string' || body instanceof Uint8Array)) {
    headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.length);
  }
  return { status, headers, body };
}

/**
 * A HEAD response: the headers alone, once the body that will not be sent is released. HeadObject's
 * carry the object's length (a bound member) and type; any other (HeadBucket's) is framed as S3
 * frames a HEAD that is not an object's (`head-framing.ts`). Its own function: a closure over the
 * response's parts inside `encodeResponse` would cost every response a context object.
 */
function headResponse(status: number, headers: Record<string, string>, body: StreamingResponse['body']): Promise<StreamingResponse> {
  if (headers['content-length'] === undefined) frameBodilessHead(headers);
  return release(body).then(() => ({ status, headers, body: '' }));
}

/** A header value as S3 writes it: booleans lowercase, timestamps as HTTP dates, lists comma-separated. */
function scalarToText(value: unknown, type: ScalarType): string {
  if (type === 'timestamp') return httpDateOf(value instanceof Date ? value : new Date(value as number | string));
  if (type === 'list' && Array.isArray(value)) return value.join(', ');
  return String(value);
}

/** The last timestamp formatted, by its second (an HTTP date has no finer unit). */
let lastHttpDate = { second: Number.NaN, text: '' };

/** A time as an HTTP date (`Last-Modified`); times in the same second as the last one formatted are not formatted again. */
function httpDateOf(date: Date): string {
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastHttpDate.second) lastHttpDate = { second, text: date.toUTCString() };
  return lastHttpDate.text;
}

/** Releases a stream body that will not be read (an `ObjectBody` holds a reader and keys). */
export async function release(body: unknown): Promise<void> {
  if (typeof body === 'object' && body !== null && 'discard' in body && typeof body.discard === 'function')
    await (body as { discard(): Promise<void> }).discard();
}

/** Test-only hooks: the general decoder, which `decodeRequest` must agree with when it answers at once. */
export const __TESTS: {
  readonly decodeWithDocument: (binding: RestBinding, request: WireRequest) => Promise<Record<string, unknown>>;
} = { decodeWithDocument };
