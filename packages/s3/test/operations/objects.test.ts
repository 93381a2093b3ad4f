/** PutObject, GetObject, HeadObject, DeleteObject: SSE-S3 and SSE-C at rest, Range, ETags, errors. */

import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checksumOf, createMemoryObjectStore, OBJECT_FRAME_LENGTH, type ObjectReader, type ObjectStore, S3, type SseWriteMembers } from '../../src/index.ts';
import { ALLOW_SSE_C } from '../helpers/backends.ts';
import { md5Base64, md5Etag, members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'data' });
  // Allow SSE-C on this bucket (a fresh bucket blocks it).
  await s3.putBucketEncryption({ Bucket: 'data', ...ALLOW_SSE_C });
});
afterEach(() => s3.close());

const body = new Uint8Array(randomBytes(200_000));

describe('PutObject and GetObject with SSE-S3', () => {
  it('round-trips the body, with the MD5 ETag and only ServerSideEncryption echoed', async () => {
    const put = await s3.putObject({ Bucket: 'data', Key: 'a/b.bin', Body: body, ContentType: 'application/x-test', Metadata: { Team: 'blue' } });
    // The default checksum (CRC64NVME over the plaintext) comes back too: test/operations/checksums.test.ts.
    expect(put).toEqual({
      ETag: md5Etag(body),
      Size: body.length,
      ChecksumCRC64NVME: await checksumOf('CRC64NVME', body),
      ChecksumType: 'FULL_OBJECT',
      ServerSideEncryption: 'AES256',
    });
    const got = await s3.getObject({ Bucket: 'data', Key: 'a/b.bin' });
    const { Body, LastModified, ...rest } = got;
    expect(rest).toEqual({
      ContentLength: body.length,
      ETag: md5Etag(body),
      ContentType: 'application/x-test',
      Metadata: { team: 'blue' },
      AcceptRanges: 'bytes',
      ServerSideEncryption: 'AES256',
    });
    expect(LastModified).toBeInstanceOf(Date);
    expect(Buffer.from(await Body.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
  });

  it('names SSE-S3 explicitly, streams an iterable body, and answers the default content type', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: [body.subarray(0, 7), body.subarray(7)], ServerSideEncryption: 'AES256' });
    const head = await s3.headObject({ Bucket: 'data', Key: 'k' });
    expect([head.ContentLength, head.ContentType, head.ETag, head.ServerSideEncryption]).toEqual([body.length, 'binary/octet-stream', md5Etag(body), 'AES256']);
  });

  it('checks Content-MD5: a mismatch is 400 BadDigest and stores nothing; a malformed one is 400 InvalidDigest', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'old' });
    const bad = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'new', ContentMD5: md5Base64(new TextEncoder().encode('other')) }));
    expect([bad.code, bad.status, bad.message]).toEqual(['BadDigest', 400, 'The Content-MD5 you specified did not match what we received.']);
    for (const value of ['not base64!', 'AAAA']) {
      const invalid = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'new', ContentMD5: value }));
      expect([invalid.code, invalid.status]).toEqual(['InvalidDigest', 400]);
    }
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'k' })).Body.transformToString()).toBe('old');
    const ok = await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'new', ContentMD5: md5Base64(new TextEncoder().encode('new')) });
    expect(ok.ETag).toBe(md5Etag(new TextEncoder().encode('new')));
  });

  it('answers NoSuchKey, NoSuchBucket and KeyTooLongError', async () => {
    const missing = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'nope' }));
    expect([missing.code, missing.status, missing.message]).toEqual(['NoSuchKey', 404, 'The specified key does not exist.']);
    expect(missing.fields).toContainEqual(['Key', 'nope']);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'nope' }))).code).toBe('NoSuchKey');
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'absent', Key: 'k', Body: 'x' }))).code).toBe('NoSuchBucket');
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'absent', Key: 'k' }))).code).toBe('NoSuchBucket');
    const long = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k'.repeat(1025), Body: 'x' }));
    expect([long.code, long.status]).toEqual(['KeyTooLongError', 400]);
  });

  it('refuses x-amz-server-side-encryption on reads with 400', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x' });
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'k', ServerSideEncryption: 'AES256' }))).status).toBe(400);
  });
});

