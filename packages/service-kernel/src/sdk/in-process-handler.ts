/**
 * @module
 * An AWS SDK for JavaScript v3 request handler that serves requests in-process: the SDK
 * serializes, signs, computes and checks checksums and parses the answer exactly as over HTTP,
 * and the service's protocol handler (the same function the node:http edge calls) answers, with
 * no socket in between. Pass it as `requestHandler` to any client. With a streaming handler
 * (`{ streaming: true }`, S3) request bodies reach the service as the SDK produces them and
 * response bodies reach the SDK as the service produces them: nothing is held whole. The
 * endpoint's scheme (`http:` / `https:` in the client's `endpoint`) tells the service whether the
 * request "came over TLS" (`secure`), as a listener's would. Abort signals and the node:http
 * handler's timeouts (`requestTimeout`, `socketTimeout`) act as over a socket (`abort.ts`,
 * `timeouts.ts`).
 *
 * @example
 * ```ts
 * import { KMSClient } from '@aws-sdk/client-kms';
 * const requestHandler = new InProcessHandler(createJson11Handler(kms, { authenticate }));
 * const client = new KMSClient({ endpoint: 'http://strongbox.localhost', region: 'us-east-1', credentials, requestHandler });
 * ```
 */

import { validateHeaderName, validateHeaderValue } from 'node:http';
import type {
  HttpHandlerOptions,
  RequestHandler,
  RequestHandlerMetadata,
  RequestHandlerOutput,
  HttpRequest as SdkRequest,
  HttpResponse as SdkResponse,
} from '@smithy/types';
import type { ProtocolHandler, StreamingHandler } from '../http/types.ts';
import { throwIfAborted } from './abort.ts';
import { bodyStream, framedByFirstChunk, implicitFraming } from './request-body.ts';
import { streamedBodyOf, wholeBodyOf } from './response-body.ts';
import { isSocketTimeout, type TimeoutSettings, type WarningLogger } from './timeouts.ts';
import { answerWatched, type Forwarded } from './watched-call.ts';

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
 * Settings of the in-process handler: where the caller is, whether bodies stream, and the node:http
 * handler's timeouts (`requestTimeout` with `throwOnRequestTimeout`, `socketTimeout`), which act in
 * process as over a socket.
 */
export interface InProcessHandlerOptions extends TimeoutSettings {
  /** The caller's address as the service sees it (audit trail, `aws:SourceIp`). Default `127.0.0.1`. */
  readonly sourceIpAddress?: string;
  /** Whether the handler is a `StreamingHandler` (bodies streamed both ways). Default false. */
  readonly streaming?: boolean;
}

/**
 * The in-process `requestHandler` (see the module documentation).
 *
 * @example new KMSClient({ endpoint, region, credentials, requestHandler: new InProcessHandler(handler) })
 */
export class InProcessHandler implements RequestHandler<SdkRequest, SdkResponse, HttpHandlerOptions> {
  /** HTTP/1.1 semantics: the SDK sets the `host` header, as for its node:http handler. */
  readonly metadata: RequestHandlerMetadata = { handlerProtocol: 'http/1.1' };
  readonly #handler: StreamingHandler;
  readonly #sourceIpAddress: string;
  /** The timeout settings, as `httpHandlerConfigs` reports them and `updateHttpClientConfig` changes them. */
  #timeouts: TimeoutSettings;

  constructor(handler: ProtocolHandler, options?: InProcessHandlerOptions & { readonly streaming?: false });
  constructor(handler: StreamingHandler, options: InProcessHandlerOptions & { readonly streaming: true });
  constructor(handler: ProtocolHandler | StreamingHandler, options: InProcessHandlerOptions = {}) {
    this.#handler = options.streaming === true ? (handler as StreamingHandler) : buffering(handler as ProtocolHandler);
    this.#sourceIpAddress = options.sourceIpAddress ?? '127.0.0.1';
    const { requestTimeout, throwOnRequestTimeout, socketTimeout, connectionTimeout, logger } = options;
    this.#timeouts = { requestTimeout, throwOnRequestTimeout, socketTimeout, connectionTimeout, logger };
  }

