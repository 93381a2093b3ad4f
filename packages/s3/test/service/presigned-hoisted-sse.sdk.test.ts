/**
 * Presigned URLs whose server-side-encryption headers were hoisted into the query string, made by
 * the official `@aws-sdk/s3-request-presigner` (`getSignedUrl(client, command, { hoistableHeaders })`,
 * smithy-lang/smithy-typescript#1421) or, for the JavaScript SDK v2 form (the header named in
 * X-Amz-SignedHeaders, its value only in the query), by `@smithy/signature-v4`; then opened on the
 * REST handler under strict SigV4 as a browser would (in process, or with `fetch` over a socket).
 * S3 reads `x-amz-server-side-encryption`, `…-aws-kms-key-id` and the SSE-C trio from such a
 * URL; the context and the bucket-key flag stay ignored (UNCONFIRMED, see hoisted-headers.ts).
 */

import { randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as SdkHttpRequest } from '@smithy/types';
import { Kms } from '@strongbox/kms';
import type { BodyStream } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { CREDENTIALS, inProcessClient, listen, REGION, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const SSE = 'x-amz-server-side-encryption';
const KEY_ID = 'x-amz-server-side-encryption-aws-kms-key-id';
const CONTEXT = 'x-amz-server-side-encryption-context';
const BUCKET_KEY = 'x-amz-server-side-encryption-bucket-key-enabled';
const SSE_C = ['x-amz-server-side-encryption-customer-algorithm', 'x-amz-server-side-encryption-customer-key', 'x-amz-server-side-encryption-customer-key-md5'];

let kms: Kms;
let engine: WireEngine;
let client: S3Client;
let keyArn: string;

beforeEach(async () => {
  kms = new Kms({});
  engine = wireEngine({ strict: true, engine: { kms, auditTrail: kms.auditTrail } });
  client = inProcessClient(engine.handler);
  keyArn = (await kms.createKey({})).KeyMetadata?.Arn ?? '';
  await client.send(new CreateBucketCommand({ Bucket: 'data' }));
  await client.send(new PutBucketEncryptionCommand({ Bucket: 'data', ...ALLOW_SSE_C }));
});
afterEach(async () => {
  client.destroy();
  await engine.close();
  await kms.close();
});

const body = new Uint8Array(randomBytes(1000));
const context = Buffer.from(JSON.stringify({ team: 'a' })).toString('base64');

/** A presigned PutObject of `data/k` with `hoisted` moved into the query. */
function presignPut(input: Partial<ConstructorParameters<typeof PutObjectCommand>[0]>, hoisted: readonly string[], key = 'k'): Promise<string> {
  return getSignedUrl(client, new PutObjectCommand({ Bucket: 'data', Key: key, ...input }), { hoistableHeaders: new Set(hoisted) });
}

/** Opens a URL on the in-process handler as a client would (over TLS for `https:` URLs). */
async function open(
  url: string,
  method: string,
  options: { body?: Uint8Array; headers?: Record<string, string>; secure?: boolean } = {},
): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const { host, pathname, search, protocol } = new URL(url);
  const bytes = options.body ?? new Uint8Array();
  const stream: BodyStream = (async function* () {
    if (bytes.length > 0) yield bytes;
  })();
  const headers: Record<string, string> = { host, ...(method === 'PUT' ? { 'content-length': String(bytes.length) } : {}), ...options.headers };
  const response = await engine.handler({ method, path: pathname + search, headers, body: stream, secure: options.secure ?? protocol === 'https:' });
  const chunks: Buffer[] = [];
  if (typeof response.body === 'string' || response.body instanceof Uint8Array) chunks.push(Buffer.from(response.body));
  else for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
  return { status: response.status, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') };
}

/** `<Name>value</Name>` of an S3 error document. */
function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** The query parameter names of a URL (what was hoisted) and its X-Amz-SignedHeaders. */
function shape(url: string): { names: string[]; signed: string } {
  const query = new URL(url).searchParams;
  return { names: [...query.keys()], signed: query.get('X-Amz-SignedHeaders') ?? '' };
}

async function head(key = 'k', input: Partial<ConstructorParameters<typeof HeadObjectCommand>[0]> = {}) {
  return client.send(new HeadObjectCommand({ Bucket: 'data', Key: key, ...input }));
}

describe('SSE-KMS hoisted by getSignedUrl', () => {
  it('encrypts under the key the query names, as the header would; the response echoes it', async () => {
    const url = await presignPut({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn }, [SSE, KEY_ID]);
    expect(shape(url).names).toEqual(expect.arrayContaining([SSE, KEY_ID]));
    expect(shape(url).signed).toBe('host');
    const put = await open(url, 'PUT', { body });
    expect([put.status, put.headers[SSE], put.headers[KEY_ID]]).toEqual([200, 'aws:kms', keyArn]);
    const stored = await head();
    expect([stored.ServerSideEncryption, stored.SSEKMSKeyId]).toEqual(['aws:kms', keyArn]);
    const read = await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect(Buffer.from(await read.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
  });

  it('a hoisted context is ignored (UNCONFIRMED: S3 was reported to ignore it), the object still SSE-KMS', async () => {
    const url = await presignPut({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, SSEKMSEncryptionContext: context }, [SSE, KEY_ID, CONTEXT]);
    expect(shape(url).names).toContain(CONTEXT);
    const put = await open(url, 'PUT', { body });
    expect([put.status, put.headers[SSE], put.headers[CONTEXT]]).toEqual([200, 'aws:kms', undefined]);
    // The same context sent as a signed header is used and echoed.
    const signed = await presignPut({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, SSEKMSEncryptionContext: context }, [SSE, KEY_ID], 'k2');
    expect(shape(signed).signed.split(';')).toContain(CONTEXT);
    const withHeader = await open(signed, 'PUT', { body, headers: { [CONTEXT]: context } });
    expect([withHeader.status, withHeader.headers[CONTEXT]]).toEqual([200, context]);
  });

  it('a hoisted bucket-key flag is ignored (UNCONFIRMED: no report either way); signed as a header it is used', async () => {
    const url = await presignPut({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, BucketKeyEnabled: true }, [SSE, KEY_ID, BUCKET_KEY]);
    expect(shape(url).names).toContain(BUCKET_KEY);
    const put = await open(url, 'PUT', { body });
    expect([put.status, put.headers[SSE], put.headers[BUCKET_KEY]]).toEqual([200, 'aws:kms', undefined]);
    expect((await head()).BucketKeyEnabled).toBeUndefined();
    const signed = await presignPut({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn, BucketKeyEnabled: true }, [SSE, KEY_ID], 'k2');
    const withHeader = await open(signed, 'PUT', { body, headers: { [BUCKET_KEY]: 'true' } });
    expect([withHeader.status, withHeader.headers[BUCKET_KEY]]).toEqual([200, 'true']);
    expect((await head('k2')).BucketKeyEnabled).toBe(true);
  });

  it('over plain HTTP (a real socket and fetch) the hoisted aws:kms is refused as the header is: nothing stored', async () => {
    const server = await listen(engine.handler);
    const plain = inProcessClient(engine.handler, { endpoint: server.url });
    try {
      const url = await getSignedUrl(plain, new PutObjectCommand({ Bucket: 'data', Key: 'k', ServerSideEncryption: 'aws:kms' }), {
        hoistableHeaders: new Set([SSE]),
      });
      expect(url.startsWith('http://127.0.0.1:')).toBe(true);
      const response = await fetch(url, { method: 'PUT', body });
      const text = await response.text();
      expect([response.status, element(text, 'Code'), element(text, 'Message')]).toEqual([
        400,
        'InvalidArgument',
        'Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a secure connection.',
      ]);
      expect((await sdkError(head())).$metadata.httpStatusCode).toBe(404);
    } finally {
      plain.destroy();
      await server.close();
    }
  });
});

describe('SSE-C hoisted by getSignedUrl', () => {
  it('PUT and GET with the trio only in the query: stored under the key, readable only with it', async () => {
    const trio = sseC();
    const url = await presignPut({ ...members(trio) }, SSE_C);
    expect(shape(url).names).toEqual(expect.arrayContaining(SSE_C));
    expect(shape(url).signed).toBe('host');
    const put = await open(url, 'PUT', { body });
    expect([put.status, put.headers['x-amz-server-side-encryption-customer-algorithm'], put.headers[SSE]]).toEqual([200, 'AES256', undefined]);
    expect((await sdkError(head())).$metadata.httpStatusCode).toBe(400);
    expect((await head('k', members(trio))).SSECustomerKeyMD5).toBe(trio.SSECustomerKeyMD5);
    const get = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'data', Key: 'k', ...members(trio) }), { hoistableHeaders: new Set(SSE_C) });
    const read = await open(get, 'GET');
    expect([read.status, read.text === Buffer.from(body).toString('utf8')]).toEqual([200, true]);
    // The same URL with another key in its query no longer verifies.
    const other = sseC();
    const forged = get.replace(encodeURIComponent(trio.SSECustomerKey), encodeURIComponent(other.SSECustomerKey));
    expect(forged).not.toBe(get);
    expect((await open(forged, 'GET')).status).toBe(403);
  });

  it('over plain HTTP the hoisted key is refused as the header is, and never stored', async () => {
    const url = await presignPut({ ...members(sseC()) }, SSE_C);
    const put = await open(url, 'PUT', { body, secure: false });
    expect([put.status, element(put.text, 'Code')]).toEqual([400, 'InvalidRequest']);
    expect((await sdkError(head())).$metadata.httpStatusCode).toBe(404);
  });
});

