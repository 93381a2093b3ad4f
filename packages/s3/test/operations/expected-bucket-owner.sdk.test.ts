/**
 * The bucket owner condition (UG `bucket-owner-condition`): `ExpectedBucketOwner`
 * (`x-amz-expected-bucket-owner`) on bucket and object operations and `ExpectedSourceBucketOwner`
 * on copies; another account than the bucket's owner is 403 AccessDenied and nothing happens.
 * Through the official `@aws-sdk/client-s3` by the kernel's in-process handler (the default
 * account 000000000000 owns the buckets). Strongbox ignored both headers.
 */

import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { beforeEach, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { ACCOUNT, sdkError } from '../helpers/wire.ts';

const OTHER = '111122223333';

const sdk = useInProcessS3({ buckets: ['data'] });
beforeEach(async () => {
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));
});

async function denied(promise: Promise<unknown>): Promise<unknown[]> {
  const error = await sdkError(promise);
  return [error.name, error.$metadata.httpStatusCode, error.message];
}

const DENIED = ['AccessDenied', 403, 'Access Denied'];

it('another account as the expected owner is 403 AccessDenied on object and bucket operations; nothing is written', async () => {
  expect(await denied(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k2', Body: 'x', ExpectedBucketOwner: OTHER })))).toEqual(DENIED);
  expect(await denied(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', ExpectedBucketOwner: OTHER })))).toEqual(DENIED);
  expect(await denied(sdk.client.send(new ListObjectsV2Command({ Bucket: 'data', ExpectedBucketOwner: OTHER })))).toEqual(DENIED);
  expect(await denied(sdk.client.send(new GetBucketEncryptionCommand({ Bucket: 'data', ExpectedBucketOwner: OTHER })))).toEqual(DENIED);
  expect((await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k2' })))).$metadata.httpStatusCode).toBe(404);
});

it('the owner’s account passes, and a missing bucket is still NoSuchBucket', async () => {
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k2', Body: 'y', ExpectedBucketOwner: ACCOUNT }));
  const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k2', ExpectedBucketOwner: ACCOUNT }));
  expect(await got.Body?.transformToString()).toBe('y');
  expect((await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'absent', Key: 'k', ExpectedBucketOwner: OTHER })))).name).toBe('NoSuchBucket');
});

it('ExpectedSourceBucketOwner checks a copy’s source bucket (CopyObject, UploadPartCopy)', async () => {
  const copy = sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/k', ExpectedSourceBucketOwner: OTHER }));
  expect(await denied(copy)).toEqual(DENIED);
  await sdk.client.send(
    new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/k', ExpectedSourceBucketOwner: ACCOUNT, ExpectedBucketOwner: ACCOUNT }),
  );
  const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu' }));
  const part = sdk.client.send(
    new UploadPartCopyCommand({ Bucket: 'data', Key: 'mpu', UploadId, PartNumber: 1, CopySource: 'data/k', ExpectedSourceBucketOwner: OTHER }),
  );
  expect(await denied(part)).toEqual(DENIED);
});