  /**
   * Serves one SDK request.
   * @throws an `AbortError` when the SDK's abort signal has fired, as the node:http handler does.
   * @throws a `TimeoutError` when `requestTimeout` (with `throwOnRequestTimeout`) or `socketTimeout`
   *   runs out before the service answered, with node-http-handler's message.
   * @throws TypeError (`ERR_INVALID_HTTP_TOKEN`, `ERR_INVALID_CHAR`) for a header name or value
   *   node:http refuses to send (CR/LF, a character above U+00FF), as the node:http handler throws
   *   it before anything is sent: the service never sees a request no socket could carry.
   */
  async handle(request: SdkRequest, options: HttpHandlerOptions = {}): Promise<RequestHandlerOutput<SdkResponse>> {
    throwIfAborted(options.abortSignal);
    const headers = forwardedHeaders(request);
    // An `https:` endpoint in process stands for the HTTPS listener (S3's SSE-C and
    // aws:SecureTransport read it), as the node:http edge says for a TLS socket.
    const secure = request.protocol === 'https:' || request.protocol === 'https';
    // One object, its optional member set on it (no spread per request).
    const forwarded: Forwarded = {
      method: request.method,
      path: pathOf(request),
      headers,
      sourceIpAddress: this.#sourceIpAddress,
      body: bodyStream(request.body),
    };
    if (secure) forwarded.secure = true;
    // The framing node:http writes in the head when the SDK set none (a bodiless PutObject's
    // length; for a stream of no stated length, the first chunk decides).
    const framing =
      headers['content-length'] === undefined && headers['transfer-encoding'] === undefined && implicitFraming(headers, request.method, request.body);
    const signal = options.abortSignal;
    // The call's own `requestTimeout` first, as node-http-handler takes it (`requestTimeout ?? config.requestTimeout`).
    const requestTimeout = options.requestTimeout ?? this.#timeouts.requestTimeout;
    // No timeout and no signal (the usual call): no timer, no listener, nothing wrapped.
    if ((signal !== undefined && signal !== null) || requestTimeout || isSocketTimeout(this.#timeouts.socketTimeout)) {
      const answer = await answerWatched(this.#handler, forwarded, framing ? headers : undefined, {
        signal: signal ?? undefined,
        requestTimeoutMs: requestTimeout,
        settings: this.#timeouts,
      });
      const body = answer.body;
      return {
        response: {
          statusCode: answer.status,
          headers: sdkHeaders(answer.headers),
          body: typeof body === 'string' ? wholeBodyOf(body) : body instanceof Uint8Array ? wholeBodyOf(body) : body,
        },
      };
    }
    if (framing) forwarded.body = await framedByFirstChunk(headers, forwarded.body);
    const result = await this.#handler(forwarded);
    const body = result.body;
    return {
      response: {
        statusCode: result.status,
        headers: sdkHeaders(result.headers),
        body: typeof body === 'string' || body instanceof Uint8Array ? wholeBodyOf(body) : await streamedBodyOf(body),
      },
    };
  }

  /**
   * Changes one setting, as node-http-handler's `updateHttpClientConfig` does (for the next calls):
   * a timeout setting by its name, and the SDK client's logger (`Symbol.for('logger')`, which a
   * client with a logger of its own passes; the first one given is kept, as there). Other keys
   * name connection settings, which have no meaning in process.
   * @example client.config.requestHandler.updateHttpClientConfig('requestTimeout', 300)
   */
  updateHttpClientConfig(key: keyof TimeoutSettings | symbol, value: unknown): void {
    if (key === LOGGER_KEY) {
      this.#timeouts = { ...this.#timeouts, logger: this.#timeouts.logger ?? (value as WarningLogger) };
      return;
    }
    if (typeof key === 'string' && TIMEOUT_KEYS.has(key)) this.#timeouts = { ...this.#timeouts, [key]: value };
  }

