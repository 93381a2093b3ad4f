/**
 * @module
 * The node:http edge every service shares: reads a request (with a body limit), hands it to the
 * service's protocol handler, writes the answer. A body over the limit is answered 413 with
 * `Connection: close` after a linger; anything else that fails outside the handler gets the
 * service's internal-error response.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { toNodeListener } from '@strongbox/service-kernel';
 * createServer(toNodeListener(handler, { internalError: (id) => json11ErrorResponse(id, 500, 'InternalFailure', '', 'Message') })).listen(4566);
 * ```
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import { isServiceError, ServiceError } from '../errors.ts';
import { json11ErrorResponse } from '../protocol/json.ts';
import type {
  BodyStream,
  HttpRequest,
  HttpRequestHead,
  HttpResponse,
  ProtocolHandler,
  StreamingHandler,
  StreamingRequest,
  StreamingResponse,
} from './types.ts';

/** Default largest request body (KMS's largest input is a 32 KiB policy; this leaves room). */
export const DEFAULT_MAX_BODY_BYTES: number = 1024 * 1024;
/**
 * How long an oversized request may go on sending (discarded) after its 413 before the connection
 * is closed. Closing a socket with unread data makes the kernel send RST, which can destroy the
 * 413 before the client reads it; servers linger instead (nginx `lingering_close`).
 */
const LINGER_MS = 5_000;

/** Settings of the edge. */
export interface EdgeOptions {
  /** Largest request body accepted, bytes. Default 1 MiB. */
  readonly maxBodyBytes?: number;
  /**
   * The response to a failure outside the handler (a handler that throws, a body that cannot be
   * read), built from a fresh request id; its message must be generic, so that nothing from the
   * request or the service's internals leaks. Default: JSON `InternalFailure`, status 500.
   */
  readonly internalError?: (requestId: string) => HttpResponse;
}

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
  if (isSecure(request)) head.secure = true;
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

/** Bytes a body reader holds for a consumer that has not asked for them yet, before it pauses the request. */
const READ_AHEAD_BYTES = 64 * 1024;

/** Taken slots at the front of a body reader's queue past which it is compacted (if they are half of it). */
const COMPACT_AFTER = 1024;

/**
 * A request body as an async iterator over its 'data' events. Node's stream iterator
 * (`request.iterator()`) costs more per chunk: each chunk goes through `read()`, a 'readable'
 * event and two `process.nextTick` hops before it reaches the consumer, and a 1 MiB body over TLS
 * arrives as 64 chunks of 16 KiB. Here a chunk goes from the 'data' event to the waiting consumer
 * directly. Back-pressure: past `READ_AHEAD_BYTES` not yet taken, the request is paused (node:http
 * then stops reading the socket) until the consumer catches up. Returning early (a `for await` left
 * by `break` or a throw) detaches the reader and leaves the request undestroyed, paused or not, for
 * the edge to drain (`drainUnread`); a request that fails or closes before its end fails the
 * iteration.
 */
class RequestBodyReader implements AsyncIterator<Uint8Array> {
  readonly #request: IncomingMessage;
  /**
   * Chunks received and not yet taken: `#queue[#head..]`, `#queuedBytes` bytes in all. The slots
   * before `#head` were taken (`EMPTY_CHUNK`); the array is compacted once `COMPACT_AFTER` or more
   * of them are at least as many as the chunks waiting, so it stays below twice the chunks
   * waiting plus `COMPACT_AFTER`.
   */
  #queue: Buffer[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** Consumers waiting for a chunk, first come first served (next() may be called again before a chunk arrives). */
  #waiting: { resolve: (result: IteratorResult<Uint8Array>) => void; reject: (error: unknown) => void }[] = [];
  #ended = false;
  #failure: Error | undefined;
  #paused = false;

