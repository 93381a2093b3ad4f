/**
 * S3 on the endpoint: the official `@aws-sdk/client-s3` reaches the S3 engine through
 * `startInProcess` (no port: `{ ...strongbox.clientConfig, forcePathStyle: true }`, or
 * virtual-hosted `bucket.strongbox.localhost`) and through `startServer`'s port, beside KMS; its
 * management events land in the endpoint's one trail; with a data directory objects survive a
 * restart.
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type InProcessStrongbox, startInProcess, startServer } from '../src/index.ts';
import { failureOf, useTempDir } from './helpers/cli.ts';

const opened: { close(): Promise<void> }[] = [];
const clients: { destroy(): void }[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  for (const endpoint of opened.splice(0)) await endpoint.close();
});

function track<T extends { destroy(): void }>(client: T): T {
  clients.push(client);
  return client;
}

async function inProcess(options: Parameters<typeof startInProcess>[0] = {}): Promise<InProcessStrongbox> {
  const strongbox = await startInProcess(options);
  opened.push(strongbox);
  return strongbox;
}

const dir = useTempDir();

describe('S3 in process', () => {
  it('serves a client configured only by clientConfig and forcePathStyle', async () => {
    const strongbox = await inProcess();
    const s3 = track(new S3Client({ ...strongbox.clientConfig, forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: 'in-process' }));
    const body = new Uint8Array(randomBytes(50_000));
    await s3.send(new PutObjectCommand({ Bucket: 'in-process', Key: 'k', Body: body }));
    const got = await s3.send(new GetObjectCommand({ Bucket: 'in-process', Key: 'k' }));
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
    expect(got.ServerSideEncryption).toBe('AES256');
  });

  it('understands virtual-hosted addressing (bucket.strongbox.localhost), the SDK default', async () => {
    const strongbox = await inProcess();
    const s3 = track(new S3Client({ ...strongbox.clientConfig }));
    await s3.send(new CreateBucketCommand({ Bucket: 'hosted-bucket' }));
    await s3.send(new PutObjectCommand({ Bucket: 'hosted-bucket', Key: 'a/b', Body: 'vhost' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'hosted-bucket', Key: 'a/b' }))).Body!.transformToString()).toBe('vhost');
  });

  it('records S3 management events in the endpoint trail, beside KMS', async () => {
    const strongbox = await inProcess();
    const s3 = track(new S3Client({ ...strongbox.clientConfig, forcePathStyle: true }));
    await s3.send(new CreateBucketCommand({ Bucket: 'audited' }));
    await track(new KMSClient({ ...strongbox.clientConfig })).send(new CreateKeyCommand({}));
    const trail = track(new CloudTrailClient({ ...strongbox.clientConfig }));
    const { Events } = await trail.send(new LookupEventsCommand({ LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateBucket' }] }));
    expect(Events?.map((event) => [event.EventName, event.EventSource])).toEqual([['CreateBucket', 's3.amazonaws.com']]);
    // A management event on the bucket: CloudTrail lists the bucket with its owner's account (S3
    // ARNs carry none), `"managementEvent": true, "eventCategory": "Management"`.
    const [created] = Events ?? [];
    expect(created?.Resources).toEqual([{ ResourceType: 'AWS::S3::Bucket', ResourceName: 'arn:aws:s3:::audited' }]);
    const record = JSON.parse(created?.CloudTrailEvent ?? '{}');
    expect([record.resources, record.managementEvent, record.eventCategory]).toEqual([
      [{ accountId: strongbox.kms.account, type: 'AWS::S3::Bucket', ARN: 'arn:aws:s3:::audited' }],
      true,
      'Management',
    ]);
  });

  it('verifies S3 signatures under strict authentication like KMS ones', async () => {
    const strongbox = await inProcess({ strictAuth: true });
    const wrong = track(new S3Client({ ...strongbox.clientConfig, credentials: { accessKeyId: 'test', secretAccessKey: 'wrong' }, forcePathStyle: true }));
    expect(await failureOf(wrong.send(new ListBucketsCommand({})))).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
  });
});

describe('S3 on the port', () => {
  it('tells the engine which listener a request came through: SSE-C over HTTPS, refused over HTTP', async () => {
    const server = await startServer({ port: 0, https: { port: 0 }, dataDirectory: join(dir.path, 's3-https') });
    opened.push(server);
    const https = server.https;
    if (https === undefined) throw new Error('no https listener');
    const ca = await readFile(https.certificate.path, 'utf8');
    const base = { region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true };
    const secure = track(new S3Client({ ...base, endpoint: https.url, requestHandler: { httpsAgent: new Agent({ ca }) } }));
    const plain = track(new S3Client({ ...base, endpoint: server.url }));
    const key = randomBytes(32).toString('base64');
    const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key };
    await secure.send(new CreateBucketCommand({ Bucket: 'tls-bucket' }));
    await secure.send(
      new PutBucketEncryptionCommand({
        Bucket: 'tls-bucket',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
        },
      }),
    );
    await secure.send(new PutObjectCommand({ Bucket: 'tls-bucket', Key: 'secret', Body: 'over tls', ...customer }));
    expect(await (await secure.send(new GetObjectCommand({ Bucket: 'tls-bucket', Key: 'secret', ...customer }))).Body!.transformToString()).toBe('over tls');
    expect(await failureOf(plain.send(new GetObjectCommand({ Bucket: 'tls-bucket', Key: 'secret', ...customer })))).toMatchObject({
      name: 'InvalidRequest',
      status: 400,
    });
  });

  it('serves S3 and KMS on one port, and keeps objects across a restart with a data directory', async () => {
    const data = join(dir.path, 's3-restart');
    const first = await startServer({ port: 0, dataDirectory: data });
    let s3 = new S3Client({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true });
    await s3.send(new CreateBucketCommand({ Bucket: 'durable' }));
    await s3.send(new PutObjectCommand({ Bucket: 'durable', Key: 'kept', Body: 'still here' }));
    const kms = new KMSClient({ endpoint: first.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    expect((await kms.send(new CreateKeyCommand({}))).KeyMetadata?.KeyId).toBeTruthy();
    kms.destroy();
    s3.destroy();
    await first.close();
    const second = await startServer({ port: 0, dataDirectory: data });
    opened.push(second);
    s3 = track(
      new S3Client({ endpoint: second.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, forcePathStyle: true }),
    );
    expect((await s3.send(new HeadBucketCommand({ Bucket: 'durable' }))).$metadata.httpStatusCode).toBe(200);
    expect(await (await s3.send(new GetObjectCommand({ Bucket: 'durable', Key: 'kept' }))).Body!.transformToString()).toBe('still here');
  });
});
