/**
 * CopyObject to and from SSE-KMS and DSSE-KMS, on a real in-process Kms: what it echoes, the
 * context it sends (the request's, never the source's), KMS called as the caller on both sides
 * with its refusals as the answer and nothing stored, copies onto themselves, and a property over
 * every mode pair on a data directory that is then scanned for plaintexts, SSE-C keys and every
 * data key KMS handed out.
 */

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CopyObjectRequest, SseCustomerMembers } from '../../src/index.ts';
import { checksumOf } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { md5Etag, members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { type KmsEngine, kmsEngine, newKey, useKmsEngine, user } from '../helpers/kms.ts';
import { assertNoSecretsOnDisk } from '../helpers/scan.ts';
import { tempDirectory } from '../helpers/temp.ts';

const encodeContext = (pairs: Record<string, string>): string => Buffer.from(JSON.stringify(pairs)).toString('base64');
const body = new Uint8Array(randomBytes(100_000));

let engine: KmsEngine;
useKmsEngine(['src', 'dst'], (created) => (engine = created));

async function read(bucket: string, key: string, customer: SseCustomerMembers = {}): Promise<Buffer> {
  return Buffer.from(await (await engine.s3.getObject({ Bucket: bucket, Key: key, ...customer })).Body.transformToByteArray());
}

/** The encryption contexts of KMS's GenerateDataKey records, in order. */
function generatedContexts(): unknown[] {
  return engine.kms.auditTrail
    .records()
    .filter((record) => record.eventName === 'GenerateDataKey')
    .map((record) => (record.requestParameters as { encryptionContext?: unknown } | undefined)?.encryptionContext);
}

describe('CopyObject with KMS', () => {
  it('SSE-S3 → SSE-KMS: aws:kms, the full key ARN, the request’s context echoed; GET and HEAD agree', async () => {
    const { s3, kms } = engine;
    const { arn, id } = await newKey(kms);
    await s3.putObject({ Bucket: 'src', Key: 'k', Body: body });
    const sent = encodeContext({ team: 'a' });
    const copied = await s3.copyObject({
      Bucket: 'dst',
      Key: 'k',
      CopySource: 'src/k',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: id,
      SSEKMSEncryptionContext: sent,
    });
    expect(copied).toEqual({
      CopyObjectResult: { ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/), LastModified: expect.any(Date), ...(await defaultChecksum(body)) },
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: arn,
      SSEKMSEncryptionContext: sent,
    });
    expect(copied.CopyObjectResult.ETag).not.toBe(md5Etag(body));
    expect((await read('dst', 'k')).equals(Buffer.from(body))).toBe(true);
    expect(await s3.headObject({ Bucket: 'dst', Key: 'k' })).toMatchObject({
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: arn,
      ETag: copied.CopyObjectResult.ETag,
    });
    expect(generatedContexts()).toEqual([{ 'aws:s3:arn': 'arn:aws:s3:::dst/k', team: 'a' }]);
  });

  it('never carries the source’s context over: a copy without one sends KMS only the destination’s aws:s3:arn', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    const kmsHeaders = { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn };
    await s3.putObject({ Bucket: 'src', Key: 'k', Body: body, ...kmsHeaders, SSEKMSEncryptionContext: encodeContext({ team: 'a' }) });
    const copied = await s3.copyObject({ Bucket: 'dst', Key: 'copy', CopySource: 'src/k', ...kmsHeaders });
    expect(copied.SSEKMSEncryptionContext).toBeUndefined();
    expect(generatedContexts().at(-1)).toEqual({ 'aws:s3:arn': 'arn:aws:s3:::dst/copy' });
    expect((await read('dst', 'copy')).equals(Buffer.from(body))).toBe(true);
  });

  it('SSE-KMS → the bucket default (SSE-S3) and → SSE-C; DSSE-KMS → SSE-KMS with a bucket key', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    await s3.putObject({ Bucket: 'src', Key: 'kms', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    await s3.putObject({ Bucket: 'src', Key: 'dsse', Body: body, ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: arn });
    const plain = await s3.copyObject({ Bucket: 'dst', Key: 'plain', CopySource: 'src/kms' });
    expect([plain.ServerSideEncryption, plain.SSEKMSKeyId, plain.CopyObjectResult.ETag]).toEqual(['AES256', undefined, md5Etag(body)]);
    await s3.putBucketEncryption({ Bucket: 'dst', ...ALLOW_SSE_C });
    const trio = sseC();
    const customer = await s3.copyObject({ Bucket: 'dst', Key: 'customer', CopySource: 'src/kms', ...members(trio) });
    expect([customer.ServerSideEncryption, customer.SSECustomerKeyMD5]).toEqual([undefined, trio.SSECustomerKeyMD5]);
    const bucketKey = await s3.copyObject({
      Bucket: 'dst',
      Key: 'bk',
      CopySource: 'src/dsse',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: arn,
      BucketKeyEnabled: true,
    });
    expect(bucketKey).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    for (const [key, customerMembers] of [
      ['plain', {}],
      ['customer', members(trio)],
      ['bk', {}],
    ] as const) {
      expect((await read('dst', key, customerMembers)).equals(Buffer.from(body))).toBe(true);
    }
  });

  it('copies a KMS object onto itself without naming anything (the default re-encrypts it), or to the AWS managed key (LS-snapshot)', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    await s3.putObject({ Bucket: 'src', Key: 'k', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    const managed = await s3.copyObject({ Bucket: 'src', Key: 'k', CopySource: 'src/k', ServerSideEncryption: 'aws:kms' });
    const { KeyMetadata } = await kms.describeKey({ KeyId: 'alias/aws/s3' });
    expect([managed.ServerSideEncryption, managed.SSEKMSKeyId, managed.BucketKeyEnabled]).toEqual(['aws:kms', KeyMetadata?.Arn, undefined]);
    const toDefault = await s3.copyObject({ Bucket: 'src', Key: 'k', CopySource: 'src/k' });
    expect([toDefault.ServerSideEncryption, toDefault.CopyObjectResult.ETag]).toEqual(['AES256', md5Etag(body)]);
    expect((await read('src', 'k')).equals(Buffer.from(body))).toBe(true);
    expect((await catchS3Async(() => s3.copyObject({ Bucket: 'src', Key: 'k', CopySource: 'src/k' }))).code).toBe('InvalidRequest');
  });

  it('calls KMS as the caller on both sides: without kms:Decrypt on the source key the copy is 403, and nothing is stored', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    await s3.putObject({ Bucket: 'src', Key: 'k', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    const writer = user('writer', ['kms:GenerateDataKey']);
    const error = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/k' }, { caller: writer }));
    expect([error.status, error.code]).toEqual([403, 'AccessDenied']);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'dst', Key: 'k' }))).code).toBe('NoSuchKey');
    const decrypt = kms.auditTrail.records().find((record) => record.eventName === 'Decrypt');
    expect(decrypt).toMatchObject({ errorCode: 'AccessDenied', userIdentity: { arn: writer.arn, invokedBy: 's3.amazonaws.com' } });
  });

  it('a disabled destination key is 400 KMS.DisabledException before anything is stored', async () => {
    const { s3, kms } = engine;
    const { arn, id } = await newKey(kms);
    await s3.putObject({ Bucket: 'src', Key: 'k', Body: body });
    await kms.disableKey({ KeyId: id });
    const error = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/k', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }));
    expect([error.status, error.code, error.message]).toEqual([400, 'KMS.DisabledException', `${arn} is disabled.`]);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'dst', Key: 'k' }))).code).toBe('NoSuchKey');
  });
});

