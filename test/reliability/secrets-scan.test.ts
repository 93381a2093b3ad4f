/**
 * Secrets never reach disk, logs, the trail or error messages: a full run against
 * `strongbox serve --data` (its stdout and stderr captured, the request log on) with known secrets
 * — SSE-C keys (PUT, GET, HEAD, CopyObject between two customer keys, a multipart upload, a wrong
 * key), SSE-KMS with and without a bucket key, DSSE-KMS, KMS GenerateDataKey and Decrypt, the S3
 * Encryption Client (KMS keyring, and an AES keyring with a known wrapping key), KMS key material
 * imported with known bytes — then a scan of every file of the data directory, the captured
 * output, every CloudTrail event (LookupEvents) and every error message seen, for each secret as
 * raw bytes, base64 and hex. The plaintext data keys are the ones the clients saw (GenerateDataKey,
 * Decrypt, the CSE client's KMS calls), and S3's own: recovered, as the test owner would, with KMS
 * Decrypt of the wrapped keys S3 stores beside each SSE-KMS object (bucket keys included).
 * Key material at rest is sealed: the imported key bytes appear nowhere in the directory.
 */

import { constants, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LookupEventsCommand, type LookupEventsCommandOutput } from '@aws-sdk/client-cloudtrail';
import {
  CreateKeyCommand,
  DecryptCommand,
  EncryptCommand,
  GenerateDataKeyCommand,
  GetParametersForImportCommand,
  ImportKeyMaterialCommand,
  type KMSClient,
} from '@aws-sdk/client-kms';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { AesKeyring, KmsKeyring, S3EncryptionClient } from '@strongbox/s3-encryption-client';
import { kmsClientAdapter } from '@strongbox/s3-encryption-client/kms-sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { cloudTrailClient, failureOf, kmsClient, type ServedChild, s3Client, serveChild } from './helpers/serve.ts';
import { recordReliability } from './summary.ts';

const BUCKET = 'secrets';
const MiB = 1024 * 1024;

/** A secret and its name, for the report of where it leaked. */
interface Secret {
  readonly name: string;
  readonly bytes: Uint8Array;
}

let directory: string;
let served: ServedChild | undefined;
afterAll(async () => {
  await served?.stop('SIGKILL');
  if (directory !== undefined) await rm(directory, { recursive: true, force: true });
});

/** Captures the plaintext of every KMS answer a client receives (GenerateDataKey, Decrypt). */
function capturePlaintexts(kms: KMSClient, secrets: Secret[], label: string): void {
  kms.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const plaintext = (result.output as { Plaintext?: Uint8Array }).Plaintext;
      if (plaintext !== undefined) secrets.push({ name: `${label} data key`, bytes: new Uint8Array(plaintext) });
      return result;
    },
    { step: 'initialize', name: 'captureKmsPlaintexts' },
  );
}

/** The forms a secret could leak as: raw bytes, base64 (standard and URL), hex (both cases). */
function forms(secret: Uint8Array): { text: string[]; raw: Buffer } {
  const raw = Buffer.from(secret);
  return { raw, text: [raw.toString('base64'), raw.toString('base64url'), raw.toString('hex'), raw.toString('hex').toUpperCase()] };
}

/** Where each secret appears in `haystack` (bytes or text), as `name in form`. */
function leaks(secrets: readonly Secret[], haystack: Buffer): string[] {
  const found: string[] = [];
  for (const secret of secrets) {
    const { raw, text } = forms(secret.bytes);
    if (haystack.includes(raw)) found.push(`${secret.name} (raw)`);
    for (const form of text) if (haystack.includes(form)) found.push(`${secret.name} (${form.slice(0, 8)}...)`);
  }
  return found;
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => join(entry.parentPath, entry.name));
}

