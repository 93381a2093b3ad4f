/**
 * `strongbox serve --data DIR` keeps everything across a restart: KMS keys (their material: a
 * ciphertext from the first run decrypts in the second), aliases, buckets, objects under SSE-S3,
 * SSE-KMS (the bucket default, with a bucket key) and SSE-C, bucket encryption and bucket
 * policies. The SSE-C object still needs its key after the restart: Strongbox never stored it.
 * Real processes (the CLI run as in the workspace) stopped with SIGTERM; the official SDK clients
 * over HTTPS (the listener's certificate is kept in the data directory too).
 */

import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { CreateAliasCommand, CreateKeyCommand, DecryptCommand, DescribeKeyCommand, EncryptCommand, KMSClient, ListAliasesCommand } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { type ServeProcess, serve, useTempDir } from '../../packages/strongbox/test/helpers/cli.ts';

const running: ServeProcess[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop('SIGKILL');
});

const dir = useTempDir();

/** `strongbox serve --data <data> --https-port 0` and SDK clients on its HTTPS listener. */
async function start(data: string): Promise<{ server: ServeProcess; s3: S3Client; kms: KMSClient }> {
  const server = await serve(['--quiet', '--data', data, '--https-port', '0']);
  running.push(server);
  const endpoint = /listening on http:\/\/\S+ and (https:\/\/\S+)/.exec(server.stdout())?.[1];
  expect(endpoint).toBeDefined();
  const ca = await readFile(join(data, 'tls', 'cert.pem'), 'utf8');
  const common = {
    endpoint: endpoint!,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: { httpsAgent: new Agent({ ca }) },
    maxAttempts: 1,
  };
  return { server, s3: new S3Client({ ...common, forcePathStyle: true }), kms: new KMSClient(common) };
}

async function stop(server: ServeProcess): Promise<void> {
  running.splice(running.indexOf(server), 1);
  const exit = await server.stop('SIGTERM');
  expect(exit).toMatchObject({ code: 0, signal: null, stderr: '' });
}

describe('strongbox serve --data, stopped and started again', () => {
  it('keeps keys, aliases, buckets, objects, bucket encryption and policies; SSE-C still needs its key', { timeout: 120_000 }, async () => {
    const data = join(dir.path, 'data');
    const bucket = 'kept';
    const customerKey = randomBytes(32);
    const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey.toString('base64') } as const;
    const bodies = { 'by-default.txt': randomBytes(4000), 'sse-s3.bin': randomBytes(3000), 'sse-c.bin': randomBytes(2000) };
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'TlsOnly',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:*',
          Resource: `arn:aws:s3:::${bucket}/*`,
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        },
      ],
    });

    // First run: make one of everything.
    const first = await start(data);
    const { KeyMetadata } = await first.kms.send(new CreateKeyCommand({ Description: 'orders' }));
    const keyId = KeyMetadata!.KeyId!;
    await first.kms.send(new CreateAliasCommand({ AliasName: 'alias/orders', TargetKeyId: keyId }));
    const { CiphertextBlob } = await first.kms.send(new EncryptCommand({ KeyId: 'alias/orders', Plaintext: Buffer.from('kept secret') }));
    await first.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    const encryption = {
      Rules: [
        {
          ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' as const, KMSMasterKeyID: KeyMetadata!.Arn! },
          BucketKeyEnabled: true,
          BlockedEncryptionTypes: { EncryptionType: ['NONE' as const] },
        },
      ],
    };
    await first.s3.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: encryption }));
    await first.s3.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
    await first.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'by-default.txt', Body: bodies['by-default.txt'] }));
    await first.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-s3.bin', Body: bodies['sse-s3.bin'], ServerSideEncryption: 'AES256' }));
    await first.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-c.bin', Body: bodies['sse-c.bin'], ...customer }));
    await stop(first.server);

    // Second run on the same directory.
    const second = await start(data);
    const described = await second.kms.send(new DescribeKeyCommand({ KeyId: 'alias/orders' }));
    expect(described.KeyMetadata).toMatchObject({ KeyId: keyId, Description: 'orders', KeyState: 'Enabled' });
    const { Aliases } = await second.kms.send(new ListAliasesCommand({ KeyId: keyId }));
    expect(Aliases?.map((alias) => alias.AliasName)).toEqual(['alias/orders']);
    const decrypted = await second.kms.send(new DecryptCommand({ CiphertextBlob }));
    expect(Buffer.from(decrypted.Plaintext!).toString()).toBe('kept secret');

    await second.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    const kept = await second.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
    expect(kept.ServerSideEncryptionConfiguration?.Rules?.[0]).toMatchObject({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: KeyMetadata!.Arn! },
      BucketKeyEnabled: true,
    });
    const { Policy } = await second.s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
    expect(JSON.parse(Policy!)).toEqual(JSON.parse(policy));

    const byDefault = await second.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'by-default.txt' }));
    expect(byDefault).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: KeyMetadata!.Arn!, BucketKeyEnabled: true });
    expect(Buffer.from(await byDefault.Body!.transformToByteArray())).toEqual(bodies['by-default.txt']);
    const sseS3 = await second.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-s3.bin' }));
    expect(sseS3.ServerSideEncryption).toBe('AES256');
    expect(Buffer.from(await sseS3.Body!.transformToByteArray())).toEqual(bodies['sse-s3.bin']);

    // SSE-C: without its key the object does not open (400, as S3 answers); with it, it does.
    await expect(second.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-c.bin' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    const sseC = await second.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-c.bin', ...customer }));
    expect(Buffer.from(await sseC.Body!.transformToByteArray())).toEqual(bodies['sse-c.bin']);
    await stop(second.server);

    // The customer key never reached the data directory.
    const files = (await readdir(data, { recursive: true, withFileTypes: true })).filter((entry) => entry.isFile());
    for (const file of files) {
      const bytes = await readFile(join(file.parentPath, file.name));
      expect(bytes.includes(customerKey), file.name).toBe(false);
      expect(bytes.includes(Buffer.from(customer.SSECustomerKey)), file.name).toBe(false);
    }
  });
});
