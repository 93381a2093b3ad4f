/**
 * KMS round trips through the AWS CLI v2 a Debian user has (`apt-get install awscli`: 2.9), over
 * plain HTTP as KMS allows, and browser-based POST uploads with the SSE form fields through boto3's
 * `generate_presigned_post` (SigV4) over HTTPS: the flows `sse-real-clients.test.ts` leaves out.
 *
 * - AWS CLI v2: Encrypt/Decrypt with an encryption context (another context is
 *   `InvalidCiphertextException` with no message, as KMS sends it: ../shared/reference/kms.md
 *   §2.3), ReEncrypt to another key under a new context, GenerateDataKeyPair with a context (the
 *   private key's ciphertext decrypts to the plaintext private key, which matches the public key),
 *   Sign/Verify with an ECC key (the signature checked here with the key GetPublicKey returns).
 * - boto3: POST uploads naming SSE-KMS (with a key, a context and a bucket key), SSE-S3 and
 *   DSSE-KMS, each answered with the SSE headers and read back by HeadObject; a field the policy
 *   does not name, an unknown mode and a KMS key without `aws:kms` refused as S3 refuses them.
 *
 * Each client is skipped, with the reason printed, when it is absent.
 */

import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningServer, startServer } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedClientEnvironment } from './fixtures/client-environment.ts';
import { AWS_CLI_V2, PYTHON_WITH_BOTO3 } from './fixtures/real-clients.ts';

const run = promisify(execFile);
const FIXTURES = fileURLToPath(new URL('./fixtures/post-clients/', import.meta.url));

const awsV2 = AWS_CLI_V2;
const python = PYTHON_WITH_BOTO3;
if (awsV2 === undefined) console.log('kms-post-real-clients: no AWS CLI v2 (apt-get install awscli); its tests are skipped');
if (python === undefined) console.log('kms-post-real-clients: no python3 with boto3 (apt-get install python3-boto3); its test is skipped');

let work: string;
let server: RunningServer;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'strongbox-kms-post-clients-'));
  server = await startServer({ port: 0, https: { port: 0 }, quotas: false });
  env = isolatedClientEnvironment(work);
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

describe.skipIf(awsV2 === undefined)(`aws kms with the AWS CLI v2 (${awsV2 ?? 'absent'})`, () => {
  const aws = async (args: string): Promise<Record<string, unknown>> => {
    const { stdout } = await run('sh', ['-c', `"${awsV2}" kms ${args} --endpoint-url ${server.url} --region us-east-1 --output json`], { env, cwd: work });
    return JSON.parse(stdout) as Record<string, unknown>;
  };
  /** Writes base64 text as the bytes a `fileb://` argument reads. */
  const blob = async (name: string, base64: unknown): Promise<string> => {
    await writeFile(join(work, name), Buffer.from(String(base64), 'base64'));
    return `fileb://${name}`;
  };

  it('Encrypt/Decrypt with a context, ReEncrypt under a new one, GenerateDataKeyPair, Sign/Verify', async () => {
    const first = (await server.kms.createKey({})).KeyMetadata;
    const second = (await server.kms.createKey({})).KeyMetadata;
    await writeFile(join(work, 'plain.txt'), 'hello kms');
    const encrypted = await aws(`encrypt --key-id ${first.KeyId} --plaintext fileb://plain.txt --encryption-context team=blue,stage=dev`);
    const sealed = await blob('sealed.bin', encrypted['CiphertextBlob']);
    // Pairs in another order are the same context.
    const decrypted = await aws(`decrypt --ciphertext-blob ${sealed} --encryption-context stage=dev,team=blue`);
    expect(decrypted).toMatchObject({ KeyId: first.Arn, EncryptionAlgorithm: 'SYMMETRIC_DEFAULT' });
    expect(Buffer.from(String(decrypted['Plaintext']), 'base64').toString()).toBe('hello kms');
    await expect(aws(`decrypt --ciphertext-blob ${sealed} --encryption-context team=blue`)).rejects.toThrow(
      /An error occurred \(InvalidCiphertextException\) when calling the Decrypt operation: \n/,
    );

    const reencrypted = await aws(
      `re-encrypt --ciphertext-blob ${sealed} --source-encryption-context team=blue,stage=dev --destination-key-id ${second.KeyId} --destination-encryption-context team=red`,
    );
    expect(reencrypted).toMatchObject({ SourceKeyId: first.Arn, KeyId: second.Arn });
    const moved = await blob('moved.bin', reencrypted['CiphertextBlob']);
    const reopened = await aws(`decrypt --ciphertext-blob ${moved} --encryption-context team=red`);
    expect(reopened['KeyId']).toBe(second.Arn);
    expect(Buffer.from(String(reopened['Plaintext']), 'base64').toString()).toBe('hello kms');

    const pair = await aws(`generate-data-key-pair --key-id ${first.KeyId} --key-pair-spec ECC_NIST_P256 --encryption-context purpose=pair`);
    expect(pair).toMatchObject({ KeyId: first.Arn, KeyPairSpec: 'ECC_NIST_P256' });
    const privateKey = createPrivateKey({ key: Buffer.from(String(pair['PrivateKeyPlaintext']), 'base64'), format: 'der', type: 'pkcs8' });
    expect(createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).toString('base64')).toBe(pair['PublicKey']);
    const wrappedPrivate = await blob('private.bin', pair['PrivateKeyCiphertextBlob']);
    expect((await aws(`decrypt --ciphertext-blob ${wrappedPrivate} --encryption-context purpose=pair`))['Plaintext']).toBe(pair['PrivateKeyPlaintext']);

    const signing = (await aws('create-key --key-usage SIGN_VERIFY --key-spec ECC_NIST_P256'))['KeyMetadata'] as { KeyId: string };
    await writeFile(join(work, 'message.txt'), 'signed message');
    const signed = await aws(`sign --key-id ${signing.KeyId} --message fileb://message.txt --signing-algorithm ECDSA_SHA_256`);
    const signature = await blob('signature.bin', signed['Signature']);
    expect(
      await aws(`verify --key-id ${signing.KeyId} --message fileb://message.txt --signature ${signature} --signing-algorithm ECDSA_SHA_256`),
    ).toMatchObject({
      SignatureValid: true,
    });
    const { PublicKey } = await aws(`get-public-key --key-id ${signing.KeyId}`);
    const publicKey = createPublicKey({ key: Buffer.from(String(PublicKey), 'base64'), format: 'der', type: 'spki' });
    expect(verify('sha256', Buffer.from('signed message'), publicKey, Buffer.from(String(signed['Signature']), 'base64'))).toBe(true);
    await writeFile(join(work, 'other.txt'), 'another message');
    await expect(
      aws(`verify --key-id ${signing.KeyId} --message fileb://other.txt --signature ${signature} --signing-algorithm ECDSA_SHA_256`),
    ).rejects.toThrow(/KMSInvalidSignatureException/);
  }, 120_000);
});

