import { GetObjectCommand, HeadObjectCommand, PutBucketEncryptionCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { afterEach, describe, expect, it } from 'vitest';
import { rawExchange, served } from '../helpers/wire.ts';

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

async function start() {
  const fixture = await served('files');
  closing.push(fixture.close);
  // SSE-C is blocked on new buckets unless BlockedEncryptionTypes says NONE.
  await fixture.client.send(
    new PutBucketEncryptionCommand({
      Bucket: 'files',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
      },
    }),
  );
  return fixture;
}

const STORED = {
  CacheControl: 'max-age=60',
  ContentDisposition: 'inline',
  ContentType: 'application/octet-stream',
  ContentLanguage: 'en',
  Expires: new Date(86_400_000),
};
const OVERRIDES = {
  ResponseCacheControl: 'no-store',
  ResponseContentDisposition: 'attachment; filename="report.pdf"',
  ResponseContentEncoding: 'identity',
  ResponseContentLanguage: 'de',
  ResponseContentType: 'application/pdf',
  ResponseExpires: new Date(0),
};
const ANSWERED = {
  'cache-control': 'no-store',
  'content-disposition': 'attachment; filename="report.pdf"',
  'content-encoding': 'identity',
  'content-language': 'de',
  'content-type': 'application/pdf',
  expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
};
const SSE_C_KEY = 'k'.repeat(32);

describe('response-* overrides', () => {
  it.each([
    ['an object under the bucket default (SSE-S3)', {}],
    ['an object that asked for SSE-S3', { ServerSideEncryption: 'AES256' as const }],
  ])('on %s: a presigned GetObject URL fetched over a socket answers them, the body intact', async (_kind, encryption) => {
    const { client } = await start();
    await client.send(new PutObjectCommand({ Bucket: 'files', Key: 'o', Body: 'hello', ...STORED, ...encryption }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'files', Key: 'o', ...OVERRIDES }));
    const response = await fetch(url);
    expect(response.status).toBe(200);
    for (const [name, value] of Object.entries(ANSWERED)) expect([name, response.headers.get(name)]).toEqual([name, value]);
    expect(await response.text()).toBe('hello');
  });

  it('a presigned HeadObject URL, a signed GetObject over a socket, and a Range read (206) answer them too', async () => {
    const { client } = await start();
    await client.send(new PutObjectCommand({ Bucket: 'files', Key: 'o', Body: 'hello', ...STORED }));
    const head = await fetch(await getSignedUrl(client, new HeadObjectCommand({ Bucket: 'files', Key: 'o', ...OVERRIDES })), { method: 'HEAD' });
    expect([head.status, head.headers.get('content-disposition'), head.headers.get('content-type')]).toEqual([
      200,
      ANSWERED['content-disposition'],
      'application/pdf',
    ]);
    const got = await client.send(new GetObjectCommand({ Bucket: 'files', Key: 'o', Range: 'bytes=1-2', ...OVERRIDES }));
    expect([got.ContentRange, got.CacheControl, got.ContentDisposition, got.ContentType, got.ContentLanguage]).toEqual([
      'bytes 1-2/5',
      'no-store',
      ANSWERED['content-disposition'],
      'application/pdf',
      'de',
    ]);
    expect(await got.Body?.transformToString()).toBe('el');
    // Without them, the stored headers.
    const plain = await client.send(new HeadObjectCommand({ Bucket: 'files', Key: 'o' }));
    expect([plain.CacheControl, plain.ContentDisposition, plain.ContentType]).toEqual(['max-age=60', 'inline', 'application/octet-stream']);
  });

  it.each([
    ['an SSE-KMS object', { ServerSideEncryption: 'aws:kms' as const }, {}],
    ['an SSE-C object', { SSECustomerAlgorithm: 'AES256', SSECustomerKey: SSE_C_KEY }, { SSECustomerAlgorithm: 'AES256', SSECustomerKey: SSE_C_KEY }],
  ])('on %s (over TLS, in process): GetObject and HeadObject answer them', async (_kind, encryption, read) => {
    const { inProcess } = await start();
    await inProcess.send(new PutObjectCommand({ Bucket: 'files', Key: 'o', Body: 'hello', ...STORED, ...encryption }));
    const got = await inProcess.send(new GetObjectCommand({ Bucket: 'files', Key: 'o', ...read, ...OVERRIDES }));
    expect([got.CacheControl, got.ContentDisposition, got.ContentEncoding, got.ContentLanguage, got.ContentType, got.ExpiresString]).toEqual(
      Object.values(ANSWERED),
    );
    expect(await got.Body?.transformToString()).toBe('hello');
    const head = await inProcess.send(new HeadObjectCommand({ Bucket: 'files', Key: 'o', ...read, ...OVERRIDES }));
    expect([head.ContentDisposition, head.ContentType]).toEqual([ANSWERED['content-disposition'], 'application/pdf']);
  });

  it('are not answered on a 304', async () => {
    const { client } = await start();
    const put = await client.send(new PutObjectCommand({ Bucket: 'files', Key: 'o', Body: 'hello', ...STORED }));
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: 'files', Key: 'o', ...OVERRIDES }));
    const response = await fetch(url, { headers: { 'if-none-match': put.ETag as string } });
    expect(response.status).toBe(304);
    expect(response.headers.get('content-disposition')).not.toBe(ANSWERED['content-disposition']);
  });

  it('on an unsigned request: 400 InvalidRequest; the same request without them is served', async () => {
    const { client, server } = await start();
    await client.send(new PutObjectCommand({ Bucket: 'files', Key: 'o', Body: 'hello' }));
    for (const method of ['GET', 'HEAD']) {
      const refused = (
        await rawExchange(server.port, `${method} /files/o?response-content-type=text%2Fplain HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`)
      ).toString();
      expect(refused.startsWith('HTTP/1.1 400 ')).toBe(true);
      if (method === 'GET') {
        expect(refused).toContain('<Code>InvalidRequest</Code>');
        expect(refused).toContain('<Message>Request specific response headers cannot be used for anonymous GET requests.</Message>');
      }
    }
    const served = (await rawExchange(server.port, 'GET /files/o HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')).toString();
    expect(served.startsWith('HTTP/1.1 200 ')).toBe(true);
  });

  it('a value beyond ISO-8859-1: 400 InvalidArgument naming the parameter; `é` is answered as the byte E9', async () => {
    const { client, server } = await start();
    await client.send(new PutObjectCommand({ Bucket: 'files', Key: 'o', Body: 'hello' }));
    const refused = await fetch(
      await getSignedUrl(client, new GetObjectCommand({ Bucket: 'files', Key: 'o', ResponseContentDisposition: 'attachment; filename="日本.pdf"' })),
    );
    const body = await refused.text();
    expect(refused.status).toBe(400);
    expect(body).toContain('<Code>InvalidArgument</Code>');
    expect(body).toContain('<Message>Header value cannot be represented using ISO-8859-1.</Message>');
    expect(body).toContain('<ArgumentName>response-content-disposition</ArgumentName>');
    const url = new URL(
      await getSignedUrl(client, new GetObjectCommand({ Bucket: 'files', Key: 'o', ResponseContentDisposition: 'attachment; filename="é.pdf"' })),
    );
    const raw = await rawExchange(server.port, `GET ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`);
    expect(raw.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
    expect(raw.includes(Buffer.from('content-disposition: attachment; filename="\u00e9.pdf"\r\n', 'latin1'))).toBe(true);
  });
});
