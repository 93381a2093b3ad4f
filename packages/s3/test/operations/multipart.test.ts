/**
 * CreateMultipartUpload, UploadPart, CompleteMultipartUpload, AbortMultipartUpload: encryption
 * decided once per upload, every part sealed in it, the completed object read whole, by range
 * across part boundaries and by part number, S3's -N ETags, and every error of the reference.
 */

import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, MIN_PART_SIZE, S3, type SseWriteMembers } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { md5Base64, md5Etag, members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { md5 } from '../helpers/md5.ts';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'data' });
  await s3.putBucketEncryption({ Bucket: 'data', ...ALLOW_SSE_C });
});
afterEach(() => s3.close());

const big = new Uint8Array(randomBytes(MIN_PART_SIZE + 1000));
const tail = new Uint8Array(randomBytes(70_000));

/** S3's multipart ETag from the parts' bodies (SSE-S3: each part's ETag is its MD5). */
function multipartEtagOf(parts: readonly Uint8Array[]): string {
  return `"${Buffer.from(md5(parts.map((part) => md5([part])))).toString('hex')}-${parts.length}"`;
}

async function text(body: { transformToByteArray(): Promise<Uint8Array> }): Promise<Buffer> {
  return Buffer.from(await body.transformToByteArray());
}

