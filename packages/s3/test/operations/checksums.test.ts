/**
 * Checksums in the engine: PutObject computes the checksum it is sent (or CRC64NVME) over the
 * plaintext as the body streams, refuses a mismatch with S3's BadDigest text and stores nothing,
 * keeps it with the object, and GetObject/HeadObject return it with ChecksumMode ENABLED on
 * full-object reads only; aws-chunked bodies (the kernel's decoder) carry the value in a trailer.
 */

import { randomBytes } from 'node:crypto';
import { decodeAwsChunked } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHECKSUM_ALGORITHMS, type ChecksumAlgorithm, checksumOf, S3 } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'data' });
  await s3.putBucketEncryption({ Bucket: 'data', ...ALLOW_SSE_C });
});
afterEach(() => s3.close());

const body = new Uint8Array(randomBytes(150_000));
const member = (algorithm: ChecksumAlgorithm) => `Checksum${algorithm}` as const;

describe('PutObject checksums', () => {
  it('stores CRC64NVME when none is sent, answers it on PUT, and on GET and HEAD only with ChecksumMode ENABLED', async () => {
    const crc = await checksumOf('CRC64NVME', body);
    const put = await s3.putObject({ Bucket: 'data', Key: 'k', Body: body });
    expect(put).toMatchObject({ ChecksumCRC64NVME: crc, ChecksumType: 'FULL_OBJECT' });
    const plain = await s3.getObject({ Bucket: 'data', Key: 'k' });
    expect(plain.ChecksumCRC64NVME).toBeUndefined();
    await plain.Body.discard();
    const got = await s3.getObject({ Bucket: 'data', Key: 'k', ChecksumMode: 'ENABLED' });
    expect([got.ChecksumCRC64NVME, got.ChecksumType]).toEqual([crc, 'FULL_OBJECT']);
    await got.Body.discard();
    const head = await s3.headObject({ Bucket: 'data', Key: 'k', ChecksumMode: 'ENABLED' });
    expect([head.ChecksumCRC64NVME, head.ChecksumType]).toEqual([crc, 'FULL_OBJECT']);
  });

  it('never returns the full-object checksum on a Range or partNumber read', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: body, ChecksumAlgorithm: 'SHA256' });
    const ranged = await s3.getObject({ Bucket: 'data', Key: 'k', Range: 'bytes=0-9', ChecksumMode: 'ENABLED' });
    expect(ranged.ChecksumSHA256).toBeUndefined();
    expect(ranged.ChecksumType).toBeUndefined();
    await ranged.Body.discard();
    const part = await s3.headObject({ Bucket: 'data', Key: 'k', PartNumber: 1, ChecksumMode: 'ENABLED' });
    expect(part.ChecksumSHA256).toBeUndefined();
  });

  it('accepts the right value for every algorithm, for any body', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHECKSUM_ALGORITHMS), fc.uint8Array({ maxLength: 5000 }), async (algorithm, bytes) => {
        const value = await checksumOf(algorithm, bytes);
        const put = await s3.putObject({ Bucket: 'data', Key: 'p', Body: bytes, [member(algorithm)]: value });
        expect(put[member(algorithm)]).toBe(value);
        const head = await s3.headObject({ Bucket: 'data', Key: 'p', ChecksumMode: 'ENABLED' });
        expect(head[member(algorithm)]).toBe(value);
      }),
      { numRuns: 40 },
    );
  });

  it('stores only the checksum the client sent: no CRC64NVME beside it (S3 adds its default only when none is sent), for any algorithm and body', async () => {
    // API reference, Checksum: ChecksumCRC64NVME is present "if the object was uploaded with the
    // CRC64NVME checksum algorithm, or if the object was uploaded without a checksum"; the others
    // "only if the checksum was uploaded with the object".
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHECKSUM_ALGORITHMS), fc.uint8Array({ maxLength: 3000 }), fc.boolean(), async (algorithm, bytes, valueSent) => {
        const value = await checksumOf(algorithm, bytes);
        const request = valueSent ? { [member(algorithm)]: value } : { ChecksumAlgorithm: algorithm };
        await s3.putObject({ Bucket: 'data', Key: 'only', Body: bytes, ...request });
        const head = await s3.headObject({ Bucket: 'data', Key: 'only', ChecksumMode: 'ENABLED' });
        const returned = CHECKSUM_ALGORITHMS.filter((each) => head[member(each)] !== undefined);
        expect(returned).toEqual([algorithm]);
        expect(head[member(algorithm)]).toBe(value);
      }),
      { numRuns: 40 },
    );
  });

  it('refuses a wrong value with BadDigest naming the algorithm, and keeps the object that was there', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'old' });
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const wrong = await checksumOf(algorithm, new TextEncoder().encode('other'));
      const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: body, [member(algorithm)]: wrong }));
      expect([error.code, error.status, error.message]).toEqual(['BadDigest', 400, `The ${algorithm} you specified did not match the calculated checksum.`]);
    }
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'k' })).Body.transformToString()).toBe('old');
    const missing = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'new', Body: 'x', ChecksumCRC32: 'AAAAAA==' }));
    expect(missing.code).toBe('BadDigest');
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'new' }))).code).toBe('NoSuchKey');
  });

  it('refuses malformed or multiple values before reading the body', async () => {
    const read: number[] = [];
    const watched = (async function* () {
      read.push(1);
      yield body;
    })();
    const invalid = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: watched, ChecksumCRC32: 'AAAA' }));
    expect([invalid.code, invalid.message]).toEqual(['InvalidRequest', 'Value for x-amz-checksum-crc32 header is invalid.']);
    expect(read).toEqual([]);
    const multiple = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: body, ChecksumCRC32: 'AAAAAA==', ChecksumCRC32C: 'AAAAAA==' }));
    expect(multiple.reason).toBe('MultipleChecksums');
  });

  it('checksums the plaintext of an SSE-C object, as real S3 does', async () => {
    const key = sseC();
    const plaintext = new TextEncoder().encode('test data..');
    const put = await s3.putObject({ Bucket: 'data', Key: 'c', Body: plaintext, ...members(key) });
    // s3-sse.md §5.5: recorded on a real SSE-C object.
    expect(put.ChecksumCRC64NVME).toBe('qUVrWYOrIAM=');
    const head = await s3.headObject({ Bucket: 'data', Key: 'c', ChecksumMode: 'ENABLED', ...members(key) });
    expect(head.ChecksumCRC64NVME).toBe('qUVrWYOrIAM=');
  });
});

