/**
 * Anonymous S3 requests under strict authentication, end to end: an object URL opened as curl
 * opens it (no Authorization header, no presigned query) over the server's HTTP and HTTPS ports,
 * a browser form with no signing fields, and an SDK client with its signer off in process. S3
 * takes such a request as the anonymous principal and puts it to the bucket policy: a public-read
 * statement lets it read SSE-S3 objects, and SSE-KMS objects stay closed with 400 InvalidArgument
 * "Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature
 * Version 4." (AWS Knowledge Center "s3-kms-signature-version-error", which gives curl on an object
 * URL as its example of an anonymous request). KMS on the same port takes no anonymous call.
 */

import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { startInProcess, startServer } from '../src/index.ts';
import { failureOf, useTempDir } from './helpers/cli.ts';

const dir = useTempDir();
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };
const KMS_REFUSAL =
  '<Code>InvalidArgument</Code><Message>Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.</Message>' +
  '<ArgumentName>Authorization</ArgumentName><ArgumentValue>null</ArgumentValue>';
const PUBLIC_READ = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }],
});

const closing: { close(): Promise<void> }[] = [];
let servers = 0;
const clients: { destroy(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const endpoint of closing.splice(0)) await endpoint.close();
});

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One request as curl sends it: no credential, a Host, curl's User-Agent and Accept. */
function curl(url: string, method = 'GET', options: { ca?: string; body?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { 'user-agent': 'curl/8.5.0', accept: '*/*', ...options.headers };
  return new Promise((resolve, reject) => {
    const outgoing = send(url, { method, headers, ...(options.ca === undefined ? {} : { ca: options.ca }) }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    outgoing.on('error', reject);
    outgoing.end(options.body);
  });
}

/** A strict server with HTTP and HTTPS ports and S3 data events, a `public` bucket holding an SSE-S3 and an SSE-KMS object. */
async function strictServer(): Promise<{ server: Awaited<ReturnType<typeof startServer>>; https: string; ca: string; owner: S3Client }> {
  const server = await startServer({
    port: 0,
    https: { port: 0 },
    strictAuth: true,
    s3DataEvents: true,
    dataDirectory: join(dir.path, `anonymous-${++servers}`),
  });
  closing.push(server);
  const https = server.https;
  if (https === undefined) throw new Error('no https listener');
  const ca = await readFile(https.certificate.path, 'utf8');
  const owner = new S3Client({
    endpoint: https.url,
    region: 'us-east-1',
    credentials: CREDENTIALS,
    forcePathStyle: true,
    maxAttempts: 1,
    requestHandler: { httpsAgent: new Agent({ ca }) },
  });
  clients.push(owner);
  await owner.send(new CreateBucketCommand({ Bucket: 'public' }));
  await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 's3.txt', Body: 'sealed by S3' }));
  await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 'kms.txt', Body: 'sealed by KMS', ServerSideEncryption: 'aws:kms' }));
  return { server, https: https.url, ca, owner };
}