describe('an SSE-S3 upload', () => {
  it('echoes AES256 on every step, MD5 part ETags, and completes to the parts in order with an -N ETag', async () => {
    const created = await s3.createMultipartUpload({ Bucket: 'data', Key: 'big.bin', ContentType: 'application/x-big', Metadata: { Team: 'blue' } });
    expect(created).toEqual({ Bucket: 'data', Key: 'big.bin', UploadId: created.UploadId, ServerSideEncryption: 'AES256' });
    const first = await s3.uploadPart({
      Bucket: 'data',
      Key: 'big.bin',
      UploadId: created.UploadId,
      PartNumber: 1,
      Body: [big.subarray(0, 9), big.subarray(9)],
    });
    // `Size` (the plaintext bytes stored) is the in-process answer's only; the wire carries no such member.
    expect(first).toEqual({ ETag: md5Etag(big), ServerSideEncryption: 'AES256', Size: big.length });
    const second = await s3.uploadPart({ Bucket: 'data', Key: 'big.bin', UploadId: created.UploadId, PartNumber: 2, Body: tail });
    const done = await s3.completeMultipartUpload({
      Bucket: 'data',
      Key: 'big.bin',
      UploadId: created.UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: first.ETag },
          { PartNumber: 2, ETag: second.ETag.slice(1, -1) },
        ],
      },
    });
    expect(done).toEqual({
      Location: 'https://data.s3.amazonaws.com/big.bin',
      Bucket: 'data',
      Key: 'big.bin',
      ETag: multipartEtagOf([big, tail]),
      ServerSideEncryption: 'AES256',
      // No algorithm named: S3's default, a CRC64NVME of the whole object combined from the parts'.
      ChecksumCRC64NVME: await checksumOf('CRC64NVME', Buffer.concat([big, tail])),
      ChecksumType: 'FULL_OBJECT',
    });
    const got = await s3.getObject({ Bucket: 'data', Key: 'big.bin' });
    expect([got.ContentLength, got.ETag, got.ContentType, got.Metadata, got.ServerSideEncryption, got.PartsCount]).toEqual([
      big.length + tail.length,
      done.ETag,
      'application/x-big',
      { team: 'blue' },
      'AES256',
      undefined,
    ]);
    expect((await text(got.Body)).equals(Buffer.concat([big, tail]))).toBe(true);
    // The upload is gone once completed.
    expect((await s3.listMultipartUploads({ Bucket: 'data' })).Uploads).toBeUndefined();
    expect((await catchS3Async(() => s3.listParts({ Bucket: 'data', Key: 'big.bin', UploadId: created.UploadId }))).code).toBe('NoSuchUpload');
  });

  it('reads a range across a part boundary and each part by number, with PartsCount', async () => {
    const whole = await complete('k', [big, tail]);
    const boundary = big.length;
    const ranged = await s3.getObject({ Bucket: 'data', Key: 'k', Range: `bytes=${boundary - 5}-${boundary + 4}` });
    expect(ranged.ContentRange).toBe(`bytes ${boundary - 5}-${boundary + 4}/${whole.length}`);
    expect((await text(ranged.Body)).equals(Buffer.from(whole.subarray(boundary - 5, boundary + 5)))).toBe(true);
    const suffix = await s3.getObject({ Bucket: 'data', Key: 'k', Range: 'bytes=-16' });
    expect((await text(suffix.Body)).equals(Buffer.from(whole.subarray(-16)))).toBe(true);
    const part2 = await s3.getObject({ Bucket: 'data', Key: 'k', PartNumber: 2 });
    expect([part2.ContentRange, part2.ContentLength, part2.PartsCount]).toEqual([`bytes ${boundary}-${whole.length - 1}/${whole.length}`, tail.length, 2]);
    expect((await text(part2.Body)).equals(Buffer.from(tail))).toBe(true);
    const head1 = await s3.headObject({ Bucket: 'data', Key: 'k', PartNumber: 1 });
    expect([head1.ContentRange, head1.ContentLength, head1.PartsCount]).toEqual([`bytes 0-${boundary - 1}/${whole.length}`, boundary, 2]);
    const missing = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'k', PartNumber: 3 }));
    expect([missing.code, missing.status, missing.message, missing.fields]).toEqual([
      'InvalidPartNumber',
      416,
      'The requested partnumber is not satisfiable',
      [
        ['ActualPartCount', '2'],
        ['PartNumberRequested', '3'],
      ],
    ]);
  });

  it('addresses parts by position: parts uploaded as 2 and 7 are read as parts 1 and 2', async () => {
    const upload = await s3.createMultipartUpload({ Bucket: 'data', Key: 'gaps' });
    const a = await s3.uploadPart({ Bucket: 'data', Key: 'gaps', UploadId: upload.UploadId, PartNumber: 2, Body: big });
    const b = await s3.uploadPart({ Bucket: 'data', Key: 'gaps', UploadId: upload.UploadId, PartNumber: 7, Body: tail });
    await s3.uploadPart({ Bucket: 'data', Key: 'gaps', UploadId: upload.UploadId, PartNumber: 9, Body: 'never listed' });
    await s3.completeMultipartUpload({
      Bucket: 'data',
      Key: 'gaps',
      UploadId: upload.UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 2, ETag: a.ETag },
          { PartNumber: 7, ETag: b.ETag },
        ],
      },
    });
    expect((await text((await s3.getObject({ Bucket: 'data', Key: 'gaps', PartNumber: 2 })).Body)).equals(Buffer.from(tail))).toBe(true);
    expect((await text((await s3.getObject({ Bucket: 'data', Key: 'gaps' })).Body)).equals(Buffer.concat([big, tail]))).toBe(true);
  });

  it('a re-uploaded part replaces the earlier one; a single small part completes alone', async () => {
    const upload = await s3.createMultipartUpload({ Bucket: 'data', Key: 'one' });
    await s3.uploadPart({ Bucket: 'data', Key: 'one', UploadId: upload.UploadId, PartNumber: 1, Body: 'first try' });
    const again = await s3.uploadPart({ Bucket: 'data', Key: 'one', UploadId: upload.UploadId, PartNumber: 1, Body: 'second try' });
    const done = await s3.completeMultipartUpload({
      Bucket: 'data',
      Key: 'one',
      UploadId: upload.UploadId,
      MultipartUpload: { Parts: [{ PartNumber: 1, ETag: again.ETag }] },
    });
    expect(done.ETag).toBe(multipartEtagOf([new TextEncoder().encode('second try')]));
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'one' })).Body.transformToString()).toBe('second try');
    expect((await s3.headObject({ Bucket: 'data', Key: 'one', PartNumber: 1 })).PartsCount).toBe(1);
  });

  it('completion replaces an existing object of the key', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'old' });
    await complete('k', [new TextEncoder().encode('new')]);
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'k' })).Body.transformToString()).toBe('new');
  });
});

