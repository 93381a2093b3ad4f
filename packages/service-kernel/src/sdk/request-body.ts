/**
 * @module
 * The SDK's request body as the in-process handler hands it to the service: taken as the SDK's
 * node:http handler writes it, with the framing header node:http adds when the SDK set none.
 */

import { Readable } from 'node:stream';
import { ObservedBody } from '../http/observed-body.ts';
import type { BodyStream } from '../http/types.ts';

/**
 * The SDK's request body (a string for JSON protocols; bytes or a stream for S3 uploads) as a
 * stream of byte chunks, read only as the service reads it. Taken as the SDK's node:http handler
 * writes it (`writeBody` of @smithy/node-http-handler 4.14), so a body that fails there fails here:
 * a node `Readable` is streamed, a string sent as is, any view of bytes (`buffer`, `byteOffset`,
 * `byteLength`: a DataView, any typed array) sent as its bytes, and anything else given to
 * `Buffer.from` (an ArrayBuffer, an array of byte values), whose TypeError ends the call before the
 * service sees it (over the socket, the head has gone out by then): a Blob, a web ReadableStream or
 * an async generator, which the SDK passes on unconverted when it computes no checksum.
 * @throws TypeError (`ERR_INVALID_ARG_TYPE`) for a body `Buffer.from` refuses.
 * @example bodyStream('{}') // the two bytes, held whole
 */
export function bodyStream(body: unknown): BodyStream {
  // Chunks held whole, none: the service's checks of a bodiless request (the signed SHA-256 of
  // every GET) observe it with no stream made (`ObservedBody`).
  if (body === undefined || body === null || body === '') return ObservedBody.of(NO_CHUNKS);
  if (typeof body === 'string') return ObservedBody.of([Buffer.from(body)]);
  // Held whole: read with no suspension per chunk, and the service's checks (the signed
  // SHA-256, S3's checksum) observe it in the same pass rather than as stages of their own.
  if (body instanceof Uint8Array) return ObservedBody.of(body.length === 0 ? [] : [body]);
  if (body instanceof Readable) return bytesOf(body);
  if (ArrayBuffer.isView(body)) return ObservedBody.of(body.byteLength === 0 ? [] : [new Uint8Array(body.buffer, body.byteOffset, body.byteLength)]);
  const bytes = Buffer.from(body as ArrayBuffer);
  return ObservedBody.of(bytes.length === 0 ? [] : [bytes]);
}

/**
 * Methods node:http sends with no framing header when none is set (`useChunkedEncodingByDefault`
 * is false for them in `ClientRequest`, node lib/_http_client.js; same list in Node 20 and 24).
 */
const UNFRAMED_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT']);

/**
 * Adds the framing header node:http writes for a request whose head has neither `content-length`
 * nor `transfer-encoding`, as the SDK's node:http handler sends it (`writeBody`: `end()` for no
 * body, `end(bytes)` for a whole one, `pipe` for a stream). `OutgoingMessage#end` sets the length
 * of what it ends with (0 for nothing), and `_storeHeader` writes it for every method but those
 * above (node lib/_http_outgoing.js, unchanged from Node 20 to 24; seen on the wire with Node 20:
 * PUT, POST, PATCH `end()` → `Content-Length: 0`, GET, HEAD, DELETE, OPTIONS, TRACE → no header).
 * The SDK sets no length for `Body: ''` or no Body, so without this a bodiless PutObject or
 * UploadPart would fail in process with S3's MissingContentLength while it stores an empty object
 * over a socket. A streamed body is piped, and node writes the head at the first write or at the
 * end: a first chunk makes it `Transfer-Encoding: chunked` (`_storeHeader` with no length known
 * and `useChunkedEncodingByDefault`), a stream that ends with no chunk, however late, goes out with
 * `Content-Length: 0` (seen on the wire with node 20.20). So for a stream nothing is set here:
 * this returns true, and `framedByFirstChunk` sets the header once the first chunk is read.
 * @returns whether the framing waits for a streamed body's first chunk (`framedByFirstChunk`).
 * @example implicitFraming(headers, 'PUT', undefined) // false; headers['content-length'] === '0'
 */
export function implicitFraming(headers: Record<string, string>, method: string, body: unknown): boolean {
  if (UNFRAMED_METHODS.has(method) || UNFRAMED_METHODS.has(method.toUpperCase())) return false;
  const length = wholeLength(body);
  if (length !== undefined) headers['content-length'] = String(length);
  return length === undefined && body instanceof Readable;
}

/**
 * A streamed request body of no stated length framed as node:http frames it once piped: its first
 * chunk is read, then `transfer-encoding: chunked` is set and the body is handed on with that
 * chunk in front, or, for a stream that ended with no chunk, `content-length: 0` and no body.
 * Only such a stream pays for this read (`implicitFraming` returns true).
 * @throws whatever reading the stream's first chunk throws (a cut upload's `aborted`).
 * @example
 * ```ts
 * import { Readable } from 'node:stream';
 * import { bodyStream, framedByFirstChunk } from './request-body.ts';
 * const headers: Record<string, string> = {};
 * await framedByFirstChunk(headers, bodyStream(Readable.from([]))); // headers['content-length'] === '0'
 * ```
 */
export async function framedByFirstChunk(headers: Record<string, string>, body: BodyStream): Promise<BodyStream> {
  const iterator = body[Symbol.asyncIterator]();
  const first = await iterator.next();
  if (first.done === true) {
    headers['content-length'] = '0';
    return ObservedBody.of(NO_CHUNKS);
  }
  headers['transfer-encoding'] = 'chunked';
  return resumed(first.value, iterator);
}

/** The rest of a body whose first chunk was read, with that chunk put back in front. */
function resumed(first: Uint8Array, rest: AsyncIterator<Uint8Array>): BodyStream {
  let pending: Uint8Array | undefined = first;
  const iterator: AsyncIterator<Uint8Array> = {
    next: () => {
      if (pending === undefined) return rest.next();
      const value = pending;
      pending = undefined;
      return Promise.resolve({ done: false, value });
    },
    return: (value?: unknown) => (rest.return === undefined ? Promise.resolve({ done: true, value }) : rest.return(value)),
  };
  return { [Symbol.asyncIterator]: () => iterator };
}

/** The byte length of a body `writeBody` ends the request with whole; undefined for a stream. */
function wholeLength(body: unknown): number | undefined {
  if (body === undefined || body === null || body === '') return 0;
  if (typeof body === 'string') return Buffer.byteLength(body);
  if (body instanceof Readable) return undefined;
  if (ArrayBuffer.isView(body)) return body.byteLength;
  // Anything else is given to `Buffer.from` by `bodyStream`, which throws for what node would refuse.
  return body instanceof ArrayBuffer || Array.isArray(body) ? Buffer.from(body as ArrayBuffer).length : undefined;
}

/** The chunks of a request that has no body (every GET, HEAD and DELETE), shared. */
const NO_CHUNKS: readonly Uint8Array[] = Object.freeze([]);

async function* bytesOf(source: Readable): BodyStream {
  for await (const chunk of source) yield typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
}