describe('Range', () => {
  const size = body.length;
  it.each([
    ['bytes=0-0', 0, 0],
    ['bytes=100-70000', 100, 70_000],
    ['bytes=150000-', 150_000, size - 1],
    ['bytes=-16', size - 16, size - 1],
    ['bytes=-999999', 0, size - 1],
    ['bytes=199990-300000', 199_990, size - 1],
  ])('%s is 206 with Content-Range and exactly those bytes', async (range, first, last) => {
    await s3.putObject({ Bucket: 'data', Key: 'r', Body: body });
    const got = await s3.getObject({ Bucket: 'data', Key: 'r', Range: range });
    expect([got.ContentRange, got.ContentLength]).toEqual([`bytes ${first}-${last}/${size}`, last - first + 1]);
    expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(body.subarray(first, last + 1)))).toBe(true);
    const head = await s3.headObject({ Bucket: 'data', Key: 'r', Range: range });
    expect([head.ContentRange, head.ContentLength]).toEqual([`bytes ${first}-${last}/${size}`, last - first + 1]);
  });

  it.each(['bytes=1-0', 'bytes=0-1,4-5', 'items=0-1', 'bytes=--'])('%s is ignored: 200 with the whole object', async (range) => {
    await s3.putObject({ Bucket: 'data', Key: 'r', Body: body });
    const got = await s3.getObject({ Bucket: 'data', Key: 'r', Range: range });
    expect([got.ContentRange, got.ContentLength]).toEqual([undefined, size]);
  });

  it.each([
    ['bytes=200000-', 200_000],
    ['bytes=-0', 200_000],
    ['bytes=0-', 0],
  ])('%s of a %i-byte object is 416 InvalidRange with RangeRequested and ActualObjectSize', async (range, objectSize) => {
    await s3.putObject({ Bucket: 'data', Key: 'r', Body: body.subarray(0, objectSize) });
    const error = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'r', Range: range }));
    expect([error.code, error.status, error.message]).toEqual(['InvalidRange', 416, 'The requested range is not satisfiable']);
    expect(error.fields).toEqual([
      ['RangeRequested', range],
      ['ActualObjectSize', String(objectSize)],
    ]);
  });

  it('part 1 of a single-PUT object is the whole object as 206; part 2 is 416; Range with PartNumber is 400', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'r', Body: body });
    const part = await s3.getObject({ Bucket: 'data', Key: 'r', PartNumber: 1 });
    expect(part.ContentRange).toBe(`bytes 0-${size - 1}/${size}`);
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'r', PartNumber: 2 }))).code).toBe('InvalidPartNumber');
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'r', PartNumber: 1, Range: 'bytes=0-1' }))).code).toBe('InvalidRequest');
  });

  it('reads only the frames that cover the range', async () => {
    const counted = await countingStore();
    const engine = new S3({ storage: counted.store });
    try {
      await engine.createBucket({ Bucket: 'big' });
      const large = new Uint8Array(randomBytes(OBJECT_FRAME_LENGTH * 40));
      await engine.putObject({ Bucket: 'big', Key: 'k', Body: large });
      counted.bytesRead = 0;
      const got = await engine.getObject({ Bucket: 'big', Key: 'k', Range: `bytes=${OBJECT_FRAME_LENGTH * 20 + 5}-${OBJECT_FRAME_LENGTH * 20 + 100}` });
      expect(
        Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(large.subarray(OBJECT_FRAME_LENGTH * 20 + 5, OBJECT_FRAME_LENGTH * 20 + 101))),
      ).toBe(true);
      // The covering frame, the final frame (length proof) and the header: a few frames of 40.
      expect(counted.bytesRead).toBeGreaterThan(0);
      expect(counted.bytesRead).toBeLessThan(OBJECT_FRAME_LENGTH * 4);
    } finally {
      await engine.close();
      await counted.store.close();
    }
  });
});

