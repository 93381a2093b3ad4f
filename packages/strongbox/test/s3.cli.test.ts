/**
 * S3 through the unmodified AWS CLI and boto3 (Python), against `startServer` with its HTTPS
 * listener, where they are installed (neither is a dependency of this repository: each test is
 * skipped with its reason otherwise). `aws s3 cp` up and down with `--sse AES256`,
 * `--sse aws:kms --sse-kms-key-id` and `--sse-c`, an s3-to-s3 multipart copy of an SSE-C object,
 * `aws s3api put-bucket-encryption`, and boto3's
 * `upload_file` with SSE-C, all over HTTPS with the endpoint's self-signed certificate; SSE-C over
 * plain HTTP refused. Each test starts several CLI processes (about a second each), so each has 90 s.
 */

import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PutBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../src/index.ts';
import { tempDir } from './helpers/cli.ts';

const hasAws = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;
const hasBoto3 = spawnSync('python3', ['-c', 'import boto3'], { stdio: 'ignore' }).status === 0;
if (!hasAws) console.log('s3.cli.test: the AWS CLI is not installed (apt-get install awscli); its tests are skipped');
if (!hasBoto3) console.log('s3.cli.test: python3 with boto3 is not installed (apt-get install python3-boto3); its test is skipped');

let dir: Awaited<ReturnType<typeof tempDir>>;
let server: RunningServer;
let https: NonNullable<RunningServer['https']>;
const env = {
  ...process.env,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
};

beforeAll(async () => {
  dir = await tempDir();
  server = await startServer({ port: 0, https: { port: 0 }, dataDirectory: join(dir.path, 'data') });
  if (server.https === undefined) throw new Error('no https listener');
  https = server.https;
  // New buckets block SSE-C (April 2026); the bucket used below allows it, set with the JS SDK.
  const ca = await readFile(https.certificate.path, 'utf8');
  const sdk = new S3Client({
    endpoint: https.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
    requestHandler: { httpsAgent: new Agent({ ca }) },
  });
  await aws('s3 mb s3://cli-bucket');
  await sdk.send(
    new PutBucketEncryptionCommand({
      Bucket: 'cli-bucket',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
      },
    }),
  );
  sdk.destroy();
}, 60_000);

afterAll(async () => {
  await server?.close();
  await dir?.cleanup();
});