  constructor(request: IncomingMessage) {
    this.#request = request;
    // The handler may start reading after the request is over: the client sent a short body and
    // closed (node:http then destroys the request), or the whole body came and was read to its end.
    // Those events are past, so the state says it: without this, the consumer would wait forever.
    if (request.readableEnded) {
      this.#ended = true;
      return;
    }
    if (request.destroyed) {
      this.#failure = request.errored ?? new Error('the request closed before its body ended');
      return;
    }
    request.on('data', this.#onData);
    request.once('end', this.#onEnd);
    request.once('error', this.#onError);
    request.once('close', this.#onClose);
  }

  /** Test hook (`__TESTS`): the slots of `reader`'s queue array, taken ones included. */
  static queueSlots(reader: object): number {
    return reader instanceof RequestBodyReader ? reader.#queue.length : -1;
  }

  next(): Promise<IteratorResult<Uint8Array>> {
    if (this.#head < this.#queue.length) {
      const chunk = this.#queue[this.#head] as Buffer;
      this.#queue[this.#head++] = EMPTY_CHUNK;
      this.#queuedBytes -= chunk.length;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      } else if (this.#head >= COMPACT_AFTER && this.#head * 2 >= this.#queue.length) {
        // A handler steadily a little behind never empties the queue: without this, every chunk
        // of the body would keep a slot. Moves at most as many slots as were taken since the
        // last compaction, so a chunk costs O(1) amortised.
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      if (this.#paused && this.#queuedBytes < READ_AHEAD_BYTES) {
        this.#paused = false;
        this.#request.resume();
      }
      return Promise.resolve({ done: false, value: chunk });
    }
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#waiting.push({ resolve, reject });
    });
  }

  return(): Promise<IteratorResult<Uint8Array>> {
    this.#detach();
    this.#queue = [];
    this.#head = 0;
    this.#queuedBytes = 0;
    this.#ended = true;
    return Promise.resolve({ done: true, value: undefined });
  }

  readonly #onData = (chunk: Buffer): void => {
    const waiting = this.#waiting.shift();
    if (waiting !== undefined) {
      waiting.resolve({ done: false, value: chunk });
      return;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    if (!this.#paused && this.#queuedBytes >= READ_AHEAD_BYTES) {
      this.#paused = true;
      this.#request.pause();
    }
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#detach();
    this.#settle();
  };

  readonly #onError = (error: Error): void => this.#fail(error);

  /** A request destroyed before its end (the client went away): its body is incomplete. */
  readonly #onClose = (): void => {
    if (!this.#ended) this.#fail(new Error('the request closed before its body ended'));
  };

  #fail(error: Error): void {
    if (this.#ended || this.#failure !== undefined) return;
    this.#failure = error;
    this.#detach();
    this.#settle();
  }

  /** Answers the consumers waiting for chunks that will not come. */
  #settle(): void {
    for (const waiting of this.#waiting.splice(0)) {
      if (this.#failure !== undefined) waiting.reject(this.#failure);
      else waiting.resolve({ done: true, value: undefined });
    }
  }

  #detach(): void {
    this.#request.off('data', this.#onData);
    this.#request.off('end', this.#onEnd);
    this.#request.off('error', this.#onError);
    this.#request.off('close', this.#onClose);
  }
}

const EMPTY_CHUNK: Buffer = Buffer.alloc(0);

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

/** Writes a protocol response to a Node.js response. @example writeNodeResponse(response, { status: 200, headers: {}, body: '' }) */
export function writeNodeResponse(response: ServerResponse, result: HttpResponse): void {
  response.writeHead(result.status, result.headers);
  response.end(result.body);
}

/**
 * Adapts a protocol handler to a `node:http` request listener. A body over the limit is answered
 * 413 with `Connection: close`; any other failure (a handler that throws, a body that cannot be
 * read) with `options.internalError`.
 * @example createServer(toNodeListener(handler))
 */
export function toNodeListener(handler: ProtocolHandler, options: EdgeOptions = {}): (request: IncomingMessage, response: ServerResponse) => void {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const internalError = options.internalError ?? defaultInternalError;
  return (request, response) => {
    readNodeRequest(request, limit)
      .then(handler)
      .then((result) => writeNodeResponse(response, result))
      .catch((error: unknown) => {
        if (isServiceError(error, 'REQUEST_TOO_LARGE')) refuseTooLarge(request, response, limit);
        else if (!response.headersSent) writeNodeResponse(response, internalError(crypto.randomUUID()));
        else response.end();
      });
  };
}

/**
 * Adapts a streaming protocol handler (S3) to a `node:http` request listener: the request body
 * streams in, the response body streams out with back-pressure, and nothing is buffered whole.
 * What the handler leaves of the request body unread is drained after the answer, so the
 * keep-alive connection stays usable. A failure before the head is written gets
 * `options.internalError`; a response body that fails part-way destroys the connection (the
 * client sees a truncated response, never a complete-looking one). `maxBodyBytes` does not
 * apply: the service bounds what it reads.
 * @example createServer(toNodeStreamingListener(s3Handler, { internalError }))
 */
export function toNodeStreamingListener(
  handler: StreamingHandler,
  options: Pick<EdgeOptions, 'internalError'> = {},
): (request: IncomingMessage, response: ServerResponse) => void {
  const internalError = options.internalError ?? defaultInternalError;
  return (request, response) => {
    handler(nodeStreamingRequest(request))
      .then((result) => writeStreamingResponse(response, result))
      .catch(() => {
        if (!response.headersSent) writeNodeResponse(response, internalError(crypto.randomUUID()));
        else response.destroy();
      })
      .finally(() => drainUnread(request));
  };
}

/**
 * A declared body length from which the head is sent on its own, before the first body chunk is
 * produced. Below it the head goes out with the first chunk, in one TLS record and one write (what
 * a small object's GET wants); above it, joining them would cost a copy of the chunk (a TLS socket
 * writes one buffer at a time, so node:https joins a head and a chunk written together), and the
 * client can read the head while the first chunk is still being produced (decrypted).
 */
const EARLY_HEAD_BODY_BYTES = 64 * 1024;

/**
 * Writes a streaming response: the head, then each chunk. When the socket's buffer is full, the
 * next chunk is produced (an object's next frame decrypted) while the socket drains, and written
 * once it has drained: the buffered output stays about one chunk, and producing overlaps sending.
 * @throws whatever the body throws; the head has been written by then, so the caller destroys the connection.
 * @example await writeStreamingResponse(response, { status: 200, headers: {}, body: chunks })
 */
export async function writeStreamingResponse(response: ServerResponse, result: StreamingResponse): Promise<void> {
  const body = result.body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    writeNodeResponse(response, { status: result.status, headers: result.headers, body });
    return;
  }
  response.writeHead(result.status, result.headers);
  if (declaredLength(result.headers) >= EARLY_HEAD_BODY_BYTES) response.flushHeaders();
  let draining: Promise<void> | undefined;
  for await (const chunk of body) {
    if (draining !== undefined) await draining;
    if (response.destroyed) throw new Error('the connection closed while the response was being written');
    draining = response.write(chunk) ? undefined : drained(response);
    // Awaited before the next write; a connection that closes meanwhile must not reject unobserved.
    draining?.catch(() => undefined);
  }
  if (draining !== undefined) await draining;
  await new Promise<void>((resolve) => response.end(resolve));
}

