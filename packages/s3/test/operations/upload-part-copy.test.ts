/**
 * UploadPartCopy: a part from a byte range or the whole of another object, decrypted from the
 * source's mode and sealed again in the upload's, with the source's SSE-C key checked as a read
 * checks it, and S3's errors for the copy source and its range.
 */

import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIN_PART_SIZE, S3 } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { md5Etag, members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'data' });
  await s3.putBucketEncryption({ Bucket: 'data', ...ALLOW_SSE_C });
});
afterEach(() => s3.close());

const source = new Uint8Array(randomBytes(300_000));
const sourceKey = sseC();

/** Copy-source SSE-C members for a trio. */
function copySourceMembers(trio: ReturnType<typeof sseC>) {
  return {
    CopySourceSSECustomerAlgorithm: trio.SSECustomerAlgorithm,
    CopySourceSSECustomerKey: trio.SSECustomerKey,
    CopySourceSSECustomerKeyMD5: trio.SSECustomerKeyMD5,
  };
}

async function readPart(key: string, uploadId: string, etag: string, read: object = {}): Promise<Buffer> {
  await s3.completeMultipartUpload({ Bucket: 'data', Key: key, UploadId: uploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag }] } });
  return Buffer.from(await (await s3.getObject({ Bucket: 'data', Key: key, ...read })).Body.transformToByteArray());
}