/** Runs an `aws` command line over HTTPS, trusting the endpoint's certificate. */
async function aws(args: string, url = https.url): Promise<string> {
  const tls = url.startsWith('https:') ? ` --ca-bundle ${https.certificate.path}` : '';
  const { stdout } = await promisify(execFile)('sh', ['-c', `aws ${args} --endpoint-url ${url} --region us-east-1${tls}`], {
    env,
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

async function upAndDown(name: string, size: number, sseArgs: string): Promise<Record<string, unknown>> {
  const file = join(dir.path, name);
  await writeFile(file, randomBytes(size));
  await aws(`s3 cp ${file} s3://cli-bucket/${name} ${sseArgs} --only-show-errors`);
  await aws(`s3 cp s3://cli-bucket/${name} ${file}.back ${sseArgs.includes('--sse-c ') ? sseArgs : ''} --only-show-errors`);
  expect((await readFile(`${file}.back`)).equals(await readFile(file))).toBe(true);
  const sseC = sseArgs.includes('--sse-c ') ? sseArgs.replace('--sse-c ', '--sse-customer-algorithm ').replace('--sse-c-key ', '--sse-customer-key ') : '';
  return JSON.parse(await aws(`s3api head-object --bucket cli-bucket --key ${name} ${sseC}`)) as Record<string, unknown>;
}

describe.skipIf(!hasAws)('the AWS CLI over HTTPS', () => {
  it('aws s3 cp up and down with --sse AES256 (multipart above 8 MiB)', async () => {
    const head = await upAndDown('sse-s3.bin', 9 * 1024 * 1024, '--sse AES256');
    expect(head).toMatchObject({ ServerSideEncryption: 'AES256', ContentLength: 9 * 1024 * 1024 });
  }, 90_000);

  it('aws s3 cp with --sse aws:kms --sse-kms-key-id (a key made with aws kms create-key)', async () => {
    const keyId = (JSON.parse(await aws('kms create-key')) as { KeyMetadata: { KeyId: string; Arn: string } }).KeyMetadata;
    const head = await upAndDown('sse-kms.bin', 300_000, `--sse aws:kms --sse-kms-key-id ${keyId.KeyId}`);
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId.Arn });
  }, 90_000);

  it('aws s3 cp with --sse-c (the key sent with every request), and its refusal over plain HTTP', async () => {
    const keyFile = join(dir.path, 'customer.key');
    await writeFile(keyFile, randomBytes(32));
    const head = await upAndDown('sse-c.bin', 200_000, `--sse-c AES256 --sse-c-key fileb://${keyFile}`);
    expect(head).toMatchObject({ SSECustomerAlgorithm: 'AES256' });
    expect(head['ServerSideEncryption']).toBeUndefined();
    const plain = aws(`s3 cp ${keyFile} s3://cli-bucket/plain.bin --sse-c AES256 --sse-c-key fileb://${keyFile}`, server.url);
    await expect(plain).rejects.toThrow(/InvalidRequest.*secure connection/s);
  }, 90_000);

  it('aws s3 cp s3 to s3 of an SSE-C object over 8 MiB (a multipart copy: UploadPartCopy with both keys), to SSE-C and to SSE-KMS', async () => {
    const [sourceKey, targetKey] = [join(dir.path, 'source.key'), join(dir.path, 'target.key')];
    await writeFile(sourceKey, randomBytes(32));
    await writeFile(targetKey, randomBytes(32));
    const file = join(dir.path, 'sse-c-copy.bin');
    await writeFile(file, randomBytes(9 * 1024 * 1024));
    const source = `--sse-c-copy-source AES256 --sse-c-copy-source-key fileb://${sourceKey}`;
    await aws(`s3 cp ${file} s3://cli-bucket/sse-c-source --sse-c AES256 --sse-c-key fileb://${sourceKey} --only-show-errors`);
    await aws(`s3 cp s3://cli-bucket/sse-c-source s3://cli-bucket/sse-c-target ${source} --sse-c AES256 --sse-c-key fileb://${targetKey} --only-show-errors`);
    await aws(`s3 cp s3://cli-bucket/sse-c-source s3://cli-bucket/sse-kms-target ${source} --sse aws:kms --only-show-errors`);
    await aws(`s3 cp s3://cli-bucket/sse-c-target ${file}.c --sse-c AES256 --sse-c-key fileb://${targetKey} --only-show-errors`);
    await aws(`s3 cp s3://cli-bucket/sse-kms-target ${file}.kms --only-show-errors`);
    const original = await readFile(file);
    expect([(await readFile(`${file}.c`)).equals(original), (await readFile(`${file}.kms`)).equals(original)]).toEqual([true, true]);
    const head = JSON.parse(await aws('s3api head-object --bucket cli-bucket --key sse-kms-target')) as Record<string, unknown>;
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', ETag: expect.stringMatching(/-2"$/) });
    // Without the source key the CLI's HeadObject of the source is refused (400), and nothing is copied.
    await expect(aws('s3 cp s3://cli-bucket/sse-c-source s3://cli-bucket/no-key --only-show-errors')).rejects.toThrow(/HeadObject operation: Bad Request/);
  }, 90_000);

  it('aws s3api put-bucket-encryption and get-bucket-encryption', async () => {
    await aws('s3 mb s3://cli-config-bucket');
    await aws(
      `s3api put-bucket-encryption --bucket cli-config-bucket --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms"},"BucketKeyEnabled":true}]}'`,
    );
    const read = JSON.parse(await aws('s3api get-bucket-encryption --bucket cli-config-bucket')) as {
      ServerSideEncryptionConfiguration: { Rules: { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: string }; BucketKeyEnabled: boolean }[] };
    };
    expect(read.ServerSideEncryptionConfiguration.Rules[0]).toMatchObject({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' },
      BucketKeyEnabled: true,
    });
    const file = join(dir.path, 'default-kms.txt');
    await writeFile(file, 'encrypted by the bucket default');
    await aws(`s3 cp ${file} s3://cli-config-bucket/default.txt --only-show-errors`);
    const head = JSON.parse(await aws('s3api head-object --bucket cli-config-bucket --key default.txt')) as Record<string, unknown>;
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true });
  }, 90_000);
});

describe.skipIf(!hasBoto3)('boto3 over HTTPS', () => {
  it('upload_file and download_file with SSE-C', async () => {
    const file = join(dir.path, 'boto3.bin');
    await writeFile(file, randomBytes(7 * 1024 * 1024));
    const script = await dir.file(
      'boto3-sse-c.py',
      [
        'import os, sys, boto3',
        'url, ca, path = sys.argv[1], sys.argv[2], sys.argv[3]',
        "s3 = boto3.client('s3', endpoint_url=url, verify=ca, region_name='us-east-1', aws_access_key_id='test', aws_secret_access_key='test')",
        "extra = {'SSECustomerAlgorithm': 'AES256', 'SSECustomerKey': os.urandom(32)}",
        "s3.upload_file(path, 'cli-bucket', 'boto3.bin', ExtraArgs=extra)",
        "s3.download_file('cli-bucket', 'boto3.bin', path + '.back', ExtraArgs=extra)",
        "head = s3.head_object(Bucket='cli-bucket', Key='boto3.bin', **extra)",
        "print(head['SSECustomerAlgorithm'], open(path, 'rb').read() == open(path + '.back', 'rb').read())",
      ].join('\n'),
    );
    const { stdout } = await promisify(execFile)('python3', [script, https.url, https.certificate.path, file], { env });
    expect(stdout.trim()).toBe('AES256 True');
  }, 90_000);
});
