/** ListParts and ListMultipartUploads: paging, markers, prefixes, delimiters, owners and errors. */

import { principalFromArn } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { md5Etag } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'data' });
});
afterEach(() => s3.close());

describe('ListParts', () => {
  it('pages parts by number with string markers, sizes of the plaintext, the initiator and owner', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' });
    for (const number of [3, 1, 2, 10]) await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: number, Body: 'x'.repeat(number) });
    const first = await s3.listParts({ Bucket: 'data', Key: 'k', UploadId, MaxParts: 2 });
    expect(first).toMatchObject({
      Bucket: 'data',
      Key: 'k',
      UploadId,
      PartNumberMarker: '0',
      NextPartNumberMarker: '2',
      MaxParts: 2,
      IsTruncated: true,
      StorageClass: 'STANDARD',
    });
    expect(first.Parts?.map((part) => [part.PartNumber, part.Size, part.ETag])).toEqual([
      [1, 1, md5Etag(new TextEncoder().encode('x'))],
      [2, 2, md5Etag(new TextEncoder().encode('xx'))],
    ]);
    expect(first.Parts?.[0]?.LastModified).toBeInstanceOf(Date);
    expect(first.Owner.ID).toMatch(/^[0-9a-f]{64}$/);
    // The account root initiated it: its canonical id, as the owner's.
    expect(first.Initiator).toEqual(first.Owner);
    const rest = await s3.listParts({ Bucket: 'data', Key: 'k', UploadId, PartNumberMarker: first.NextPartNumberMarker });
    // Untruncated, the marker still names the page's last part (LocalStack's captures of S3).
    expect([rest.Parts?.map((part) => part.PartNumber), rest.IsTruncated, rest.NextPartNumberMarker, rest.MaxParts]).toEqual([[3, 10], false, '10', 1000]);
    expect((await s3.listParts({ Bucket: 'data', Key: 'k', UploadId, MaxParts: 5000 })).MaxParts).toBe(1000);
    const past = await s3.listParts({ Bucket: 'data', Key: 'k', UploadId, PartNumberMarker: 10 });
    expect([past.Parts, past.NextPartNumberMarker]).toEqual([undefined, '0']);
  });

  it('an IAM user’s upload names the user as initiator', async () => {
    const user = 'arn:aws:iam::000000000000:user/alice';
    // The user may upload: an IAM user without an identity policy may do nothing.
    const alice = principalFromArn(user, { identityPolicy: JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] }) });
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' }, { caller: alice });
    expect((await s3.listParts({ Bucket: 'data', Key: 'k', UploadId })).Initiator).toEqual({ ID: user });
  });

  it('refuses bad paging arguments and unknown uploads', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' });
    const negative = await catchS3Async(() => s3.listParts({ Bucket: 'data', Key: 'k', UploadId, MaxParts: -1 }));
    expect([negative.code, negative.status, negative.message, negative.fields]).toEqual([
      'InvalidArgument',
      400,
      'Argument max-parts must be an integer between 0 and 2147483647',
      [
        ['ArgumentName', 'max-parts'],
        ['ArgumentValue', '-1'],
      ],
    ]);
    // Not an integer: its own text (getmoto/moto#4624, verified against AWS), not the range's.
    expect((await catchS3Async(() => s3.listParts({ Bucket: 'data', Key: 'k', UploadId, PartNumberMarker: 'x' }))).message).toBe(
      'Provided part-number-marker not an integer or within integer range',
    );
    expect((await catchS3Async(() => s3.listParts({ Bucket: 'data', Key: 'k', UploadId: 'nope' }))).code).toBe('NoSuchUpload');
    expect((await catchS3Async(() => s3.listParts({ Bucket: 'data', Key: 'other', UploadId }))).code).toBe('NoSuchUpload');
  });
});

