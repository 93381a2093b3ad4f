/**
 * A bucket that blocks SSE-C after an SSE-C multipart upload began. The User Guide
 * (`blocking-unblocking-s3-c-encryption-gpb`): "When SSE-C is blocked for a bucket, any PutObject,
 * CopyObject, PostObject, Multipart Upload, or replication request that specifies SSE-C encryption
 * will be rejected with an HTTP 403 AccessDenied error. Existing SSE-C encrypted objects in the
 * bucket are unaffected, you can still read them with GetObject or HeadObject by providing the
 * required SSE-C headers." A CompleteMultipartUpload sent with the SSE-C headers is such a request
 * (UNCONFIRMED: no capture); one sent without them specifies no SSE-C. Through the official SDK on
 * the in-process handler.
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'], encryption: ALLOW_SSE_C });

const key = randomBytes(32);
const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') };
const copySource = { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: key.toString('base64') };
const BLOCK_SSE_C = {
  ServerSideEncryptionConfiguration: {
    Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' as const }, BlockedEncryptionTypes: { EncryptionType: ['SSE-C' as const] } }],
  },
};
const BLOCKED = (key: string): string =>
  `User: arn:aws:iam::000000000000:root is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::data/${key}" because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C). Please specify a different server-side encryption type`;

describe('SSE-C blocked while an SSE-C upload is in progress', () => {
  it('an UploadPart or UploadPartCopy that specifies SSE-C is 403 AccessDenied, and no part is stored', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source bytes', ...customer }));
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', ...customer }));
    await sdk.client.send(new PutBucketEncryptionCommand({ Bucket: 'data', ...BLOCK_SSE_C }));

    const part = await sdkError(sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'part', ...customer })));
    expect([part.name, part.$metadata.httpStatusCode, part.message]).toEqual(['AccessDenied', 403, BLOCKED('k')]);
    const copied = await sdkError(
      sdk.client.send(new UploadPartCopyCommand({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 2, CopySource: 'data/source', ...copySource, ...customer })),
    );
    expect([copied.name, copied.$metadata.httpStatusCode, copied.message]).toEqual(['AccessDenied', 403, BLOCKED('k')]);
    expect((await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId }))).Parts ?? []).toEqual([]);
  });

  it('a CompleteMultipartUpload sent with the SSE-C key is 403 AccessDenied, the upload stays open; one sent without it completes', async () => {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', ...customer }));
    const part = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'part', ...customer }));
    await sdk.client.send(new PutBucketEncryptionCommand({ Bucket: 'data', ...BLOCK_SSE_C }));
    const parts = { MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag! }] } };

    const refused = await sdkError(sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, ...parts, ...customer })));
    expect([refused.name, refused.$metadata.httpStatusCode, refused.message]).toEqual(['AccessDenied', 403, BLOCKED('k')]);
    expect((await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads?.map((upload) => upload.UploadId)).toEqual([UploadId]);
    const head = await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', ...customer })));
    expect(head.name).toBe('NotFound');

    // Without the SSE-C headers the completion specifies no SSE-C; the object is an existing
    // SSE-C object's like, readable with its key.
    await sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, ...parts }));
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', ...customer }));
    expect(await got.Body?.transformToString()).toBe('part');
  });

  it('an upload created with a checksum algorithm cannot complete: 400 without the key, 403 with it', async () => {
    const { UploadId } = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', ChecksumAlgorithm: 'CRC32', ...customer }));
    const part = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'part', ...customer }));
    await sdk.client.send(new PutBucketEncryptionCommand({ Bucket: 'data', ...BLOCK_SSE_C }));
    const parts = { MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag!, ChecksumCRC32: part.ChecksumCRC32! }] } };
    const without = await sdkError(sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, ...parts })));
    expect([without.name, without.$metadata.httpStatusCode]).toEqual(['InvalidRequest', 400]);
    const withKey = await sdkError(sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, ...parts, ...customer })));
    expect([withKey.name, withKey.$metadata.httpStatusCode, withKey.message]).toEqual(['AccessDenied', 403, BLOCKED('k')]);
    expect((await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads?.map((upload) => upload.UploadId)).toEqual([UploadId]);
  });

  it('existing SSE-C objects stay readable with their key: GetObject, HeadObject, and as a copy source into the default', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: 'source bytes', ...customer }));
    await sdk.client.send(new PutBucketEncryptionCommand({ Bucket: 'data', ...BLOCK_SSE_C }));
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'source', ...customer }));
    expect(await got.Body?.transformToString()).toBe('source bytes');
    expect(got.SSECustomerKeyMD5).toBe(createHash('md5').update(key).digest('base64'));
    expect((await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'source', ...customer }))).ContentLength).toBe(12);
    const copy = await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'plain', CopySource: 'data/source', ...copySource }));
    expect(copy.ServerSideEncryption).toBe('AES256');
    // A copy onto itself that names SSE-C for the target is an SSE-C upload: refused.
    const again = await sdkError(
      sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'source', CopySource: 'data/source', ...copySource, ...customer })),
    );
    expect([again.name, again.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
  });
});
