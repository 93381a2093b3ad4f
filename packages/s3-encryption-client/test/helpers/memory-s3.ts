/**
 * TEST FIXTURE for the unit tests (the same behaviours run against the Strongbox endpoint in
 * the root test/e2e/cse/): a small in-memory S3
 * behind an `S3Client` `requestHandler`, so the tests drive the real `@aws-sdk/client-s3` (its
 * serialisers, checksums, aws-chunked streaming uploads and error parsing) without a network.
 * It answers path-style PUT / GET / HEAD / DELETE of objects (honouring `Range`, including
 * suffix ranges, and `x-amz-meta-*` user metadata, returned RFC 2047-encoded when non-ASCII as S3
 * does) CopyObject (COPY and REPLACE directives, x-amz-copy-source-if-match) and the four multipart calls. It is not an S3 emulator: no auth, no versioning, no listing.
 */

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';

/** A stored object: body bytes and user metadata (keys without `x-amz-meta-`). */
export interface StoredObject {
  body: Uint8Array;
  metadata: Record<string, string>;
}

interface Upload {
  readonly key: string;
  readonly metadata: Record<string, string>;
  readonly parts: Map<number, Uint8Array>;
}

/** A request as the fixture reads it (the SDK's HttpRequest shape). */
export interface FixtureRequest {
  method: string;
  path: string;
  query: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: unknown;
}

/** The fixture's answer. */
export interface FixtureResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Readable;
}

/** The fixture: its objects (bucket/key → object), every request seen, and a client bound to it. */
export interface MemoryS3 {
  readonly objects: Map<string, StoredObject>;
  readonly requests: { method: string; key: string; headers: Record<string, string>; query: Record<string, string | string[] | null> }[];
  readonly client: S3Client;
  /** Puts an object as S3 would store it (raw bytes and metadata), bypassing any client. */
  put(bucket: string, key: string, body: Uint8Array, metadata?: Record<string, string>): void;
  get(bucket: string, key: string): StoredObject | undefined;
  /** The request handler itself (what the client's `requestHandler` calls). */
  handle(request: FixtureRequest): Promise<FixtureResponse>;
}

/** Fixture switches. */
export interface MemoryS3Options {
  /** Answer GETs without Content-Length (as a chunked proxy or gateway may), so readers cannot size the body up front. */
  readonly omitContentLength?: boolean;
}

