/**
 * CopyObject onto itself, through the official `@aws-sdk/client-s3` by the kernel's in-process
 * handler. S3 refuses it only when the request names nothing that could change the object
 * ("…without changing the object's metadata, storage class, website redirect location or
 * encryption attributes."), and it judges what the request names, not whether the value differs
 * from the source's: LocalStack's `test_s3_copy_object_in_place*` tests, recorded against S3,
 * copy a STANDARD object onto itself with `StorageClass: STANDARD`, and an object with a website
 * redirect with that same redirect, and both succeed.
 */

import { CopyObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, StorageClass } from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const ILLEGAL =
  "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.";

const sdk = useInProcessS3({ buckets: ['data'] });
let original: string;
beforeEach(async () => {
  const put = await sdk.client.send(
    new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: '{"key": "value"}', ContentType: 'application/json', Metadata: { key: 'value' } }),
  );
  original = put.ETag ?? '';
});

async function copyInPlace(extra: Partial<ConstructorParameters<typeof CopyObjectCommand>[0]> = {}) {
  return sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/k', ...extra }));
}

async function lastModified(): Promise<Date | undefined> {
  return (await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }))).LastModified;
}

describe('a copy onto itself', () => {
  it.each([
    ['names nothing', {}],
    ['only says COPY', { MetadataDirective: 'COPY' as const }],
    ['sends metadata under COPY (ignored, so nothing changes)', { Metadata: { key: 'other' } }],
  ])('that %s is 400 InvalidRequest with S3’s text', async (_name, extra) => {
    const error = await sdkError(copyInPlace(extra));
    expect([error.name, error.message, error.$metadata.httpStatusCode]).toEqual(['InvalidRequest', ILLEGAL, 400]);
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }))).Metadata).toEqual({ key: 'value' });
  });

  it.each([
    ['the storage class it already has', { StorageClass: StorageClass.STANDARD }],
    ['another storage class', { StorageClass: StorageClass.STANDARD_IA }],
    ['a storage class under an explicit COPY directive', { StorageClass: StorageClass.STANDARD, MetadataDirective: 'COPY' as const }],
    ['a website redirect location', { WebsiteRedirectLocation: '/test/direct' }],
    ['SSE-S3 again', { ServerSideEncryption: 'AES256' as const }],
  ])('is allowed when the request names %s, and keeps the body and (under COPY) the metadata', async (_name, extra) => {
    const before = await lastModified();
    const copied = await copyInPlace(extra);
    expect(copied.CopyObjectResult?.ETag).toBe(original);
    const object = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect(await object.Body?.transformToString()).toBe('{"key": "value"}');
    expect([object.ContentType, object.Metadata]).toEqual(['application/json', { key: 'value' }]);
    expect(copied.CopyObjectResult?.LastModified?.getTime()).toBeGreaterThanOrEqual(before?.getTime() ?? Number.NaN);
  });

  it('is allowed with REPLACE, which takes the request’s metadata', async () => {
    await copyInPlace({ MetadataDirective: 'REPLACE', Metadata: { key2: 'value2' } });
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect([head.ContentType, head.Metadata]).toEqual(['binary/octet-stream', { key2: 'value2' }]);
  });
});
