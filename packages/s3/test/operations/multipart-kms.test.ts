/**
 * Multipart uploads under SSE-KMS, S3 Bucket Keys and DSSE-KMS, on a real in-process Kms: one
 * GenerateDataKey per layer at CreateMultipartUpload, a KMS Decrypt as the caller for every part
 * (S3 requires kms:Decrypt for UploadPart) and one per read of the completed object, what each
 * step echoes, and KMS's refusals before anything is stored.
 */

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, type SseWriteMembers } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { type KmsEngine, kmsEvents, newKey, useKmsEngine, user } from '../helpers/kms.ts';

let engine: KmsEngine;
useKmsEngine(['data'], (created) => (engine = created));

const first = new Uint8Array(randomBytes(MIN_PART_SIZE + 17));
const second = new Uint8Array(randomBytes(90_000));
const whole = Buffer.concat([first, second]);

/** Uploads `first` and `second` as parts 3 and 8 (by `caller`, default root) and completes. */
async function upload(key: string, sse: SseWriteMembers, caller?: ReturnType<typeof user>) {
  const { s3 } = engine;
  const options = caller === undefined ? {} : { caller };
  const created = await s3.createMultipartUpload({ Bucket: 'data', Key: key, ...sse }, options);
  const a = await s3.uploadPart({ Bucket: 'data', Key: key, UploadId: created.UploadId, PartNumber: 3, Body: first }, options);
  const b = await s3.uploadPart({ Bucket: 'data', Key: key, UploadId: created.UploadId, PartNumber: 8, Body: second }, options);
  const done = await s3.completeMultipartUpload(
    {
      Bucket: 'data',
      Key: key,
      UploadId: created.UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 3, ETag: a.ETag },
          { PartNumber: 8, ETag: b.ETag },
        ],
      },
    },
    options,
  );
  return { created, parts: [a, b], done };
}

async function readBack(key: string, extra: { Range?: string; PartNumber?: number } = {}): Promise<Buffer> {
  return Buffer.from(await (await engine.s3.getObject({ Bucket: 'data', Key: key, ...extra })).Body.transformToByteArray());
}

describe('an SSE-KMS upload', () => {
  it('calls GenerateDataKey once, Decrypt once per part and once per read, and echoes the key ARN everywhere', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const context = Buffer.from(JSON.stringify({ team: 'payments' })).toString('base64');
    const generated = kmsEvents(kms, 'GenerateDataKey');
    const decrypted = kmsEvents(kms, 'Decrypt');
    const { created, parts, done } = await upload('k', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, SSEKMSEncryptionContext: context });
    expect(created).toEqual({
      Bucket: 'data',
      Key: 'k',
      UploadId: created.UploadId,
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: arn,
      SSEKMSEncryptionContext: context,
    });
    for (const [n, part] of parts.entries()) {
      // `Size` (the plaintext bytes stored) is the in-process answer's only; the wire carries no such member.
      expect(part).toEqual({ ETag: part.ETag, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, Size: [first, second][n]?.length });
      expect(part.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    }
    expect(done).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    expect(done.ETag).toMatch(/^"[0-9a-f]{32}-2"$/);
    expect(done.SSEKMSEncryptionContext).toBeUndefined();
    expect(kmsEvents(kms, 'GenerateDataKey') - generated).toBe(1);
    expect(kmsEvents(kms, 'Decrypt') - decrypted).toBe(2);

    expect((await readBack('k')).equals(whole)).toBe(true);
    expect(kmsEvents(kms, 'Decrypt') - decrypted).toBe(3);
    const boundary = first.length;
    expect((await readBack('k', { Range: `bytes=${boundary - 4}-${boundary + 3}` })).equals(whole.subarray(boundary - 4, boundary + 4))).toBe(true);
    expect((await readBack('k', { PartNumber: 2 })).equals(Buffer.from(second))).toBe(true);
    const head = await engine.s3.headObject({ Bucket: 'data', Key: 'k', PartNumber: 1 });
    expect(head).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, PartsCount: 2, ContentLength: first.length });
  });

  it('with a bucket key: BucketKeyEnabled on every step, and reads through the bucket key', async () => {
    const { arn } = await newKey(engine.kms);
    const { created, parts, done } = await upload('bk', { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    for (const answer of [created, ...parts, done]) expect(answer).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    expect((await readBack('bk')).equals(whole)).toBe(true);
    expect((await engine.s3.headObject({ Bucket: 'data', Key: 'bk' })).BucketKeyEnabled).toBe(true);
  });

  it('by the bucket default, under the AWS managed key aws/s3', async () => {
    await engine.s3.putBucketEncryption({
      Bucket: 'data',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }] },
    });
    const { created } = await upload('d', {});
    expect(created.ServerSideEncryption).toBe('aws:kms');
    expect(created.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    expect((await readBack('d')).equals(whole)).toBe(true);
  });

  it('a part sent by a caller who may not kms:Decrypt is 403 AccessDenied and stores nothing', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    const writer = user('writer', ['kms:GenerateDataKey']);
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }, { caller: writer });
    const denied = await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' }, { caller: writer }));
    expect([denied.code, denied.status]).toEqual(['AccessDenied', 403]);
    expect((await s3.listParts({ Bucket: 'data', Key: 'k', UploadId })).Parts).toBeUndefined();
    // Someone who may decrypt can upload the part.
    expect((await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' })).SSEKMSKeyId).toBe(arn);
  });

  it('KMS refusals at creation start no upload; parts over plain HTTP are refused', async () => {
    const { s3, kms } = engine;
    const missing = await catchS3Async(() =>
      s3.createMultipartUpload({ Bucket: 'data', Key: 'k', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: '11111111-2222-3333-4444-555555555555' }),
    );
    expect([missing.code, missing.status]).toEqual(['KMS.NotFoundException', 400]);
    const { arn, id } = await newKey(kms);
    await kms.disableKey({ KeyId: id });
    expect((await catchS3Async(() => s3.createMultipartUpload({ Bucket: 'data', Key: 'k', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn }))).code).toBe(
      'KMS.DisabledException',
    );
    expect((await s3.listMultipartUploads({ Bucket: 'data' })).Uploads).toBeUndefined();
    await kms.enableKey({ KeyId: id });
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    const plain = await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' }, { secureTransport: false }));
    expect([plain.code, plain.message]).toEqual([
      'InvalidArgument',
      'Requests specifying Server Side Encryption with AWS KMS managed keys must be made over a secure connection.',
    ]);
    // A key disabled after creation refuses the parts (KMS Decrypt fails), as S3 reports it.
    await kms.disableKey({ KeyId: id });
    expect((await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' }))).code).toBe('KMS.DisabledException');
    expect((await s3.listParts({ Bucket: 'data', Key: 'k', UploadId })).Parts).toBeUndefined();
  });
});

