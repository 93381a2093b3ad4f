/**
 * Conditional writes (`If-Match` / `If-None-Match` on PutObject, CopyObject's destination and
 * CompleteMultipartUpload), through the official `@aws-sdk/client-s3` by the kernel's in-process
 * handler, replaying LocalStack's tests recorded against S3 on 2026-02-21
 * (`test_put_object_if_*`, `test_copy_object_if_*`, `test_multipart_if_*`). Strongbox ignored
 * both headers, so a conditional write overwrote whatever was there.
 */

import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  StorageClass,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const KEY = 'test-precondition';
const FAILED = 'At least one of the pre-conditions you specified did not hold';
const CONFLICT = 'The conditional request cannot succeed due to a conflicting operation against this resource.';

const sdk = useInProcessS3({ buckets: ['data'] });

type SdkError = Awaited<ReturnType<typeof sdkError>> & Record<string, unknown>;

async function refusal(promise: Promise<unknown>): Promise<[string, number | undefined, string, Record<string, unknown>]> {
  const error = (await sdkError(promise)) as SdkError;
  const extra: Record<string, unknown> = {};
  for (const name of ['Condition', 'Key', 'Header', 'additionalMessage']) if (error[name] !== undefined) extra[name] = error[name];
  return [error.name, error.$metadata.httpStatusCode, error.message, extra];
}

async function body(key = KEY): Promise<string | undefined> {
  return (await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: key }))).Body?.transformToString();
}

describe('PutObject', () => {
  it('If-None-Match: * stores only a new key (test_put_object_if_none_match)', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'first', IfNoneMatch: '*' }));
    expect(await refusal(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'second', IfNoneMatch: '*' })))).toEqual([
      'PreconditionFailed',
      412,
      FAILED,
      { Condition: 'If-None-Match' },
    ]);
    expect(await body()).toBe('first');
    await sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'after delete', IfNoneMatch: '*' }));
    expect(await body()).toBe('after delete');
  });

  it('If-Match stores only over that ETag, and a missing key is 404 NoSuchKey (test_put_object_if_match)', async () => {
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'test' }));
    expect(
      await refusal(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'x', IfMatch: '"d41d8cd98f00b204e9800998ecf8427e"' }))),
    ).toEqual(['PreconditionFailed', 412, FAILED, { Condition: 'If-Match' }]);
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'overwritten', IfMatch: put.ETag }));
    expect(await body()).toBe('overwritten');
    await sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY }));
    expect(await refusal(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'x', IfMatch: put.ETag })))).toEqual([
      'NoSuchKey',
      404,
      'The specified key does not exist.',
      { Key: KEY },
    ]);
  });

  it('refuses values and combinations S3 does not take with 501 NotImplemented naming the header (…_validation)', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'kept' }));
    const notImplemented = 'A header you provided implies functionality that is not implemented';
    expect(await refusal(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'x', IfNoneMatch: 'abcdef' })))).toEqual([
      'NotImplemented',
      501,
      notImplemented,
      { Header: 'If-None-Match', additionalMessage: "We don't accept the provided value of If-None-Match header for this API" },
    ]);
    expect(await refusal(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'x', IfMatch: '*' })))).toEqual([
      'NotImplemented',
      501,
      notImplemented,
      { Header: 'If-Match', additionalMessage: "We don't accept the provided value of If-Match header for this API" },
    ]);
    expect(await refusal(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'x', IfMatch: 'abc', IfNoneMatch: '*' })))).toEqual([
      'NotImplemented',
      501,
      notImplemented,
      { Header: 'If-Match,If-None-Match', additionalMessage: 'Multiple conditional request headers present in the request' },
    ]);
    expect(await body()).toBe('kept');
  });

  it('is atomic: of concurrent If-None-Match writes of one key, exactly one stores', async () => {
    const attempts = await Promise.allSettled(
      Array.from({ length: 8 }, (_, index) =>
        sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'race', Body: `writer ${index}`, IfNoneMatch: '*' })),
      ),
    );
    const stored = attempts.flatMap((attempt, index) => (attempt.status === 'fulfilled' ? [index] : []));
    expect(stored).toHaveLength(1);
    for (const attempt of attempts) if (attempt.status === 'rejected') expect((attempt.reason as Error).name).toBe('PreconditionFailed');
    expect(await body('race')).toBe(`writer ${stored[0]}`);
  });
});

