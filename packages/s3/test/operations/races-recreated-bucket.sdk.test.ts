/**
 * A bucket deleted and created again under its name while a write into it is under way, through
 * the official `@aws-sdk/client-s3` on the in-process handler, over the memory store and a data
 * directory. In S3 a bucket is a resource of its own: a write begun against the first bucket
 * never lands in the second (it fails NoSuchBucket). Each write is stopped at its store step
 * (`gatedStore`), after the engine read and authorized the bucket, while another request deletes
 * the bucket and creates it again; no timing is involved.
 *
 * Upload ids are random, so an UploadPart or a completion against the old bucket would find no
 * upload of its id in the new one anyway; the multipart cases give the new bucket an upload of
 * the very same id (a store whose upload ids are not unique across buckets), so that only the
 * bucket's identity can keep the write out of it.
 */

import {
  AbortMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { blobIdGenerator } from '../../src/storage/blob-ids.ts';
import { BUCKET, complete, createBucket, interleave, start, stopAll, upload, uploadsLeft } from '../helpers/races.ts';

afterEach(stopAll);

/** The id the next upload gets, handed out once; every other id is random. */
function reusableIds(): { newId: () => string; next(id: string): void } {
  const random = blobIdGenerator();
  let queued: string | undefined;
  return {
    newId: () => {
      const id = queued ?? random();
      queued = undefined;
      return id;
    },
    next: (id) => void (queued = id),
  };
}

async function recreate(client: S3Client): Promise<void> {
  await client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
  await createBucket(client, BUCKET, 'us-east-1');
}

async function keys(client: S3Client): Promise<string[]> {
  return ((await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []).map((object) => object.Key!);
}

describe.each(['memory', 'filesystem'] as const)('a bucket deleted and created again while a write into it is stopped (%s store)', (backend) => {
  it('PutObject: NoSuchBucket, and the new bucket holds nothing', async () => {
    const { client, gated } = await start(backend);
    const answers = await interleave(
      gated,
      'putObject',
      () => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'for the old bucket' })),
      () => recreate(client),
    );
    expect(answers).toEqual(['NoSuchBucket', 'ok']);
    expect(await keys(client)).toEqual([]);
  });

  it('CopyObject into it: NoSuchBucket, and the new bucket holds nothing', async () => {
    const { client, gated } = await start(backend);
    await createBucket(client, 'source', 'us-east-1');
    await client.send(new PutObjectCommand({ Bucket: 'source', Key: 's', Body: 'copied' }));
    const answers = await interleave(
      gated,
      'putObject',
      () => client.send(new CopyObjectCommand({ Bucket: BUCKET, Key: 'k', CopySource: 'source/s' })),
      () => recreate(client),
    );
    expect(answers).toEqual(['NoSuchBucket', 'ok']);
    expect(await keys(client)).toEqual([]);
  });

  it('CreateMultipartUpload: NoSuchBucket, and the new bucket has no upload', async () => {
    const { client, gated } = await start(backend);
    const answers = await interleave(
      gated,
      'createUpload',
      () => client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'k' })),
      () => recreate(client),
    );
    expect(answers).toEqual(['NoSuchBucket', 'ok']);
    expect(await uploadsLeft(client)).toEqual([]);
  });

  it('UploadPart: NoSuchBucket, and the new bucket’s upload of the same id gets no part', async () => {
    const ids = reusableIds();
    const { client, gated } = await start(backend, { newId: ids.newId });
    ids.next('reused-upload-id');
    const old = await upload(client, 'k', 'first part');
    const answers = await interleave(
      gated,
      'putPart',
      () => client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'k', UploadId: old.uploadId, PartNumber: 2, Body: 'for the old upload' })),
      async () => {
        await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'k', UploadId: old.uploadId }));
        await recreate(client);
        ids.next(old.uploadId);
        const made = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'k' }));
        expect(made.UploadId).toBe(old.uploadId);
      },
    );
    expect(answers).toEqual(['NoSuchBucket', 'ok']);
    expect((await client.send(new ListPartsCommand({ Bucket: BUCKET, Key: 'k', UploadId: old.uploadId }))).Parts ?? []).toEqual([]);
  });

  it('CompleteMultipartUpload: NoSuchBucket, and the new bucket’s upload of the same id, with the same part, stays open', async () => {
    const ids = reusableIds();
    const { client, gated } = await start(backend, { newId: ids.newId });
    ids.next('reused-upload-id');
    const old = await upload(client, 'k', 'the same bytes');
    const answers = await interleave(
      gated,
      'completeUpload',
      () => complete(client, 'k', old),
      async () => {
        await client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'k', UploadId: old.uploadId }));
        await recreate(client);
        ids.next(old.uploadId);
        // An SSE-S3 part's ETag is its MD5: the new part answers the old completion's list.
        const again = await upload(client, 'k', 'the same bytes');
        expect(again).toEqual(old);
      },
    );
    expect(answers).toEqual(['NoSuchBucket', 'ok']);
    expect(await keys(client)).toEqual([]);
    expect(await uploadsLeft(client)).toEqual([old.uploadId]);
  });
});