describe.skipIf(python === undefined)(`boto3 (${python ?? 'absent'}) presigned POST over HTTPS`, () => {
  it('SSE-KMS (key, context, bucket key), SSE-S3 and DSSE-KMS form fields encrypt the upload; bad fields are refused', async () => {
    const https = server.https as NonNullable<RunningServer['https']>;
    const key = (await server.kms.createKey({})).KeyMetadata;
    await server.s3.createBucket({ Bucket: 'posts' });
    const { stdout } = await run(python as string, [join(FIXTURES, 'boto3-post-sse.py')], {
      env: { ...env, ENDPOINT: https.url, CA_BUNDLE: https.certificate.path, BUCKET: 'posts', KMS_KEY_ID: key.KeyId },
    });
    const out = JSON.parse(stdout) as Record<string, Record<string, unknown>>;
    expect(out['kms']).toEqual({
      status: 204,
      headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-aws-kms-key-id': key.Arn },
      head: { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: key.Arn, BucketKeyEnabled: null, ContentLength: 11 },
    });
    expect(out['kms-context-bucket-key']).toMatchObject({
      status: 204,
      headers: { 'x-amz-server-side-encryption': 'aws:kms', 'x-amz-server-side-encryption-bucket-key-enabled': 'true' },
      head: { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true, ContentLength: 11 },
    });
    expect(out['sse-s3']).toEqual({
      status: 204,
      headers: { 'x-amz-server-side-encryption': 'AES256' },
      head: { ServerSideEncryption: 'AES256', SSEKMSKeyId: null, BucketKeyEnabled: null, ContentLength: 11 },
    });
    expect(out['dsse']).toMatchObject({ status: 204, head: { ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: key.Arn } });
    expect(out['unsigned-field']).toEqual({
      status: 403,
      error: ['AccessDenied', 'Invalid according to Policy: Extra input fields: x-amz-server-side-encryption'],
    });
    expect(out['bad-mode']).toEqual({ status: 400, error: ['InvalidArgument', 'The encryption method specified is not supported'] });
    expect(out['key-without-kms']).toEqual({
      status: 400,
      error: ['InvalidArgument', 'Server Side Encryption with AWS KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms'],
    });
  }, 120_000);
});
