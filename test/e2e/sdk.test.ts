/**
 * The official AWS SDK for JavaScript v3 against Strongbox the three ways a user reaches it: in
 * process (`createStrongbox().clientConfig`, no socket), over HTTP and over HTTPS (`listen()`, the
 * self-signed certificate trusted the way a user would: as a CA for the client's agent). Through
 * each: KMS GenerateDataKey and Decrypt, S3 round trips under SSE-S3, SSE-KMS and SSE-C (the last
 * two refused over plain HTTP, as S3 refuses them), and the AWS Encryption SDK's KMS keyring
 * encrypting and decrypting with Strongbox's KMS.
 */

import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';

/** The ESDK's KMS client supplier type (the keyring's `clientProvider`). */
type EsdkClientSupplier = Exclude<NonNullable<ConstructorParameters<typeof KmsKeyringNode>[0]>['clientProvider'], undefined>;

import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand, KMS, KMSClient, type KMSClientConfig } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { createStrongbox, type Strongbox, type StrongboxListener } from 'strongbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** What an SDK client needs to reach one transport. */
interface Transport {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requestHandler?: NonNullable<S3ClientConfig['requestHandler'] & KMSClientConfig['requestHandler']>;
  /** Whether requests travel over TLS (in process counts as TLS: the endpoint is https:). */
  readonly secure: boolean;
}

let sb: Strongbox;
let listener: StrongboxListener;
const transports: Record<string, Transport> = Object.create(null) as Record<string, Transport>;

beforeAll(async () => {
  sb = await createStrongbox();
  listener = await sb.listen({ https: { port: 0 } });
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  transports['in process'] = { ...sb.clientConfig, secure: true };
  transports['HTTP'] = { endpoint: listener.url, region: 'us-east-1', credentials, secure: false };
  const ca = await readFile(listener.https!.certificate.path, 'utf8');
  // The SDK takes its node:https options as `requestHandler: { httpsAgent }`.
  transports['HTTPS'] = { endpoint: listener.https!.url, region: 'us-east-1', credentials, requestHandler: { httpsAgent: new Agent({ ca }) }, secure: true };
}, 60_000);

afterAll(async () => {
  await sb?.close();
});

const s3For = (t: Transport): S3Client => new S3Client({ ...config(t), forcePathStyle: true, maxAttempts: 1 });
const kmsFor = (t: Transport): KMSClient => new KMSClient({ ...config(t), maxAttempts: 1 });
function config(t: Transport): Omit<Transport, 'secure'> {
  const { secure: _secure, ...rest } = t;
  return rest;
}