describe('SSE-C', () => {
  it('stores with the customer key, echoes algorithm and key MD5 only, and reads back only with that key', async () => {
    const key = sseC();
    const put = await s3.putObject({ Bucket: 'data', Key: 'c', Body: body, ...members(key) });
    expect(put).toEqual({
      ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/),
      Size: body.length,
      ChecksumCRC64NVME: await checksumOf('CRC64NVME', body),
      ChecksumType: 'FULL_OBJECT',
      SSECustomerAlgorithm: 'AES256',
      SSECustomerKeyMD5: key.SSECustomerKeyMD5,
    });
    // Opaque ETags: not the MD5 of the body, and different for the same body uploaded again.
    expect(put.ETag).not.toBe(md5Etag(body));
    expect((await s3.putObject({ Bucket: 'data', Key: 'c2', Body: body, ...members(key) })).ETag).not.toBe(put.ETag);
    const got = await s3.getObject({ Bucket: 'data', Key: 'c', Range: 'bytes=-100', ...members(key) });
    expect([got.ServerSideEncryption, got.SSECustomerAlgorithm, got.SSECustomerKeyMD5, got.ETag]).toEqual([
      undefined,
      'AES256',
      key.SSECustomerKeyMD5,
      put.ETag,
    ]);
    expect(Buffer.from(await got.Body.transformToByteArray()).equals(Buffer.from(body.subarray(-100)))).toBe(true);
    const head = await s3.headObject({ Bucket: 'data', Key: 'c', ...members(key) });
    expect([head.ServerSideEncryption, head.SSECustomerKeyMD5]).toEqual([undefined, key.SSECustomerKeyMD5]);
  });

  it('a read without the key is 400; with another key 403 AccessDenied (GET and HEAD)', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'c', Body: 'secret', ...members(sseC()) });
    const without = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'c' }));
    expect([without.code, without.status, without.message]).toEqual([
      'InvalidRequest',
      400,
      'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
    ]);
    for (const call of [
      () => s3.getObject({ Bucket: 'data', Key: 'c', ...members(sseC()) }),
      () => s3.headObject({ Bucket: 'data', Key: 'c', ...members(sseC()) }),
    ]) {
      const wrong = await catchS3Async(call);
      expect([wrong.code, wrong.status, wrong.message]).toEqual([
        'AccessDenied',
        403,
        'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.',
      ]);
    }
  });

  it('SSE-C members on an SSE-S3 object are 400', async () => {
    await s3.putObject({ Bucket: 'data', Key: 's', Body: 'x' });
    const error = await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 's', ...members(sseC()) }));
    expect([error.code, error.status, error.message]).toEqual(['InvalidRequest', 400, 'The encryption parameters are not applicable to this object.']);
  });

  it('refuses a key MD5 mismatch, a short key, another algorithm, SSE-C mixed with AES256 and plain HTTP, storing nothing', async () => {
    const key = sseC();
    const short = sseC(new Uint8Array(randomBytes(16)));
    const cases: [SseWriteMembers, string, number, { secureTransport: boolean }?][] = [
      [{ ...members(key), SSECustomerKeyMD5: sseC().SSECustomerKeyMD5 }, 'InvalidArgument', 400],
      [members(short), 'InvalidArgument', 400],
      [{ ...members(key), SSECustomerAlgorithm: 'AES128' }, 'InvalidEncryptionAlgorithmError', 400],
      [{ ...members(key), ServerSideEncryption: 'AES256' }, 'InvalidArgument', 400],
      [members(key), 'InvalidRequest', 400, { secureTransport: false }],
    ];
    for (const [sse, code, status, options] of cases) {
      const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'c', Body: 'x', ...sse }, options));
      expect([error.code, error.status]).toEqual([code, status]);
    }
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'c' }))).code).toBe('NoSuchKey');
    // Reads over plain HTTP are refused too.
    await s3.putObject({ Bucket: 'data', Key: 'c', Body: 'x', ...members(key) });
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'c', ...members(key) }, { secureTransport: false }))).message).toBe(
      'Requests specifying Server Side Encryption with Customer provided keys must be made over a secure connection.',
    );
  });
});

