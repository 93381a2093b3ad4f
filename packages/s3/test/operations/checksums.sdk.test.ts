/**
 * The pieces a PutObject from the official SDK goes through, end to end without a socket: what
 * `@aws-sdk/client-s3` sends with its default checksums (a stream body: aws-chunked with an
 * `x-amz-checksum-crc32` trailer; a byte body: an `x-amz-checksum-crc32` header) is authenticated
 * by the kernel in S3 mode, decoded by `authenticatedBody`, and stored by the engine, which checks
 * the SDK's checksum over the plaintext and returns it on a checksum-mode GET. A body altered after
 * signing is refused and nothing is stored.
 */

import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { authenticatedBody, createSigV4Authenticator, NO_USERS, ObservedBody, withDefaultUser } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, type PutObjectRequest, S3 } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'data' });
});
afterEach(() => s3.close());

const ACCOUNT = '000000000000';
const authenticate = createSigV4Authenticator({
  users: withDefaultUser(NO_USERS, ACCOUNT),
  strict: true,
  account: ACCOUNT,
  region: 'us-east-1',
  service: 's3',
  payloadMode: 's3',
});

/** What the SDK sends for `body` (its default checksum settings), with the body's bytes. */
async function sdkRequest(body: Buffer | Readable, contentLength: number): Promise<{ headers: Record<string, string>; path: string; bytes: Buffer }> {
  let captured: { headers: Record<string, string>; path: string; bytes: Buffer } | undefined;
  const client = new S3Client({
    endpoint: 'http://127.0.0.1:4566',
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: {
      async handle(request: { headers: Record<string, string>; path: string; query?: Record<string, unknown>; body?: unknown }) {
        const chunks: Uint8Array[] = [];
        const sent = request.body as AsyncIterable<Uint8Array> | Uint8Array | string | undefined;
        if (sent instanceof Uint8Array || typeof sent === 'string') chunks.push(Buffer.from(sent));
        else if (sent !== undefined) for await (const chunk of sent) chunks.push(chunk);
        const headers: Record<string, string> = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
        const query = new URLSearchParams(request.query as Record<string, string>).toString();
        captured = { headers, path: `${request.path}${query ? `?${query}` : ''}`, bytes: Buffer.concat(chunks) };
        return { response: { statusCode: 200, headers: { etag: '"x"' }, body: Readable.from([]) } };
      },
    },
  });
  await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: body, ContentLength: contentLength }));
  client.destroy();
  if (captured === undefined) throw new Error('nothing sent');
  return captured;
}

/**
 * The engine's PutObject for a captured request, as the wire layer maps it: the body streamed
 * (a socket's), or held whole (`held`: the in-process handler's byte body), with `extra` members.
 */
async function put(request: { headers: Record<string, string>; path: string; bytes: Buffer }, held = false, extra: Partial<PutObjectRequest> = {}) {
  const identity = await authenticate({ method: 'PUT', path: request.path, headers: request.headers, body: new Uint8Array() });
  const source = held ? ObservedBody.of([request.bytes]) : Readable.from([request.bytes]);
  const body = authenticatedBody(source, request.headers, identity?.payload);
  const algorithm = request.headers['x-amz-sdk-checksum-algorithm'];
  return s3.putObject({
    Bucket: 'data',
    Key: 'k',
    Body: body,
    ...(algorithm === undefined ? {} : { ChecksumAlgorithm: algorithm }),
    ...(request.headers['x-amz-checksum-crc32'] === undefined ? {} : { ChecksumCRC32: request.headers['x-amz-checksum-crc32'] }),
    ...extra,
  });
}

