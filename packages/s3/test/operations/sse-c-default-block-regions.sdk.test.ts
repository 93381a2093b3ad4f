/**
 * The default SSE-C block on new buckets, Region by Region: S3's April 2026 rollout blocks SSE-C on
 * new general purpose buckets in every Region but Middle East (Bahrain) `me-south-1` and (UAE)
 * `me-central-1` (../shared/reference/s3-sse.md §2.1 "SSE-C blocked by default"). Through the
 * official SDK on the in-process handler (an `https:` endpoint, so SSE-C's TLS rule is met), each
 * client signing for its Region.
 */

import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetBucketEncryptionCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const key = randomBytes(32);
const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') };

let engine: WireEngine;
beforeEach(() => {
  engine = wireEngine();
});
afterEach(async () => {
  await engine.close();
});

/** A client in `region`, and a new bucket of its own there. */
async function bucketIn(region: string): Promise<S3Client> {
  const client = inProcessClient(engine.handler, { region });
  await client.send(
    new CreateBucketCommand({
      Bucket: 'fresh',
      ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as 'me-south-1' } }),
    }),
  );
  return client;
}

describe('a new bucket in a Region the rollout excepted', () => {
  it.each(['me-south-1', 'me-central-1'])('%s: PutObject with SSE-C over HTTPS is stored, and reads back with the key', async (region) => {
    const client = await bucketIn(region);
    try {
      const put = await client.send(new PutObjectCommand({ Bucket: 'fresh', Key: 'k', Body: 'secret', ...customer }));
      expect(put.SSECustomerAlgorithm).toBe('AES256');
      const got = await client.send(new GetObjectCommand({ Bucket: 'fresh', Key: 'k', ...customer }));
      expect(await got.Body?.transformToString()).toBe('secret');
      const configuration = await client.send(new GetBucketEncryptionCommand({ Bucket: 'fresh' }));
      expect(configuration.ServerSideEncryptionConfiguration?.Rules?.[0]?.BlockedEncryptionTypes).toBeUndefined();
    } finally {
      client.destroy();
    }
  });
});

describe('a new bucket elsewhere', () => {
  it.each(['us-east-1', 'eu-west-1', 'me-west-1'])('%s: PutObject with SSE-C is 403 AccessDenied', async (region) => {
    const client = await bucketIn(region);
    try {
      const error = await sdkError(client.send(new PutObjectCommand({ Bucket: 'fresh', Key: 'k', Body: 'secret', ...customer })));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      expect(error.message).toMatch(
        /because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys \(SSE-C\)/,
      );
    } finally {
      client.destroy();
    }
  });
});