  /** The timeout settings, as node-http-handler reports its configuration. */
  httpHandlerConfigs(): TimeoutSettings {
    return { ...this.#timeouts };
  }

  /** Nothing to release. */
  destroy(): void {}
}

/** The key under which an SDK client hands its logger to its request handler (@smithy/core's `getHttpHandlerExtensionConfiguration`). */
const LOGGER_KEY = Symbol.for('logger');

/** The settings `updateHttpClientConfig` changes by name. */
const TIMEOUT_KEYS: ReadonlySet<string> = new Set<keyof TimeoutSettings>([
  'requestTimeout',
  'throwOnRequestTimeout',
  'socketTimeout',
  'connectionTimeout',
  'logger',
]);

/**
 * The SDK request's headers as the node:http edge reads them: names lower-cased, values without
 * their outer whitespace, nothing inherited (the framing header node:http adds when the SDK set
 * none is added by `implicitFraming`).
 * @throws TypeError (`ERR_INVALID_HTTP_TOKEN`, `ERR_INVALID_CHAR`) for a name or value node:http refuses.
 */
function forwardedHeaders(request: SdkRequest): Record<string, string> {
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

/** The request's path with its query string, as a server sees it. */
function pathOf(request: SdkRequest): string {
  const path = request.path || '/';
  const query = request.query;
  if (query === undefined) return path;
  // Written as it is walked: most calls have one parameter (`x-id=PutObject`), so no list of
  // entries or of parts is made to be joined.
  let text = '';
  for (const key of Object.keys(query)) {
    const value = query[key];
    const name = uriEncoded(key);
    if (value === null) text += `&${name}`;
    else if (Array.isArray(value)) for (const item of value) text += `&${name}=${uriEncoded(item)}`;
    else text += `&${name}=${uriEncoded(value as string)}`;
  }
  return text === '' ? path : `${path}?${text.slice(1)}`;
}

/** Query names and values already encoded: a client sends the same few on every call (`x-id`, `PutObject`). */
const ENCODED = new Map<string, string>();
/** Texts remembered before the memo starts again (a client sending endless distinct values cannot grow it). */
const ENCODED_LIMIT = 512;
/**
 * The longest text remembered: names and short values (`x-id`, `PutObject`, `uploads`) repeat;
 * upload ids, continuation tokens and long prefixes rarely do, and would only churn the memo and
 * keep long strings alive.
 */
const ENCODED_MAX_LENGTH = 64;

/**
 * `encodeURIComponent`, remembered for texts seen before.
 * @throws URIError for text with a lone surrogate, as `encodeURIComponent` does.
 */
function uriEncoded(text: string): string {
  if (text.length > ENCODED_MAX_LENGTH) return encodeURIComponent(text);
  let encoded = ENCODED.get(text);
  if (encoded === undefined) {
    encoded = encodeURIComponent(text);
    if (ENCODED.size >= ENCODED_LIMIT) ENCODED.clear();
    ENCODED.set(text, encoded);
  }
  return encoded;
}

/** A buffered protocol handler behind the streaming interface: the body is read whole first. */
function buffering(handler: ProtocolHandler): StreamingHandler {
  return async (request) => {
    const chunks: Uint8Array[] = [];
    for await (const chunk of request.body) chunks.push(chunk);
    return handler({ ...request, body: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks) });
  };
}

/**
 * The response headers as the SDK's node:http handler hands them over: lower-case names (its
 * deserializers read them so) on a plain object. A plain object, not a prototype-less one: V8
 * keeps an `Object.create(null)` object in dictionary mode, and the SDK reads and walks the headers
 * of every response many times (bindings, checksums, request ids, the clock-skew `date`). A name
 * stays only a key: `__proto__` (no service sends it) is defined as a property, not given to the
 * prototype setter.
 */
function sdkHeaders(given: Readonly<Record<string, string>>): Record<string, string> {
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
