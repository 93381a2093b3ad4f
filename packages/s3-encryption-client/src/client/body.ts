/**
 * @module
 * Body plumbing between the SDK's types and the content cipher: reading a response body with a
 * size limit, telling in-memory request bodies from streams, and giving plaintext the SDK's
 * `transformToByteArray` / `transformToString` / `transformToWebStream` methods.
 */

import { Readable } from 'node:stream';
import { S3EncryptionClientError } from '../errors.ts';

/** A Node stream with the SDK's stream mixin (what `GetObjectCommandOutput.Body` is under Node). */
export type PlaintextStream = Readable & {
  transformToByteArray(): Promise<Uint8Array>;
  transformToString(encoding?: string): Promise<string>;
  transformToWebStream(): ReadableStream;
};

/**
 * Gives a Node stream the SDK's body methods, each usable once, as the SDK's own.
 *
 * @example
 * ```ts
 * const body = withSdkMixin(Readable.from([plaintext]));
 * await body.transformToString();
 * ```
 */
export function withSdkMixin(stream: Readable): PlaintextStream {
  const mixed = stream as PlaintextStream;
  mixed.transformToByteArray = async () => {
    // A one-chunk body (a buffered GET's plaintext) is handed over as it is, without a copy.
    const chunks = await collect(stream);
    const whole = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks);
    return new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength);
  };
  mixed.transformToString = async (encoding = 'utf-8') => Buffer.concat(await collect(stream)).toString(encoding as BufferEncoding);
  mixed.transformToWebStream = () => Readable.toWeb(stream) as ReadableStream;
  return mixed;
}

/** A one-chunk plaintext stream. */
export function bytesStream(bytes: Uint8Array): PlaintextStream {
  return withSdkMixin(Readable.from(bytes.length === 0 ? [] : [Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]));
}

/**
 * Reads a response body whole, failing as soon as it passes `limit` bytes.
 *
 * @throws S3EncryptionClientError `BufferLimitExceeded` past the limit.
 * @example
 * ```ts
 * const ciphertext = await readAll(response.Body, 64 * 1024 * 1024);
 * ```
 */
export async function readAll(body: unknown, limit: number): Promise<Uint8Array> {
  if (body === undefined || body === null) return new Uint8Array(0);
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of toNodeReadable(body)) {
    // A view, not a copy: the stream hands each chunk over and never writes it again.
    const bytes = chunk as Uint8Array;
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    total += buffer.length;
    if (total > limit) {
      destroy(body);
      throw new S3EncryptionClientError('BufferLimitExceeded', `more than ${limit} bytes`);
    }
    chunks.push(buffer);
  }
  const whole = chunks.length === 1 && chunks[0] !== undefined ? chunks[0] : Buffer.concat(chunks, total);
  return new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength);
}

/** A response or request body as a Node Readable (Readable, web ReadableStream, Blob, bytes, string). */
export function toNodeReadable(body: unknown): Readable {
  if (body instanceof Readable) return body;
  if (typeof body === 'string' || body instanceof Uint8Array) return Readable.from([typeof body === 'string' ? Buffer.from(body) : Buffer.from(body)]);
  if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) return Readable.fromWeb(body as import('node:stream/web').ReadableStream);
  if (typeof Blob !== 'undefined' && body instanceof Blob) return Readable.fromWeb(body.stream() as import('node:stream/web').ReadableStream);
  if (typeof (body as AsyncIterable<unknown>)?.[Symbol.asyncIterator] === 'function') return Readable.from(body as AsyncIterable<unknown>);
  throw new TypeError('"Body" expected a string, Uint8Array, Blob, Readable or ReadableStream');
}

/** Releases a response body that will not be read (so the socket is freed). */
export function destroy(body: unknown): void {
  if (body instanceof Readable) body.destroy();
  else if (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream) void body.cancel().catch(() => undefined);
}

async function collect(stream: Readable): Promise<Buffer[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array));
  return chunks;
}
