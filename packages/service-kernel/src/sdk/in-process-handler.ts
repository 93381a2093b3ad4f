/**
 * @module
 * An AWS SDK for JavaScript v3 request handler that serves requests in-process: the SDK
 * serializes, signs, computes and checks checksums and parses the answer exactly as over HTTP,
 * and the service's protocol handler (the same function the node:http edge calls) answers, with
 * no socket in between. Pass it as `requestHandler` to any client.
 *
 * @example
 * ```ts
 * import { KMSClient } from '@aws-sdk/client-kms';
 * const requestHandler = new InProcessHandler(createJson11Handler(kms, { authenticate }));
 * const client = new KMSClient({ endpoint: 'http://strongbox.localhost', region: 'us-east-1', credentials, requestHandler });
 * ```
 */

import { Readable } from 'node:stream';
import type {
  HttpHandlerOptions,
  RequestHandler,
  RequestHandlerMetadata,
  RequestHandlerOutput,
  HttpRequest as SdkRequest,
  HttpResponse as SdkResponse,
} from '@smithy/types';
import type { ProtocolHandler } from '../http/types.ts';

/** Settings of the in-process handler. */
export interface InProcessHandlerOptions {
  /** The caller's address as the service sees it (audit trail, `aws:SourceIp`). Default `127.0.0.1`. */
  readonly sourceIpAddress?: string;
}

/**
 * The in-process `requestHandler` (see the module documentation).
 *
 * @example new KMSClient({ endpoint, region, credentials, requestHandler: new InProcessHandler(handler) })
 */
export class InProcessHandler implements RequestHandler<SdkRequest, SdkResponse, HttpHandlerOptions> {
  /** HTTP/1.1 semantics: the SDK sets the `host` header, as for its node:http handler. */
  readonly metadata: RequestHandlerMetadata = { handlerProtocol: 'http/1.1' };
  readonly #handler: ProtocolHandler;
  readonly #sourceIpAddress: string;

  constructor(handler: ProtocolHandler, options: InProcessHandlerOptions = {}) {
    this.#handler = handler;
    this.#sourceIpAddress = options.sourceIpAddress ?? '127.0.0.1';
  }

  /**
   * Serves one SDK request.
   * @throws an `AbortError` when the SDK's abort signal has fired, as the node:http handler does.
   */
  async handle(request: SdkRequest, options: HttpHandlerOptions = {}): Promise<RequestHandlerOutput<SdkResponse>> {
    throwIfAborted(options.abortSignal);
    // No prototype, as the node:http edge reads them: a `__proto__` header is just a header.
    const headers = Object.create(null) as Record<string, string>;
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const body = await bodyBytes(request.body);
    throwIfAborted(options.abortSignal);
    // An `https:` endpoint in process stands for the HTTPS listener (S3's SSE-C and
    // aws:SecureTransport read it), as the node:http edge says for a TLS socket.
    const secure = request.protocol === 'https:' || request.protocol === 'https';
    const result = await this.#handler({
      method: request.method,
      path: pathOf(request),
      headers,
      body,
      sourceIpAddress: this.#sourceIpAddress,
      ...(secure ? { secure } : {}),
    });
    const responseHeaders = Object.create(null) as Record<string, string>;
    // node:http hands the SDK lower-case header names; its deserializers read them so. No prototype,
    // as on the request side: a header name (S3 will echo `x-amz-meta-*`) is only ever a key.
    for (const [name, value] of Object.entries(result.headers)) responseHeaders[name.toLowerCase()] = value;
    const bytes = typeof result.body === 'string' ? Buffer.from(result.body) : result.body;
    return { response: { statusCode: result.status, headers: responseHeaders, body: readableOf(bytes) } };
  }

  /** Nothing to configure: there is no connection. */
  updateHttpClientConfig(_key: never, _value: never): void {}

  /** No connection settings. */
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  /** Nothing to release. */
  destroy(): void {}
}

/** The request's path with its query string, as a server sees it. */
function pathOf(request: SdkRequest): string {
  const query = request.query ?? {};
  const parts: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (value === null) parts.push(encodeURIComponent(key));
    else for (const item of Array.isArray(value) ? value : [value]) parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(item)}`);
  }
  const path = request.path || '/';
  return parts.length === 0 ? path : `${path}?${parts.join('&')}`;
}

/** The SDK's request body (a string for JSON protocols; bytes or a stream for S3 uploads) as bytes. */
async function bodyBytes(body: unknown): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  if (typeof body === 'string') return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  }
  throw new TypeError('InProcessHandler: unsupported request body type');
}

/** A response body the SDK reads as it reads an `IncomingMessage` (streaming outputs need a Readable). */
function readableOf(bytes: Uint8Array): Readable {
  const stream = new Readable({ read() {} });
  if (bytes.length > 0) stream.push(bytes);
  stream.push(null);
  return stream;
}

function throwIfAborted(signal: HttpHandlerOptions['abortSignal']): void {
  if (signal?.aborted === true) {
    const error = new Error('Request aborted');
    error.name = 'AbortError';
    throw error;
  }
}