describe('CopyObject’s destination', () => {
  beforeEach(async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source content' }));
  });

  it('If-None-Match: * copies only onto a new key (test_copy_object_if_none_match, _in_place)', async () => {
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dest', CopySource: 'data/source', IfNoneMatch: '*' }));
    expect(await refusal(sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dest', CopySource: 'data/source', IfNoneMatch: '*' })))).toEqual([
      'PreconditionFailed',
      412,
      FAILED,
      { Condition: 'If-None-Match' },
    ]);
    const inPlace = sdk.client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'source', CopySource: 'data/source', IfNoneMatch: '*', StorageClass: StorageClass.STANDARD }),
    );
    expect((await refusal(inPlace))[0]).toBe('PreconditionFailed');
  });

  it('If-Match copies only over that ETag; a missing destination is 404 (test_copy_object_if_match, _in_place)', async () => {
    const dest = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'dest', Body: 'initial content' }));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dest', CopySource: 'data/source', IfMatch: dest.ETag }));
    expect(await body('dest')).toBe('source content');
    expect(await refusal(sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dest', CopySource: 'data/source', IfMatch: '"wrong-etag"' })))).toEqual([
      'PreconditionFailed',
      412,
      FAILED,
      { Condition: 'If-Match' },
    ]);
    expect(
      await refusal(sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'non-existent-key', CopySource: 'data/source', IfMatch: dest.ETag }))),
    ).toEqual(['NoSuchKey', 404, 'The specified key does not exist.', { Key: 'non-existent-key' }]);
    const source = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source content' }));
    await sdk.client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'source', CopySource: 'data/source', IfMatch: source.ETag, StorageClass: StorageClass.STANDARD }),
    );
  });
});

describe('DeleteObject', () => {
  it('If-Match deletes only the object of that ETag (test_delete_object_if_match_non_express); * any object', async () => {
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'kept' }));
    expect(await refusal(sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY, IfMatch: 'badvalue' })))).toEqual([
      'PreconditionFailed',
      412,
      FAILED,
      { Condition: 'If-Match' },
    ]);
    expect(await body()).toBe('kept');
    await sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY, IfMatch: put.ETag }));
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'again' }));
    await sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY, IfMatch: '*' }));
    expect((await refusal(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: KEY }))))[0]).toBe('NoSuchKey');
  });

  it('answers the directory-bucket conditions 501 naming the header (test_delete_object_if_match_*_non_express)', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'kept' }));
    const earlier = new Date(Date.now() - 86_400_000);
    const notImplemented = 'A header you provided implies functionality that is not implemented';
    expect(await refusal(sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY, IfMatchLastModifiedTime: earlier })))).toEqual([
      'NotImplemented',
      501,
      notImplemented,
      { Header: 'x-amz-if-match-last-modified-time' },
    ]);
    expect(await refusal(sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY, IfMatchSize: 10 })))).toEqual([
      'NotImplemented',
      501,
      notImplemented,
      { Header: 'x-amz-if-match-size' },
    ]);
    const all = sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY, IfMatchSize: 10, IfMatch: 'badvalue', IfMatchLastModifiedTime: earlier }));
    expect((await refusal(all))[3]).toEqual({ Header: 'x-amz-if-match-last-modified-time' });
    expect(await body()).toBe('kept');
  });
});