describe('GetObject and HeadObject by part number', () => {
  it('answer the whole object’s ETag, refuse a Range beside a part number and part numbers outside 1..10000', async () => {
    const done = await complete('k', [big, tail]);
    const part = await s3.getObject({ Bucket: 'data', Key: 'k', PartNumber: 1 });
    await part.Body.discard();
    const whole = await s3.headObject({ Bucket: 'data', Key: 'k' });
    expect([part.ETag, whole.ETag, whole.PartsCount, whole.ContentLength]).toEqual([whole.ETag, multipartEtagOf([big, tail]), undefined, done.length]);
    const both = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'k', PartNumber: 1, Range: 'bytes=0-1' }));
    expect([both.code, both.status, both.message]).toEqual(['InvalidRequest', 400, 'Cannot specify both Range header and partNumber query parameter']);
    for (const PartNumber of [0, 10_001]) {
      const error = await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k', PartNumber }));
      expect([error.code, error.status]).toEqual(['InvalidArgument', 400]);
    }
    // 10000 is a valid part number the object does not have.
    const beyond = await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k', PartNumber: 10_000 }));
    expect([beyond.code, beyond.status, beyond.fields]).toEqual([
      'InvalidPartNumber',
      416,
      [
        ['ActualPartCount', '2'],
        ['PartNumberRequested', '10000'],
      ],
    ]);
  });

  it('an empty last part reads back empty, with no Content-Range (no valid one describes it; S3’s answer UNCONFIRMED)', async () => {
    await complete('k', [big, new Uint8Array(0)]);
    const part = await s3.getObject({ Bucket: 'data', Key: 'k', PartNumber: 2 });
    expect([part.ContentLength, part.ContentRange, part.PartsCount, (await part.Body.transformToByteArray()).length]).toEqual([0, undefined, 2, 0]);
    const first = await s3.headObject({ Bucket: 'data', Key: 'k', PartNumber: 1 });
    expect([first.ContentRange, first.ContentLength]).toEqual([`bytes 0-${big.length - 1}/${big.length}`, big.length]);
    await s3.putObject({ Bucket: 'data', Key: 'empty', Body: '' });
    const empty = await s3.getObject({ Bucket: 'data', Key: 'empty', PartNumber: 1 });
    expect([empty.ContentLength, empty.ContentRange, empty.PartsCount, (await empty.Body.transformToByteArray()).length]).toEqual([0, undefined, undefined, 0]);
  });

  it('an SSE-C multipart object needs its key for any part (400 without, 403 with another)', async () => {
    const trio = sseC();
    await complete('c', [big, tail], members(trio));
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'c', PartNumber: 2 }))).status).toBe(400);
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'c', PartNumber: 2, ...members(sseC()) }))).status).toBe(403);
    const part = await s3.getObject({ Bucket: 'data', Key: 'c', PartNumber: 2, ...members(trio) });
    expect([part.PartsCount, part.SSECustomerKeyMD5]).toEqual([2, trio.SSECustomerKeyMD5]);
    expect(Buffer.from(await part.Body.transformToByteArray()).equals(Buffer.from(tail))).toBe(true);
  });
});

