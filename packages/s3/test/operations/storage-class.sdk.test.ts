/**
 * `x-amz-storage-class` on PutObject, CopyObject and CreateMultipartUpload, through the official
 * `@aws-sdk/client-s3` by the kernel's in-process handler, and one raw request over a socket: a
 * value outside S3's StorageClass enum is answered 400 InvalidStorageClass and stores nothing; every
 * value of the enum is accepted and kept: GetObject and HeadObject answer it (but STANDARD, which
 * S3 leaves out), listings, ListParts, ListMultipartUploads and GetObjectAttributes too; an archived
 * object (GLACIER, DEEP_ARCHIVE) is 403 InvalidObjectState on GetObject and ObjectNotInActiveTierError
 * as a copy's source; CopyObject onto itself changes the class.
 */

import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectAttributesCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  StorageClass,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { beforeEach, describe, expect, it } from 'vitest';
import { STORAGE_CLASSES } from '../../src/index.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { listen, sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'] });
beforeEach(async () => {
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source bytes' }));
});

const BAD = 'NOT_A_CLASS' as StorageClass;

async function keys(): Promise<string[]> {
  return ((await sdk.client.send(new ListObjectsV2Command({ Bucket: 'data' }))).Contents ?? []).map((object) => object.Key ?? '');
}

describe('an invalid x-amz-storage-class', () => {
  it.each([
    ['PutObject', () => new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'bytes', StorageClass: BAD })],
    ['CopyObject', () => new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/source', StorageClass: BAD })],
    ['CreateMultipartUpload', () => new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', StorageClass: BAD })],
  ] as const)('%s is refused 400 InvalidStorageClass and stores nothing', async (_name, command) => {
    const error = await sdkError(sdk.client.send(command() as PutObjectCommand));
    expect(error.name).toBe('InvalidStorageClass');
    expect(error.message).toBe('The storage class you specified is not valid');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(await keys()).toEqual(['source']);
    expect((await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads ?? []).toEqual([]);
  });

  it.each(['standard', 'Glacier'])('refuses %j (the enum is case-exact)', async (value) => {
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'b', StorageClass: value as StorageClass })));
    expect(error.name).toBe('InvalidStorageClass');
  });

  it('is answered as AWS words it on the wire', async () => {
    const server = await listen(sdk.engine.handler);
    try {
      const response = await fetch(`${server.url}/data/raw`, { method: 'PUT', headers: { 'x-amz-storage-class': 'NOT_A_CLASS' }, body: 'bytes' });
      expect(response.status).toBe(400);
      const xml = await response.text();
      expect(xml).toContain('<Code>InvalidStorageClass</Code>');
      expect(xml).toContain('<Message>The storage class you specified is not valid</Message>');
    } finally {
      await server.close();
    }
    expect(await keys()).toEqual(['source']);
  });
});

describe('a valid x-amz-storage-class', () => {
  it("is S3's StorageClass enum, as the pinned SDK models it", () => {
    expect([...STORAGE_CLASSES].sort()).toEqual(Object.values(StorageClass).sort());
  });

  it.each(Object.values(StorageClass))('%s is accepted by all three operations and kept', async (value) => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'put', Body: 'bytes', StorageClass: value }));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', StorageClass: value }));
    const upload = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', StorageClass: value }));
    expect(upload.UploadId).toBeTruthy();
    // "Amazon S3 returns this header for all objects except for S3 Standard storage class objects."
    const answered = value === 'STANDARD' ? undefined : value;
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'put' }))).StorageClass).toBe(answered);
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy' }))).StorageClass).toBe(answered);
    const listed = (await sdk.client.send(new ListObjectsV2Command({ Bucket: 'data' }))).Contents ?? [];
    expect(listed.map((object) => [object.Key, object.StorageClass])).toEqual([
      ['copy', value],
      ['put', value],
      ['source', 'STANDARD'],
    ]);
    const uploads = (await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads ?? [];
    expect(uploads.map((listedUpload) => listedUpload.StorageClass)).toEqual([value]);
    const parts = await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'mpu', UploadId: upload.UploadId }));
    expect(parts.StorageClass).toBe(value);
  });
});

describe('a kept storage class', () => {
  it("is the completed multipart object's, in GetObject, HeadObject and GetObjectAttributes", async () => {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', StorageClass: 'STANDARD_IA' }));
    const { ETag } = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'mpu', UploadId, PartNumber: 1, Body: 'part' }));
    await sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }));
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'mpu' }));
    expect(await got.Body?.transformToString()).toBe('part');
    expect(got.StorageClass).toBe('STANDARD_IA');
    const attributes = await sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'mpu', ObjectAttributes: ['StorageClass'] }));
    expect(attributes.StorageClass).toBe('STANDARD_IA');
    const standard = await sdk.client.send(new GetObjectAttributesCommand({ Bucket: 'data', Key: 'source', ObjectAttributes: ['StorageClass'] }));
    expect(standard.StorageClass).toBe('STANDARD');
  });

  it('changes by a copy onto itself naming another class (no REPLACE needed), keeping metadata', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'bytes', Metadata: { a: '1' } }));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/k', StorageClass: 'ONEZONE_IA' }));
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }));
    expect([head.StorageClass, head.Metadata]).toEqual(['ONEZONE_IA', { a: '1' }]);
    // Back to STANDARD the same way: the header is gone again.
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'k', CopySource: 'data/k', StorageClass: 'STANDARD' }));
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k' }))).StorageClass).toBeUndefined();
  });

  it('is not copied: a copy without x-amz-storage-class is STANDARD', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'ia', Body: 'bytes', StorageClass: 'STANDARD_IA' }));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/ia' }));
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy' }))).StorageClass).toBeUndefined();
  });
});

describe('an archived object (GLACIER, DEEP_ARCHIVE)', () => {
  it.each(['GLACIER', 'DEEP_ARCHIVE'] as const)('%s: GetObject is 403 InvalidObjectState naming the class; HEAD answers', async (value) => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'cold', Body: 'bytes', StorageClass: value }));
    const error = await sdkError(sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'cold' })));
    expect(error.name).toBe('InvalidObjectState');
    expect(error.message).toBe("The operation is not valid for the object's storage class");
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect((error as unknown as { StorageClass?: string }).StorageClass).toBe(value);
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'cold' }))).StorageClass).toBe(value);
  });

  it('is no copy source: 403 ObjectNotInActiveTierError, nothing stored', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'cold', Body: 'bytes', StorageClass: 'GLACIER' }));
    const error = await sdkError(sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'warm', CopySource: 'data/cold' })));
    expect(error.name).toBe('ObjectNotInActiveTierError');
    expect(error.$metadata.httpStatusCode).toBe(403);
    expect(await keys()).toEqual(['cold', 'source']);
  });

  it('GLACIER_IR (instant retrieval) reads at once', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'ir', Body: 'bytes', StorageClass: 'GLACIER_IR' }));
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'ir' }));
    expect([await got.Body?.transformToString(), got.StorageClass]).toEqual(['bytes', 'GLACIER_IR']);
  });
});
