/**
 * Server-side encryption through the unmodified clients a Debian user has (`apt-get install awscli
 * python3-boto3 ruby-aws-sdk-s3`: AWS CLI 2.9, boto3 1.26, aws-sdk-s3 1.117), against `startServer`
 * over HTTPS with its self-signed certificate: the flows `packages/strongbox/test/s3.cli.test.ts`
 * (the CLI v1 on PATH, one boto3 SSE-C upload) and `cse/ruby-interop.test.ts` (CSE over plain
 * HTTP) leave out.
 *
 * - AWS CLI v2: multipart `aws s3 cp` / `mv` / `sync` between S3 locations, SSE-C to SSE-C with
 *   another key, SSE-C to SSE-KMS, a tagged object's tags carried over (the CLI v2 reads the
 *   source's tags with GetObjectTagging before every multipart copy: Strongbox answered it 501, so
 *   each of these failed); `aws s3 presign`; put/get/delete-bucket-encryption.
 * - boto3: upload_file / download_file in each mode (multipart), copy() with the source's SSE-C
 *   key, HeadObject and GetObject without or with a wrong key, a SigV4 presigned SSE-C GET, the
 *   default (SigV2) presigned GET of an SSE-KMS object refused as S3 refuses it, a bucket default
 *   with BucketKeyEnabled, list_objects_v2 pages; and on a bucket never versioned,
 *   GetBucketVersioning, list_object_versions pages and bucket.object_versions.delete() (what
 *   "empty the bucket" scripts run), which answered 501 before.
 * - Ruby: Aws::S3::Client with SSE-C and SSE-KMS (with a context), Aws::S3::EncryptionV2::Client
 *   (KMS, kms_context) on top of SSE-KMS.
 *
 * Each client is skipped, with the reason printed, when it is absent. The CLI's multipart threshold
 * is lowered to 5 MiB (its config file) so 6 MiB files go multipart: a few seconds in all.
 */

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent, get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PutBucketEncryptionCommand, S3Client } from '@aws-sdk/client-s3';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedClientEnvironment } from './fixtures/client-environment.ts';
import { AWS_CLI_V2, firstWorking, PYTHON_WITH_BOTO3 } from './fixtures/real-clients.ts';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('./fixtures/sse-clients/', import.meta.url));
const SIX_MIB = 6 * 1024 * 1024;

const awsV2 = AWS_CLI_V2;
const python = PYTHON_WITH_BOTO3;
const ruby = firstWorking(['ruby'], ['-e', 'require "aws-sdk-s3"; Aws::S3::EncryptionV2::Client; Aws::KMS::Client'], () => true);
if (awsV2 === undefined) console.log('sse-real-clients: no AWS CLI v2 (apt-get install awscli); its tests are skipped');
if (python === undefined) console.log('sse-real-clients: no python3 with boto3 (apt-get install python3-boto3); its test is skipped');
if (ruby === undefined) console.log('sse-real-clients: no ruby with aws-sdk-s3 (apt-get install ruby-aws-sdk-s3); its test is skipped');