describe('CompleteMultipartUpload errors (nothing becomes visible)', () => {
  let uploadId: string;
  let etags: [string, string, string];
  beforeEach(async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'old' });
    uploadId = (await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' })).UploadId;
    const bodies = [big, new Uint8Array(100).fill(1), tail];
    const tags: string[] = [];
    for (const [index, body] of bodies.entries()) {
      tags.push((await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId: uploadId, PartNumber: index + 1, Body: body })).ETag);
    }
    etags = [tags[0]!, tags[1]!, tags[2]!];
  });
  afterEach(async () => {
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'k' })).Body.transformToString()).toBe('old');
  });

  const completeWith = (parts: { PartNumber?: number; ETag?: string }[]) =>
    catchS3Async(() => s3.completeMultipartUpload({ Bucket: 'data', Key: 'k', UploadId: uploadId, MultipartUpload: { Parts: parts } }));

  it('parts out of order or repeated: 400 InvalidPartOrder', async () => {
    for (const parts of [
      [
        { PartNumber: 2, ETag: etags[1] },
        { PartNumber: 1, ETag: etags[0] },
      ],
      [
        { PartNumber: 1, ETag: etags[0] },
        { PartNumber: 1, ETag: etags[0] },
      ],
    ]) {
      const error = await completeWith(parts);
      expect([error.code, error.status, error.message]).toEqual([
        'InvalidPartOrder',
        400,
        'The list of parts was not in ascending order. Parts must be ordered by part number.',
      ]);
    }
  });

  it('a part never uploaded, or an ETag that is not the part’s: 400 InvalidPart', async () => {
    const missing = await completeWith([
      { PartNumber: 1, ETag: etags[0] },
      { PartNumber: 4, ETag: '"0123456789abcdef0123456789abcdef"' },
    ]);
    expect([missing.code, missing.status, missing.message]).toEqual([
      'InvalidPart',
      400,
      "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.",
    ]);
    expect(missing.fields).toEqual([
      ['UploadId', uploadId],
      ['PartNumber', '4'],
      ['ETag', '0123456789abcdef0123456789abcdef'],
    ]);
    const wrong = await completeWith([{ PartNumber: 1, ETag: etags[2] }]);
    expect([wrong.code, wrong.fields[1]]).toEqual(['InvalidPart', ['PartNumber', '1']]);
    expect((await completeWith([{ PartNumber: 1 }])).code).toBe('InvalidPart');
  });

  it('a part under 5 MiB that is not the last: 400 EntityTooSmall', async () => {
    const error = await completeWith([
      { PartNumber: 2, ETag: etags[1] },
      { PartNumber: 3, ETag: etags[2] },
    ]);
    expect([error.code, error.status, error.message]).toEqual(['EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size']);
    expect(error.fields).toEqual([
      ['ProposedSize', '100'],
      ['MinSizeAllowed', String(MIN_PART_SIZE)],
      ['PartNumber', '2'],
      ['ETag', etags[1].slice(1, -1)],
    ]);
  });

  it('no parts: 400 MalformedXML; a part number out of range: 400 InvalidArgument', async () => {
    expect((await completeWith([])).code).toBe('MalformedXML');
    expect((await catchS3Async(() => s3.completeMultipartUpload({ Bucket: 'data', Key: 'k', UploadId: uploadId }))).code).toBe('MalformedXML');
    const range = await completeWith([{ PartNumber: 0, ETag: etags[0] }]);
    expect([range.code, range.message, range.fields]).toEqual([
      'InvalidArgument',
      'Part number must be an integer between 1 and 10000, inclusive',
      [
        ['ArgumentName', 'partNumber'],
        ['ArgumentValue', '0'],
      ],
    ]);
  });

  it('an upload id that is unknown, of another key, completed or aborted: 404 NoSuchUpload', async () => {
    for (const [key, id] of [
      ['k', 'no-such-upload-id'],
      ['other', uploadId],
    ] as const) {
      const error = await catchS3Async(() =>
        s3.completeMultipartUpload({ Bucket: 'data', Key: key, UploadId: id, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etags[0] }] } }),
      );
      expect([error.code, error.status, error.message]).toEqual([
        'NoSuchUpload',
        404,
        'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
      ]);
    }
    expect(await s3.abortMultipartUpload({ Bucket: 'data', Key: 'k', UploadId: uploadId })).toEqual({});
    expect((await completeWith([{ PartNumber: 1, ETag: etags[0] }])).code).toBe('NoSuchUpload');
  });
});

