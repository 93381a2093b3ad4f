/**
 * What an application's waiters and error handling see through `@aws-sdk/client-s3`. The SDK's
 * waiters decide from HeadBucket's and HeadObject's status alone (200 exists, 404 does not; any
 * other answer fails the wait), so these finish on their first call; and a failure is an instance
 * of the exception class the SDK exports for its code (picked from the `<Code>` of the error
 * document, or for a HEAD, which has no body, from the status), with S3's request id pair
 * (`x-amz-request-id`, `x-amz-id-2`) in `$metadata`.
 */

import {
  AbortMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchBucket,
  NoSuchKey,
  NoSuchUpload,
  NotFound,
  PutObjectCommand,
  type S3ServiceException,
  waitUntilBucketExists,
  waitUntilBucketNotExists,
  waitUntilObjectExists,
  waitUntilObjectNotExists,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';

const sdk = useInProcessS3({ buckets: ['data'] });

describe('the SDK’s waiters', () => {
  it('succeed at once on what exists and on what does not', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' }));
    const waiter = { client: sdk.client, maxWaitTime: 10 };
    const states = [
      await waitUntilBucketExists(waiter, { Bucket: 'data' }),
      await waitUntilBucketNotExists(waiter, { Bucket: 'missing' }),
      await waitUntilObjectExists(waiter, { Bucket: 'data', Key: 'k' }),
      await waitUntilObjectNotExists(waiter, { Bucket: 'data', Key: 'missing' }),
    ];
    expect(states.map((result) => result.state)).toEqual(Array(4).fill('SUCCESS'));
  });
});

describe('S3 failures through the SDK', () => {
  it('are instances of the SDK’s exception classes, with both request ids in $metadata', async () => {
    const cases: [Promise<unknown>, new (...args: never[]) => S3ServiceException, number][] = [
      [sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'missing' })), NoSuchKey, 404],
      [sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'missing' })), NotFound, 404],
      [sdk.client.send(new ListObjectsV2Command({ Bucket: 'missing' })), NoSuchBucket, 404],
      [sdk.client.send(new AbortMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId: 'none' })), NoSuchUpload, 404],
    ];
    for (const [call, type, status] of cases) {
      const error = await call.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(type);
      const { $fault, $metadata } = error as S3ServiceException;
      expect([$fault, $metadata.httpStatusCode]).toEqual(['client', status]);
      expect($metadata.requestId).toMatch(/^[0-9A-F]{16}$/);
      expect($metadata.extendedRequestId).toMatch(/^[A-Za-z0-9+/=]{20,}$/);
    }
  });
});
