/**
 * A read (GetObject, HeadObject) authorized against one bucket while that bucket is deleted and
 * created again under its name: in S3 a bucket is a resource of its own, so the read must not
 * answer with an object of the new bucket, which it was never authorized against (the new bucket
 * may belong to another account and carry another policy). Stopped at the store step with
 * `gatedStore`; no timing is involved.
 */

import { DeleteBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { BUCKET, createBucket, interleave, start, stopAll } from '../helpers/races.ts';

afterEach(stopAll);

async function recreateWithObject(client: S3Client): Promise<void> {
  await client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
  await createBucket(client, BUCKET, 'us-east-1');
  await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'of the new bucket' }));
}

describe.each(['memory', 'filesystem'] as const)('a read whose bucket is deleted and created again (%s store)', (backend) => {
  it('GetObject: NoSuchBucket, never the new bucket object', async () => {
    const { client, gated } = await start(backend);
    const answers = await interleave(
      gated,
      'openObject',
      () => client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'k' })),
      () => recreateWithObject(client),
    );
    expect(answers).toEqual(['NoSuchBucket', 'ok']);
  });

  it('HeadObject: not found, never the new bucket object', async () => {
    const { client, gated } = await start(backend);
    const answers = await interleave(
      gated,
      'headObject',
      () => client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'k' })),
      () => recreateWithObject(client),
    );
    // HEAD has no body, so the SDK names the 404 NotFound.
    expect(answers[0]).not.toBe('ok');
    expect(answers[1]).toBe('ok');
  });
});