describe('UploadPart and AbortMultipartUpload errors', () => {
  it('part numbers outside 1..10000: 400 InvalidArgument; unknown uploads: 404 NoSuchUpload', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' });
    for (const PartNumber of [0, 10_001, 1.5, -1]) {
      const error = await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber, Body: 'x' }));
      expect([error.code, error.status, error.fields.at(-1)]).toEqual(['InvalidArgument', 400, ['ArgumentValue', String(PartNumber)]]);
    }
    expect((await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 10_000, Body: 'x' })).ETag).toBe(md5Etag(new TextEncoder().encode('x')));
    for (const [Key, id] of [
      ['k', 'unknown'],
      ['other', UploadId],
      ['k', ''],
    ] as const) {
      expect((await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key, UploadId: id, PartNumber: 1, Body: 'x' }))).code).toBe('NoSuchUpload');
    }
    expect((await catchS3Async(() => s3.uploadPart({ Bucket: 'absent', Key: 'k', UploadId, PartNumber: 1, Body: 'x' }))).code).toBe('NoSuchBucket');
  });

  it('Content-MD5: a mismatch is 400 BadDigest and keeps nothing; a malformed one is 400 InvalidDigest', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' });
    await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'kept' });
    const bad = await catchS3Async(() =>
      s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'new', ContentMD5: md5Base64(new TextEncoder().encode('other')) }),
    );
    expect([bad.code, bad.status]).toEqual(['BadDigest', 400]);
    expect((await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 2, Body: 'new', ContentMD5: 'AAAA' }))).code).toBe(
      'InvalidDigest',
    );
    const parts = await s3.listParts({ Bucket: 'data', Key: 'k', UploadId });
    expect(parts.Parts?.map((part) => [part.PartNumber, part.ETag])).toEqual([[1, md5Etag(new TextEncoder().encode('kept'))]]);
    const ok = await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 2, Body: 'new', ContentMD5: md5Base64(new TextEncoder().encode('new')) });
    expect(ok.ETag).toBe(md5Etag(new TextEncoder().encode('new')));
  });

  it('abort discards the parts (204), then the upload is 404 NoSuchUpload everywhere; a bucket with an upload is not empty', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' });
    await s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' });
    expect((await catchS3Async(() => s3.deleteBucket({ Bucket: 'data' }))).code).toBe('BucketNotEmpty');
    expect((await catchS3Async(() => s3.abortMultipartUpload({ Bucket: 'data', Key: 'other', UploadId }))).code).toBe('NoSuchUpload');
    expect(await s3.abortMultipartUpload({ Bucket: 'data', Key: 'k', UploadId })).toEqual({});
    for (const action of [
      () => s3.abortMultipartUpload({ Bucket: 'data', Key: 'k', UploadId }),
      () => s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' }),
      () => s3.listParts({ Bucket: 'data', Key: 'k', UploadId }),
    ]) {
      const error = await catchS3Async(action);
      expect([error.code, error.status]).toEqual(['NoSuchUpload', 404]);
    }
    expect(await s3.headObject({ Bucket: 'data', Key: 'k' }).catch((error: { code: string }) => error.code)).toBe('NoSuchKey');
    await s3.deleteBucket({ Bucket: 'data' });
    expect((await catchS3Async(() => s3.listMultipartUploads({ Bucket: 'data' }))).code).toBe('NoSuchBucket');
  });

  it('another account’s bucket is 403 AccessDenied', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'k' });
    const other = { caller: 'arn:aws:iam::111122223333:root' };
    for (const action of [
      () => s3.createMultipartUpload({ Bucket: 'data', Key: 'k' }, other),
      () => s3.uploadPart({ Bucket: 'data', Key: 'k', UploadId, PartNumber: 1, Body: 'x' }, other),
      () => s3.abortMultipartUpload({ Bucket: 'data', Key: 'k', UploadId }, other),
      () => s3.listMultipartUploads({ Bucket: 'data' }, other),
    ]) {
      expect((await catchS3Async(action)).code).toBe('AccessDenied');
    }
  });
});