/** Wrapped data keys S3 stored beside SSE-KMS objects (`wrappedKeys` fields of the object records). */
function storedWrappedKeys(text: string): { id: string; blob: Uint8Array }[] {
  const found: { id: string; blob: Uint8Array }[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === 'string' && value.startsWith('[{"id":"aws-kms')) {
      for (const entry of JSON.parse(value) as { id: string; blob: string }[]) found.push({ id: entry.id, blob: Buffer.from(entry.blob, 'base64') });
    } else if (value !== null && typeof value === 'object') for (const inner of Object.values(value)) visit(inner);
  };
  try {
    visit(JSON.parse(text));
  } catch {
    // Not a JSON record.
  }
  return found;
}

/**
 * S3's own data keys, recovered as the test owner: KMS Decrypt of each stored wrapped key, under the
 * context S3 bound (the object's ARN; a bucket key, `0x01 ‖ u16 length ‖ blob ‖ nonce`, the bucket's).
 */
async function recoverS3DataKeys(kms: KMSClient, wrapped: readonly { id: string; blob: Uint8Array }[], objects: readonly string[]): Promise<Secret[]> {
  const recovered: Secret[] = [];
  for (const { id, blob } of wrapped) {
    const bucketKey = id.startsWith('aws-kms-bucket-key:') || id.startsWith('aws-kms-upload-key:');
    const ciphertext = bucketKey ? blob.subarray(3, 3 + Buffer.from(blob).readUInt16BE(1)) : blob;
    const contexts = bucketKey
      ? [`arn:aws:s3:::${BUCKET}`, ...objects.map((key) => `arn:aws:s3:::${BUCKET}/${key}`)]
      : objects.map((key) => `arn:aws:s3:::${BUCKET}/${key}`);
    for (const arn of contexts) {
      const failure = await failureOf(kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: { 'aws:s3:arn': arn } })));
      if (failure !== undefined) continue;
      const opened = await kms.send(new DecryptCommand({ CiphertextBlob: ciphertext, EncryptionContext: { 'aws:s3:arn': arn } }));
      recovered.push({ name: `S3 data key (${id.split(':')[0]}, ${arn})`, bytes: new Uint8Array(opened.Plaintext!) });
      break;
    }
  }
  return recovered;
}

