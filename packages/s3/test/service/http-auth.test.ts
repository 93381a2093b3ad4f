/**
 * SigV4 as S3 enforces it on the REST handler under strict authentication, with requests signed
 * by the official SDK (through the kernel's in-process handler) or by `@smithy/signature-v4`
 * (what the SDK signs with) where a request must be signed in a way the SDK never does:
 * - every `x-amz-*` header of a header-signed request must be signed (S3's 403 AccessDenied
 *   "There were headers present in the request which were not signed", `HeadersNotSigned`), so a
 *   signed request cannot be altered in flight; `x-amz-content-sha256` is tolerated unsigned;
 * - a presigned URL's age (`s3:signatureAge`) is the time the signature was verified with: a
 *   second `X-Amz-Date` is refused, never read;
 * - a presigned URL must sign `host` (virtual-hosted addressing names the bucket in it);
 * - `SignatureDoesNotMatch` explains the mismatch without echoing an SSE-C key.
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import type { HttpRequest as SdkHttpRequest } from '@smithy/types';
import type { BodyStream, StreamingHandler } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { sseC } from '../helpers/engine.ts';
import { CREDENTIALS, inProcessClient, REGION, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const HOST = 'strongbox.localhost';
const engines: WireEngine[] = [];
const clients: S3Client[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const engine of engines.splice(0)) await engine.close();
});

/** A strict engine (the `test` key verified) and an SDK client of it, with one bucket. */
async function strictEngine(bucket: string): Promise<{ engine: WireEngine; sdk: S3Client }> {
  const engine = wireEngine({ strict: true });
  engines.push(engine);
  const sdk = inProcessClient(engine.handler);
  clients.push(sdk);
  await sdk.send(new CreateBucketCommand({ Bucket: bucket }));
  return { engine, sdk };
}

/** An SDK client whose requests get `headers` added after they were signed (an on-path party). */
function tamperingClient(engine: WireEngine, headers: Record<string, string>, credentials = CREDENTIALS): S3Client {
  const client = inProcessClient(engine.handler, { credentials });
  clients.push(client);
  // The deserialize step is the innermost: it sees the request as signed, just before it is sent.
  client.middlewareStack.add(
    (next) => async (args) => {
      Object.assign((args.request as SdkHttpRequest).headers, headers);
      return next(args);
    },
    { step: 'deserialize', name: 'addHeadersAfterSigning' },
  );
  return client;
}

const signer = new SignatureV4({ service: 's3', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });

/** Sends a request straight to the handler; answers the status and the body as text. */
async function send(
  handler: StreamingHandler,
  request: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<{ status: number; body: string }> {
  const bytes = Buffer.from(request.body ?? '');
  const body: BodyStream = (async function* () {
    if (bytes.length > 0) yield new Uint8Array(bytes);
  })();
  // As an HTTP client does, a PUT or POST declares its body's length (not signed here).
  const headers = request.method === 'PUT' || request.method === 'POST' ? { 'content-length': String(bytes.length), ...request.headers } : request.headers;
  const response = await handler({ method: request.method, path: request.path, headers, body });
  const chunks: Buffer[] = [];
  if (typeof response.body === 'string' || response.body instanceof Uint8Array) chunks.push(Buffer.from(response.body));
  else for await (const chunk of response.body) chunks.push(Buffer.from(chunk));
  return { status: response.status, body: Buffer.concat(chunks).toString('utf8') };
}

/** `<Name>value</Name>` of an S3 error document. */
function element(xml: string, name: string): string | undefined {
  return new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1];
}