describe('an SSE-C upload', () => {
  const trio = sseC();
  const key = members(trio);

  it('echoes the algorithm and key MD5 (never x-amz-server-side-encryption), opaque part ETags, and nothing on completion', async () => {
    const created = await s3.createMultipartUpload({ Bucket: 'data', Key: 'c', ...key });
    expect(created).toEqual({
      Bucket: 'data',
      Key: 'c',
      UploadId: created.UploadId,
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKeyMD5: trio.SSECustomerKeyMD5,
    });
    const one = await s3.uploadPart({ Bucket: 'data', Key: 'c', UploadId: created.UploadId, PartNumber: 1, Body: big, ...key });
    expect(one).toEqual({ ETag: one.ETag, SSECustomerAlgorithm: 'AES256', SSECustomerKeyMD5: trio.SSECustomerKeyMD5, Size: big.length });
    expect(one.ETag).toMatch(/^"[0-9a-f]{32}"$/);
    expect(one.ETag).not.toBe(md5Etag(big));
    const two = await s3.uploadPart({ Bucket: 'data', Key: 'c', UploadId: created.UploadId, PartNumber: 2, Body: tail, ...key });
    // LS-snapshot: completed without the key, 200 with no SSE fields.
    const done = await s3.completeMultipartUpload({
      Bucket: 'data',
      Key: 'c',
      UploadId: created.UploadId,
      MultipartUpload: {
        Parts: [
          { PartNumber: 1, ETag: one.ETag },
          { PartNumber: 2, ETag: two.ETag },
        ],
      },
    });
    const digests = [one.ETag, two.ETag].map((etag) => Buffer.from(etag.slice(1, -1), 'hex'));
    expect(done).toEqual({
      Location: 'https://data.s3.amazonaws.com/c',
      Bucket: 'data',
      Key: 'c',
      ETag: `"${Buffer.from(md5(digests)).toString('hex')}-2"`,
    });
    const got = await s3.getObject({ Bucket: 'data', Key: 'c', Range: `bytes=${big.length - 3}-${big.length + 2}`, ...key });
    expect([got.SSECustomerAlgorithm, got.SSECustomerKeyMD5, got.ServerSideEncryption]).toEqual(['AES256', trio.SSECustomerKeyMD5, undefined]);
    expect((await text(got.Body)).equals(Buffer.concat([big.subarray(-3), tail.subarray(0, 3)]))).toBe(true);
    expect((await text((await s3.getObject({ Bucket: 'data', Key: 'c', PartNumber: 2, ...key })).Body)).equals(Buffer.from(tail))).toBe(true);
    const without = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'c' }));
    expect([without.code, without.status]).toEqual(['InvalidRequest', 400]);
    const wrong = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'c', ...members(sseC()) }));
    expect([wrong.code, wrong.status]).toEqual(['AccessDenied', 403]);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'c', PartNumber: 1, ...members(sseC()) }))).status).toBe(403);
  });

  it('every part must repeat the upload’s key: missing or on a non-SSE-C upload is MultipartEncryptionRequired, another key a mismatch', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'c', ...key });
    const missing = await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'c', UploadId, PartNumber: 1, Body: 'x' }));
    expect([missing.code, missing.status, missing.message]).toEqual([
      'InvalidRequest',
      400,
      'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.',
    ]);
    const other = await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'c', UploadId, PartNumber: 1, Body: 'x', ...members(sseC()) }));
    expect([other.code, other.status, other.message]).toEqual([
      'InvalidRequest',
      400,
      'The provided encryption parameters did not match the ones used originally.',
    ]);
    const plain = await s3.createMultipartUpload({ Bucket: 'data', Key: 'p' });
    const superfluous = await catchS3Async(() => s3.uploadPart({ Bucket: 'data', Key: 'p', UploadId: plain.UploadId, PartNumber: 1, Body: 'x', ...key }));
    expect([superfluous.code, superfluous.message]).toEqual([
      'InvalidRequest',
      'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.',
    ]);
    const badMd5 = await catchS3Async(() =>
      s3.uploadPart({ Bucket: 'data', Key: 'c', UploadId, PartNumber: 1, Body: 'x', ...key, SSECustomerKeyMD5: sseC().SSECustomerKeyMD5 }),
    );
    expect([badMd5.code, badMd5.message]).toEqual(['InvalidArgument', 'The calculated MD5 hash of the key did not match the hash that was provided.']);
    const plainHttp = await catchS3Async(() =>
      s3.uploadPart({ Bucket: 'data', Key: 'c', UploadId, PartNumber: 1, Body: 'x', ...key }, { secureTransport: false }),
    );
    expect(plainHttp.code).toBe('InvalidRequest');
    expect((await s3.listParts({ Bucket: 'data', Key: 'c', UploadId })).Parts).toBeUndefined();
    // A completion naming another key is refused too (UNCONFIRMED: see the operation).
    const part = await s3.uploadPart({ Bucket: 'data', Key: 'c', UploadId, PartNumber: 1, Body: 'x', ...key });
    const completeOther = await catchS3Async(() =>
      s3.completeMultipartUpload({ Bucket: 'data', Key: 'c', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] }, ...members(sseC()) }),
    );
    expect(completeOther.code).toBe('InvalidRequest');
    await s3.completeMultipartUpload({ Bucket: 'data', Key: 'c', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] }, ...key });
  });

  it('is refused on a bucket that blocks SSE-C (403), over plain HTTP, and with malformed headers, storing nothing', async () => {
    await s3.createBucket({ Bucket: 'blocked' });
    const blocked = await catchS3Async(() => s3.createMultipartUpload({ Bucket: 'blocked', Key: 'k', ...key }));
    expect([blocked.code, blocked.status]).toEqual(['AccessDenied', 403]);
    expect(blocked.message).toContain('s3:PutObject on resource: "arn:aws:s3:::blocked/k" because this bucket has blocked upload requests');
    expect((await catchS3Async(() => s3.createMultipartUpload({ Bucket: 'data', Key: 'k', ...key }, { secureTransport: false }))).code).toBe('InvalidRequest');
    const mixed = await catchS3Async(() => s3.createMultipartUpload({ Bucket: 'data', Key: 'k', ...key, ServerSideEncryption: 'AES256' }));
    expect(mixed.message).toBe('Server Side Encryption with Customer provided key is incompatible with the encryption method specified');
    expect((await catchS3Async(() => s3.createMultipartUpload({ Bucket: 'data', Key: 'k', ...key, SSECustomerAlgorithm: 'AES128' }))).code).toBe(
      'InvalidEncryptionAlgorithmError',
    );
    expect((await s3.listMultipartUploads({ Bucket: 'data' })).Uploads).toBeUndefined();
    expect((await s3.listMultipartUploads({ Bucket: 'blocked' })).Uploads).toBeUndefined();
  });
});

/** Uploads `parts` as parts 1..n of `key` and completes; returns the whole body. */
async function complete(key: string, parts: readonly Uint8Array[], sse: SseWriteMembers = {}): Promise<Uint8Array> {
  const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: key, ...sse });
  const listed = [];
  for (const [index, body] of parts.entries()) {
    const { ETag } = await s3.uploadPart({ Bucket: 'data', Key: key, UploadId, PartNumber: index + 1, Body: body, ...sse });
    listed.push({ PartNumber: index + 1, ETag });
  }
  await s3.completeMultipartUpload({ Bucket: 'data', Key: key, UploadId, MultipartUpload: { Parts: listed } });
  return new Uint8Array(Buffer.concat(parts));
}