describe('CompleteMultipartUpload', () => {
  async function startUpload(): Promise<{ UploadId: string; Parts: { ETag: string; PartNumber: number }[] }> {
    const created = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: KEY }));
    const part = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: KEY, UploadId: created.UploadId, PartNumber: 1, Body: 'test' }));
    return { UploadId: created.UploadId ?? '', Parts: [{ ETag: part.ETag ?? '', PartNumber: 1 }] };
  }

  function complete(
    upload: { UploadId: string; Parts: { ETag: string; PartNumber: number }[] },
    condition: { IfMatch?: string | undefined; IfNoneMatch?: string | undefined },
  ) {
    return sdk.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: KEY, UploadId: upload.UploadId, MultipartUpload: { Parts: upload.Parts }, ...condition }),
    );
  }

  it('If-None-Match: 412 over an object; 409 when the object was deleted after the upload began (test_multipart_if_none_match_with_delete)', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'there', IfNoneMatch: '*' }));
    const upload = await startUpload();
    expect(await refusal(complete(upload, { IfNoneMatch: '*' }))).toEqual(['PreconditionFailed', 412, FAILED, { Condition: 'If-None-Match' }]);
    await sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY }));
    expect(await refusal(complete(upload, { IfNoneMatch: '*' }))).toEqual([
      'ConditionalRequestConflict',
      409,
      CONFLICT,
      { Condition: 'If-None-Match', Key: KEY },
    ]);
    // A new upload, begun over the key as it is now, completes.
    const restarted = await complete(await startUpload(), { IfNoneMatch: '*' });
    expect(restarted.ETag).toMatch(/^"[0-9a-f]{32}-1"$/);
  });

  it('If-None-Match: 412 when the key was written while the upload ran (test_multipart_if_none_match_with_put)', async () => {
    const upload = await startUpload();
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'during', IfNoneMatch: '*' }));
    expect(await refusal(complete(upload, { IfNoneMatch: '*' }))).toEqual(['PreconditionFailed', 412, FAILED, { Condition: 'If-None-Match' }]);
    expect(await body()).toBe('during');
  });

  it('If-Match: 412 for an older ETag, 409 for the current one written after the upload began, even with identical bytes (test_multipart_if_match_with_put[_identical])', async () => {
    const first = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'test' }));
    const upload = await startUpload();
    const during = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'test2' }));
    expect(await refusal(complete(upload, { IfMatch: first.ETag }))).toEqual(['PreconditionFailed', 412, FAILED, { Condition: 'If-Match' }]);
    expect(await refusal(complete(upload, { IfMatch: during.ETag }))).toEqual([
      'ConditionalRequestConflict',
      409,
      CONFLICT,
      { Condition: 'If-Match', Key: KEY },
    ]);
    expect(await body()).toBe('test2');
    await complete(await startUpload(), { IfMatch: during.ETag });
    expect(await body()).toBe('test');
  });

  it('If-Match: 404 after a delete, 409 after the key is written again (test_multipart_if_match_with_delete)', async () => {
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'test' }));
    const upload = await startUpload();
    await sdk.client.send(new DeleteObjectCommand({ Bucket: 'data', Key: KEY }));
    expect(await refusal(complete(upload, { IfMatch: put.ETag }))).toEqual(['NoSuchKey', 404, 'The specified key does not exist.', { Key: KEY }]);
    const again = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'test' }));
    expect(await refusal(complete(upload, { IfMatch: again.ETag }))).toEqual([
      'ConditionalRequestConflict',
      409,
      CONFLICT,
      { Condition: 'If-Match', Key: KEY },
    ]);
  });

  it('If-Match over the object the upload began with completes (test_multipart_if_match_etag)', async () => {
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'test' }));
    const done = await complete(await startUpload(), { IfMatch: put.ETag });
    expect(done.ETag).toMatch(/-1"$/);
    expect(await refusal(complete(await startUpload(), { IfMatch: put.ETag }))).toEqual(['PreconditionFailed', 412, FAILED, { Condition: 'If-Match' }]);
  });
});

describe('bucket policies', () => {
  it('can require conditional writes with s3:if-none-match (UG conditional-writes-enforce)', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'RequireIfNoneMatch',
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:PutObject',
          Resource: 'arn:aws:s3:::data/*',
          Condition: { Null: { 's3:if-none-match': 'true' } },
        },
      ],
    };
    await sdk.client.send(new PutBucketPolicyCommand({ Bucket: 'data', Policy: JSON.stringify(policy) }));
    expect((await refusal(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'x' }))))[0]).toBe('AccessDenied');
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: KEY, Body: 'create only', IfNoneMatch: '*' }));
    expect(await body()).toBe('create only');
  });
});