describe('the SDK’s default checksums through the kernel and the engine', () => {
  it('answers a body the kernel refuses as it is read with the kernel’s S3 error, not InternalError', async () => {
    const request = await sdkRequest(Readable.from([Buffer.from('abc')]), 3);
    const truncated = { ...request, bytes: request.bytes.subarray(0, request.bytes.length - 8) };
    const error = await catchS3Async(() => put(truncated));
    expect([error.code, error.status]).toEqual(['IncompleteBody', 400]);
  });

  const payload = Buffer.from(Array.from({ length: 70_000 }, (_, index) => (index * 7) % 256));

  it('a stream body: aws-chunked with a CRC32 trailer, stored and returned with ChecksumMode ENABLED', async () => {
    const request = await sdkRequest(Readable.from([payload.subarray(0, 30_000), payload.subarray(30_000)]), payload.length);
    expect(request.headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    const crc = await checksumOf('CRC32', payload);
    expect(await put(request)).toMatchObject({ ChecksumCRC32: crc, ChecksumType: 'FULL_OBJECT' });
    const got = await s3.getObject({ Bucket: 'data', Key: 'k', ChecksumMode: 'ENABLED' });
    expect(got.ChecksumCRC32).toBe(crc);
    expect(Buffer.from(await got.Body.transformToByteArray()).equals(payload)).toBe(true);
  });

  it('a byte body: the x-amz-checksum-crc32 header and a signed SHA-256', async () => {
    const request = await sdkRequest(payload, payload.length);
    expect(request.headers['x-amz-content-sha256']).toMatch(/^[0-9a-f]{64}$/);
    expect(await put(request)).toMatchObject({ ChecksumCRC32: await checksumOf('CRC32', payload) });
  });

  it('refuses a stream body changed after the SDK sent it, storing nothing (BadDigest)', async () => {
    const request = await sdkRequest(Readable.from([payload]), payload.length);
    const bytes = Buffer.from(request.bytes);
    // A data byte (after the first chunk header line): the trailer CRC no longer matches.
    const firstLineEnd = bytes.indexOf('\r\n');
    bytes[firstLineEnd + 10] = (bytes[firstLineEnd + 10] ?? 0) ^ 0xff;
    const error = await catchS3Async(() => put({ ...request, bytes }));
    expect([error.code, error.message]).toEqual(['BadDigest', 'The CRC32 you specified did not match the calculated checksum.']);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
  });

  it('refuses a byte body changed after signing with XAmzContentSHA256Mismatch, storing nothing', async () => {
    const request = await sdkRequest(payload, payload.length);
    const bytes = Buffer.from(request.bytes);
    bytes[5] = (bytes[5] ?? 0) ^ 0xff;
    const error = await catchS3Async(() => put({ ...request, bytes }));
    expect([error.code, error.status, error.message]).toEqual([
      'XAmzContentSHA256Mismatch',
      400,
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    ]);
    expect(error.fields[0]?.[0]).toBe('ClientComputedContentSHA256');
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
  });

  // The body's checks observe one pass (`ObservedBody`), in the order the stages they replaced ran:
  // the signed SHA-256, then the checksum, then (once the body has ended) the Content-MD5.
  for (const held of [false, true]) {
    const form = held ? 'held whole (the in-process handler)' : 'streamed';
    it(`a ${form} body changed after signing fails XAmzContentSHA256Mismatch before its CRC32, storing nothing`, async () => {
      const request = await sdkRequest(payload, payload.length);
      const bytes = Buffer.from(request.bytes);
      bytes[5] = (bytes[5] ?? 0) ^ 0xff;
      const error = await catchS3Async(() => put({ ...request, bytes }, held, { ContentMD5: Buffer.alloc(16).toString('base64') }));
      expect(error.code).toBe('XAmzContentSHA256Mismatch');
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
    });

    it(`a ${form} body with its SHA-256 right fails its wrong CRC32 before its wrong Content-MD5, storing nothing`, async () => {
      const request = await sdkRequest(payload, payload.length);
      const wrongCrc = await checksumOf('CRC32', Buffer.from('other'));
      const error = await catchS3Async(() => put(request, held, { ChecksumCRC32: wrongCrc, ContentMD5: Buffer.alloc(16).toString('base64') }));
      expect([error.code, error.message]).toEqual(['BadDigest', 'The CRC32 you specified did not match the calculated checksum.']);
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
    });

    it(`a ${form} body with its SHA-256 and CRC32 right fails a wrong Content-MD5, storing nothing`, async () => {
      const request = await sdkRequest(payload, payload.length);
      const error = await catchS3Async(() => put(request, held, { ContentMD5: Buffer.alloc(16).toString('base64') }));
      expect(error.code).toBe('BadDigest');
      expect(error.message).not.toContain('CRC32');
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
    });

    it(`a ${form} body with every check right is stored and read back`, async () => {
      const request = await sdkRequest(payload, payload.length);
      const md5 = createHash('md5').update(payload).digest('base64');
      await put(request, held, { ContentMD5: md5 });
      const got = await s3.getObject({ Bucket: 'data', Key: 'k' });
      expect(Buffer.from(await got.Body.transformToByteArray()).equals(payload)).toBe(true);
    });
  }
});
