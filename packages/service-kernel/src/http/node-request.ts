/**
 * @module
 * Reading a node:http request: its head (headers with no prototype, source address, TLS), a body
 * read whole up to a limit (the buffered services), or a body left to stream to the handler
 * (`request-body.ts`).
 */

import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ServiceError } from '../errors.ts';
import { DEFAULT_MAX_BODY_BYTES } from './body-limit.ts';
import { RequestBodyReader } from './request-body.ts';
import type { BodyStream, HttpRequest, HttpRequestHead, StreamingRequest } from './types.ts';

/**
 * Reads a Node.js request into a protocol request.
 * @throws ServiceError `REQUEST_TOO_LARGE` for bodies over `maxBodyBytes`; the rest of such a body is read and discarded.
 * @example const request = await readNodeRequest(incoming);
 */
export async function readNodeRequest(request: IncomingMessage, maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES): Promise<HttpRequest> {
  const body = await readBody(request, maxBodyBytes);
  return { ...nodeRequestHead(request), body };
}

/**
 * The head of a Node.js request (method, path, headers, source address, whether it came over TLS).
 * @example const head = nodeRequestHead(incoming); head.secure // true on an https server
 */
export function nodeRequestHead(request: IncomingMessage): HttpRequestHead {
  return mutableHead(request);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The head as a fresh object (built member by member: cheaper than spreading optional members). */
function mutableHead(request: IncomingMessage): Mutable<HttpRequestHead> {
  // No prototype, like Node's own `request.headers`: a `__proto__` header is just a header.
  const headers = Object.create(null) as Record<string, string>;
  const source = request.headers;
  for (const name in source) {
    const value = source[name];
    if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(',');
  }
  const head: Mutable<HttpRequestHead> = { method: request.method ?? 'GET', path: request.url ?? '/', headers };
  const remoteAddress = request.socket.remoteAddress;
  if (remoteAddress) head.sourceIpAddress = remoteAddress;
  // A TLSSocket says `encrypted: true` (node:tls); a plain net.Socket has no such property.
  if (isSecure(request)) {
    head.secure = true;
    head.tls = request.socket as TLSSocket;
  }
  return head;
}

/**
 * A Node.js request with its body unread: the body streams to the handler as the client sends
 * it (from the `IncomingMessage`'s 'data' events, with back-pressure: `RequestBodyReader`). A handler that stops reading early (a
 * `for await` left by a throw: a write that failed on a full disk) does not destroy the request:
 * a server request destroyed before its end leaves the keep-alive connection unable to carry the
 * next request (the client waits, then sees ECONNRESET); the edge drains the rest instead.
 * @example const request = nodeStreamingRequest(incoming); for await (const chunk of request.body) use(chunk);
 */
export function nodeStreamingRequest(request: IncomingMessage): StreamingRequest {
  const head = mutableHead(request) as Mutable<StreamingRequest>;
  // HTTP/1.1 framing (RFC 9112 §6.3): a request with neither Content-Length nor Transfer-Encoding,
  // or with Content-Length 0, has no body. Such a request (every GET, HEAD and DELETE an SDK
  // sends) gets an empty body without a stream iterator, whose set-up costs more than the rest of
  // a small request's edge work; node:http ends the empty message itself.
  const length = head.headers['content-length'];
  const empty = head.headers['transfer-encoding'] === undefined && (length === undefined || length === '0');
  head.body = empty ? EMPTY_BODY : { [Symbol.asyncIterator]: () => new RequestBodyReader(request) };
  return head;
}

/** The body of a request that has none (see `nodeStreamingRequest`). */
const EMPTY_BODY: BodyStream = Object.freeze({
  [Symbol.asyncIterator]: (): AsyncIterator<Uint8Array> => ({ next: () => Promise.resolve({ done: true, value: undefined }) }),
});

/**
 * Whether a request arrived over TLS: its socket is a `tls.TLSSocket` (an `https` server's), which
 * carries `encrypted: true`.
 * @example isSecure(request) // true on the HTTPS listener
 */
export function isSecure(request: IncomingMessage): boolean {
  return (request.socket as { encrypted?: boolean }).encrypted === true;
}

/**
 * Collects a request body with plain 'data'/'end' events (an async iterator costs several times
 * more per request, and KMS bodies are small and arrive in one chunk). Past the limit it stops
 * collecting and rejects, but keeps the stream flowing, discarding the rest, so the client can
 * finish sending and read the answer.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      if (length > limit) return;
      length += chunk.length;
      if (length > limit) {
        chunks = [];
        reject(new ServiceError('REQUEST_TOO_LARGE', `request body larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}