describe('a bucket policy requiring aws:kms sees the hoisted value', () => {
  beforeEach(async () => {
    await client.send(
      new PutBucketPolicyCommand({
        Bucket: 'data',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: 'arn:aws:s3:::data/*',
              Condition: { StringNotEquals: { 's3:x-amz-server-side-encryption': 'aws:kms' } },
            },
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:PutObject',
              Resource: 'arn:aws:s3:::data/*',
              Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
            },
          ],
        }),
      }),
    );
  });

  it('allows a URL hoisting aws:kms, and refuses one hoisting AES256 or none (403, nothing stored)', async () => {
    const kmsUrl = await presignPut({ ServerSideEncryption: 'aws:kms' }, [SSE], 'kms');
    expect((await open(kmsUrl, 'PUT', { body })).status).toBe(200);
    expect((await head('kms')).ServerSideEncryption).toBe('aws:kms');
    for (const [key, input] of [
      ['aes', { ServerSideEncryption: 'AES256' as const }],
      ['none', {}],
    ] as const) {
      const refused = await open(await presignPut(input, [SSE], key), 'PUT', { body });
      expect([key, refused.status, element(refused.text, 'Code')]).toEqual([key, 403, 'AccessDenied']);
      expect((await sdkError(head(key))).$metadata.httpStatusCode).toBe(404);
    }
  });
});