/** A path-style presigned GET of `path` (what `getSignedUrl` makes), as the path and query a client sends. */
async function presignedGet(path: string, expiresIn: number, signingDate = new Date()): Promise<string> {
  const signed = await signer.presign(
    { method: 'GET', protocol: 'https:', hostname: HOST, path, query: {}, headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
    // As the presigner: the payload is UNSIGNED-PAYLOAD, neither signed nor in the query.
    { expiresIn, signingDate, unhoistableHeaders: new Set(['x-amz-content-sha256']), unsignableHeaders: new Set(['x-amz-content-sha256']) },
  );
  return `${path}?${new URLSearchParams(signed.query as Record<string, string>).toString()}`;
}

describe('header-signed requests: every x-amz-* header must be signed', () => {
  it('refuses a PutObject with an x-amz-meta header added after the SDK signed it (403, HeadersNotSigned), storing nothing', async () => {
    const { engine, sdk } = await strictEngine('signed-only');
    const tampered = tamperingClient(engine, { 'x-amz-meta-evil': 'injected' });
    const refused = await sdkError(tampered.send(new PutObjectCommand({ Bucket: 'signed-only', Key: 'k', Body: 'hello' })));
    expect([refused.name, refused.$metadata.httpStatusCode, refused.message]).toEqual([
      'AccessDenied',
      403,
      'There were headers present in the request which were not signed',
    ]);
    expect((refused as unknown as Record<string, unknown>)['HeadersNotSigned']).toBe('x-amz-meta-evil');
    expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket: 'signed-only', Key: 'k' })))).$metadata.httpStatusCode).toBe(404);
    // The twin: the same metadata, signed by the SDK, is stored.
    await sdk.send(new PutObjectCommand({ Bucket: 'signed-only', Key: 'k', Body: 'hello', Metadata: { evil: 'signed' } }));
    expect((await sdk.send(new HeadObjectCommand({ Bucket: 'signed-only', Key: 'k' }))).Metadata).toEqual({ evil: 'signed' });
  });

  it('refuses x-amz-copy-source added to a signed PutObject: no copy is made', async () => {
    const { engine, sdk } = await strictEngine('copy-target');
    await sdk.send(new PutObjectCommand({ Bucket: 'copy-target', Key: 'secret', Body: 'secret data' }));
    const tampered = tamperingClient(engine, { 'x-amz-copy-source': '/copy-target/secret' });
    const refused = await sdkError(tampered.send(new PutObjectCommand({ Bucket: 'copy-target', Key: 'public', Body: '' })));
    expect([refused.name, (refused as unknown as Record<string, unknown>)['HeadersNotSigned']]).toEqual(['AccessDenied', 'x-amz-copy-source']);
    expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket: 'copy-target', Key: 'public' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('names every unsigned x-amz-* header of a request signed by @smithy/signature-v4, and verifies its signed twin', async () => {
    const { engine, sdk } = await strictEngine('rev-bucket');
    const request = (headers: Record<string, string>): SdkHttpRequest => ({
      method: 'PUT',
      protocol: 'https:',
      hostname: HOST,
      path: '/rev-bucket/k',
      query: {},
      headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'content-length': '5', ...headers },
      body: 'hello',
    });
    const extra = { 'x-amz-meta-evil': 'injected', 'x-amz-tagging': 'a=b' };
    const unsigned = await signer.sign(request(extra), { unsignableHeaders: new Set([...Object.keys(extra), 'content-length']) });
    expect(String(unsigned.headers['authorization'])).toContain('SignedHeaders=host;x-amz-content-sha256;x-amz-date,');
    const refused = await send(engine.handler, { method: 'PUT', path: '/rev-bucket/k', headers: unsigned.headers, body: 'hello' });
    expect([refused.status, element(refused.body, 'Code'), element(refused.body, 'HeadersNotSigned')]).toEqual([
      403,
      'AccessDenied',
      'x-amz-meta-evil, x-amz-tagging',
    ]);
    expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket: 'rev-bucket', Key: 'k' })))).$metadata.httpStatusCode).toBe(404);
    const signed = await signer.sign(request(extra));
    expect((await send(engine.handler, { method: 'PUT', path: '/rev-bucket/k', headers: signed.headers, body: 'hello' })).status).toBe(200);
    expect((await sdk.send(new HeadObjectCommand({ Bucket: 'rev-bucket', Key: 'k' }))).Metadata).toEqual({ evil: 'injected' });
  });

  it('tolerates x-amz-content-sha256 left unsigned (the payload hash is what the signature covers)', async () => {
    const { engine, sdk } = await strictEngine('sha-unsigned');
    const signed = await signer.sign(
      {
        method: 'PUT',
        protocol: 'https:',
        hostname: HOST,
        path: '/sha-unsigned/k',
        query: {},
        headers: { host: HOST, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        body: 'hello',
      },
      { unsignableHeaders: new Set(['x-amz-content-sha256']) },
    );
    expect(String(signed.headers['authorization'])).toContain('SignedHeaders=host;x-amz-date,');
    expect((await send(engine.handler, { method: 'PUT', path: '/sha-unsigned/k', headers: signed.headers, body: 'hello' })).status).toBe(200);
    expect(await (await sdk.send(new GetObjectCommand({ Bucket: 'sha-unsigned', Key: 'k' }))).Body?.transformToString()).toBe('hello');
  });
});

