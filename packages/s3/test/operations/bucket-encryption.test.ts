/** PutBucketEncryption, GetBucketEncryption, DeleteBucketEncryption, and what the default does to writes. */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'b-enc' });
});
afterEach(() => s3.close());

const SSE_S3_BLOCKING_SSE_C = {
  ServerSideEncryptionConfiguration: {
    Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false, BlockedEncryptionTypes: { EncryptionType: ['SSE-C'] } }],
  },
};

describe('bucket default encryption', () => {
  it('a fresh bucket is SSE-S3 and blocks SSE-C (April 2026)', async () => {
    expect(await s3.getBucketEncryption({ Bucket: 'b-enc' })).toEqual(SSE_S3_BLOCKING_SSE_C);
  });

  it('PutBucketEncryption stores the rule as given, KMS key included; DeleteBucketEncryption goes back to SSE-S3 keeping the SSE-C setting', async () => {
    await s3.putBucketEncryption({
      Bucket: 'b-enc',
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/app' },
            BucketKeyEnabled: true,
            BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
          },
        ],
      },
    });
    expect(await s3.getBucketEncryption({ Bucket: 'b-enc' })).toEqual({
      ServerSideEncryptionConfiguration: {
        Rules: [
          {
            ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/app' },
            BucketKeyEnabled: true,
            BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
          },
        ],
      },
    });
    await s3.deleteBucketEncryption({ Bucket: 'b-enc' });
    const rule = (await s3.getBucketEncryption({ Bucket: 'b-enc' })).ServerSideEncryptionConfiguration.Rules[0];
    expect(rule).toEqual({
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' },
      BucketKeyEnabled: false,
      BlockedEncryptionTypes: { EncryptionType: ['NONE'] },
    });
  });

  it.each([
    ['no rule', { Rules: [] }, 'MalformedXML'],
    [
      'two rules',
      { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }, { ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      'MalformedXML',
    ],
    ['an unknown algorithm', { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES128' } }] }, 'MalformedXML'],
    [
      'an unknown blocked type',
      { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['SSE-KMS'] } }] },
      'MalformedXML',
    ],
    ['a KMS key with AES256', { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'alias/x' } }] }, 'InvalidArgument'],
  ])('refuses %s with 400 %s and changes nothing', async (_label, configuration, code) => {
    const error = await catchS3Async(() => s3.putBucketEncryption({ Bucket: 'b-enc', ServerSideEncryptionConfiguration: configuration }));
    expect([error.code, error.status]).toEqual([code, 400]);
    expect(await s3.getBucketEncryption({ Bucket: 'b-enc' })).toEqual(SSE_S3_BLOCKING_SSE_C);
  });

  it('answers 404 NoSuchBucket for a missing bucket', async () => {
    for (const call of [
      () => s3.getBucketEncryption({ Bucket: 'missing' }),
      () => s3.deleteBucketEncryption({ Bucket: 'missing' }),
      () => s3.putBucketEncryption({ Bucket: 'missing', ...SSE_S3_BLOCKING_SSE_C }),
    ]) {
      expect((await catchS3Async(call)).code).toBe('NoSuchBucket');
    }
  });
});

describe('what the bucket default does to writes', () => {
  it('blocks SSE-C writes with 403 naming caller, action and resource, and stores nothing', async () => {
    const error = await catchS3Async(() => s3.putObject({ Bucket: 'b-enc', Key: 'k', Body: 'secret', ...members(sseC()) }));
    expect([error.code, error.status]).toEqual(['AccessDenied', 403]);
    expect(error.message).toBe(
      'User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b-enc/k" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type',
    );
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'b-enc', Key: 'k' }))).code).toBe('NoSuchKey');
  });

  it('allows SSE-C once BlockedEncryptionTypes is NONE', async () => {
    await s3.putBucketEncryption({
      Bucket: 'b-enc',
      ServerSideEncryptionConfiguration: {
        Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
      },
    });
    const key = sseC();
    expect((await s3.putObject({ Bucket: 'b-enc', Key: 'k', Body: 'secret', ...members(key) })).SSECustomerKeyMD5).toBe(key.SSECustomerKeyMD5);
  });

  it.each(['aws:kms', 'aws:kms:dsse'])('a %s default without a key encrypts under aws/s3 and echoes it as a key ARN', async (algorithm) => {
    await s3.putBucketEncryption({
      Bucket: 'b-enc',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: algorithm } }] },
    });
    const put = await s3.putObject({ Bucket: 'b-enc', Key: 'k', Body: 'data' });
    expect(put.ServerSideEncryption).toBe(algorithm);
    expect(put.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\//);
    expect((await s3.headObject({ Bucket: 'b-enc', Key: 'k' })).SSEKMSKeyId).toBe(put.SSEKMSKeyId);
  });

  it('a default naming a key that does not exist is refused at PutObject time (PutBucketEncryption does not validate it)', async () => {
    const missing = '11111111-2222-3333-4444-555555555555';
    await s3.putBucketEncryption({
      Bucket: 'b-enc',
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: missing } }] },
    });
    const error = await catchS3Async(() => s3.putObject({ Bucket: 'b-enc', Key: 'k', Body: 'data' }));
    expect([error.code, error.status, error.message]).toEqual([
      'KMS.NotFoundException',
      400,
      `Key 'arn:aws:kms:us-east-1:000000000000:key/${missing}' does not exist`,
    ]);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'b-enc', Key: 'k' }))).code).toBe('NoSuchKey');
  });
});
