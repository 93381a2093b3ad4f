/** Authorization of the multipart family: the IAM action of each operation, and SSE-C policies on every request of an upload. */

import { principalFromArn } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

const OWNER = '111122223333';

let s3: S3;
beforeEach(async () => {
  s3 = new S3({ account: OWNER });
  await s3.createBucket({ Bucket: 'uploads' });
});
afterEach(() => s3.close());

const policy = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const user = (name: string, ...actions: string[]) =>
  principalFromArn(`arn:aws:iam::${OWNER}:user/${name}`, {
    identityPolicy: policy({ Effect: 'Allow', Action: actions, Resource: ['arn:aws:s3:::uploads', 'arn:aws:s3:::uploads/*', 'arn:aws:s3:::sources/*'] }),
  });

describe('the IAM action of each multipart operation', () => {
  it('s3:PutObject creates, uploads and completes; aborting, listing parts and listing uploads need their own actions', async () => {
    const writer = user('writer', 's3:PutObject');
    const caller = { caller: writer };
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'uploads', Key: 'k' }, caller);
    const { ETag } = await s3.uploadPart({ Bucket: 'uploads', Key: 'k', UploadId, PartNumber: 1, Body: 'only part' }, caller);
    const refusals = await Promise.all([
      catchS3Async(() => s3.listParts({ Bucket: 'uploads', Key: 'k', UploadId }, caller)),
      catchS3Async(() => s3.listMultipartUploads({ Bucket: 'uploads' }, caller)),
      catchS3Async(() => s3.abortMultipartUpload({ Bucket: 'uploads', Key: 'k', UploadId }, caller)),
    ]);
    expect(refusals.map((error) => error.message.match(/perform: (\S+) on resource: "([^"]+)"/)?.slice(1))).toEqual([
      ['s3:ListMultipartUploadParts', 'arn:aws:s3:::uploads/k'],
      ['s3:ListBucketMultipartUploads', 'arn:aws:s3:::uploads'],
      ['s3:AbortMultipartUpload', 'arn:aws:s3:::uploads/k'],
    ]);
    await s3.completeMultipartUpload({ Bucket: 'uploads', Key: 'k', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } }, caller);

    const manager = { caller: user('manager', 's3:ListMultipartUploadParts', 's3:ListBucketMultipartUploads', 's3:AbortMultipartUpload') };
    const second = await s3.createMultipartUpload({ Bucket: 'uploads', Key: 'k2' });
    expect((await s3.listParts({ Bucket: 'uploads', Key: 'k2', UploadId: second.UploadId }, manager)).Parts ?? []).toEqual([]);
    expect((await s3.listMultipartUploads({ Bucket: 'uploads' }, manager)).Uploads?.map((upload) => upload.Key)).toEqual(['k2']);
    await s3.abortMultipartUpload({ Bucket: 'uploads', Key: 'k2', UploadId: second.UploadId }, manager);
    expect((await catchS3Async(() => s3.createMultipartUpload({ Bucket: 'uploads', Key: 'k3' }, manager))).code).toBe('AccessDenied');
  });

  it('UploadPartCopy needs s3:GetObject on the source as well', async () => {
    await s3.createBucket({ Bucket: 'sources' });
    await s3.putObject({ Bucket: 'sources', Key: 'src', Body: 'source bytes' });
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'uploads', Key: 'k' });
    const writer = user('writer', 's3:PutObject');
    const refused = await catchS3Async(() =>
      s3.uploadPartCopy({ Bucket: 'uploads', Key: 'k', UploadId, PartNumber: 1, CopySource: 'sources/src' }, { caller: writer }),
    );
    expect(refused.message).toContain('s3:GetObject on resource: "arn:aws:s3:::sources/src"');
    await s3.uploadPartCopy(
      { Bucket: 'uploads', Key: 'k', UploadId, PartNumber: 1, CopySource: 'sources/src' },
      { caller: user('copier', 's3:PutObject', 's3:GetObject') },
    );
  });
});

describe('RequireSSECObjectUploads on a multipart upload', () => {
  it('every request of the upload must carry the SSE-C algorithm: create, each part and the completion (reference §4.1)', async () => {
    await s3.putBucketEncryption({ Bucket: 'uploads', ...ALLOW_SSE_C });
    await s3.putBucketPolicy({
      Bucket: 'uploads',
      Policy: policy({
        Sid: 'RequireSSECObjectUploads',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::uploads/*',
        Condition: { Null: { 's3:x-amz-server-side-encryption-customer-algorithm': 'true' } },
      }),
    });
    const key = members(sseC());
    expect((await catchS3Async(() => s3.createMultipartUpload({ Bucket: 'uploads', Key: 'k' }))).code).toBe('AccessDenied');
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'uploads', Key: 'k', ...key });
    expect((await catchS3Async(() => s3.uploadPart({ Bucket: 'uploads', Key: 'k', UploadId, PartNumber: 1, Body: 'part' }))).status).toBe(403);
    const { ETag } = await s3.uploadPart({ Bucket: 'uploads', Key: 'k', UploadId, PartNumber: 1, Body: 'part', ...key });
    const complete = { Bucket: 'uploads', Key: 'k', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] } };
    expect((await catchS3Async(() => s3.completeMultipartUpload(complete))).code).toBe('AccessDenied');
    await s3.completeMultipartUpload({ ...complete, ...key });
    expect(await (await s3.getObject({ Bucket: 'uploads', Key: 'k', ...key })).Body.transformToString()).toBe('part');
  });
});
