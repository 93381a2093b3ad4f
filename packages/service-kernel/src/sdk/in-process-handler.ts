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
 * `timeouts.ts`, `watched-call.ts`).
 *
 * @example
 * ```ts
 * import { KMSClient } from '@aws-sdk/client-kms';
 * const requestHandler = new InProcessHandler(createJson11Handler(kms, { authenticate }));
 * const client = new KMSClient({ endpoint: 'http://strongbox.localhost', region: 'us-east-1', credentials, requestHandler });
 * ```
 */

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
import { forwardedHeaders, sdkHeaders } from './headers.ts';
import { bodyStream, framedByFirstChunk, implicitFraming } from './request-body.ts';
import { streamedBodyOf, wholeBodyOf } from './response-body.ts';
import { isSocketTimeout, type TimeoutSettings, type WarningLogger } from './timeouts.ts';
import { answerWatched, type Forwarded } from './watched-call.ts';

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
   * Serves one SDK request. The call resolves at the answer's head (with the first chunk of a
   * streamed body); an abort or timeout after it fails the body, not the call (`watched-call.ts`).
   * @throws an `AbortError` when the SDK's abort signal fires before the answer's head, as the
   *   node:http handler does.
   * @throws a `TimeoutError` when `requestTimeout` (with `throwOnRequestTimeout`) or `socketTimeout`
   *   runs out before the answer's head, with node-http-handler's message.
   * @throws TypeError (`ERR_INVALID_HTTP_TOKEN`, `ERR_INVALID_CHAR`) for a header name or value
   *   node:http refuses to send (CR/LF, a character above U+00FF), as the node:http handler throws
   *   it before anything is sent: the service never sees a request no socket could carry.
   * @example
   * ```ts
   * const { response } = await new InProcessHandler(handler).handle(request, { requestTimeout: 300 });
   * ```
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
   * client with a logger of its own passes; the handler's own logger, the first one given, is
   * kept, as there: `config.logger ?? value`). Other keys are ignored: they name connection
   * settings, which have no meaning in process. Unlike node-http-handler, which stores any key
   * (`[key]: value`) and maps `Symbol.for('@smithy/defaultSocketTimeout')` to its
   * `defaultSocketTimeout`, nothing else is kept (no default socket timeout reaches an instance
   * handler anyway: the SDK passes it only to a handler it makes itself).
   * @throws never: a key or value it does not know is ignored, as node-http-handler takes any.
   * @example
   * ```ts
   * const handler = new InProcessHandler(service, { streaming: true });
   * handler.updateHttpClientConfig('requestTimeout', 300);
   * ```
   */
  updateHttpClientConfig(key: keyof TimeoutSettings | symbol, value: unknown): void {
    if (key === LOGGER_KEY) {
      this.#timeouts = { ...this.#timeouts, logger: this.#timeouts.logger ?? (value as WarningLogger) };
      return;
    }
    if (typeof key === 'string' && TIMEOUT_KEYS.has(key)) this.#timeouts = { ...this.#timeouts, [key]: value };
  }

  /**
   * The timeout settings, as node-http-handler reports its configuration. Unlike node-http-handler,
   * which reports `{}` between an `updateHttpClientConfig` and the next call (it resets its
   * resolved configuration), an update is reported at once.
   * @throws never.
   * @example
   * ```ts
   * new InProcessHandler(service, { streaming: true, socketTimeout: 300 }).httpHandlerConfigs().socketTimeout; // 300
   * ```
   */
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