describe('ListMultipartUploads', () => {
  it('lists by key then initiation, rolls keys up by delimiter, and pages with both markers', async () => {
    const ids = new Map<string, string[]>();
    for (const key of ['b', 'a/1', 'a/2', 'c', 'b']) {
      const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: key });
      ids.set(key, [...(ids.get(key) ?? []), UploadId]);
    }
    const all = await s3.listMultipartUploads({ Bucket: 'data' });
    expect(all).toMatchObject({ Bucket: 'data', KeyMarker: '', UploadIdMarker: '', MaxUploads: 1000, IsTruncated: false });
    expect(all.Uploads?.map((upload) => upload.Key)).toEqual(['a/1', 'a/2', 'b', 'b', 'c']);
    expect(all.Uploads?.[0]).toMatchObject({ StorageClass: 'STANDARD', Owner: all.Uploads?.[0]?.Initiator });
    expect(all.Uploads?.[0]?.Initiated).toBeInstanceOf(Date);

    const rolled = await s3.listMultipartUploads({ Bucket: 'data', Delimiter: '/' });
    expect([rolled.Uploads?.map((upload) => upload.Key), rolled.CommonPrefixes, rolled.Delimiter]).toEqual([['b', 'b', 'c'], [{ Prefix: 'a/' }], '/']);

    const prefixed = await s3.listMultipartUploads({ Bucket: 'data', Prefix: 'a/' });
    expect([prefixed.Uploads?.map((upload) => upload.Key), prefixed.Prefix]).toEqual([['a/1', 'a/2'], 'a/']);

    // Page size 3: a/1, a/2, b(first) | b(second), c.
    const page1 = await s3.listMultipartUploads({ Bucket: 'data', MaxUploads: 3 });
    expect([page1.IsTruncated, page1.NextKeyMarker, page1.NextUploadIdMarker]).toEqual([true, 'b', page1.Uploads?.[2]?.UploadId]);
    const page2 = await s3.listMultipartUploads({ Bucket: 'data', MaxUploads: 3, KeyMarker: page1.NextKeyMarker, UploadIdMarker: page1.NextUploadIdMarker });
    expect([page2.Uploads?.map((upload) => upload.Key), page2.IsTruncated, page2.KeyMarker]).toEqual([['b', 'c'], false, 'b']);
    // The last page, untruncated, still names its last upload (LocalStack's capture of S3, list-all-uploads).
    expect([page2.NextKeyMarker, page2.NextUploadIdMarker]).toEqual(['c', page2.Uploads?.[1]?.UploadId]);
    expect(new Set([page1.Uploads?.[2]?.UploadId, page2.Uploads?.[0]?.UploadId])).toEqual(new Set(ids.get('b')));
    // A key marker alone skips every upload of that key (S3 ignores an upload-id marker without one).
    const afterB = await s3.listMultipartUploads({ Bucket: 'data', KeyMarker: 'b' });
    expect(afterB.Uploads?.map((upload) => upload.Key)).toEqual(['c']);
    const ignored = await s3.listMultipartUploads({ Bucket: 'data', UploadIdMarker: ids.get('c')?.[0] });
    expect(ignored.Uploads).toHaveLength(5);
  });

  it('form-encodes keys, prefixes, the delimiter and key markers with EncodingType url as the object listings do; refuses other encodings', async () => {
    for (const key of ['a b/1', 'a b/2', 'é+']) await s3.createMultipartUpload({ Bucket: 'data', Key: key });
    const rolled = await s3.listMultipartUploads({ Bucket: 'data', Delimiter: '/', EncodingType: 'url', MaxUploads: 1 });
    expect([rolled.EncodingType, rolled.Delimiter, rolled.CommonPrefixes, rolled.NextKeyMarker, rolled.IsTruncated]).toEqual([
      'url',
      '/',
      [{ Prefix: 'a+b/' }],
      'a+b/',
      true,
    ]);
    const rest = await s3.listMultipartUploads({ Bucket: 'data', Delimiter: '/', EncodingType: 'url', KeyMarker: 'a b/' });
    expect([rest.KeyMarker, rest.Uploads?.map((upload) => upload.Key)]).toEqual(['a+b/', ['%C3%A9%2B']]);
    const prefixed = await s3.listMultipartUploads({ Bucket: 'data', Prefix: 'a b', EncodingType: 'url' });
    expect([prefixed.Prefix, prefixed.Uploads?.map((upload) => upload.Key)]).toEqual(['a+b', ['a+b/1', 'a+b/2']]);
    expect((await s3.listMultipartUploads({ Bucket: 'data', Prefix: 'a b' })).Uploads?.map((upload) => upload.Key)).toEqual(['a b/1', 'a b/2']);
    const bad = await catchS3Async(() => s3.listMultipartUploads({ Bucket: 'data', EncodingType: 'base64' }));
    expect([bad.code, bad.message]).toEqual(['InvalidArgument', 'Invalid Encoding Method specified in Request']);
  });

  it('MaxUploads and MaxParts 0 are empty pages, not truncated ones', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' });
    await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' });
    const uploads = await s3.listMultipartUploads({ Bucket: 'data', MaxUploads: 0 });
    expect([uploads.Uploads, uploads.IsTruncated, uploads.MaxUploads]).toEqual([undefined, false, 0]);
    const parts = await s3.listParts({ Bucket: 'data', Key: 'k', UploadId, MaxParts: 0 });
    expect([parts.Parts, parts.IsTruncated, parts.MaxParts]).toEqual([undefined, false, 0]);
  });

  it('refuses a negative MaxUploads; an empty bucket lists nothing, with empty next markers', async () => {
    // LocalStack's capture of S3 (list-all-uploads-completed): NextKeyMarker and NextUploadIdMarker "".
    expect(await s3.listMultipartUploads({ Bucket: 'data' })).toEqual({
      Bucket: 'data',
      KeyMarker: '',
      UploadIdMarker: '',
      NextKeyMarker: '',
      NextUploadIdMarker: '',
      MaxUploads: 1000,
      IsTruncated: false,
    });
    const error = await catchS3Async(() => s3.listMultipartUploads({ Bucket: 'data', MaxUploads: -5 }));
    expect([error.code, error.message]).toEqual(['InvalidArgument', 'Argument max-uploads must be an integer between 0 and 2147483647']);
    expect((await catchS3Async(() => s3.listMultipartUploads({ Bucket: 'absent' }))).code).toBe('NoSuchBucket');
  });
});