let work: string;
let server: RunningServer;
let https: NonNullable<RunningServer['https']>;
let kmsKey: { KeyId: string; Arn: string };
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strongbox-sse-clients-'));
  server = await startServer({ port: 0, https: { port: 0 }, dataDirectory: join(work, 'data'), quotas: false });
  if (server.https === undefined) throw new Error('no https listener');
  https = server.https;
  const { KeyMetadata } = await server.kms.createKey({});
  kmsKey = { KeyId: KeyMetadata.KeyId, Arn: KeyMetadata.Arn as string };
  const config = join(work, 'aws-config');
  await writeFile(config, '[default]\ns3 =\n  multipart_threshold = 5MB\n  multipart_chunksize = 5MB\n');
  env = isolatedClientEnvironment(work, {
    AWS_CONFIG_FILE: config,
    ENDPOINT: https.url,
    CA_BUNDLE: https.certificate.path,
    KMS_KEY_ID: kmsKey.KeyId,
    WORK: work,
  });
  // New buckets block SSE-C (April 2026), and these clients predate BlockedEncryptionTypes: the
  // buckets allow it, set with the JS SDK.
  const sdk = new S3Client({
    endpoint: https.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
    requestHandler: { httpsAgent: new Agent({ ca: await readFile(https.certificate.path, 'utf8') }) },
  });
  for (const bucket of ['cli', 'boto3', 'ruby']) {
    await server.s3.createBucket({ Bucket: bucket });
    await sdk.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
        },
      }),
    );
  }
  sdk.destroy();
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe.skipIf(awsV2 === undefined)(`the AWS CLI v2 (${awsV2 ?? 'absent'}) over HTTPS`, () => {
  const aws = async (args: string): Promise<string> =>
    (
      await run('sh', ['-c', `"${awsV2}" ${args} --endpoint-url ${https.url} --ca-bundle ${https.certificate.path} --region us-east-1`], {
        env,
        maxBuffer: 16 * 1024 * 1024,
      })
    ).stdout;
  const head = async (key: string, extra = ''): Promise<Record<string, unknown>> =>
    JSON.parse(await aws(`s3api head-object --bucket cli --key ${key} ${extra}`)) as Record<string, unknown>;

  it('aws s3 cp, mv and sync between S3 locations, multipart (UploadPartCopy), SSE-C re-keyed and to SSE-KMS, tags carried over', async () => {
    const [file, key1, key2] = [join(work, 'cli.bin'), join(work, 'cli-1.key'), join(work, 'cli-2.key')];
    await writeFile(file, randomBytes(SIX_MIB));
    await writeFile(key1, randomBytes(32));
    await writeFile(key2, randomBytes(32));
    const c1 = `--sse-c AES256 --sse-c-key fileb://${key1}`;
    const c2 = `--sse-c AES256 --sse-c-key fileb://${key2}`;
    const from1 = `--sse-c-copy-source AES256 --sse-c-copy-source-key fileb://${key1}`;
    await aws(`s3 cp ${file} s3://cli/c/source ${c1} --only-show-errors`);
    await aws(`s3 cp s3://cli/c/source s3://cli/c/rekeyed ${from1} ${c2} --only-show-errors`);
    await aws(
      `s3 mv s3://cli/c/rekeyed s3://cli/kms/moved --sse-c-copy-source AES256 --sse-c-copy-source-key fileb://${key2} --sse aws:kms --sse-kms-key-id ${kmsKey.KeyId} --only-show-errors`,
    );
    await aws(`s3api put-object --bucket cli --key tagged/source --body ${file} --tagging "team=blue&stage=dev" --server-side-encryption aws:kms`);
    await aws('s3 cp s3://cli/tagged/source s3://cli/tagged/copy --only-show-errors');
    await aws('s3 sync s3://cli/kms/ s3://cli/synced/ --sse AES256 --only-show-errors');
    await aws(`s3 cp s3://cli/kms/moved ${file}.kms --only-show-errors`);
    await aws(`s3 cp s3://cli/synced/moved ${file}.synced --only-show-errors`);
    const original = await readFile(file);
    expect([(await readFile(`${file}.kms`)).equals(original), (await readFile(`${file}.synced`)).equals(original)]).toEqual([true, true]);
    expect(await head('kms/moved')).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey.Arn, ETag: expect.stringMatching(/-2"$/) });
    expect(await head('synced/moved')).toMatchObject({ ServerSideEncryption: 'AES256', ContentLength: SIX_MIB });
    // mv deleted its source; the SSE-C source stays readable with its key only.
    await expect(aws('s3api head-object --bucket cli --key c/rekeyed')).rejects.toThrow(/404/);
    expect(await head('c/source', `--sse-customer-algorithm AES256 --sse-customer-key fileb://${key1}`)).toMatchObject({ SSECustomerAlgorithm: 'AES256' });
    // The tag set as a set: in which order S3 lists a copied object's tags is not documented.
    const { TagSet } = JSON.parse(await aws('s3api get-object-tagging --bucket cli --key tagged/copy')) as { TagSet: { Key: string; Value: string }[] };
    expect(TagSet).toHaveLength(2);
    expect(TagSet).toEqual(
      expect.arrayContaining([
        { Key: 'stage', Value: 'dev' },
        { Key: 'team', Value: 'blue' },
      ]),
    );
  }, 120_000);

  it('aws s3 presign of an SSE-KMS object, and the bucket encryption round trip', async () => {
    await writeFile(join(work, 'small.txt'), 'presigned and sealed by KMS');
    await aws(`s3 cp ${join(work, 'small.txt')} s3://cli/presigned.txt --sse aws:kms --only-show-errors`);
    const url = (await aws('s3 presign s3://cli/presigned.txt --expires-in 300')).trim();
    const ca = await readFile(https.certificate.path, 'utf8');
    const body = await new Promise<string>((resolve, reject) => {
      get(url, { ca }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => resolve(`${response.statusCode} ${text}`));
      }).on('error', reject);
    });
    expect(body).toBe('200 presigned and sealed by KMS');
    const rules = `{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"${kmsKey.KeyId}"},"BucketKeyEnabled":true}]}`;
    await aws(`s3api put-bucket-encryption --bucket cli --server-side-encryption-configuration '${rules}'`);
    expect(JSON.parse(await aws('s3api get-bucket-encryption --bucket cli'))).toEqual({
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKey.KeyId }, BucketKeyEnabled: true }],
      },
    });
    await aws('s3api delete-bucket-encryption --bucket cli');
    expect(JSON.parse(await aws('s3api get-bucket-encryption --bucket cli'))).toMatchObject({
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] },
    });
  }, 60_000);
});

