/**
 * The S3 REST handler on a real socket (node:http, the kernel's streaming edge): the SDK over
 * TCP with a body larger than any buffer, virtual-hosted addressing, SigV4 under strict
 * authentication, and malformed requests sent as raw HTTP (as curl would) answered with S3's XML.
 */

import { createHash, randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import { parseUsers } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { md5Etag } from '../helpers/engine.ts';
import { CREDENTIALS, listen, REGION, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

interface Running {
  readonly engine: WireEngine;
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

const running: Running[] = [];

async function start(options: Parameters<typeof wireEngine>[0] = {}): Promise<Running> {
  const engine = wireEngine(options);
  const server = await listen(engine.handler);
  const started = { engine, url: server.url, port: server.port, close: async () => (await server.close(), await engine.close()) };
  running.push(started);
  return started;
}

afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

function sdk(url: string, config: Partial<ConstructorParameters<typeof S3Client>[0]> = {}): S3Client {
  return new S3Client({ endpoint: url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true, ...config });
}

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/**
 * A body given as bytes: node's client writes the head together with a string body's first chunk
 * in that string's encoding (UTF-8), which would re-encode non-ASCII header bytes; with bytes it
 * writes the head as Latin-1, one byte per code point, as curl sends them.
 */
const BYTE_BODY = new Uint8Array([0x78]);

/** One raw HTTP request, as curl would send it. */
function raw(port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string | Uint8Array): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** A request signed by SigV4 for `payloadHash`, then sent with `body` (which may differ). */
async function signedRaw(port: number, method: string, path: string, payloadHash: string, body: string): Promise<RawResponse> {
  const signer = new SignatureV4({ service: 's3', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: `127.0.0.1:${port}`,
    path,
    headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': payloadHash, 'content-length': String(Buffer.byteLength(body)) },
    body,
  });
  return raw(port, method, path, signed.headers as Record<string, string>, body);
}

describe('S3 REST on a socket', () => {
  it('streams a 6 MiB object up and down through the SDK (the SSE-S3 ETag is its MD5)', async () => {
    const server = await start();
    const client = sdk(server.url);
    await client.send(new CreateBucketCommand({ Bucket: 'socket-bucket' }));
    const body = new Uint8Array(randomBytes(6 * 1024 * 1024));
    const put = await client.send(new PutObjectCommand({ Bucket: 'socket-bucket', Key: 'big.bin', Body: body }));
    expect(put.ETag).toBe(md5Etag(body));
    const got = await client.send(new GetObjectCommand({ Bucket: 'socket-bucket', Key: 'big.bin' }));
    expect(got.ContentLength).toBe(body.length);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    const head = await sdkError(client.send(new HeadObjectCommand({ Bucket: 'socket-bucket', Key: 'missing' })));
    expect([head.name, head.$metadata.httpStatusCode]).toEqual(['NotFound', 404]);
    client.destroy();
  });

  it('addresses virtual-hosted buckets (bucket.localhost, bucket.s3.localhost) like path-style ones', async () => {
    const server = await start();
    const client = sdk(server.url);
    await client.send(new CreateBucketCommand({ Bucket: 'vhost-bucket' }));
    await client.send(new PutObjectCommand({ Bucket: 'vhost-bucket', Key: 'dir/file.txt', Body: 'hosted' }));
    client.destroy();
    for (const host of [`vhost-bucket.localhost:${server.port}`, `vhost-bucket.s3.localhost:${server.port}`]) {
      const response = await raw(server.port, 'GET', '/dir/file.txt', { host });
      expect([response.status, response.body]).toEqual([200, 'hosted']);
      expect(response.headers['x-amz-server-side-encryption']).toBe('AES256');
    }
    const listed = await raw(server.port, 'GET', '/', { host: `localhost:${server.port}` });
    expect(listed.body).toContain('<Name>vhost-bucket</Name>');
    expect(listed.body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">')).toBe(
      true,
    );
  });

  it('verifies SigV4 under strict authentication: keys with any characters, wrong secrets, unsigned requests', async () => {
    const users = parseUsers({
      users: [
        { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret', principal: 'arn:aws:iam::000000000000:user/alice', policy: { allow: ['s3:*'] } },
        { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret', principal: 'arn:aws:iam::000000000000:user/bob' },
      ],
    });
    const server = await start({ strict: true, users });
    const alice = sdk(server.url, { credentials: { accessKeyId: 'AKIAALICE', secretAccessKey: 'alice-secret' } });
    await alice.send(new CreateBucketCommand({ Bucket: 'strict-bucket' }));
    const key = "a b/c+d=e%f~(g)!*'é";
    await alice.send(new PutObjectCommand({ Bucket: 'strict-bucket', Key: key, Body: 'signed' }));
    expect(await (await alice.send(new GetObjectCommand({ Bucket: 'strict-bucket', Key: key }))).Body!.transformToString()).toBe('signed');
    // Bob signs correctly but no policy allows him anything: the caller reaches the engine's authorization.
    const bob = sdk(server.url, { credentials: { accessKeyId: 'AKIABOB', secretAccessKey: 'bob-secret' } });
    const refused = await sdkError(bob.send(new GetObjectCommand({ Bucket: 'strict-bucket', Key: key })));
    expect([refused.name, refused.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
    expect(refused.message).toContain('user/bob is not authorized to perform: s3:GetObject');
    bob.destroy();
    const wrong = sdk(server.url, { credentials: { accessKeyId: 'AKIAALICE', secretAccessKey: 'not-hers' } });
    const mismatch = await sdkError(wrong.send(new ListBucketsCommand({})));
    expect([mismatch.name, mismatch.$metadata.httpStatusCode]).toEqual(['SignatureDoesNotMatch', 403]);
    const unknown = sdk(server.url, { credentials: { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' } });
    const notFound = await sdkError(unknown.send(new ListBucketsCommand({})));
    expect([notFound.name, notFound.$metadata.httpStatusCode]).toEqual(['InvalidAccessKeyId', 403]);
    const anonymous = await raw(server.port, 'GET', '/strict-bucket/x');
    expect(anonymous.status).toBe(403);
    expect(anonymous.body).toMatch(
      /<Code>AccessDenied<\/Code><Message>Access Denied<\/Message><RequestId>[0-9A-F]{16}<\/RequestId><HostId>[^<]+<\/HostId><\/Error>$/,
    );
    for (const client of [alice, wrong, unknown]) client.destroy();
  });

  it('refuses a body that does not match its signed x-amz-content-sha256, and stores nothing', async () => {
    const server = await start({ strict: true });
    const client = sdk(server.url);
    await client.send(new CreateBucketCommand({ Bucket: 'hash-bucket' }));
    const signedFor = createHash('sha256').update('the body that was signed').digest('hex');
    const response = await signedRaw(server.port, 'PUT', '/hash-bucket/k', signedFor, 'another body, same length!');
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    const missing = await sdkError(client.send(new HeadObjectCommand({ Bucket: 'hash-bucket', Key: 'k' })));
    expect(missing.$metadata.httpStatusCode).toBe(404);
    const honest = await signedRaw(server.port, 'PUT', '/hash-bucket/k', createHash('sha256').update('exact').digest('hex'), 'exact');
    expect(honest.status).toBe(200);
    client.destroy();
  });
});

describe('presigned URLs on the wire', () => {
  async function presign(port: number, method: string, path: string, expiresIn: number, signingDate?: Date): Promise<string> {
    const signer = new SignatureV4({ service: 's3', region: REGION, credentials: CREDENTIALS, sha256: Hash.bind(null, 'sha256'), uriEscapePath: false });
    const signed = await signer.presign(
      // As the SDK's S3RequestPresigner: the payload is UNSIGNED-PAYLOAD, and that header is not sent.
      {
        method,
        protocol: 'http:',
        hostname: `127.0.0.1:${port}`,
        path,
        headers: { host: `127.0.0.1:${port}`, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
        query: {},
      },
      {
        expiresIn,
        unhoistableHeaders: new Set(['x-amz-content-sha256']),
        unsignableHeaders: new Set(['x-amz-content-sha256']),
        ...(signingDate === undefined ? {} : { signingDate }),
      },
    );
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    return `${path}?${query}`;
  }

  it('serves a presigned GET and PUT under strict authentication, and refuses an expired one', async () => {
    const server = await start({ strict: true });
    const client = sdk(server.url);
    await client.send(new CreateBucketCommand({ Bucket: 'presigned-bucket' }));
    const put = await raw(server.port, 'PUT', await presign(server.port, 'PUT', '/presigned-bucket/k', 60), {}, 'by url');
    expect([put.status, put.body]).toEqual([200, '']);
    const get = await raw(server.port, 'GET', await presign(server.port, 'GET', '/presigned-bucket/k', 60));
    expect([get.status, get.body]).toEqual([200, 'by url']);
    const expired = await raw(server.port, 'GET', await presign(server.port, 'GET', '/presigned-bucket/k', 1, new Date(Date.now() - 60_000)));
    expect(expired.status).toBe(403);
    expect(expired.body).toContain('<Code>AccessDenied</Code><Message>Request has expired</Message>');
    client.destroy();
  });
});

describe('malformed requests over raw HTTP get S3 XML errors', () => {
  it('a method the resource does not support: 405 MethodNotAllowed with Method and ResourceType', async () => {
    const server = await start();
    const response = await raw(server.port, 'POST', '/some-bucket/key');
    expect(response.status).toBe(405);
    expect(response.headers['content-type']).toBe('application/xml');
    expect(response.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
    expect(response.headers['x-amz-id-2']).toBeTruthy();
    expect(response.body).toContain(
      '<Error><Code>MethodNotAllowed</Code><Message>The specified method is not allowed against this resource.</Message><Method>POST</Method><ResourceType>OBJECT</ResourceType>',
    );
  });

  it('a subresource Strongbox does not serve: 501 NotImplemented naming it', async () => {
    const server = await start();
    const response = await raw(server.port, 'GET', '/some-bucket?acl');
    expect(response.status).toBe(501);
    expect(response.body).toContain('<Code>NotImplemented</Code>');
    expect(response.body).toContain('?acl');
  });

  it('XML that is not well-formed, or carries a DOCTYPE: 400 MalformedXML, nothing changed', async () => {
    const server = await start();
    expect((await raw(server.port, 'PUT', '/xml-bucket')).status).toBe(200);
    const broken = await raw(server.port, 'PUT', '/xml-bucket?encryption', {}, '<ServerSideEncryptionConfiguration><Rule></ServerSideEncryptionConfiguration>');
    expect([broken.status, /<Code>MalformedXML<\/Code>/.test(broken.body)]).toEqual([400, true]);
    const entity =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aws:kms">]><ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>&a;</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>';
    const doctype = await raw(server.port, 'PUT', '/xml-bucket?encryption', {}, entity);
    expect([doctype.status, /<Code>MalformedXML<\/Code>/.test(doctype.body)]).toEqual([400, true]);
    const after = await raw(server.port, 'GET', '/xml-bucket?encryption');
    expect(after.body).toContain('<SSEAlgorithm>AES256</SSEAlgorithm>');
  });

  it('a path that is not valid percent-encoding: 400 InvalidURI', async () => {
    const server = await start();
    const response = await raw(server.port, 'GET', '/some-bucket/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidURI</Code>');
  });

  it('HEAD errors carry the status and ids but no body', async () => {
    const server = await start();
    const response = await raw(server.port, 'HEAD', '/no-such-bucket/key');
    expect(response.status).toBe(404);
    expect(response.body).toBe('');
    expect(response.headers['x-amz-request-id']).toMatch(/^[0-9A-F]{16}$/);
  });

  it('a conditional GET that matches: 304 with the ETag and Last-Modified, no body', async () => {
    const server = await start();
    await raw(server.port, 'PUT', '/cond-raw-bucket');
    const put = await raw(server.port, 'PUT', '/cond-raw-bucket/k', {}, 'v');
    const etag = String(put.headers['etag']);
    const response = await raw(server.port, 'GET', '/cond-raw-bucket/k', { 'if-none-match': etag });
    expect([response.status, response.body]).toEqual([304, '']);
    expect(response.headers['etag']).toBe(etag);
    expect(Date.parse(String(response.headers['last-modified']))).not.toBeNaN();
  });

  it('a PutObject or UploadPart body without Content-Length (Transfer-Encoding: chunked): 411 MissingContentLength, nothing stored', async () => {
    const server = await start();
    await raw(server.port, 'PUT', '/length-bucket');
    // S3 takes a plain body only with its length declared up front (an aws-chunked body declares
    // x-amz-decoded-content-length instead); a chunked body of unknown length is refused.
    const put = await raw(server.port, 'PUT', '/length-bucket/k', { 'transfer-encoding': 'chunked' }, 'abcdef');
    expect(put.status).toBe(411);
    expect(put.body).toContain('<Code>MissingContentLength</Code><Message>You must provide the Content-Length HTTP header.</Message>');
    expect((await raw(server.port, 'HEAD', '/length-bucket/k')).status).toBe(404);
    const created = await raw(server.port, 'POST', '/length-bucket/m?uploads');
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(created.body)?.[1] ?? '';
    expect(uploadId).not.toBe('');
    const part = await raw(
      server.port,
      'PUT',
      `/length-bucket/m?partNumber=1&uploadId=${encodeURIComponent(uploadId)}`,
      { 'transfer-encoding': 'chunked' },
      'abcdef',
    );
    expect(part.status).toBe(411);
    expect(part.body).toContain('<Code>MissingContentLength</Code>');
    const parts = await raw(server.port, 'GET', `/length-bucket/m?uploadId=${encodeURIComponent(uploadId)}`);
    expect(parts.body).not.toContain('<Part>');
    // The same bodies with their length declared are stored.
    expect((await raw(server.port, 'PUT', '/length-bucket/k', {}, 'abcdef')).status).toBe(200);
    expect((await raw(server.port, 'GET', '/length-bucket/k')).body).toBe('abcdef');
  });

  it('non-ASCII user metadata: stored as the header bytes, returned RFC 2047-encoded as S3 does', async () => {
    const server = await start();
    await raw(server.port, 'PUT', '/meta-bucket');
    // The header carries UTF-8 bytes; node (client and server) hands them over one Latin-1 code point each.
    const wire = Buffer.from('日本é', 'utf8').toString('latin1');
    expect((await raw(server.port, 'PUT', '/meta-bucket/k', { 'x-amz-meta-b': wire, 'x-amz-meta-plain': 'ascii only' }, BYTE_BODY)).status).toBe(200);
    // S3 reads each byte as a Latin-1 character and returns the UTF-8 of those characters as a
    // B-encoded word: decoding it yields one code point per original byte ("double encoding").
    const expected = `=?UTF-8?B?${Buffer.from(wire, 'utf8').toString('base64')}?=`;
    for (const method of ['HEAD', 'GET']) {
      const response = await raw(server.port, method, '/meta-bucket/k');
      expect(response.headers['x-amz-meta-b']).toBe(expected);
      expect(response.headers['x-amz-meta-plain']).toBe('ascii only');
    }
    const head = await sdk(server.url).send(new HeadObjectCommand({ Bucket: 'meta-bucket', Key: 'k' }));
    const word = /^=\?UTF-8\?B\?([A-Za-z0-9+/=]+)\?=$/.exec(head.Metadata?.['b'] ?? '');
    // What the S3 Encryption Clients do (Ruby V3 decode_rfc_2047 then decode_utf8_via_latin1).
    const decoded = Buffer.from(Buffer.from(word?.[1] ?? '', 'base64').toString('utf8'), 'latin1').toString('utf8');
    expect(decoded).toBe('日本é');
  });

  it('non-ASCII user metadata counts its UTF-8 bytes once toward the 2 KB limit', async () => {
    const server = await start();
    await raw(server.port, 'PUT', '/meta-size-bucket');
    const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
    // 'é' is 2 bytes of UTF-8: 1 + 1400 bytes fits, 1 + 2200 does not.
    const fits = await raw(server.port, 'PUT', '/meta-size-bucket/fits', { 'x-amz-meta-a': utf8('é'.repeat(700)) }, BYTE_BODY);
    expect(fits.status).toBe(200);
    const over = await raw(server.port, 'PUT', '/meta-size-bucket/over', { 'x-amz-meta-a': utf8('é'.repeat(1100)) }, BYTE_BODY);
    expect(over.status).toBe(400);
    expect(over.body).toContain('<Code>MetadataTooLarge</Code>');
    expect(over.body).toContain('<Size>2201</Size>');
    expect((await raw(server.port, 'HEAD', '/meta-size-bucket/over')).status).toBe(404);
  });

  it('a header of the wrong type: 400 InvalidArgument', async () => {
    const server = await start();
    await raw(server.port, 'PUT', '/type-bucket');
    await raw(server.port, 'PUT', '/type-bucket/k', {}, 'x');
    const response = await raw(server.port, 'GET', '/type-bucket/k?partNumber=one');
    expect(response.status).toBe(400);
    expect(response.body).toContain('<Code>InvalidArgument</Code>');
  });
});