describe('UploadPartCopy', () => {
  it('copies a range of an SSE-S3 object into an SSE-S3 part (MD5 ETag of the copied bytes)', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'src/a b.bin', Body: source });
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'dst' });
    const copied = await s3.uploadPartCopy({
      Bucket: 'data',
      Key: 'dst',
      UploadId,
      PartNumber: 1,
      CopySource: '/data/src/a%20b.bin',
      CopySourceRange: 'bytes=65530-200009',
    });
    const slice = source.subarray(65_530, 200_010);
    expect(copied).toEqual({ CopyPartResult: { ETag: md5Etag(slice), LastModified: copied.CopyPartResult.LastModified }, ServerSideEncryption: 'AES256' });
    expect(copied.CopyPartResult.LastModified).toBeInstanceOf(Date);
    expect((await readPart('dst', UploadId, copied.CopyPartResult.ETag)).equals(Buffer.from(slice))).toBe(true);
  });

  it('copies the whole of an SSE-C source into an SSE-C part, each side with its own key', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'src', Body: source, ...members(sourceKey) });
    const target = sseC();
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'dst', ...members(target) });
    const copied = await s3.uploadPartCopy({
      Bucket: 'data',
      Key: 'dst',
      UploadId,
      PartNumber: 1,
      CopySource: 'data/src',
      ...copySourceMembers(sourceKey),
      ...members(target),
    });
    expect([copied.SSECustomerAlgorithm, copied.SSECustomerKeyMD5, copied.ServerSideEncryption]).toEqual(['AES256', target.SSECustomerKeyMD5, undefined]);
    expect(copied.CopyPartResult.ETag).not.toBe(md5Etag(source));
    expect((await readPart('dst', UploadId, copied.CopyPartResult.ETag, members(target))).equals(Buffer.from(source))).toBe(true);
  });

  it('copies across the part boundary of a multipart source', async () => {
    const first = new Uint8Array(randomBytes(MIN_PART_SIZE));
    const { UploadId: sourceUpload } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'mp' });
    const a = await s3.uploadPart({ Bucket: 'data', Key: 'mp', UploadId: sourceUpload, PartNumber: 1, Body: first });
    const b = await s3.uploadPart({ Bucket: 'data', Key: 'mp', UploadId: sourceUpload, PartNumber: 2, Body: source });
    await s3.completeMultipartUpload({
      Bucket: 'data',
      Key: 'mp',
      UploadId: sourceUpload,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: a.ETag },
          { PartNumber: 2, ETag: b.ETag },
        ],
      },
    });
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'dst' });
    const range = `bytes=${MIN_PART_SIZE - 100}-${MIN_PART_SIZE + 99}`;
    const copied = await s3.uploadPartCopy({ Bucket: 'data', Key: 'dst', UploadId, PartNumber: 1, CopySource: 'data/mp', CopySourceRange: range });
    expect((await readPart('dst', UploadId, copied.CopyPartResult.ETag)).equals(Buffer.concat([first.subarray(-100), source.subarray(0, 100)]))).toBe(true);
  });

  it('copies a one-byte range and an empty source', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'src', Body: source });
    await s3.putObject({ Bucket: 'data', Key: 'empty', Body: '' });
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'dst' });
    const one = await s3.uploadPartCopy({
      Bucket: 'data',
      Key: 'dst',
      UploadId,
      PartNumber: 1,
      CopySource: 'data/src',
      CopySourceRange: 'bytes=299999-299999',
    });
    expect(one.CopyPartResult.ETag).toBe(md5Etag(source.subarray(299_999)));
    const empty = await s3.uploadPartCopy({ Bucket: 'data', Key: 'dst', UploadId, PartNumber: 2, CopySource: 'data/empty' });
    expect(empty.CopyPartResult.ETag).toBe(md5Etag(new Uint8Array(0)));
  });

  describe('errors (no part is stored)', () => {
    let uploadId: string;
    beforeEach(async () => {
      await s3.putObject({ Bucket: 'data', Key: 'plain', Body: source });
      await s3.putObject({ Bucket: 'data', Key: 'secret', Body: source, ...members(sourceKey) });
      uploadId = (await s3.createMultipartUpload({ Bucket: 'data', Key: 'dst' })).UploadId;
    });
    afterEach(async () => {
      expect((await s3.listParts({ Bucket: 'data', Key: 'dst', UploadId: uploadId })).Parts).toBeUndefined();
    });
    const copy = (members: object) =>
      catchS3Async(() => s3.uploadPartCopy({ Bucket: 'data', Key: 'dst', UploadId: uploadId, PartNumber: 1, CopySource: 'data/plain', ...members }));

    it('a copy source that is not bucket/key: 400 InvalidArgument', async () => {
      // LS-snapshot: the header's name as ArgumentValue, whatever was sent.
      for (const CopySource of ['data', 'data/', '/data', '', 'data/%E0%A4%A']) {
        const error = await copy({ CopySource });
        expect([error.code, error.status, error.message, error.fields]).toEqual([
          'InvalidArgument',
          400,
          'Invalid copy source object key',
          [
            ['ArgumentName', 'x-amz-copy-source'],
            ['ArgumentValue', 'x-amz-copy-source'],
          ],
        ]);
      }
    });

    it('a missing source object or bucket, or another account’s: NoSuchKey, NoSuchBucket, AccessDenied', async () => {
      expect((await copy({ CopySource: 'data/absent' })).code).toBe('NoSuchKey');
      expect((await copy({ CopySource: 'nobucket/k' })).code).toBe('NoSuchBucket');
      await s3.createBucket({ Bucket: 'theirs' }, { caller: 'arn:aws:iam::111122223333:root' });
      expect((await copy({ CopySource: 'theirs/k' })).code).toBe('AccessDenied');
      const version = await copy({ CopySource: 'data/plain?versionId=3HL4kqtJlcpXroDTDmJ' });
      // A version id S3 cannot read: 400 naming the header (captured against S3, 2026-04).
      expect([version.code, version.status, version.message, version.fields]).toEqual([
        'InvalidArgument',
        400,
        'Invalid version id specified',
        [
          ['ArgumentName', 'x-amz-copy-source'],
          ['ArgumentValue', '3HL4kqtJlcpXroDTDmJ'],
        ],
      ]);
      // The null version is the object.
      expect(
        (await s3.uploadPartCopy({ Bucket: 'data', Key: 'dst', UploadId: uploadId, PartNumber: 1, CopySource: 'data/plain?versionId=null' })).CopyPartResult
          .ETag,
      ).toMatch(/^"[0-9a-f]{32}"$/);
      await s3.abortMultipartUpload({ Bucket: 'data', Key: 'dst', UploadId: uploadId });
      uploadId = (await s3.createMultipartUpload({ Bucket: 'data', Key: 'dst' })).UploadId;
    });

    it('a range that is not bytes=first-last, or past the source: 400 InvalidArgument', async () => {
      for (const CopySourceRange of ['bytes=5-', 'bytes=-5', 'bytes=9-3', 'bytes 0-1', 'bytes=0-1,3-4', '']) {
        const error = await copy({ CopySourceRange });
        expect([error.code, error.fields]).toEqual([
          'InvalidArgument',
          [
            ['ArgumentName', 'x-amz-copy-source-range'],
            ['ArgumentValue', CopySourceRange],
          ],
        ]);
      }
      const past = await copy({ CopySourceRange: 'bytes=0-300000' });
      expect([past.code, past.message]).toEqual(['InvalidArgument', 'Range specified is not valid for source object of size: 300000']);
    });

    it('an SSE-C source without its key is 400, with another key 403; SSE-C source headers on a plain source are 400', async () => {
      const without = await copy({ CopySource: 'data/secret' });
      expect([without.code, without.status, without.message]).toEqual([
        'InvalidRequest',
        400,
        'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
      ]);
      const wrong = await copy({ CopySource: 'data/secret', ...copySourceMembers(sseC()) });
      expect([wrong.code, wrong.status]).toEqual(['AccessDenied', 403]);
      const superfluous = await copy({ ...copySourceMembers(sourceKey) });
      expect([superfluous.code, superfluous.message]).toEqual(['InvalidRequest', 'The encryption parameters are not applicable to this object.']);
    });

    it('target SSE-C members on a non-SSE-C upload, a bad part number, an unknown upload', async () => {
      expect((await copy(members(sseC()))).code).toBe('InvalidRequest');
      expect((await copy({ PartNumber: 0 })).code).toBe('InvalidArgument');
      expect((await copy({ UploadId: 'unknown' })).code).toBe('NoSuchUpload');
    });
  });
});
