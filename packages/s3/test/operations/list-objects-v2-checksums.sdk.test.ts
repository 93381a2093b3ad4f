/**
 * ListObjectsV2 lists each object's checksum algorithm and type (model `Object`: `ChecksumAlgorithm`,
 * a flattened list, and `ChecksumType`), as S3 does since its 2025 default checksums: LocalStack's
 * `test_put_get_object_special_character`, recorded against S3 in February 2026, lists
 * `"ChecksumAlgorithm": ["CRC32"], "ChecksumType": "FULL_OBJECT"`. Through the official
 * `@aws-sdk/client-s3` by the kernel's in-process handler.
 */

import { randomBytes } from 'node:crypto';
import { CompleteMultipartUploadCommand, CreateMultipartUploadCommand, ListObjectsV2Command, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';

const sdk = useInProcessS3({ buckets: ['data'] });

it('lists the algorithm and type of each object’s checksum, never the value', async () => {
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'a-sdk-default', Body: 'test' })); // the SDK's CRC32
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'b-sha256', Body: 'test', ChecksumAlgorithm: 'SHA256' }));
  const created = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'c-composite', ChecksumAlgorithm: 'SHA1' }));
  const part = await sdk.client.send(
    new UploadPartCommand({ Bucket: 'data', Key: 'c-composite', UploadId: created.UploadId, PartNumber: 1, Body: randomBytes(100), ChecksumAlgorithm: 'SHA1' }),
  );
  await sdk.client.send(
    new CompleteMultipartUploadCommand({
      Bucket: 'data',
      Key: 'c-composite',
      UploadId: created.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag, ChecksumSHA1: part.ChecksumSHA1 }] },
    }),
  );
  const listed = await sdk.client.send(new ListObjectsV2Command({ Bucket: 'data' }));
  expect(listed.Contents?.map((object) => [object.Key, object.ChecksumAlgorithm, object.ChecksumType, object.Size, object.StorageClass])).toEqual([
    ['a-sdk-default', ['CRC32'], 'FULL_OBJECT', 4, 'STANDARD'],
    ['b-sha256', ['SHA256'], 'FULL_OBJECT', 4, 'STANDARD'],
    ['c-composite', ['SHA1'], 'COMPOSITE', 100, 'STANDARD'],
  ]);
});