describe.each(['in process', 'HTTP', 'HTTPS'])('the official SDK %s', (name) => {
  const transport = (): Transport => transports[name]!;
  const bucket = `e2e-${name.replace(/\s+/g, '-').toLowerCase()}`;
  let keyArn = '';

  beforeAll(async () => {
    const { KeyMetadata } = await kmsFor(transport()).send(new CreateKeyCommand({ Description: `e2e ${name}` }));
    keyArn = KeyMetadata!.Arn!;
    await s3For(transport()).send(new CreateBucketCommand({ Bucket: bucket }));
  });

  it('KMS GenerateDataKey, then Decrypt gives the same data key back', async () => {
    const kms = kmsFor(transport());
    const generated = await kms.send(new GenerateDataKeyCommand({ KeyId: keyArn, KeySpec: 'AES_256', EncryptionContext: { purpose: 'e2e' } }));
    expect(generated.Plaintext).toHaveLength(32);
    expect(generated.KeyId).toBe(keyArn);
    const decrypted = await kms.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { purpose: 'e2e' } }));
    expect(Buffer.from(decrypted.Plaintext!)).toEqual(Buffer.from(generated.Plaintext!));
    // Another context does not open it.
    await expect(kms.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob, EncryptionContext: { purpose: 'other' } }))).rejects.toMatchObject({
      name: 'InvalidCiphertextException',
    });
  });

  it('S3 SSE-S3: PUT then GET returns the bytes, encrypted at rest with AES256', async () => {
    const s3 = s3For(transport());
    const body = randomBytes(10_000);
    const put = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-s3', Body: body }));
    expect(put.ServerSideEncryption).toBe('AES256');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-s3' }));
    expect(got.ServerSideEncryption).toBe('AES256');
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
  });

  it('S3 SSE-KMS under a customer managed key (refused over plain HTTP, as S3 does)', async () => {
    const s3 = s3For(transport());
    const body = randomBytes(3000);
    const put = s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-kms', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn }));
    if (!transport().secure) {
      await expect(put).rejects.toMatchObject({ name: 'InvalidArgument', $metadata: { httpStatusCode: 400 } });
      return;
    }
    expect((await put).SSEKMSKeyId).toBe(keyArn);
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sse-kms' }));
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyArn });
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-kms' }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
  });

  it('S3 SSE-C: blocked on a new bucket until allowed; then the object opens only with its key (refused over plain HTTP)', async () => {
    const s3 = s3For(transport());
    const key = randomBytes(32);
    const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') } as const;
    const body = randomBytes(2048);
    if (transport().secure) {
      // Since April 2026 new buckets block SSE-C uploads until the bucket's encryption allows them.
      await expect(s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-c', Body: body, ...customer }))).rejects.toMatchObject({
        name: 'AccessDenied',
        $metadata: { httpStatusCode: 403 },
      });
    }
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
        },
      }),
    );
    const put = s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-c', Body: body, ...customer }));
    if (!transport().secure) {
      await expect(put).rejects.toMatchObject({ name: 'InvalidRequest', $metadata: { httpStatusCode: 400 } });
      return;
    }
    expect((await put).SSECustomerAlgorithm).toBe('AES256');
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-c', ...customer }));
    expect(Buffer.from(await got.Body!.transformToByteArray())).toEqual(body);
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-c' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
    const wrong = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(32).toString('base64') };
    await expect(s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'sse-c', ...wrong }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 403 } });
  });

  it("the AWS Encryption SDK's KMS keyring encrypts and decrypts with Strongbox's KMS", async () => {
    // The ESDK types its supplier against its own @aws-sdk/client-kms release; it calls only
    // generateDataKey, encrypt and decrypt, which this release's KMS has with the same shapes.
    const clientProvider = ((region: string): KMS => new KMS({ ...config(transport()), region, maxAttempts: 1 })) as unknown as EsdkClientSupplier;
    const keyring = new KmsKeyringNode({ generatorKeyId: keyArn, clientProvider });
    const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
    const plaintext = randomBytes(5000);
    const { result } = await encrypt(keyring, plaintext, { encryptionContext: { tenant: 'acme' } });
    expect(Buffer.from(result).includes(plaintext.subarray(0, 64))).toBe(false);
    const opened = await decrypt(keyring, result);
    expect(Buffer.from(opened.plaintext)).toEqual(plaintext);
    expect(opened.messageHeader.encryptionContext).toMatchObject({ tenant: 'acme' });
    // The data key came from Strongbox's KMS under this key: its trail shows the calls.
    const events = sb.kms.auditTrail.events().filter((event) => event.eventSource === 'kms.amazonaws.com');
    expect(events.some((event) => event.eventName === 'GenerateDataKey' && event.resources?.includes(keyArn))).toBe(true);
    expect(events.some((event) => event.eventName === 'Decrypt' && event.resources?.includes(keyArn))).toBe(true);
    // A keyring for another key cannot open the message: it finds no data key sealed under its key
    // (the ESDK's own error, its material manager's "no keyring decrypted a data key").
    const { KeyMetadata } = await kmsFor(transport()).send(new CreateKeyCommand({}));
    await expect(decrypt(new KmsKeyringNode({ keyIds: [KeyMetadata!.Arn!], clientProvider }), result)).rejects.toThrow(
      new Error('unencryptedDataKey has not been set'),
    );
  });
});