describe('x-amz-content-sha256 must name a payload form or a SHA-256', () => {
  const putWith = (contentSha256: string, body = 'hello'): SdkHttpRequest => ({
    method: 'PUT',
    protocol: 'https:',
    hostname: HOST,
    path: '/sha-forms/k',
    query: {},
    headers: { host: HOST, 'x-amz-content-sha256': contentSha256 },
    body,
  });

  it('refuses any other value with 400 InvalidArgument naming it, before reading the body: nothing stored', async () => {
    const { engine, sdk } = await strictEngine('sha-forms');
    const md5 = createHash('md5').update('hello').digest('base64');
    for (const value of ['garbage', md5, 'STREAMING-AWS4-HMAC-SHA512-PAYLOAD', `${createHash('sha256').update('hello').digest('hex')}0`]) {
      const signed = await signer.sign(putWith(value));
      const answer = await send(engine.handler, { method: 'PUT', path: '/sha-forms/k', headers: signed.headers, body: 'hello' });
      expect([answer.status, element(answer.body, 'Code'), element(answer.body, 'ArgumentName'), element(answer.body, 'ArgumentValue')], value).toEqual([
        400,
        'InvalidArgument',
        'x-amz-content-sha256',
        value,
      ]);
      expect(element(answer.body, 'Message')).toBe(
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD, STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER or a valid sha256 value.',
      );
    }
    expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket: 'sha-forms', Key: 'k' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('checks a SHA-256 in upper case like one in lower case', async () => {
    const { engine, sdk } = await strictEngine('sha-forms');
    const upper = createHash('sha256').update('hello').digest('hex').toUpperCase();
    const wrong = await signer.sign(putWith(upper, 'other'));
    const refused = await send(engine.handler, { method: 'PUT', path: '/sha-forms/k', headers: wrong.headers, body: 'other' });
    expect([refused.status, element(refused.body, 'Code')]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    const right = await signer.sign(putWith(upper));
    expect((await send(engine.handler, { method: 'PUT', path: '/sha-forms/k', headers: right.headers, body: 'hello' })).status).toBe(200);
    expect(await (await sdk.send(new GetObjectCommand({ Bucket: 'sha-forms', Key: 'k' }))).Body?.transformToString()).toBe('hello');
  });
});

describe('presigned URLs: the signing time is the one verified', () => {
  const ISO_BASIC = (date: Date) =>
    date
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');

  it('a policy capping s3:signatureAge refuses an old URL, and a second X-Amz-Date cannot make it young (400, nothing read)', async () => {
    const { engine, sdk } = await strictEngine('aged');
    await sdk.send(new PutObjectCommand({ Bucket: 'aged', Key: 'k', Body: 'hello' }));
    await sdk.send(
      new PutBucketPolicyCommand({
        Bucket: 'aged',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Deny',
              Principal: '*',
              Action: 's3:GetObject',
              Resource: 'arn:aws:s3:::aged/*',
              Condition: { NumericGreaterThan: { 's3:signatureAge': '600000' } },
            },
          ],
        }),
      }),
    );
    const url = await presignedGet('/aged/k', 86_400, new Date(Date.now() - 3_600_000));
    const headers = { host: HOST };
    const old = await send(engine.handler, { method: 'GET', path: url, headers });
    expect([old.status, element(old.body, 'Code')]).toEqual([403, 'AccessDenied']);
    const [pathname, search] = url.split('?') as [string, string];
    const now = ISO_BASIC(new Date());
    for (const path of [`${pathname}?X-Amz-Date=${now}&${search}`, `${url}&X-Amz-Date=${now}`]) {
      const repeated = await send(engine.handler, { method: 'GET', path, headers });
      expect([repeated.status, element(repeated.body, 'Code')]).toEqual([400, 'AuthorizationQueryParametersError']);
      expect(repeated.body).not.toContain('hello');
    }
    // The twin: a fresh URL passes the policy.
    expect(await send(engine.handler, { method: 'GET', path: await presignedGet('/aged/k', 60), headers })).toEqual({ status: 200, body: 'hello' });
  });
});

