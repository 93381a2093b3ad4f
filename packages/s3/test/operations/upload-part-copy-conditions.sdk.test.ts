/**
 * UploadPartCopy's source conditions (`x-amz-copy-source-if-match`, `-if-none-match`,
 * `-if-modified-since`, `-if-unmodified-since`; API reference UploadPartCopy, the same rules as
 * CopyObject's), through the official `@aws-sdk/client-s3` by the kernel's in-process handler.
 * Multipart copy helpers pin every part to the source's ETag so a source replaced mid-copy fails
 * the copy instead of mixing two versions; Strongbox ignored the four headers.
 */

import { CreateMultipartUploadCommand, ListPartsCommand, PutObjectCommand, UploadPartCopyCommand } from '@aws-sdk/client-s3';
import { beforeEach, expect, it } from 'vitest';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'] });
let uploadId: string;
let sourceEtag: string;
beforeEach(async () => {
  sourceEtag = (await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'source bytes' }))).ETag ?? '';
  uploadId = (await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'dst' }))).UploadId ?? '';
});

function copyPart(PartNumber: number, conditions: Partial<ConstructorParameters<typeof UploadPartCopyCommand>[0]>) {
  return sdk.client.send(new UploadPartCopyCommand({ Bucket: 'data', Key: 'dst', UploadId: uploadId, PartNumber, CopySource: 'data/src', ...conditions }));
}

it('copies a part while the source conditions hold, and refuses it 412 naming the condition when not, storing nothing', async () => {
  await copyPart(1, { CopySourceIfMatch: sourceEtag, CopySourceIfUnmodifiedSince: new Date(Date.now() + 60_000) });
  const cases = [
    [{ CopySourceIfMatch: '"00000000000000000000000000000000"' }, 'x-amz-copy-source-If-Match'],
    [{ CopySourceIfNoneMatch: sourceEtag }, 'x-amz-copy-source-If-None-Match'],
    [{ CopySourceIfUnmodifiedSince: new Date('2000-01-01') }, 'x-amz-copy-source-If-Unmodified-Since'],
    // Not modified since now (a date in the future would be ignored, as S3 ignores it).
    [{ CopySourceIfModifiedSince: new Date() }, 'x-amz-copy-source-If-Modified-Since'],
  ] as const;
  for (const [index, [conditions, condition]] of cases.entries()) {
    const error = (await sdkError(copyPart(index + 2, conditions))) as Awaited<ReturnType<typeof sdkError>> & { Condition?: string };
    expect([error.name, error.$metadata.httpStatusCode, error.Condition]).toEqual(['PreconditionFailed', 412, condition]);
  }
  const parts = await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'dst', UploadId: uploadId }));
  expect(parts.Parts?.map((part) => part.PartNumber)).toEqual([1]);
});

it('a source replaced between parts fails the parts pinned to its old ETag', async () => {
  await copyPart(1, { CopySourceIfMatch: sourceEtag });
  await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'another version' }));
  expect((await sdkError(copyPart(2, { CopySourceIfMatch: sourceEtag }))).name).toBe('PreconditionFailed');
});