describe('a DSSE-KMS upload', () => {
  it('draws two KMS data keys once, echoes aws:kms:dsse (never a bucket key), and round-trips', async () => {
    const { kms } = engine;
    const { arn } = await newKey(kms);
    const generated = kmsEvents(kms, 'GenerateDataKey');
    const { created, parts, done } = await upload('dsse', { ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: arn, BucketKeyEnabled: true });
    expect(kmsEvents(kms, 'GenerateDataKey') - generated).toBe(2);
    for (const answer of [created, ...parts, done]) {
      expect(answer).toMatchObject({ ServerSideEncryption: 'aws:kms:dsse', SSEKMSKeyId: arn });
      expect(answer.BucketKeyEnabled).toBeUndefined();
    }
    expect((await readBack('dsse')).equals(whole)).toBe(true);
    expect((await readBack('dsse', { Range: `bytes=${first.length - 1}-${first.length}` })).equals(whole.subarray(first.length - 1, first.length + 1))).toBe(
      true,
    );
  });
});

describe('UploadPartCopy with KMS', () => {
  it('copies a range of an SSE-KMS object into an SSE-S3 part, and of an SSE-S3 object into an SSE-KMS part', async () => {
    const { s3, kms } = engine;
    const { arn } = await newKey(kms);
    await s3.putObject({ Bucket: 'data', Key: 'kms-source', Body: second, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    await s3.putObject({ Bucket: 'data', Key: 'plain-source', Body: second });
    const plain = await s3.createMultipartUpload({ Bucket: 'data', Key: 'to-plain' });
    const fromKms = await s3.uploadPartCopy({
      Bucket: 'data',
      Key: 'to-plain',
      UploadId: plain.UploadId,
      PartNumber: 1,
      CopySource: 'data/kms-source',
      CopySourceRange: 'bytes=10-20009',
    });
    expect(fromKms.ServerSideEncryption).toBe('AES256');
    const sealed = await s3.createMultipartUpload({ Bucket: 'data', Key: 'to-kms', ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    const toKms = await s3.uploadPartCopy({ Bucket: 'data', Key: 'to-kms', UploadId: sealed.UploadId, PartNumber: 1, CopySource: 'data/plain-source' });
    expect(toKms).toMatchObject({ ServerSideEncryption: 'aws:kms', SSEKMSKeyId: arn });
    for (const [key, id, etag, expected] of [
      ['to-plain', plain.UploadId, fromKms.CopyPartResult.ETag, second.subarray(10, 20_010)],
      ['to-kms', sealed.UploadId, toKms.CopyPartResult.ETag, second],
    ] as const) {
      await s3.completeMultipartUpload({ Bucket: 'data', Key: key, UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag }] } });
      expect((await readBack(key)).equals(Buffer.from(expected))).toBe(true);
    }
  });
});
