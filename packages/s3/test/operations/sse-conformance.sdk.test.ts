/**
 * Server-side encryption answers pinned to captures of real S3 (LocalStack's snapshot tests,
 * recorded against AWS on 2026-02-21; s3-sse.md), through the official `@aws-sdk/client-s3` by the
 * kernel's in-process handler: each case here is one where Strongbox answered differently.
 */

import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'], encryption: ALLOW_SSE_C });

const key = randomBytes(32);
const customer = {
  SSECustomerAlgorithm: 'AES256',
  SSECustomerKey: key.toString('base64'),
  SSECustomerKeyMD5: createHash('md5').update(key).digest('base64'),
};
// Not base64 of 32 bytes: the SDK sends the base64 of its UTF-8 bytes (9 bytes) with their MD5,
// as botocore does with a key it encodes (LS-snapshot `*-sse-c-no-md5`).
const shortKey = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: 'short-key' };

describe('SSE-C key of the wrong length (its MD5 matching)', () => {
  it('is 400 InvalidArgument "The secret key was invalid…" on PutObject (put-obj-sse-c-no-md5)', async () => {
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'test_data', ...shortKey })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidArgument',
      400,
      'The secret key was invalid for the specified algorithm.',
    ]);
  });

  it('is 403 AccessDenied "…must provide the correct secret key." reading an SSE-C object (get-obj-sse-c-no-md5, head-obj-sse-c-no-md5)', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'test_data', ...customer }));
    const got = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', ...shortKey })));
    expect([got.name, got.$metadata.httpStatusCode, got.message]).toEqual([
      'AccessDenied',
      403,
      'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.',
    ]);
    const head = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', ...shortKey })));
    expect(head.$metadata.httpStatusCode).toBe(403);
    // The right key still reads it.
    expect(await (await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', ...customer }))).Body?.transformToString()).toBe('test_data');
  });
});