describe('a copy presigned by getSignedUrl', () => {
  it('stores an empty object and copies nothing: the hoisted x-amz-copy-source is not read, as S3 does', async () => {
    // S3 answered such a URL with 200, Content-Length 0 and the empty body's ETag
    // d41d8cd98f00b204e9800998ecf8427e (a capture in aws/aws-sdk-php#1275, the PHP SDK hoisting
    // x-amz-copy-source into the query with X-Amz-SignedHeaders=host, as this presigner does).
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: body }));
    const url = await getSignedUrl(client, new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/source' }));
    expect(shape(url)).toEqual({ names: expect.arrayContaining(['x-amz-copy-source']), signed: 'host' });
    const put = await open(url, 'PUT');
    expect([put.status, put.headers['etag']]).toEqual([200, '"d41d8cd98f00b204e9800998ecf8427e"']);
    expect((await head()).ContentLength).toBe(0);
    expect((await head('source')).ContentLength).toBe(body.length);
  });
});

describe('only what the signature covers, only on presigned URLs', () => {
  it('a parameter added to a URL after signing is refused (403 SignatureDoesNotMatch): the default encryption is not bypassed silently', async () => {
    const url = await presignPut({}, [SSE]);
    expect(shape(url).names).not.toContain(SSE);
    const forged = `${url}&${SSE}=aws%3Akms`;
    const put = await open(forged, 'PUT', { body });
    expect([put.status, element(put.text, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    expect((await sdkError(head())).$metadata.httpStatusCode).toBe(404);
  });

  it('a hoisted value changed after signing is refused (403 SignatureDoesNotMatch), nothing stored', async () => {
    const url = await presignPut({ ServerSideEncryption: 'aws:kms' }, [SSE]);
    const forged = url.replace(`${SSE}=aws%3Akms`, `${SSE}=AES256`);
    expect(forged).not.toBe(url);
    expect((await open(forged, 'PUT', { body })).status).toBe(403);
    expect((await sdkError(head())).$metadata.httpStatusCode).toBe(404);
  });

  it('a header-signed request naming SSE in its (signed) query is encrypted by the default: the query is not read', async () => {
    const querying = inProcessClient(engine.handler);
    // The build step runs before signing: the parameter is part of the signed canonical query.
    querying.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as SdkHttpRequest;
        request.query = { ...request.query, [SSE]: 'aws:kms' };
        return next(args);
      },
      { step: 'build', name: 'addSseQueryParameter' },
    );
    try {
      const put = await querying.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: body }));
      expect(put.ServerSideEncryption).toBe('AES256');
      expect((await head()).ServerSideEncryption).toBe('AES256');
    } finally {
      querying.destroy();
    }
  });
});