describe('SSE-KMS and DSSE-KMS requests', () => {
  it.each(['aws:kms', 'aws:kms:dsse'])('%s under a missing alias answers KMS.NotFoundException from KMS and stores nothing', async (mode) => {
    const error = await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: mode, SSEKMSKeyId: 'alias/app' }));
    expect([error.code, error.status, error.message]).toEqual([
      'KMS.NotFoundException',
      400,
      'Alias arn:aws:kms:us-east-1:000000000000:alias/app is not found.',
    ]);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
  });

  it.each(['aws:kms', 'aws:kms:dsse'])('%s without a key id works out of the box under the AWS managed key aws/s3', async (mode) => {
    const put = await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: mode });
    expect(put.ServerSideEncryption).toBe(mode);
    expect(put.SSEKMSKeyId).toMatch(/^arn:aws:kms:us-east-1:000000000000:key\/[0-9a-f-]{36}$/);
    expect(await (await s3.getObject({ Bucket: 'data', Key: 'k' })).Body.transformToString()).toBe('x');
  });

  it('still answers the request errors S3 checks first (an unknown value, a key id without aws:kms)', async () => {
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', ServerSideEncryption: 'aes256' }))).message).toBe(
      'The encryption method specified is not supported',
    );
    expect((await catchS3Async(() => s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x', SSEKMSKeyId: 'alias/app' }))).code).toBe('InvalidArgument');
  });
});

describe('DeleteObject', () => {
  it('deletes an object, succeeds for a missing key, and answers NoSuchBucket for a missing bucket', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: 'x' });
    expect(await s3.deleteObject({ Bucket: 'data', Key: 'k' })).toEqual({});
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'data', Key: 'k' }))).code).toBe('NoSuchKey');
    expect(await s3.deleteObject({ Bucket: 'data', Key: 'k' })).toEqual({});
    expect((await catchS3Async(() => s3.deleteObject({ Bucket: 'absent', Key: 'k' }))).code).toBe('NoSuchBucket');
  });

  it('an unread body can be discarded, after which it cannot be read', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: body });
    const got = await s3.getObject({ Bucket: 'data', Key: 'k' });
    await got.Body.discard();
    await expect(got.Body.transformToByteArray()).rejects.toThrow('already been read');
  });

  it('a GET begun before a delete still reads the whole object', async () => {
    await s3.putObject({ Bucket: 'data', Key: 'k', Body: body });
    const got = await s3.getObject({ Bucket: 'data', Key: 'k' });
    await s3.deleteObject({ Bucket: 'data', Key: 'k' });
    expect((await got.Body.transformToByteArray()).length).toBe(body.length);
  });
});

/** A memory store whose readers count the stored bytes read. */
async function countingStore(): Promise<{ store: ObjectStore; bytesRead: number }> {
  const inner = await createMemoryObjectStore();
  const counter = { bytesRead: 0, store: inner };
  const wrap = (reader: ObjectReader): ObjectReader => ({
    info: reader.info,
    read: async (offset, length) => {
      counter.bytesRead += length;
      return reader.read(offset, length);
    },
    stream: (offset, length) => reader.stream(offset, length),
    close: () => reader.close(),
  });
  counter.store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === 'openObject')
        return async (bucket: string, key: string) => {
          const reader = await target.openObject(bucket, key);
          return reader === undefined ? undefined : wrap(reader);
        };
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return counter;
}
