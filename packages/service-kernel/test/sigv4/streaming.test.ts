/**
 * aws-chunked bodies: AWS's own signed example (SigV4 streaming reference: 66560 bytes of `a` in
 * 64 KiB chunks, seed and chunk signatures as published) verifies through the S3-mode
 * authenticator and the decoder; what `@aws-sdk/client-s3` PutObject really sends with its default
 * checksums (a stream body: STREAMING-UNSIGNED-PAYLOAD-TRAILER with an x-amz-checksum-crc32
 * trailer) decodes to the body; any chunking of any body, split any way on the wire, decodes to
 * the body; any single changed byte of a signed body is refused; truncation and lying lengths are
 * refused before the stream ends.
 */

import { createHash, createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { Crc32 } from '@aws-crypto/crc32';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as SdkRequest } from '@smithy/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AwsChunkedForm,
  authenticatedBody,
  type ChunkSigningContext,
  createSigV4Authenticator,
  decodeAwsChunked,
  type HttpRequest,
  ManualClock,
  NO_USERS,
  parseUsers,
  ServiceError,
  withDefaultUser,
} from '../../src/index.ts';

const EXAMPLE_KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const EXAMPLE_USERS = parseUsers({ users: [{ ...EXAMPLE_KEY, principal: 'arn:aws:iam::111122223333:user/example' }] });
const EMPTY_SHA256 = createHash('sha256').digest('hex');

function authenticator(users = EXAMPLE_USERS, now = Date.UTC(2013, 4, 24)) {
  return createSigV4Authenticator({
    users,
    strict: true,
    account: '111122223333',
    region: 'us-east-1',
    service: 's3',
    clock: new ManualClock(now),
    payloadMode: 's3',
  });
}

async function* pieces(bytes: Uint8Array, cuts: readonly number[] = []): AsyncGenerator<Uint8Array> {
  let start = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    if (cut <= start || cut >= bytes.length) continue;
    yield bytes.subarray(start, cut);
    start = cut;
  }
  if (start < bytes.length) yield bytes.subarray(start);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of source) chunks.push(chunk);
  return Buffer.concat(chunks);
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ServiceError)) throw new Error(`expected a ServiceError, got ${String(error)}`);
  return error;
}

/** A test-side oracle for chunk signatures, written from the SigV4 streaming reference (independent of the code under test). */
function referenceSigner(secret: string, date: string, region: string): (stringToSign: string) => string {
  const key = ['aws4_request'].reduce(
    (k, part) => createHmac('sha256', k).update(part).digest(),
    ['s3'].reduce(
      (k, part) => createHmac('sha256', k).update(part).digest(),
      createHmac('sha256', createHmac('sha256', `AWS4${secret}`).update(date.slice(0, 8)).digest())
        .update(region)
        .digest(),
    ),
  );
  return (stringToSign) => createHmac('sha256', key).update(stringToSign).digest('hex');
}

interface Encoding {
  readonly form: AwsChunkedForm;
  readonly chunkSizes: readonly number[];
  readonly trailers?: readonly (readonly [string, string])[];
  /** Signs chunk and trailer strings (signed forms). */
  readonly sign?: (stringToSign: string) => string;
  readonly signing?: Pick<ChunkSigningContext, 'seedSignature' | 'amzDate' | 'scope'>;
}