describe('UploadPart checksums', () => {
  it('checks a part’s checksum over its plaintext, answers it, and keeps nothing on a mismatch', async () => {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'data', Key: 'mp' });
    const part = body.subarray(0, 20_000);
    const crc = await checksumOf('CRC32', part);
    const wrong = await catchS3Async(() =>
      s3.uploadPart({ Bucket: 'data', Key: 'mp', UploadId: UploadId as string, PartNumber: 1, Body: part, ChecksumCRC32: 'AAAAAA==' }),
    );
    expect([wrong.code, wrong.message]).toEqual(['BadDigest', 'The CRC32 you specified did not match the calculated checksum.']);
    expect((await s3.listParts({ Bucket: 'data', Key: 'mp', UploadId: UploadId as string })).Parts ?? []).toEqual([]);
    const uploaded = await s3.uploadPart({ Bucket: 'data', Key: 'mp', UploadId: UploadId as string, PartNumber: 1, Body: part, ChecksumCRC32: crc });
    expect(uploaded.ChecksumCRC32).toBe(crc);
    // No checksum asked for: none answered (S3's part default is not modelled yet).
    const plain = await s3.uploadPart({ Bucket: 'data', Key: 'mp', UploadId: UploadId as string, PartNumber: 2, Body: part });
    expect(Object.keys(plain).filter((name) => name.startsWith('Checksum'))).toEqual([]);
  });

  it('lists no checksum for the parts of an upload that named no algorithm, whatever a part sent', async () => {
    // LocalStack's captures of S3 (February 2026, test_complete_multipart_parts_checksum_default:
    // a part sent with CRC32C) list such parts without any checksum, SSE-C or not.
    const part = body.subarray(0, 20_000);
    const plain = await s3.createMultipartUpload({ Bucket: 'data', Key: 'default' });
    await s3.uploadPart({
      Bucket: 'data',
      Key: 'default',
      UploadId: plain.UploadId as string,
      PartNumber: 1,
      Body: part,
      ChecksumCRC32C: await checksumOf('CRC32C', part),
    });
    const listed = await s3.listParts({ Bucket: 'data', Key: 'default', UploadId: plain.UploadId as string });
    expect(listed.Parts?.map((p) => Object.keys(p).filter((name) => name.startsWith('Checksum')))).toEqual([[]]);
    expect([listed.ChecksumAlgorithm, listed.ChecksumType]).toEqual([undefined, undefined]);

    const key = sseC();
    const customer = await s3.createMultipartUpload({ Bucket: 'data', Key: 'customer', ...members(key) });
    await s3.uploadPart({ Bucket: 'data', Key: 'customer', UploadId: customer.UploadId as string, PartNumber: 1, Body: part, ...members(key) });
    const parts = (await s3.listParts({ Bucket: 'data', Key: 'customer', UploadId: customer.UploadId as string })).Parts ?? [];
    expect(parts.map((p) => Object.keys(p).filter((name) => name.startsWith('Checksum')))).toEqual([[]]);
  });
});

