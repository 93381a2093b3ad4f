/**
 * A write's or delete's `If-Match` (PutObject, CopyObject's destination, DeleteObject, and a
 * DeleteObjects entry's `ETag`) names one object by its ETag, through the official
 * `@aws-sdk/client-s3` by the kernel's in-process handler. The read side's matcher takes lists,
 * `*` members and weak tags; reused for writes, `If-Match: "<anything>", *` replaced or deleted
 * whatever object was there (REVIEW R9).
 */

import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const OTHER = '"00000000000000000000000000000000"';

let engine: WireEngine;
let client: S3Client;
let etag: string;
beforeEach(async () => {
  engine = wireEngine();
  client = inProcessClient(engine.handler);
  await client.send(new CreateBucketCommand({ Bucket: 'data' }));
  await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source body' }));
  etag = (await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'original' }))).ETag ?? '';
});
afterEach(async () => {
  client.destroy();
  await engine.close();
});

async function stored(): Promise<string | undefined> {
  return (await client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }))).Body?.transformToString();
}

/** Values that hold for no object, the first ones for any object under the read side's rules. */
const notTheETag = (): string[] => [`${OTHER}, *`, `*, ${OTHER}`, `${etag}, *`, `${etag}, ${etag}`, `W/${etag}`];

describe('If-Match names one strong ETag', () => {
  it('PutObject and CopyObject: a list, a * member or a W/ tag is 412 and the object stays', async () => {
    for (const ifMatch of notTheETag()) {
      for (const write of [
        () => client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'overwritten', IfMatch: ifMatch })),
        () => client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/source', IfMatch: ifMatch })),
      ]) {
        const error = await sdkError(write());
        expect([ifMatch, error.name, error.$metadata.httpStatusCode]).toEqual([ifMatch, 'PreconditionFailed', 412]);
      }
    }
    expect(await stored()).toBe('original');
    // The object's own ETag, quoted or not, still replaces it.
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'replaced', IfMatch: etag.slice(1, -1) }));
    expect(await stored()).toBe('replaced');
  });

  it('DeleteObject and a DeleteObjects entry: a list, a * member or a W/ tag is PreconditionFailed and the object stays', async () => {
    for (const ifMatch of notTheETag()) {
      const error = await sdkError(client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'k', IfMatch: ifMatch })));
      expect([ifMatch, error.name, error.$metadata.httpStatusCode]).toEqual([ifMatch, 'PreconditionFailed', 412]);
      const batch = await client.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'k', ETag: ifMatch }] } }));
      expect([ifMatch, batch.Deleted, batch.Errors?.map((entry) => [entry.Key, entry.Code])]).toEqual([ifMatch, undefined, [['k', 'PreconditionFailed']]]);
    }
    expect(await stored()).toBe('original');
    // `*` alone is any object (UG conditional-deletes), and the ETag itself deletes it.
    const batch = await client.send(
      new DeleteObjectsCommand({
        Bucket: 'data',
        Delete: {
          Objects: [
            { Key: 'k', ETag: '*' },
            { Key: 'source', ETag: etag },
          ],
        },
      }),
    );
    expect([batch.Deleted?.map((entry) => entry.Key), batch.Errors?.map((entry) => [entry.Key, entry.Code])]).toEqual([
      ['k'],
      [['source', 'PreconditionFailed']],
    ]);
  });
});