/** A response's `Content-Length` (any case), or -1 when it has none. */
function declaredLength(headers: Readonly<Record<string, string>>): number {
  for (const name in headers) {
    if (name.length === 14 && name.toLowerCase() === 'content-length') return Number(headers[name]);
  }
  return -1;
}

function drained(response: ServerResponse): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = (): void => {
      response.off('close', onClose);
      resolve();
    };
    const onClose = (): void => {
      response.off('drain', onDrain);
      reject(new Error('the connection closed while the response was being written'));
    };
    response.once('drain', onDrain);
    response.once('close', onClose);
  });
}

/** Discards what is left of a request body, so the connection can carry the next request. */
function drainUnread(request: IncomingMessage): void {
  if (request.complete || request.destroyed) return;
  // A handler that began iterating the body and gave up without returning the iterator (a write
  // that failed on a full disk) left its listeners attached: a 'readable' listener makes resume()
  // do nothing, and a body reader's 'data' listener would keep what follows and pause the request
  // again. Either way the rest of the body would stay unread and the next request on the
  // keep-alive connection would never be parsed (the client waits, then sees ECONNRESET).
  request.removeAllListeners('readable');
  request.removeAllListeners('data');
  // resume() restarts only a paused stream: one left flowing (a body reader's 'data' listener
  // detached) holds what arrives once its buffer is full, and resume() alone would not move it.
  if (request.readableFlowing === true) request.pause();
  request.resume();
}

/**
 * A buffered handler (JSON services) as a streaming one: the body is read whole first, up to
 * `maxBodyBytes`; a larger one is answered 413 (what the node:http edge answers, without its
 * linger: there is no socket to protect). For one endpoint that serves streaming and buffered
 * services behind one handler (the in-process mode).
 * @example const handler = bufferedHandler(createJson11Handler(kms));
 */
export function bufferedHandler(handler: ProtocolHandler, maxBodyBytes: number = DEFAULT_MAX_BODY_BYTES): StreamingHandler {
  return async (request) => {
    const chunks: Uint8Array[] = [];
    let length = 0;
    for await (const chunk of request.body) {
      length += chunk.length;
      if (length > maxBodyBytes) {
        const body = `Request body larger than ${maxBodyBytes} bytes.\n`;
        return { status: 413, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)) }, body };
      }
      chunks.push(chunk);
    }
    return handler({ ...request, body: chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks) });
  };
}

function defaultInternalError(requestId: string): HttpResponse {
  return json11ErrorResponse(requestId, 500, 'InternalFailure', '', 'Message');
}

/**
 * Answers 413 at once, then ends the response (closing the connection) when the client has sent
 * the whole body, gives up on it, or has lingered `LINGER_MS`: ending earlier would close the
 * socket with unread data, and the resulting RST can reach the client before the 413 does.
 */
function refuseTooLarge(request: IncomingMessage, response: ServerResponse, limit: number): void {
  const body = `Request body larger than ${limit} bytes.\n`;
  response.writeHead(413, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': String(Buffer.byteLength(body)), Connection: 'close' });
  response.write(body);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    clearTimeout(timer);
    response.end();
  };
  const timer = setTimeout(end, LINGER_MS);
  timer.unref();
  if (request.complete || request.destroyed) end();
  else {
    request.once('end', end);
    request.once('close', end);
  }
}

/** Test hooks: the slots of a body reader's queue array (taken ones included), to pin its bound. */
export const __TESTS: { readonly queueSlots: (body: AsyncIterator<Uint8Array>) => number } = {
  queueSlots: (body) => RequestBodyReader.queueSlots(body),
};