describe('CopyObject checksums', () => {
  it('gives the copy the source’s algorithm over the same plaintext, or the one asked for, whatever the encryption', async () => {
    const key = sseC();
    await s3.putObject({ Bucket: 'data', Key: 'src', Body: body, ChecksumAlgorithm: 'CRC32C', ...members(key) });
    const crc32c = await checksumOf('CRC32C', body);
    const copied = await s3.copyObject({
      Bucket: 'data',
      Key: 'same-algorithm',
      CopySource: 'data/src',
      CopySourceSSECustomerAlgorithm: key.SSECustomerAlgorithm,
      CopySourceSSECustomerKey: key.SSECustomerKey,
      CopySourceSSECustomerKeyMD5: key.SSECustomerKeyMD5,
    });
    expect(copied.CopyObjectResult).toMatchObject({ ChecksumCRC32C: crc32c, ChecksumType: 'FULL_OBJECT' });
    expect((await s3.headObject({ Bucket: 'data', Key: 'same-algorithm', ChecksumMode: 'ENABLED' })).ChecksumCRC32C).toBe(crc32c);
    const sha = await s3.copyObject({
      Bucket: 'data',
      Key: 'sha',
      CopySource: 'data/src',
      ChecksumAlgorithm: 'SHA256',
      CopySourceSSECustomerAlgorithm: key.SSECustomerAlgorithm,
      CopySourceSSECustomerKey: key.SSECustomerKey,
      CopySourceSSECustomerKeyMD5: key.SSECustomerKeyMD5,
    });
    expect(sha.CopyObjectResult.ChecksumSHA256).toBe(await checksumOf('SHA256', body));
  });
});

describe('checksums in aws-chunked trailers', () => {
  /** What the JS SDK sends for a stream body: unsigned chunks and the checksum as a trailer. */
  function chunked(bytes: Uint8Array, trailer: string, value: string | undefined) {
    const framed = Buffer.concat([
      Buffer.from(`${bytes.length.toString(16)}\r\n`),
      bytes,
      Buffer.from(`\r\n0\r\n${value === undefined ? '' : `${trailer}:${value}\r\n`}\r\n`),
    ]);
    return decodeAwsChunked(
      (async function* () {
        yield framed;
      })(),
      { form: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', decodedContentLength: String(bytes.length), trailer },
    );
  }

  it('takes the algorithm from the promised trailer and checks its value after the body', async () => {
    const crc = await checksumOf('CRC32', body);
    const put = await s3.putObject({ Bucket: 'data', Key: 't', Body: chunked(body, 'x-amz-checksum-crc32', crc), ChecksumAlgorithm: 'CRC32' });
    expect(put).toMatchObject({ ChecksumCRC32: crc, ChecksumType: 'FULL_OBJECT' });
    const wrong = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 't2', Body: chunked(body, 'x-amz-checksum-crc32c', 'AAAAAA==') }));
    expect([wrong.code, wrong.message]).toEqual(['BadDigest', 'The CRC32C you specified did not match the calculated checksum.']);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 't2' }))).code).toBe('NoSuchKey');
  });

  it('refuses a malformed trailer value, storing nothing', async () => {
    const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 't', Body: chunked(body, 'x-amz-checksum-sha1', 'AAAAAA==') }));
    expect([error.code, error.message]).toEqual(['InvalidRequest', 'Value for x-amz-checksum-sha1 trailing header is invalid.']);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 't' }))).code).toBe('NoSuchKey');
  });
});