describe('secrets after a full run of strongbox serve --data', () => {
  it('appear in no file of the data directory, no log line, no trail event and no error message', async () => {
    directory = await mkdtemp(join(tmpdir(), 'strongbox-secrets-'));
    served = await serveChild({ args: ['--data', join(directory, 'data'), '--no-quotas'] });
    const s3: S3Client = s3Client(served);
    const kms: KMSClient = kmsClient(served);
    const secrets: Secret[] = [];
    const errors: string[] = [];
    const sseC = (name: string): { key: string; secret: Secret } => {
      const bytes = new Uint8Array(randomBytes(32));
      const secret = { name: `SSE-C key ${name}`, bytes };
      secrets.push(secret);
      return { key: Buffer.from(bytes).toString('base64'), secret };
    };
    const ssecHeaders = (key: string) => ({ SSECustomerAlgorithm: 'AES256', SSECustomerKey: key });
    const body = new Uint8Array(randomBytes(200_000));
    const objects: string[] = [];
    const put = async (key: string, extra: Record<string, unknown>): Promise<void> => {
      objects.push(key);
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body, ...extra }));
    };

    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3.send(
      new PutBucketEncryptionCommand({
        Bucket: BUCKET,
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
        },
      }),
    );
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'secrets' }))).KeyMetadata!.KeyId!;

    // SSE-C: PUT, GET, HEAD, copy to another customer key, a wrong key, multipart.
    const first = sseC('first');
    const second = sseC('second');
    const wrong = sseC('wrong');
    const parts = sseC('multipart');
    await put('ssec', ssecHeaders(first.key));
    expect(
      Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssecHeaders(first.key) }))).Body!.transformToByteArray()).equals(
        body,
      ),
    ).toBe(true);
    await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssecHeaders(first.key) }));
    objects.push('ssec-copy');
    await s3.send(
      new CopyObjectCommand({
        Bucket: BUCKET,
        Key: 'ssec-copy',
        CopySource: `${BUCKET}/ssec`,
        CopySourceSSECustomerAlgorithm: 'AES256',
        CopySourceSSECustomerKey: first.key,
        ...ssecHeaders(second.key),
      }),
    );
    const refused = [
      () => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssecHeaders(wrong.key) })),
      () => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec-copy', ...ssecHeaders(first.key) })),
      () => s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'ssec', ...ssecHeaders(wrong.key) })),
      () => s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec' })),
    ];
    for (const attempt of refused) {
      const failure = await failureOf(attempt());
      expect(failure).toBeDefined();
      errors.push(`${failure!.name}: ${failure!.message}`);
    }
    objects.push('ssec-multipart');
    const upload = await s3.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'ssec-multipart', ...ssecHeaders(parts.key) }));
    const uploaded = [];
    for (const [index, size] of [5 * MiB, 1000].entries()) {
      const answer = await s3.send(
        new UploadPartCommand({
          Bucket: BUCKET,
          Key: 'ssec-multipart',
          UploadId: upload.UploadId!,
          PartNumber: index + 1,
          Body: new Uint8Array(randomBytes(size)),
          ...ssecHeaders(parts.key),
        }),
      );
      uploaded.push({ PartNumber: index + 1, ETag: answer.ETag! });
    }
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: BUCKET,
        Key: 'ssec-multipart',
        UploadId: upload.UploadId!,
        MultipartUpload: { Parts: uploaded },
        ...ssecHeaders(parts.key),
      }),
    );
    await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'ssec-multipart', ...ssecHeaders(parts.key) }))).Body!.transformToByteArray();

    // SSE-KMS (with and without a bucket key), DSSE-KMS, read back.
    await put('kms', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId });
    await put('kms-bucket-key', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: true });
    await put('dsse', { ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: keyId });
    await put('sse-s3', {});
    for (const key of ['kms', 'kms-bucket-key', 'dsse', 'sse-s3'])
      await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body!.transformToByteArray();

    // KMS: data keys the client sees; a Decrypt under the wrong context (an error message).
    capturePlaintexts(kms, secrets, 'KMS');
    const generated = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: { purpose: 'scan' } }));
    await kms.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob!, EncryptionContext: { purpose: 'scan' } }));
    const contextFailure = await failureOf(
      kms.send(new DecryptCommand({ CiphertextBlob: generated.CiphertextBlob!, EncryptionContext: { purpose: 'other' } })),
    );
    errors.push(`${contextFailure!.name}: ${contextFailure!.message}`);
    const encrypted = await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: new Uint8Array(randomBytes(32)) }));
    await kms.send(new DecryptCommand({ CiphertextBlob: encrypted.CiphertextBlob! }));

    // Client-side encryption: a KMS keyring (its data keys captured) and an AES keyring with a known key.
    const cseKms = kmsClient(served);
    capturePlaintexts(cseKms, secrets, 'CSE KMS keyring');
    const wrappingKey = new Uint8Array(randomBytes(32));
    secrets.push({ name: 'CSE AES wrapping key', bytes: wrappingKey });
    objects.push('cse-kms', 'cse-aes');
    for (const [key, keyring] of [
      ['cse-kms', new KmsKeyring({ kms: kmsClientAdapter(cseKms), kmsKeyId: keyId })],
      ['cse-aes', new AesKeyring({ wrappingKey })],
    ] as const) {
      const client = new S3EncryptionClient({ s3, keyring });
      await client.putObject({ Bucket: BUCKET, Key: key, Body: body });
      expect(Buffer.from(await (await client.getObject({ Bucket: BUCKET, Key: key })).Body!.transformToByteArray()).equals(body)).toBe(true);
    }

    // Imported key material with known bytes: it must be sealed at rest.
    const external = (await kms.send(new CreateKeyCommand({ Origin: 'EXTERNAL' }))).KeyMetadata!.KeyId!;
    const parameters = await kms.send(
      new GetParametersForImportCommand({ KeyId: external, WrappingAlgorithm: 'RSAES_OAEP_SHA_256', WrappingKeySpec: 'RSA_2048' }),
    );
    const material = new Uint8Array(randomBytes(32));
    secrets.push({ name: 'imported KMS key material', bytes: material });
    const wrappedMaterial = publicEncrypt(
      {
        key: createPublicKey({ key: Buffer.from(parameters.PublicKey!), format: 'der', type: 'spki' }),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha256',
      },
      material,
    );
    await kms.send(
      new ImportKeyMaterialCommand({
        KeyId: external,
        ImportToken: parameters.ImportToken!,
        EncryptedKeyMaterial: wrappedMaterial,
        ExpirationModel: 'KEY_MATERIAL_DOES_NOT_EXPIRE',
      }),
    );
    await kms.send(new EncryptCommand({ KeyId: external, Plaintext: Buffer.from('imported') }));

    // The trail, every page.
    const trail = cloudTrailClient(served);
    const events: string[] = [];
    let token: string | undefined;
    do {
      const page: LookupEventsCommandOutput = await trail.send(
        new LookupEventsCommand({ MaxResults: 50, ...(token === undefined ? {} : { NextToken: token }) }),
      );
      events.push(...(page.Events ?? []).map((event) => event.CloudTrailEvent ?? ''));
      token = page.NextToken;
    } while (token !== undefined);
    expect(events.some((event) => event.includes('GenerateDataKey'))).toBe(true);

    // Stop the server (its last output is captured too), then recover S3's data keys from the records.
    for (const client of [s3, cseKms, trail]) client.destroy();
    const stopped = served;
    served = undefined;
    expect(await stopped.stop('SIGTERM')).toBe(0);
    const files = await filesUnder(join(directory, 'data'));
    const contents = await Promise.all(files.map(async (file) => ({ file, bytes: await readFile(file) })));
    const wrapped = contents.flatMap(({ bytes }) => storedWrappedKeys(bytes.toString('utf8')));
    const reopened = await serveChild({ args: ['--data', join(directory, 'data'), '--no-quotas', '--quiet'] });
    served = reopened;
    const ownerKms = kmsClient(reopened);
    const s3Keys = await recoverS3DataKeys(ownerKms, wrapped, objects);
    ownerKms.destroy();
    kms.destroy();
    await reopened.stop('SIGTERM');
    served = undefined;
    // S3 stored a wrapped key for each SSE-KMS and DSSE object: all of them were recovered.
    expect(wrapped.length).toBeGreaterThanOrEqual(3);
    expect(s3Keys).toHaveLength(wrapped.length);
    secrets.push(...s3Keys);
    expect(secrets.filter((secret) => secret.name.endsWith('data key')).length).toBeGreaterThanOrEqual(4);

    // The scan.
    const found: string[] = [];
    let bytesScanned = 0;
    for (const { file, bytes } of contents) {
      bytesScanned += bytes.length;
      for (const leak of leaks(secrets, bytes)) found.push(`${leak} in ${file}`);
    }
    const texts = { stdout: stopped.stdout(), stderr: stopped.stderr(), 'the trail': events.join('\n'), 'error messages': errors.join('\n') };
    for (const [where, text] of Object.entries(texts)) {
      bytesScanned += Buffer.byteLength(text);
      for (const leak of leaks(secrets, Buffer.from(text))) found.push(`${leak} in ${where}`);
    }
    expect(found).toEqual([]);
    // The scan could have found them: the request log and the trail were written, the records hold the wrapped keys.
    expect(stopped.stdout()).toContain('PUT s3 PutObject 200');
    expect(events.length).toBeGreaterThan(10);

    recordReliability(
      'secrets scanned for (SSE-C keys, data keys, key material)',
      secrets.length,
      `${files.length} files, ${events.length} trail events, ${errors.length} error messages, ${(bytesScanned / MiB).toFixed(1)} MiB`,
    );
  }, 120_000);
});