describe.skipIf(python === undefined)(`boto3 (${python ?? 'absent'}) over HTTPS`, () => {
  it('every mode multipart both ways, copy() with the source key, SSE-C errors, presigned GETs (SSE-C; SSE-KMS refused in SigV2 form), a bucket-key default, list pages', async () => {
    await writeFile(join(work, 'boto3.bin'), randomBytes(SIX_MIB));
    const { stdout } = await run(python as string, [join(FIXTURES, 'boto3-sse.py')], { env: { ...env, BUCKET: 'boto3' }, maxBuffer: 16 * 1024 * 1024 });
    const out = JSON.parse(stdout) as Record<string, { same?: boolean; head?: Record<string, unknown> } & Record<string, unknown>>;
    for (const mode of ['sse-s3', 'sse-kms', 'dsse-kms', 'sse-c']) {
      expect(out[mode]?.same, mode).toBe(true);
      expect(out[mode]?.head?.['ETag'], mode).toMatch(/-2"$/);
    }
    expect(out['sse-kms']?.head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey.Arn });
    expect(out['dsse-kms']?.head).toMatchObject({ ServerSideEncryption: 'aws:kms:dsse' });
    expect(out['sse-c']?.head).toMatchObject({ ServerSideEncryption: null, SSECustomerAlgorithm: 'AES256' });
    expect(out['copy']).toMatchObject({ same: true, ETag: expect.stringMatching(/-2"$/) });
    // HEAD has no body: botocore names the error by its status.
    expect([out['head-without-key'], out['head-wrong-key'], out['get-without-key']]).toEqual([
      ['400', 400],
      ['403', 403],
      ['InvalidRequest', 400],
    ]);
    expect(out['presigned']).toEqual({ status: 200, same: true });
    expect(out['presigned-kms']).toEqual({
      default: [400, 'InvalidArgument', 'Requests specifying Server Side Encryption with AWS KMS managed keys require AWS Signature Version 4.'],
      s3v4: [200, true],
    });
    // boto3 releases before the November 2025 model drop `BlockedEncryptionTypes` while parsing
    // (Debian's 1.26); newer ones return it: NONE, as this bucket's rule set nothing to block.
    const { BlockedEncryptionTypes: blocked, ...rule } = out['bucket-encryption'] as Record<string, unknown>;
    expect(rule).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: kmsKey.KeyId },
      BucketKeyEnabled: true,
    });
    expect([undefined, { EncryptionType: ['NONE'] }]).toContainEqual(blocked);
    expect(out['default']).toEqual({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: kmsKey.Arn, BucketKeyEnabled: true });
    expect(out['listed']).toEqual([
      ['boto3/default', 21],
      ['boto3/dsse-kms', SIX_MIB],
      ['boto3/sse-c', SIX_MIB],
      ['boto3/sse-c-copy', SIX_MIB],
      ['boto3/sse-kms', SIX_MIB],
      ['boto3/sse-s3', SIX_MIB],
    ]);
  }, 120_000);
});

describe.skipIf(python === undefined)(`boto3 (${python ?? 'absent'}) on a bucket never versioned`, () => {
  it('GetBucketVersioning, ListObjectVersions pages, versionId=null, and bucket.object_versions.delete() emptying the bucket', async () => {
    await server.s3.createBucket({ Bucket: 'boto3-versions' });
    const { stdout } = await run(python as string, [join(FIXTURES, 'boto3-versions.py')], { env: { ...env, BUCKET: 'boto3-versions' } });
    const out = JSON.parse(stdout) as Record<string, unknown>;
    expect(out['versioning']).toEqual({});
    // boto3 sends encoding-type=url and decodes the keys; two a page.
    expect(out['pages']).toEqual([
      [
        ['a b/1', 'null', true],
        ['a b/2', 'null', true],
      ],
      [
        ['dir/sub/x+y', 'null', true],
        ['dir/é', 'null', true],
      ],
      [['plain', 'null', true]],
    ]);
    expect(out['prefixes']).toEqual(['a b/', 'dir/']);
    expect(out['null-head']).toBe(5);
    expect(out['listed']).toEqual([
      ['a b/1', 'null'],
      ['a b/2', 'null'],
      ['dir/sub/x+y', 'null'],
      ['dir/é', 'null'],
      ['plain', 'null'],
    ]);
    expect([out['left'], out['bucket-deleted']]).toEqual([0, true]);
  }, 60_000);
});

describe.skipIf(ruby === undefined)('Ruby aws-sdk-s3 over HTTPS', () => {
  it('Aws::S3::Client with SSE-C and SSE-KMS, and EncryptionV2 (KMS, kms_context) on top of SSE-KMS', async () => {
    const { stdout } = await run(ruby as string, [join(FIXTURES, 'ruby-sse.rb')], { env: { ...env, BUCKET: 'ruby' }, maxBuffer: 16 * 1024 * 1024 });
    expect(JSON.parse(stdout)).toEqual({
      'sse-c': { same: true, md5: true, 'wrong-key': ['AccessDenied', 403] },
      'sse-kms': {
        same: true,
        put: ['aws:kms', kmsKey.Arn, Buffer.from('{"app":"ruby"}').toString('base64')],
        get: ['aws:kms', kmsKey.Arn],
      },
      'cse-kms': {
        same: true,
        sse: 'aws:kms',
        'wrong-context': 'Aws::S3::EncryptionV2::Errors::DecryptionError',
        // The ciphertext and its 16-byte GCM tag; the envelope in the metadata.
        stored: ['aws:kms', 'kms+context', 100_016],
      },
    });
  }, 60_000);
});