describe('the JavaScript SDK v2 form: the header signed, its value only in the query', () => {
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });

  /** A presigned PUT of data/k signing `headers` (kept out of the query) and carrying `query`. */
  async function presignV2(query: Record<string, string | string[]>, headers: Record<string, string>): Promise<string> {
    const host = 'strongbox.localhost';
    const signed = await signer.presign(
      { method: 'PUT', protocol: 'https:', hostname: host, path: '/data/k', query, headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', ...headers } },
      {
        unhoistableHeaders: new Set(['x-amz-content-sha256', ...Object.keys(headers)]),
        unsignableHeaders: new Set(['x-amz-content-sha256']),
      },
    );
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(signed.query ?? {})) for (const one of [value ?? ''].flat()) search.append(name, one);
    return `https://${host}/data/k?${search.toString().replace(/\+/g, '%20')}`;
  }

  it('verifies and encrypts as the query says, no header sent', async () => {
    const url = await presignV2({ [SSE]: 'aws:kms', [KEY_ID]: keyArn }, { [SSE]: 'aws:kms', [KEY_ID]: keyArn });
    expect(shape(url).signed).toBe(`host;${SSE};${KEY_ID}`);
    const put = await open(url, 'PUT', { body });
    expect([put.status, put.headers[SSE], put.headers[KEY_ID]]).toEqual([200, 'aws:kms', keyArn]);
  });

  it('a signed x-amz-copy-source only in the query is refused (403), not run as an empty PutObject', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: body }));
    const url = await presignV2({ 'x-amz-copy-source': '/data/source' }, { 'x-amz-copy-source': '/data/source' });
    const put = await open(url, 'PUT');
    expect([put.status, element(put.text, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    expect((await sdkError(head())).$metadata.httpStatusCode).toBe(404);
  });

  it('a signed header of the same name wins over the parameter (as LocalStack and MinIO; UNCONFIRMED for S3)', async () => {
    const url = await presignV2({ [SSE]: 'aws:kms' }, { [SSE]: 'AES256' });
    const put = await open(url, 'PUT', { body, headers: { [SSE]: 'AES256' } });
    expect([put.status, put.headers[SSE]]).toEqual([200, 'AES256']);
    expect((await head()).ServerSideEncryption).toBe('AES256');
  });

  it('a parameter given twice is read as a repeated header: 400 InvalidArgument, nothing stored', async () => {
    const url = await presignV2({ [SSE]: ['aws:kms', 'AES256'] }, {});
    const put = await open(url, 'PUT', { body });
    expect([put.status, element(put.text, 'Code'), element(put.text, 'ArgumentName')]).toEqual([400, 'InvalidArgument', SSE]);
    expect((await sdkError(head())).$metadata.httpStatusCode).toBe(404);
  });
});