describe('an anonymous request on the port, as curl sends it', () => {
  it('reads a public SSE-S3 object, and is refused an SSE-KMS one: 400 over HTTPS, no body for HEAD', async () => {
    const { server, https, ca, owner } = await strictServer();
    const privately = await curl(`${https}/public/s3.txt`, 'GET', { ca });
    expect(privately.status).toBe(403);
    expect(privately.body).toContain('<Code>AccessDenied</Code><Message>Access Denied</Message>');

    await owner.send(new PutBucketPolicyCommand({ Bucket: 'public', Policy: PUBLIC_READ }));
    const read = await curl(`${https}/public/s3.txt`, 'GET', { ca });
    expect([read.status, read.body, read.headers['x-amz-server-side-encryption']]).toEqual([200, 'sealed by S3', 'AES256']);
    const overHttp = await curl(`${server.url}/public/s3.txt`);
    expect([overHttp.status, overHttp.body]).toEqual([200, 'sealed by S3']);

    const kms = await curl(`${https}/public/kms.txt`, 'GET', { ca });
    expect(kms.status).toBe(400);
    expect(kms.body).toContain(KMS_REFUSAL);
    // UNCONFIRMED for HEAD (the captures are GETs): the status, and no body, as every HEAD error.
    const head = await curl(`${https}/public/kms.txt`, 'HEAD', { ca });
    expect([head.status, head.body]).toEqual([400, '']);
  });

  it('uploads by a browser form with no signing fields when a statement for "*" allows s3:PutObject', async () => {
    const { https, ca, owner } = await strictServer();
    const form = (key: string): { body: string; headers: Record<string, string> } => {
      const boundary = 'strongbox-anonymous-form';
      const parts = [
        `--${boundary}\r\nContent-Disposition: form-data; name="key"\r\n\r\n${key}\r\n`,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="note.txt"\r\nContent-Type: text/plain\r\n\r\nleft by anyone\r\n`,
        `--${boundary}--\r\n`,
      ];
      return { body: parts.join(''), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
    };
    const refused = await curl(`${https}/public`, 'POST', { ca, ...form('dropped.txt') });
    expect(refused.status).toBe(403);
    await owner.send(
      new PutBucketPolicyCommand({
        Bucket: 'public',
        Policy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::public/*' }],
        }),
      }),
    );
    const uploaded = await curl(`${https}/public`, 'POST', { ca, ...form('dropped.txt') });
    expect(uploaded.status).toBe(204);
    expect(await (await owner.send(new GetObjectCommand({ Bucket: 'public', Key: 'dropped.txt' }))).Body?.transformToString()).toBe('left by anyone');
    // Into a bucket whose default is aws:kms, the same form is refused and stores nothing.
    await owner.send(
      new PutBucketEncryptionCommand({
        Bucket: 'public',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
      }),
    );
    const kms = await curl(`${https}/public`, 'POST', { ca, ...form('kms.note') });
    expect(kms.status).toBe(400);
    expect(kms.body).toContain(KMS_REFUSAL);
    expect(await failureOf(owner.send(new HeadObjectCommand({ Bucket: 'public', Key: 'kms.note' })))).toMatchObject({ status: 404 });
  });

  it('is recorded as CloudTrail records an anonymous S3 requester, in the bucket owner’s event history', async () => {
    const { https, ca, owner } = await strictServer();
    await owner.send(new PutBucketPolicyCommand({ Bucket: 'public', Policy: PUBLIC_READ }));
    expect((await curl(`${https}/public/s3.txt`, 'GET', { ca })).status).toBe(200);
    const trail = new CloudTrailClient({ endpoint: https, region: 'us-east-1', credentials: CREDENTIALS, requestHandler: { httpsAgent: new Agent({ ca }) } });
    clients.push(trail);
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'GetObject' }] }));
    const record = JSON.parse(Events?.[0]?.CloudTrailEvent ?? '{}') as Record<string, unknown>;
    expect([record['userIdentity'], record['recipientAccountId'], record['sourceIPAddress'], record['userAgent']]).toEqual([
      { type: 'AWSAccount', principalId: '', accountId: 'anonymous' },
      '000000000000',
      '127.0.0.1',
      'curl/8.5.0',
    ]);
  });

  it('to KMS is refused: MissingAuthenticationTokenException, as KMS answers every unsigned call', async () => {
    const { server } = await strictServer();
    const unsigned = await curl(server.url, 'POST', {
      body: '{}',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.ListKeys' },
    });
    expect([unsigned.status, JSON.parse(unsigned.body)]).toEqual([
      400,
      { __type: 'MissingAuthenticationTokenException', message: 'Missing Authentication Token' },
    ]);
  });
});

describe('an anonymous request in process (strictAuth)', () => {
  it('is the anonymous caller for an SDK client whose signer is off', async () => {
    const strongbox = await startInProcess({ strictAuth: true });
    closing.push(strongbox);
    const owner = new S3Client({ ...strongbox.clientConfig, forcePathStyle: true });
    const anonymous = new S3Client({ ...strongbox.clientConfig, forcePathStyle: true, signer: { sign: async (request) => request } });
    clients.push(owner, anonymous);
    await owner.send(new CreateBucketCommand({ Bucket: 'public' }));
    await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 's3.txt', Body: 'sealed by S3' }));
    await owner.send(new PutObjectCommand({ Bucket: 'public', Key: 'kms.txt', Body: 'sealed by KMS', ServerSideEncryption: 'aws:kms' }));
    expect(await failureOf(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3.txt' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    await owner.send(new PutBucketPolicyCommand({ Bucket: 'public', Policy: PUBLIC_READ }));
    expect(await (await anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 's3.txt' }))).Body?.transformToString()).toBe('sealed by S3');
    expect(await failureOf(anonymous.send(new GetObjectCommand({ Bucket: 'public', Key: 'kms.txt' })))).toMatchObject({ name: 'InvalidArgument', status: 400 });
  });
});
