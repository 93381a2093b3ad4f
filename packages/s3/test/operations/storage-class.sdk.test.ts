/**
 * `x-amz-storage-class` on PutObject, CopyObject and CreateMultipartUpload, through the official
 * `@aws-sdk/client-s3` by the kernel's in-process handler, and one raw request over a socket: a
 * value outside S3's StorageClass enum is answered 400 InvalidStorageClass and stores nothing; every
 * value of the enum is accepted (and, classes not being modelled, the object reads as STANDARD).
 */

import {
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  StorageClass,
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

  it.each(Object.values(StorageClass))('%s is accepted by all three operations (stored as STANDARD: classes are not modelled)', async (value) => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'put', Body: 'bytes', StorageClass: value }));
    await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', StorageClass: value }));
    const upload = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', StorageClass: value }));
    expect(upload.UploadId).toBeTruthy();
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'put' }))).StorageClass).toBeUndefined();
    expect(await keys()).toEqual(['copy', 'put', 'source']);
  });
});