describe('presigned URLs that sign a STREAMING payload', () => {
  it('refuses made-up chunk signatures with 403 SignatureDoesNotMatch, storing nothing', async () => {
    const { engine, sdk } = await strictEngine('chunked');
    const headers = {
      host: HOST,
      'content-encoding': 'aws-chunked',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
      'x-amz-decoded-content-length': '5',
    };
    const signed = await signer.presign(
      { method: 'PUT', protocol: 'https:', hostname: HOST, path: '/chunked/k', query: {}, headers },
      { expiresIn: 600, unhoistableHeaders: new Set(Object.keys(headers)) },
    );
    const zeros = '0'.repeat(64);
    const answer = await send(engine.handler, {
      method: 'PUT',
      path: `/chunked/k?${new URLSearchParams(signed.query as Record<string, string>).toString()}`,
      headers,
      body: `5;chunk-signature=${zeros}\r\nEVIL!\r\n0;chunk-signature=${zeros}\r\n\r\n`,
    });
    expect([answer.status, element(answer.body, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
    expect((await sdkError(sdk.send(new HeadObjectCommand({ Bucket: 'chunked', Key: 'k' })))).$metadata.httpStatusCode).toBe(404);
  });
});

describe('presigned URLs must sign host', () => {
  it('refuses a URL that does not sign host, under either bucket of virtual-hosted addressing (400)', async () => {
    const { engine, sdk } = await strictEngine('rev-aaa');
    await sdk.send(new CreateBucketCommand({ Bucket: 'rev-bbb' }));
    await sdk.send(new PutObjectCommand({ Bucket: 'rev-aaa', Key: 'k', Body: 'secret of rev-aaa' }));
    await sdk.send(new PutObjectCommand({ Bucket: 'rev-bbb', Key: 'k', Body: 'secret of rev-bbb' }));
    const presign = (unsignable: string[]) =>
      signer.presign(
        {
          method: 'GET',
          protocol: 'https:',
          hostname: `rev-aaa.${HOST}`,
          path: '/k',
          query: {},
          headers: { host: `rev-aaa.${HOST}`, 'x-amz-foo': 'bar', 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        },
        { expiresIn: 600, unsignableHeaders: new Set(unsignable), unhoistableHeaders: new Set(['x-amz-foo', 'x-amz-content-sha256']) },
      );
    const query = (signed: SdkHttpRequest) => new URLSearchParams(signed.query as Record<string, string>).toString();
    const hostless = await presign(['host', 'x-amz-content-sha256']);
    expect(hostless.query?.['X-Amz-SignedHeaders']).toBe('x-amz-foo');
    for (const bucket of ['rev-aaa', 'rev-bbb']) {
      const answer = await send(engine.handler, { method: 'GET', path: `/k?${query(hostless)}`, headers: { host: `${bucket}.${HOST}`, 'x-amz-foo': 'bar' } });
      expect([answer.status, element(answer.body, 'Code')]).toEqual([400, 'AuthorizationQueryParametersError']);
      expect(answer.body).not.toContain('secret');
    }
    // The twin: the same URL signing host reads its own bucket only.
    const hosted = await presign(['x-amz-content-sha256']);
    const own = await send(engine.handler, { method: 'GET', path: `/k?${query(hosted)}`, headers: { host: `rev-aaa.${HOST}`, 'x-amz-foo': 'bar' } });
    expect(own).toEqual({ status: 200, body: 'secret of rev-aaa' });
    const other = await send(engine.handler, { method: 'GET', path: `/k?${query(hosted)}`, headers: { host: `rev-bbb.${HOST}`, 'x-amz-foo': 'bar' } });
    expect([other.status, element(other.body, 'Code')]).toEqual([403, 'SignatureDoesNotMatch']);
  });
});

describe('SignatureDoesNotMatch never echoes an SSE-C key', () => {
  const wrong = { accessKeyId: 'test', secretAccessKey: 'wrong' };

  function expectNoKey(error: Record<string, unknown>, keys: readonly string[]): void {
    const canonical = String(error['CanonicalRequest']);
    const bytes = Buffer.from(String(error['CanonicalRequestBytes']).split(' ').join(''), 'hex').toString('utf8');
    expect(bytes).toBe(canonical);
    for (const key of keys) {
      for (const text of [canonical, bytes, String(error['StringToSign']), String(error['StringToSignBytes'])]) expect(text).not.toContain(key);
    }
  }

  it('GetObject with SSE-C signed with a wrong secret: the canonical request shows the key header, not its value', async () => {
    const { engine } = await strictEngine('ssec');
    const client = inProcessClient(engine.handler, { credentials: wrong });
    clients.push(client);
    const key = sseC(randomBytes(32));
    const error = await sdkError(
      client.send(new GetObjectCommand({ Bucket: 'ssec', Key: 'k', SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.SSECustomerKey })),
    );
    expect([error.name, error.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    const fields = error as unknown as Record<string, unknown>;
    expect(String(fields['CanonicalRequest'])).toMatch(/^x-amz-server-side-encryption-customer-key:\S+$/m);
    expect(String(fields['CanonicalRequest'])).toContain(`x-amz-server-side-encryption-customer-key-md5:${key.SSECustomerKeyMD5}`);
    expectNoKey(fields, [key.SSECustomerKey, Buffer.from(key.raw).toString('hex')]);
  });

  it('CopyObject with both SSE-C keys signed with a wrong secret: neither key comes back', async () => {
    const { engine } = await strictEngine('ssec-copy');
    const client = inProcessClient(engine.handler, { credentials: wrong });
    clients.push(client);
    const source = sseC(randomBytes(32));
    const destination = sseC(randomBytes(32));
    const error = await sdkError(
      client.send(
        new CopyObjectCommand({
          Bucket: 'ssec-copy',
          Key: 'to',
          CopySource: 'ssec-copy/from',
          SSECustomerAlgorithm: 'AES256',
          SSECustomerKey: destination.SSECustomerKey,
          CopySourceSSECustomerAlgorithm: 'AES256',
          CopySourceSSECustomerKey: source.SSECustomerKey,
        }),
      ),
    );
    expect(error.name).toBe('SignatureDoesNotMatch');
    const fields = error as unknown as Record<string, unknown>;
    expect(String(fields['CanonicalRequest'])).toMatch(/^x-amz-copy-source-server-side-encryption-customer-key:\S+$/m);
    expectNoKey(fields, [source.SSECustomerKey, destination.SSECustomerKey]);
  });
});