/** Creates a fresh in-memory S3 and a path-style `S3Client` (maxAttempts 1) bound to it. */
export function memoryS3(options: MemoryS3Options = {}): MemoryS3 {
  const objects = new Map<string, StoredObject>();
  const uploads = new Map<string, Upload>();
  const requests: MemoryS3['requests'] = [];
  let nextUpload = 1;
  const handle = async (request: FixtureRequest): Promise<FixtureResponse> => {
    const [, bucket = '', ...rest] = request.path.split('/');
    const key = rest.map(decodeURIComponent).join('/');
    const headers = lowerCase(request.headers);
    requests.push({ method: request.method, key, headers, query: request.query });
    const id = `${bucket}/${key}`;
    const query = request.query;
    if (request.method === 'POST' && 'uploads' in query) {
      const uploadId = `upload-${nextUpload++}`;
      uploads.set(uploadId, { key: id, metadata: userMetadata(headers), parts: new Map() });
      return xml(
        200,
        `<InitiateMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
      );
    }
    if (typeof query['uploadId'] === 'string') {
      const upload = uploads.get(query['uploadId']);
      if (upload === undefined) return error(404, 'NoSuchUpload', 'The specified upload does not exist.');
      if (request.method === 'PUT') {
        const body = await readBody(request.body, headers);
        upload.parts.set(Number(query['partNumber']), body);
        return { statusCode: 200, headers: { etag: etag(body) }, body: Readable.from([]) };
      }
      if (request.method === 'DELETE') {
        uploads.delete(query['uploadId']);
        return { statusCode: 204, headers: {}, body: Readable.from([]) };
      }
      const body = Buffer.concat([...upload.parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part));
      objects.set(upload.key, { body: new Uint8Array(body), metadata: upload.metadata });
      uploads.delete(query['uploadId']);
      return xml(200, `<CompleteMultipartUploadResult><Bucket>${bucket}</Bucket><Key>${key}</Key><ETag>${etag(body)}</ETag></CompleteMultipartUploadResult>`);
    }
    if (request.method === 'PUT' && headers['x-amz-copy-source'] !== undefined) {
      // CopyObject: x-amz-copy-source is "bucket/key" URL-encoded; COPY (default) keeps the source metadata.
      const from = objects.get(decodeURIComponent(headers['x-amz-copy-source'].replace(/^\//, '').split('?')[0] ?? ''));
      if (from === undefined) return error(404, 'NoSuchKey', 'The specified key does not exist.');
      const ifMatch = headers['x-amz-copy-source-if-match'];
      if (ifMatch !== undefined && ifMatch !== etag(from.body))
        return error(412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      const metadata = headers['x-amz-metadata-directive'] === 'REPLACE' ? userMetadata(headers) : { ...from.metadata };
      objects.set(id, { body: new Uint8Array(from.body), metadata });
      return xml(200, `<CopyObjectResult><ETag>${etag(from.body)}</ETag><LastModified>${new Date(0).toISOString()}</LastModified></CopyObjectResult>`);
    }
    if (request.method === 'PUT') {
      const body = await readBody(request.body, headers);
      objects.set(id, { body, metadata: userMetadata(headers) });
      return { statusCode: 200, headers: { etag: etag(body) }, body: Readable.from([]) };
    }
    if (request.method === 'DELETE') {
      objects.delete(id);
      return { statusCode: 204, headers: {}, body: Readable.from([]) };
    }
    const object = objects.get(id);
    if (object === undefined)
      return request.method === 'HEAD'
        ? { statusCode: 404, headers: {}, body: Readable.from([]) }
        : error(404, 'NoSuchKey', 'The specified key does not exist.', key);
    const meta: Record<string, string> = {};
    for (const [name, value] of Object.entries(object.metadata)) meta[`x-amz-meta-${name}`] = s3MetadataValue(value);
    const size = object.body.length;
    const range = headers['range'] === undefined ? undefined : parseRange(headers['range'], size);
    if (range === 'unsatisfiable') return error(416, 'InvalidRange', 'The requested range is not satisfiable');
    const [first, last] = range ?? [0, size - 1];
    const slice = object.body.subarray(first, last + 1);
    const responseHeaders: Record<string, string> = {
      ...meta,
      etag: etag(object.body),
      'content-length': String(slice.length),
      'content-type': 'application/octet-stream',
      'last-modified': new Date(0).toUTCString(),
    };
    if (range !== undefined) responseHeaders['content-range'] = `bytes ${first}-${last}/${size}`;
    if (options.omitContentLength === true) delete responseHeaders['content-length'];
    return {
      statusCode: range === undefined ? 200 : 206,
      headers: responseHeaders,
      body: Readable.from(request.method === 'HEAD' || slice.length === 0 ? [] : [Buffer.from(slice)]),
    };
  };
  const client = new S3Client({
    region: 'us-east-1',
    endpoint: 'http://s3.fixture.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: FixtureRequest) => ({ response: await handle(request) }),
    } as never,
  });
  return {
    objects,
    requests,
    client,
    put(bucket, key, body, metadata = {}) {
      objects.set(`${bucket}/${key}`, { body: new Uint8Array(body), metadata: { ...metadata } });
    },
    get: (bucket, key) => objects.get(`${bucket}/${key}`),
    handle,
  };
}

/** S3 returns non-ASCII metadata as RFC 2047 B-words over the UTF-8 bytes read as Latin-1 (double encoding). */
export function s3MetadataValue(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  const doubled = Buffer.from(Buffer.from(value, 'utf8').toString('latin1'), 'utf8');
  return `=?UTF-8?B?${doubled.toString('base64')}?=`;
}

function parseRange(header: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header);
  if (match === null) return undefined;
  const [, a = '', b = ''] = match;
  if (a === '') {
    const n = Number(b);
    if (n === 0 || size === 0) return 'unsatisfiable';
    return [Math.max(0, size - n), size - 1];
  }
  const first = Number(a);
  if (first >= size) return 'unsatisfiable';
  return [first, b === '' ? size - 1 : Math.min(Number(b), size - 1)];
}

async function readBody(body: unknown, headers: Record<string, string>): Promise<Uint8Array> {
  let bytes: Buffer;
  if (body === undefined || body === null) bytes = Buffer.alloc(0);
  else if (typeof body === 'string') bytes = Buffer.from(body);
  else if (body instanceof Uint8Array) bytes = Buffer.from(body);
  else {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array | string>) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
    bytes = Buffer.concat(chunks);
  }
  // Streaming uploads with a trailing checksum arrive aws-chunked: "<hex size>\r\n<data>\r\n" ... "0\r\n<trailer>\r\n\r\n".
  if ((headers['content-encoding'] ?? '').includes('aws-chunked')) bytes = decodeAwsChunked(bytes);
  return new Uint8Array(bytes);
}

function decodeAwsChunked(encoded: Buffer): Buffer {
  const out: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = encoded.indexOf('\r\n', offset);
    if (lineEnd < 0) throw new Error('fixture: malformed aws-chunked body');
    const size = Number.parseInt(encoded.subarray(offset, lineEnd).toString('latin1').split(';')[0] ?? '', 16);
    if (!Number.isFinite(size)) throw new Error('fixture: malformed aws-chunked size');
    if (size === 0) return Buffer.concat(out);
    out.push(encoded.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
}

function userMetadata(headers: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) if (name.startsWith('x-amz-meta-')) metadata[name.slice('x-amz-meta-'.length)] = value;
  return metadata;
}

function lowerCase(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}

function etag(body: Uint8Array): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

function xml(statusCode: number, body: string): FixtureResponse {
  return { statusCode, headers: { 'content-type': 'application/xml' }, body: Readable.from([Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`)]) };
}

function error(statusCode: number, code: string, message: string, key?: string): FixtureResponse {
  return xml(
    statusCode,
    `<Error><Code>${code}</Code><Message>${message}</Message>${key === undefined ? '' : `<Key>${key}</Key>`}<RequestId>fixture</RequestId></Error>`,
  );
}