type Mode = 'SSE-S3' | 'SSE-C' | 'SSE-KMS' | 'SSE-KMS bucket key' | 'DSSE-KMS';

describe('CopyObject property with KMS modes', () => {
  it('any source/destination mode pair round-trips the bytes, and the data directory holds no plaintext, SSE-C key or data key', async () => {
    const directory = tempDirectory('s3-copy-kms');
    const local = kmsEngine({ storage: { directory } });
    const plaintexts: Uint8Array[] = [];
    const customerKeys: Uint8Array[] = [];
    let counter = 0;
    try {
      const { s3, kms } = local;
      const { arn } = await newKey(kms);
      for (const Bucket of ['from', 'into']) {
        await s3.createBucket({ Bucket });
        await s3.putBucketEncryption({ Bucket, ...ALLOW_SSE_C });
      }
      const modes: Mode[] = ['SSE-S3', 'SSE-C', 'SSE-KMS', 'SSE-KMS bucket key', 'DSSE-KMS'];
      const write = (mode: Mode, trio: ReturnType<typeof sseC>): Partial<CopyObjectRequest> =>
        mode === 'SSE-S3'
          ? { ServerSideEncryption: 'AES256' }
          : mode === 'SSE-C'
            ? members(trio)
            : { ServerSideEncryption: mode === 'DSSE-KMS' ? 'aws:kms:dsse' : 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: mode === 'SSE-KMS bucket key' };
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 47, max: 120_000 }).map((length) => new Uint8Array(randomBytes(length))),
          fc.constantFrom(...modes),
          fc.constantFrom(...modes),
          async (data, sourceMode, targetMode) => {
            const key = `k-${counter++}`;
            const [sourceKey, targetKey] = [sseC(), sseC()];
            plaintexts.push(data);
            if (sourceMode === 'SSE-C') customerKeys.push(sourceKey.raw);
            if (targetMode === 'SSE-C') customerKeys.push(targetKey.raw);
            await s3.putObject({ Bucket: 'from', Key: key, Body: data, ...write(sourceMode, sourceKey) });
            const source =
              sourceMode === 'SSE-C'
                ? {
                    CopySourceSSECustomerAlgorithm: 'AES256',
                    CopySourceSSECustomerKey: sourceKey.SSECustomerKey,
                    CopySourceSSECustomerKeyMD5: sourceKey.SSECustomerKeyMD5,
                  }
                : {};
            const copied = await s3.copyObject({ Bucket: 'into', Key: key, CopySource: `from/${key}`, ...source, ...write(targetMode, targetKey) });
            expect(copied.ServerSideEncryption).toBe(
              { 'SSE-S3': 'AES256', 'SSE-C': undefined, 'SSE-KMS': 'aws:kms', 'SSE-KMS bucket key': 'aws:kms', 'DSSE-KMS': 'aws:kms:dsse' }[targetMode],
            );
            const got = await s3.getObject({ Bucket: 'into', Key: key, ...(targetMode === 'SSE-C' ? members(targetKey) : {}) });
            expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(data))).toBe(true);
          },
        ),
        { numRuns: 25 },
      );
    } finally {
      await local.close();
    }
    expect(local.keysSeen.length).toBeGreaterThan(0);
    await assertNoSecretsOnDisk(directory, { plaintexts, customerKeys: [...customerKeys, ...local.keysSeen] });
  });
});

/** The checksum members a copy answers by default: CRC64NVME of the plaintext (test/operations/checksums.test.ts). */
async function defaultChecksum(bytes: Uint8Array): Promise<{ ChecksumCRC64NVME: string; ChecksumType: 'FULL_OBJECT' }> {
  return { ChecksumCRC64NVME: await checksumOf('CRC64NVME', bytes), ChecksumType: 'FULL_OBJECT' };
}
