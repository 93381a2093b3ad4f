/**
 * The SSE-C key on ListParts and CompleteMultipartUpload, through the official `@aws-sdk/client-s3`
 * on the in-process handler. The API reference: the SSE-C members are "needed only when the object
 * was created using a checksum algorithm" (ListParts) and "required only when the object was
 * created using a checksum algorithm or if your bucket policy requires the use of SSE-C"
 * (CompleteMultipartUpload). Real S3 answered 400 to a completion of such an upload sent without
 * the key, and 200 with the algorithm and key MD5 headers once it was sent (minio/minio-go#1980);
 * an SSE-C upload created without an algorithm lists and completes without the key (LS-snapshot
 * `test_multipart_upload_sse_c`). The 400's code and text are UNCONFIRMED: here, the text S3
 * answers a part sent without the upload's key.
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { HttpResponse } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'], encryption: ALLOW_SSE_C });

const key = randomBytes(32);
const keyMd5 = createHash('md5').update(key).digest('base64');
const customer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64') };
const otherCustomer = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: randomBytes(32).toString('base64') };

const REQUIRED = 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.';
const MISMATCH = 'The provided encryption parameters did not match the ones used originally.';

/** An SSE-C upload of `k` with one part, created with `ChecksumAlgorithm: CRC32` or none. */
async function sseCUpload(withAlgorithm: boolean): Promise<{ UploadId: string; parts: CompletedPart[] }> {
  const { UploadId } = await sdk.client.send(
    new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', ...customer, ...(withAlgorithm ? { ChecksumAlgorithm: 'CRC32' as const } : {}) }),
  );
  const part = await sdk.client.send(new UploadPartCommand({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'the only part', ...customer }));
  return { UploadId: UploadId!, parts: [{ PartNumber: 1, ETag: part.ETag!, ...(withAlgorithm ? { ChecksumCRC32: part.ChecksumCRC32! } : {}) }] };
}

async function uploadsLeft(): Promise<string[]> {
  return ((await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads ?? []).map((upload) => upload.UploadId!);
}

async function objectExists(): Promise<boolean> {
  const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', ...customer })).then(
    () => 'ok',
    (error: Error) => error.name,
  );
  if (head !== 'ok' && head !== 'NotFound') throw new Error(`HeadObject answered ${head}`);
  return head === 'ok';
}

describe('an SSE-C upload created with a checksum algorithm', () => {
  it('ListParts without the key: 400 InvalidRequest; with another key: 400; with its key: the parts and their checksums', async () => {
    const { UploadId, parts } = await sseCUpload(true);
    const missing = await sdkError(sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId })));
    expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual(['InvalidRequest', 400, REQUIRED]);
    const other = await sdkError(sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId, ...otherCustomer })));
    expect([other.name, other.$metadata.httpStatusCode, other.message]).toEqual(['InvalidRequest', 400, MISMATCH]);
    const listed = await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId, ...customer }));
    expect(listed.Parts?.map((part) => [part.PartNumber, part.ETag, part.ChecksumCRC32])).toEqual([[1, parts[0]!.ETag, parts[0]!.ChecksumCRC32]]);
    expect(listed.ChecksumAlgorithm).toBe('CRC32');
  });

  it('CompleteMultipartUpload without the key, or with another: 400, the upload stays open and no object is made', async () => {
    const { UploadId, parts } = await sseCUpload(true);
    const missing = await sdkError(
      sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, MultipartUpload: { Parts: parts } })),
    );
    expect([missing.name, missing.$metadata.httpStatusCode, missing.message]).toEqual(['InvalidRequest', 400, REQUIRED]);
    const other = await sdkError(
      sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, MultipartUpload: { Parts: parts }, ...otherCustomer })),
    );
    expect([other.name, other.$metadata.httpStatusCode, other.message]).toEqual(['InvalidRequest', 400, MISMATCH]);
    expect(await uploadsLeft()).toEqual([UploadId]);
    expect(await objectExists()).toBe(false);
  });

  it('CompleteMultipartUpload with its key: 200 echoing the algorithm and key MD5 (as S3 sends them), and the object reads with it', async () => {
    const { UploadId, parts } = await sseCUpload(true);
    let headers: Record<string, string> = {};
    const command = new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, MultipartUpload: { Parts: parts }, ...customer });
    command.middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        headers = (result.response as HttpResponse).headers;
        return result;
      },
      { step: 'deserialize', name: 'keepHeaders' },
    );
    const done = await sdk.client.send(command);
    expect(done.ETag).toMatch(/-1"$/);
    expect([headers['x-amz-server-side-encryption-customer-algorithm'], headers['x-amz-server-side-encryption-customer-key-md5']]).toEqual(['AES256', keyMd5]);
    expect(await uploadsLeft()).toEqual([]);
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', ...customer }));
    expect(await got.Body?.transformToString()).toBe('the only part');
  });
});

describe('an SSE-C upload created without a checksum algorithm', () => {
  it('lists and completes without the key (LS-snapshot), answering no SSE fields', async () => {
    const { UploadId, parts } = await sseCUpload(false);
    const listed = await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId }));
    expect(listed.Parts?.map((part) => part.ETag)).toEqual([parts[0]!.ETag]);
    const done = await sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'k', UploadId, MultipartUpload: { Parts: parts } }));
    expect([done.ServerSideEncryption, done.ChecksumCRC64NVME, done.ChecksumType]).toEqual([undefined, undefined, undefined]);
    expect(await objectExists()).toBe(true);
  });

  it('ListParts with another key: 400, as a part with another key is', async () => {
    const { UploadId } = await sseCUpload(false);
    const other = await sdkError(sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId, ...otherCustomer })));
    expect([other.name, other.$metadata.httpStatusCode, other.message]).toEqual(['InvalidRequest', 400, MISMATCH]);
  });
});
