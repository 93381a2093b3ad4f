/**
 * Bucket policies that enforce conditional requests, as the S3 User Guide publishes them, through
 * the official `@aws-sdk/client-s3` by the kernel's in-process handler:
 *
 * - "Enforce conditional writes" (`conditional-writes-enforce`): `s3:if-none-match` with
 *   `s3:ObjectCreationOperation`, which exempts CreateMultipartUpload, UploadPart and
 *   UploadPartCopy ("as these APIs don't accept conditional headers"). Without the key, the
 *   write-once policy denied nothing and an unconditional PutObject overwrote (REVIEW R3).
 * - "Enforce conditional deletes" (`conditional-delete-enforce`): `s3:if-match` on DeleteObject
 *   and DeleteObjects. Without the key, such a policy refused every delete (REVIEW R8).
 */

import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

let engine: WireEngine;
let client: S3Client;
beforeEach(async () => {
  engine = wireEngine();
  client = inProcessClient(engine.handler);
  await client.send(new CreateBucketCommand({ Bucket: 'data' }));
});
afterEach(async () => {
  client.destroy();
  await engine.close();
});

async function denyPutObject(condition: object): Promise<void> {
  const policy = {
    Version: '2012-10-17',
    Statement: [{ Sid: 'Enforce', Effect: 'Deny', Principal: '*', Action: 's3:PutObject', Resource: 'arn:aws:s3:::data/*', Condition: condition }],
  };
  await client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify(policy) }));
}

async function refused(promise: Promise<unknown>): Promise<[string, number | undefined]> {
  const error = await sdkError(promise);
  return [error.name, error.$metadata.httpStatusCode];
}

async function body(key: string): Promise<string | undefined> {
  return (await client.send(new GetObjectCommand({ Bucket: 'data', Key: key }))).Body?.transformToString();
}

describe('s3:ObjectCreationOperation (UG conditional-writes-enforce)', () => {
  it('the write-once policy refuses unconditional creation, lets the multipart steps and If-None-Match writes through', async () => {
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'existing', Body: 'first' }));
    await denyPutObject({ Null: { 's3:if-none-match': 'true' }, Bool: { 's3:ObjectCreationOperation': 'true' } });
    expect(await refused(client.send(new PutObjectCommand({ Bucket: 'data', Key: 'existing', Body: 'overwrite' })))).toEqual(['AccessDenied', 403]);
    // UG: "CopyObject requests without an If-None-Match or If-Match HTTP header fail with a 403".
    expect(await refused(client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/existing' })))).toEqual(['AccessDenied', 403]);
    expect(await body('existing')).toBe('first');

    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'new', Body: 'created once', IfNoneMatch: '*' }));
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'multipart' }));
    await client.send(new UploadPartCommand({ Bucket: 'data', Key: 'multipart', UploadId, PartNumber: 1, Body: 'part one' }));
    // The copy replaces part 1 (only the last part may be under 5 MiB).
    const copied = await client.send(new UploadPartCopyCommand({ Bucket: 'data', Key: 'multipart', UploadId, PartNumber: 1, CopySource: 'data/new' }));
    const parts = [{ PartNumber: 1, ETag: copied.CopyPartResult?.ETag }];
    const complete = (IfNoneMatch?: string) =>
      client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'multipart', UploadId, MultipartUpload: { Parts: parts }, IfNoneMatch }));
    expect(await refused(complete())).toEqual(['AccessDenied', 403]);
    await complete('*');
    expect(await body('multipart')).toBe('created once');
  });

  it('a policy denying the multipart steps (ObjectCreationOperation false) refuses them and nothing else', async () => {
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'multipart' }));
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source' }));
    await denyPutObject({ Bool: { 's3:ObjectCreationOperation': 'false' } });
    for (const step of [
      () => client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'other' })),
      () => client.send(new UploadPartCommand({ Bucket: 'data', Key: 'multipart', UploadId, PartNumber: 1, Body: 'part' })),
      () => client.send(new UploadPartCopyCommand({ Bucket: 'data', Key: 'multipart', UploadId, PartNumber: 1, CopySource: 'data/source' })),
    ]) {
      expect(await refused(step())).toEqual(['AccessDenied', 403]);
    }
    await client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'single' }));
    await client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/k' }));
    expect(await body('copy')).toBe('single');
  });
});

describe('s3:if-match on deletes (UG conditional-delete-enforce)', () => {
  it('a policy requiring s3:if-match refuses unconditional deletes and lets conditional ones through', async () => {
    const etags: Record<string, string | undefined> = {};
    for (const key of ['a', 'b', 'c', 'd']) etags[key] = (await client.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: key }))).ETag;
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RequireIfMatchOnDelete',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:DeleteObject',
          Resource: 'arn:aws:s3:::data/*',
          Condition: { Null: { 's3:if-match': 'true' } },
        },
      ],
    };
    await client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify(policy) }));

    expect(await refused(client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'a' })))).toEqual(['AccessDenied', 403]);
    await client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'a', IfMatch: etags['a'] }));
    await client.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'b', IfMatch: '*' }));
    const batch = await client.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'c' }, { Key: 'd', ETag: etags['d'] }] } }));
    expect([batch.Deleted?.map((entry) => entry.Key), batch.Errors?.map((entry) => [entry.Key, entry.Code])]).toEqual([['d'], [['c', 'AccessDenied']]]);
    for (const [key, status] of [
      ['a', 404],
      ['b', 404],
      ['c', 200],
      ['d', 404],
    ] as const) {
      const head = client.send(new HeadObjectCommand({ Bucket: 'data', Key: key }));
      expect([key, status === 200 ? (await head).$metadata.httpStatusCode : (await sdkError(head)).$metadata.httpStatusCode]).toEqual([key, status]);
    }
  });
});