/** Encodes `body` as a client would, chunk sizes as given (the rest in one last chunk). */
function encode(body: Uint8Array, encoding: Encoding): Buffer {
  const parts: Buffer[] = [];
  let previous = encoding.signing?.seedSignature ?? '';
  const signChunk = (data: Uint8Array): string => {
    if (!encoding.sign || !encoding.signing) return '';
    const { amzDate, scope } = encoding.signing;
    previous = encoding.sign(['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, createHash('sha256').update(data).digest('hex')].join('\n'));
    return `;chunk-signature=${previous}`;
  };
  const signed = encoding.form !== 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
  let offset = 0;
  const sizes = [...encoding.chunkSizes.filter((size) => size > 0)];
  while (offset < body.length) {
    const size = Math.min(sizes.shift() ?? body.length, body.length - offset);
    const data = body.subarray(offset, offset + size);
    parts.push(Buffer.from(`${size.toString(16)}${signed ? signChunk(data) : ''}\r\n`), Buffer.from(data), Buffer.from('\r\n'));
    offset += size;
  }
  parts.push(Buffer.from(`0${signed ? signChunk(new Uint8Array()) : ''}\r\n`));
  let trailerText = '';
  for (const [name, value] of encoding.trailers ?? []) {
    parts.push(Buffer.from(`${name}:${value}\r\n`));
    trailerText += `${name}:${value}\n`;
  }
  if (encoding.form === 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' && encoding.sign && encoding.signing) {
    const { amzDate, scope } = encoding.signing;
    const signature = encoding.sign(['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, createHash('sha256').update(trailerText).digest('hex')].join('\n'));
    parts.push(Buffer.from(`x-amz-trailer-signature:${signature}\r\n`));
  }
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

describe("AWS's published example (STREAMING-AWS4-HMAC-SHA256-PAYLOAD)", () => {
  const amzDate = '20130524T000000Z';
  const body = Buffer.alloc(66_560, 'a');
  const headers = {
    host: 's3.amazonaws.com',
    'x-amz-date': amzDate,
    'x-amz-storage-class': 'REDUCED_REDUNDANCY',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': '66560',
    'content-length': '66824',
    authorization:
      'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
  };
  const request: HttpRequest = { method: 'PUT', path: '/examplebucket/chunkObject.txt', headers, body: new Uint8Array() };
  // The framed body as published: the chunk signatures are AWS's.
  const framed = Buffer.concat([
    Buffer.from('10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n'),
    body.subarray(0, 65_536),
    Buffer.from('\r\n400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n'),
    body.subarray(65_536),
    Buffer.from('\r\n0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n'),
  ]);

  it('verifies the seed signature and every chunk signature, and decodes to the 66560 bytes', async () => {
    expect(framed.length).toBe(66_824);
    const identity = await authenticator()(request);
    expect(identity?.payload?.chunkSigning?.seedSignature).toBe('4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
    const decoded = await collect(authenticatedBody(pieces(framed, [7, 100, 65_600]), headers, identity?.payload));
    expect(decoded.equals(body)).toBe(true);
  });

  it('refuses the body when one chunk signature is replaced by another chunk’s (a broken chain)', async () => {
    const identity = await authenticator()(request);
    const swapped = Buffer.from(
      framed
        .toString('latin1')
        .replace('ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648', '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497'),
      'latin1',
    );
    const error = await failure(collect(authenticatedBody(pieces(swapped), headers, identity?.payload)));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
  });
});

/** A request signed now with the SDK's signer for a streaming form, verified: its chunk-signing context. */
async function signedStreamingRequest(form: AwsChunkedForm, decodedLength: number, trailer?: string) {
  const now = Date.UTC(2026, 0, 2, 3, 4, 5);
  const signer = new SignatureV4({ service: 's3', region: 'eu-west-1', credentials: EXAMPLE_KEY, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const headers: Record<string, string> = {
    host: 'bucket.s3.localhost',
    'x-amz-content-sha256': form,
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(decodedLength),
    ...(trailer ? { 'x-amz-trailer': trailer } : {}),
  };
  const signed = await signer.sign(
    { method: 'PUT', protocol: 'http:', hostname: 'bucket.s3.localhost', path: '/key', headers },
    { signingDate: new Date(now) },
  );
  const request: HttpRequest = { method: 'PUT', path: '/key', headers: signed.headers as Record<string, string>, body: new Uint8Array() };
  const identity = await authenticator(EXAMPLE_USERS, now)(request);
  const context = identity?.payload?.chunkSigning;
  if (context === undefined) throw new Error('no chunk-signing context');
  return { request, identity, context, sign: referenceSigner(EXAMPLE_KEY.secretAccessKey, context.amzDate, 'eu-west-1') };
}

describe('S3 header signatures', () => {
  it('refuses a request signed with another secret with the string to sign the client signed', async () => {
    const now = Date.UTC(2026, 0, 2, 3, 4, 5);
    const client = new SignatureV4({
      service: 's3',
      region: 'eu-west-1',
      credentials: { ...EXAMPLE_KEY, secretAccessKey: 'wrong' },
      sha256: Hash.bind(null, 'sha256'),
      uriEscapePath: false,
    });
    const headers = { host: 'bucket.s3.localhost', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
    const signed = await client.sign(
      { method: 'PUT', protocol: 'http:', hostname: 'bucket.s3.localhost', path: '/a%20b', headers },
      { signingDate: new Date(now) },
    );
    const request: HttpRequest = { method: 'PUT', path: '/a%20b', headers: signed.headers as Record<string, string>, body: new Uint8Array() };
    const error = await failure(authenticator(EXAMPLE_USERS, now)(request));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    const fields = new Map(error.fields);
    expect(fields.get('CanonicalRequest')?.split('\n').slice(0, 2)).toEqual(['PUT', '/a%20b']);
    expect(await client.sign(fields.get('StringToSign') ?? '', { signingDate: new Date(now) })).toBe(fields.get('SignatureProvided'));
  });
});

describe('signed chunks and trailers, any chunking', () => {
  it('decodes any body cut into any chunks and split any way on the wire (signed, with and without a signed trailer)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 3000 }),
        fc.array(fc.integer({ min: 1, max: 1200 }), { maxLength: 6 }),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 8 }),
        fc.boolean(),
        async (body, chunkSizes, cuts, withTrailer) => {
          const form = withTrailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
          const trailer = withTrailer ? 'x-amz-checksum-crc32' : undefined;
          const { request, identity, context, sign } = await signedStreamingRequest(form, body.length, trailer);
          const trailers = withTrailer ? ([['x-amz-checksum-crc32', 'AAAAAA==']] as const) : [];
          const framed = encode(body, { form, chunkSizes, trailers, sign, signing: context });
          const decoded = authenticatedBody(pieces(framed, cuts), request.headers, identity?.payload);
          expect((await collect(decoded)).equals(Buffer.from(body))).toBe(true);
          if ('trailers' in decoded && withTrailer) expect(decoded.trailers().get('x-amz-checksum-crc32')).toBe('AAAAAA==');
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses any single changed byte of a signed body that changes what it says, wherever it is', async () => {
    const body = Buffer.from('The quick brown fox jumps over the lazy dog, twice over: the quick brown fox.');
    const form = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER';
    const { request, identity, context, sign } = await signedStreamingRequest(form, body.length, 'x-amz-checksum-crc32');
    const framed = encode(body, { form, chunkSizes: [20, 30], trailers: [['x-amz-checksum-crc32', 'AAAAAA==']], sign, signing: context });
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: framed.length - 1 }), fc.integer({ min: 1, max: 255 }), async (index, delta) => {
        const changed = Buffer.from(framed);
        changed[index] = ((changed[index] ?? 0) + delta) % 256;
        const decoded = authenticatedBody(pieces(changed, [index]), request.headers, identity?.payload);
        const outcome = await collect(decoded).then(
          (bytes) => bytes,
          (error: unknown) => error,
        );
        if (outcome instanceof ServiceError) return;
        // Accepted only when the change says the same thing: the case of a hex chunk size or of a
        // trailer name (both case-insensitive); the body and trailers are then exactly the signed ones.
        expect(String.fromCharCode(changed[index] ?? 0).toLowerCase()).toBe(String.fromCharCode(framed[index] ?? 0).toLowerCase());
        expect(outcome).toEqual(body);
        expect('trailers' in decoded && [...decoded.trailers()]).toEqual([['x-amz-checksum-crc32', 'AAAAAA==']]);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a body truncated at any length before its end', async () => {
    const body = Buffer.from('0123456789abcdefghij');
    const form = 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD';
    const { request, identity, context, sign } = await signedStreamingRequest(form, body.length);
    const framed = encode(body, { form, chunkSizes: [8], sign, signing: context });
    for (let length = 0; length < framed.length; length++) {
      const error = await failure(collect(authenticatedBody(pieces(framed.subarray(0, length)), request.headers, identity?.payload)));
      expect(['IncompleteBody', 'InvalidRequest', 'SignatureDoesNotMatch']).toContain(error.code);
    }
  });

  it('refuses a signed chunk that carries no signature', async () => {
    const { request, identity } = await signedStreamingRequest('STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 3);
    const error = await failure(collect(authenticatedBody(pieces(Buffer.from('3\r\nabc\r\n0\r\n\r\n')), request.headers, identity?.payload)));
    expect(error.code).toBe('SignatureDoesNotMatch');
  });
});

describe('x-amz-decoded-content-length and trailers', () => {
  const unsigned = (body: string, decodedContentLength: string | undefined, trailer?: string) =>
    decodeAwsChunked(pieces(Buffer.from(body)), { form: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', decodedContentLength, trailer });

  it('answers a missing decoded length with 411 MissingContentLength, at once', () => {
    expect(() => unsigned('0\r\n\r\n', undefined)).toThrow(expect.objectContaining({ code: 'MissingContentLength', status: 411 }));
  });

  it('refuses a body shorter than promised with IncompleteBody, and a longer one before it is passed on', async () => {
    const short = await failure(collect(unsigned('3\r\nabc\r\n0\r\n\r\n', '4')));
    expect(short).toMatchObject({
      code: 'IncompleteBody',
      status: 400,
      message: 'You did not provide the number of bytes specified by the Content-Length HTTP header.',
    });
    const chunks: Uint8Array[] = [];
    const long = await failure(
      (async () => {
        for await (const chunk of unsigned('5\r\nabcde\r\n0\r\n\r\n', '4')) chunks.push(chunk);
      })(),
    );
    expect(long.code).toBe('InvalidRequest');
    expect(chunks).toEqual([]);
  });

  it('refuses a chunk whose size lies about its data, and data after the end', async () => {
    await expect(collect(unsigned('2\r\nabc\r\n0\r\n\r\n', '3'))).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(collect(unsigned('3\r\nabc\r\n0\r\n\r\nmore', '3'))).rejects.toMatchObject({ code: 'InvalidRequest' });
    await expect(collect(unsigned('z\r\nabc\r\n0\r\n\r\n', '3'))).rejects.toMatchObject({ code: 'InvalidRequest' });
  });

  it('exposes the promised trailers after the end, refusing missing or unpromised ones with MalformedTrailerError', async () => {
    const body = unsigned('3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n', '3', 'x-amz-checksum-crc32');
    expect(() => body.trailers()).toThrow(/once the body has been read/);
    expect((await collect(body)).toString()).toBe('abc');
    expect([...body.trailers()]).toEqual([['x-amz-checksum-crc32', 'NSRBwg==']]);
    await expect(collect(unsigned('3\r\nabc\r\n0\r\n\r\n', '3', 'x-amz-checksum-crc32'))).rejects.toMatchObject({ code: 'MalformedTrailerError' });
    await expect(collect(unsigned('3\r\nabc\r\n0\r\nx-amz-meta-a:b\r\n\r\n', '3', 'x-amz-checksum-crc32'))).rejects.toMatchObject({
      code: 'MalformedTrailerError',
    });
  });

  it('passes UNSIGNED-PAYLOAD through and checks a signed hex SHA-256 at the end (XAmzContentSHA256Mismatch)', async () => {
    const data = Buffer.from('payload');
    const sha = createHash('sha256').update(data).digest('hex');
    expect((await collect(authenticatedBody(pieces(data), {}, { contentSha256: 'UNSIGNED-PAYLOAD' }))).toString()).toBe('payload');
    expect((await collect(authenticatedBody(pieces(data), {}, { contentSha256: sha }))).toString()).toBe('payload');
    const error = await failure(collect(authenticatedBody(pieces(Buffer.from('payloaD')), {}, { contentSha256: sha })));
    expect(error).toMatchObject({ code: 'XAmzContentSHA256Mismatch', status: 400 });
    expect(error.fields[0]).toEqual(['ClientComputedContentSHA256', sha]);
  });
});

describe('what @aws-sdk/client-s3 sends with its default checksums', () => {
  /** Runs PutObject against a request handler that keeps the request and its body bytes. */
  async function capturePut(body: Uint8Array, chunks: number): Promise<{ request: SdkRequest; bytes: Buffer }> {
    let captured: { request: SdkRequest; bytes: Buffer } | undefined;
    const client = new S3Client({
      endpoint: 'http://127.0.0.1:4566',
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      requestHandler: {
        async handle(request: SdkRequest) {
          captured = { request, bytes: await collect(request.body as AsyncIterable<Uint8Array>) };
          return { response: { statusCode: 200, headers: { etag: '"x"' }, body: Readable.from([]) } };
        },
      },
    });
    const size = Math.ceil(body.length / chunks);
    const parts = Array.from({ length: chunks }, (_, index) => Buffer.from(body.subarray(index * size, (index + 1) * size)));
    await client.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: Readable.from(parts), ContentLength: body.length }));
    client.destroy();
    if (captured === undefined) throw new Error('nothing sent');
    return captured;
  }

  it('decodes a streamed PutObject body and its x-amz-checksum-crc32 trailer, verified against the SDK signature', async () => {
    const body = Buffer.from(Array.from({ length: 50_000 }, (_, index) => index % 251));
    const { request, bytes } = await capturePut(body, 5);
    const headers = Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]));
    expect(headers['x-amz-content-sha256']).toBe('STREAMING-UNSIGNED-PAYLOAD-TRAILER');
    expect(headers['x-amz-trailer']).toBe('x-amz-checksum-crc32');
    const identity = await authenticator(
      withDefaultUser(NO_USERS, '111122223333'),
      Date.now(),
    )({
      method: request.method,
      path: `${request.path}?x-id=PutObject`,
      headers,
      body: new Uint8Array(),
    });
    expect(identity?.payload).toEqual({ contentSha256: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' });
    const decoded = authenticatedBody(pieces(bytes, [3, 4096, 20_000]), headers, identity?.payload);
    expect((await collect(decoded)).equals(body)).toBe(true);
    const crc = new Crc32().update(body).digest() >>> 0;
    const expected = Buffer.alloc(4);
    expected.writeUInt32BE(crc);
    expect('trailers' in decoded && decoded.trailers().get('x-amz-checksum-crc32')).toBe(expected.toString('base64'));
  });
});

describe('a presigned URL that signs a STREAMING payload', () => {
  const now = Date.UTC(2026, 11, 6, 5, 0, 0);
  const amzDate = '20261206T050000Z';
  const body = Buffer.from('hello, chunked');
  const headers = {
    host: 'bucket.s3.localhost',
    'content-encoding': 'aws-chunked',
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'x-amz-decoded-content-length': String(body.length),
  };

  async function presignedPut(): Promise<{ request: HttpRequest; seed: string }> {
    const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials: EXAMPLE_KEY, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
    const signed = await signer.presign(
      { method: 'PUT', protocol: 'http:', hostname: headers.host, path: '/k', query: {}, headers },
      { expiresIn: 600, signingDate: new Date(now), unhoistableHeaders: new Set(Object.keys(headers)) },
    );
    const query = signed.query as Record<string, string>;
    expect(query['X-Amz-SignedHeaders']).toBe('content-encoding;host;x-amz-content-sha256;x-amz-decoded-content-length');
    return {
      request: { method: 'PUT', path: `/k?${new URLSearchParams(query).toString()}`, headers, body: new Uint8Array() },
      seed: query['X-Amz-Signature'] ?? '',
    };
  }

  it('verifies its chunk signatures, chained from X-Amz-Signature: made-up ones are SignatureDoesNotMatch, real ones decode', async () => {
    const { request, seed } = await presignedPut();
    const identity = await authenticator(EXAMPLE_USERS, now)(request);
    expect(identity?.payload?.chunkSigning).toMatchObject({ seedSignature: seed, amzDate, scope: '20261206/us-east-1/s3/aws4_request' });
    const forged = encode(body, {
      form: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      chunkSizes: [5],
      sign: () => '0'.repeat(64),
      signing: { seedSignature: seed, amzDate, scope: '' },
    });
    const refused = await failure(collect(authenticatedBody(pieces(forged), headers, identity?.payload)));
    expect([refused.code, refused.status]).toEqual(['SignatureDoesNotMatch', 403]);
    const signing = { seedSignature: seed, amzDate, scope: '20261206/us-east-1/s3/aws4_request' };
    const genuine = encode(body, {
      form: 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      chunkSizes: [5],
      sign: referenceSigner(EXAMPLE_KEY.secretAccessKey, amzDate, 'us-east-1'),
      signing,
    });
    expect((await collect(authenticatedBody(pieces(genuine), headers, identity?.payload))).equals(body)).toBe(true);
  });
});
