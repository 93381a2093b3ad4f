/**
 * CopyObject: metadata directives, changing and removing encryption, SSE-C source and destination
 * keys and their errors, copies onto themselves, CopySourceIf* conditions, the result and echoed
 * fields; both stores.
 */

import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CopyObjectRequest, checksumOf, S3, type SseCustomerMembers } from '../../src/index.ts';
import { ALLOW_SSE_C, BACKENDS } from '../helpers/backends.ts';
import { md5Etag, members, sseC } from '../helpers/engine.ts';
import { catchS3Async } from '../helpers/errors.ts';

const DAY = 86_400_000;
const body = new Uint8Array(randomBytes(150_000));

/** The copy-source SSE-C members for a key. */
function sourceMembers(
  trio: ReturnType<typeof sseC>,
): Pick<CopyObjectRequest, 'CopySourceSSECustomerAlgorithm' | 'CopySourceSSECustomerKey' | 'CopySourceSSECustomerKeyMD5'> {
  return {
    CopySourceSSECustomerAlgorithm: trio.SSECustomerAlgorithm,
    CopySourceSSECustomerKey: trio.SSECustomerKey,
    CopySourceSSECustomerKeyMD5: trio.SSECustomerKeyMD5,
  };
}

describe.each(BACKENDS)('CopyObject on the $name store', (backend) => {
  let s3: S3;
  beforeEach(async () => {
    s3 = backend.open();
    await s3.createBucket({ Bucket: 'src' });
    await s3.createBucket({ Bucket: 'dst' });
  });
  afterEach(() => s3.close());

  async function read(bucket: string, key: string, customer: SseCustomerMembers = {}): Promise<Buffer> {
    return Buffer.from(await (await s3.getObject({ Bucket: bucket, Key: key, ...customer })).Body.transformToByteArray());
  }

  describe('SSE-S3 source', () => {
    beforeEach(async () => {
      await s3.putObject({ Bucket: 'src', Key: 'a/b c', Body: body, ContentType: 'application/x-test', Metadata: { Team: 'blue' } });
    });

    it('copies the bytes to another bucket with the MD5 ETag, CopyObjectResult and AES256 echoed', async () => {
      const copied = await s3.copyObject({ Bucket: 'dst', Key: 'copy', CopySource: 'src/a%2Fb+c' });
      expect(copied).toEqual({
        CopyObjectResult: { ETag: md5Etag(body), LastModified: expect.any(Date), ...(await defaultChecksum(body)) },
        ServerSideEncryption: 'AES256',
      });
      expect((await read('dst', 'copy')).equals(Buffer.from(body))).toBe(true);
      const head = await s3.headObject({ Bucket: 'dst', Key: 'copy' });
      expect([head.ContentType, head.Metadata, head.ETag, head.LastModified]).toEqual([
        'application/x-test',
        { team: 'blue' },
        md5Etag(body),
        copied.CopyObjectResult.LastModified,
      ]);
      expect((await read('src', 'a/b c')).equals(Buffer.from(body))).toBe(true);
    });

    it('takes a leading slash and versionId=null; another version id is 400 InvalidRequest, an empty one InvalidArgument (S3 captures)', async () => {
      await s3.copyObject({ Bucket: 'dst', Key: 'copy', CopySource: '/src/a/b%20c?versionId=null' });
      expect((await read('dst', 'copy')).length).toBe(body.length);
      const error = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'other', CopySource: 'src/a/b%20c?versionId=3HL4kqtJlcpXroDTDmJ' }));
      expect([error.status, error.code, error.message]).toEqual([400, 'InvalidRequest', 'Invalid Request']);
      const empty = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'other', CopySource: 'src/a/b%20c?versionId=' }));
      expect([empty.status, empty.code, empty.message, empty.fields]).toEqual([
        400,
        'InvalidArgument',
        'Version id cannot be the empty string',
        [
          ['ArgumentName', 'x-amz-copy-source'],
          ['ArgumentValue', ''],
        ],
      ]);
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'dst', Key: 'other' }))).code).toBe('NoSuchKey');
    });

    it('MetadataDirective COPY ignores the request’s metadata; REPLACE takes it (default content type when none)', async () => {
      await s3.copyObject({ Bucket: 'dst', Key: 'copied', CopySource: 'src/a/b c', ContentType: 'text/plain', Metadata: { other: 'x' } });
      expect(await s3.headObject({ Bucket: 'dst', Key: 'copied' })).toMatchObject({ ContentType: 'application/x-test', Metadata: { team: 'blue' } });
      await s3.copyObject({ Bucket: 'dst', Key: 'replaced', CopySource: 'src/a/b c', MetadataDirective: 'REPLACE', Metadata: { Key2: 'value2' } });
      const replaced = await s3.headObject({ Bucket: 'dst', Key: 'replaced' });
      expect([replaced.ContentType, replaced.Metadata]).toEqual(['binary/octet-stream', { key2: 'value2' }]);
      await s3.copyObject({ Bucket: 'dst', Key: 'typed', CopySource: 'src/a/b c', MetadataDirective: 'REPLACE', ContentType: 'text/csv' });
      expect(await s3.headObject({ Bucket: 'dst', Key: 'typed' })).toMatchObject({ ContentType: 'text/csv', Metadata: {} });
      const bad = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'x', CopySource: 'src/a/b c', MetadataDirective: 'MERGE' }));
      expect([bad.status, bad.code, bad.fields]).toEqual([
        400,
        'InvalidArgument',
        [
          ['ArgumentName', 'x-amz-metadata-directive'],
          ['ArgumentValue', 'MERGE'],
        ],
      ]);
    });

    it('refuses a copy onto itself that changes nothing, with S3’s InvalidRequest text, and changes nothing', async () => {
      const error = await catchS3Async(() => s3.copyObject({ Bucket: 'src', Key: 'a/b c', CopySource: 'src/a/b c' }));
      expect([error.status, error.code, error.message]).toEqual([
        400,
        'InvalidRequest',
        "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
      ]);
      expect((await catchS3Async(() => s3.copyObject({ Bucket: 'src', Key: 'a/b c', CopySource: 'src/a/b c', MetadataDirective: 'COPY' }))).code).toBe(
        'InvalidRequest',
      );
      expect(await s3.headObject({ Bucket: 'src', Key: 'a/b c' })).toMatchObject({ Metadata: { team: 'blue' } });
    });

    it('allows a copy onto itself with REPLACE, with an encryption named, or in a bucket with configured default encryption', async () => {
      await s3.copyObject({ Bucket: 'src', Key: 'a/b c', CopySource: 'src/a/b c', MetadataDirective: 'REPLACE', Metadata: { key2: 'value2' } });
      expect(await s3.headObject({ Bucket: 'src', Key: 'a/b c' })).toMatchObject({ ContentType: 'binary/octet-stream', Metadata: { key2: 'value2' } });
      await s3.copyObject({ Bucket: 'src', Key: 'a/b c', CopySource: 'src/a/b c', ServerSideEncryption: 'AES256' });
      await s3.putBucketEncryption({
        Bucket: 'src',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
      const copied = await s3.copyObject({ Bucket: 'src', Key: 'a/b c', CopySource: 'src/a/b c' });
      expect(copied.CopyObjectResult.ETag).toBe(md5Etag(body));
      expect((await read('src', 'a/b c')).equals(Buffer.from(body))).toBe(true);
      await s3.deleteBucketEncryption({ Bucket: 'src' });
      expect((await catchS3Async(() => s3.copyObject({ Bucket: 'src', Key: 'a/b c', CopySource: 'src/a/b c' }))).code).toBe('InvalidRequest');
    });

    it('encrypts the destination with SSE-C when the request names a key (echoing only the SSE-C fields)', async () => {
      await s3.putBucketEncryption({ Bucket: 'dst', ...ALLOW_SSE_C });
      const trio = sseC();
      const copied = await s3.copyObject({ Bucket: 'dst', Key: 'c', CopySource: 'src/a/b c', ...members(trio) });
      expect(copied).toEqual({
        CopyObjectResult: { ETag: expect.stringMatching(/^"[0-9a-f]{32}"$/), LastModified: expect.any(Date), ...(await defaultChecksum(body)) },
        SSECustomerAlgorithm: 'AES256',
        SSECustomerKeyMD5: trio.SSECustomerKeyMD5,
      });
      expect(copied.CopyObjectResult.ETag).not.toBe(md5Etag(body));
      expect((await read('dst', 'c', members(trio))).equals(Buffer.from(body))).toBe(true);
      expect((await catchS3Async(() => s3.getObject({ Bucket: 'dst', Key: 'c' }))).code).toBe('InvalidRequest');
    });

    it('refuses an SSE-C destination on a bucket that blocks SSE-C (403), storing nothing', async () => {
      const error = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'c', CopySource: 'src/a/b c', ...members(sseC()) }));
      expect([error.status, error.code]).toEqual([403, 'AccessDenied']);
      expect(error.message).toContain(
        'because this bucket has blocked upload requests that specify Server Side Encryption with Customer provided keys (SSE-C)',
      );
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'dst', Key: 'c' }))).code).toBe('NoSuchKey');
    });

    it('refuses copy-source SSE-C fields for an object that is not SSE-C', async () => {
      const error = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'c', CopySource: 'src/a/b c', ...sourceMembers(sseC()) }));
      expect([error.status, error.code, error.message]).toEqual([400, 'InvalidRequest', 'The encryption parameters are not applicable to this object.']);
    });

    it('evaluates CopySourceIf* in S3’s order, each failure a 412 naming x-amz-copy-source-… (LS-snapshot)', async () => {
      const { ETag } = await s3.headObject({ Bucket: 'src', Key: 'a/b c' });
      const now = new Date();
      const yesterday = new Date(now.getTime() - DAY);
      const copy = (conditions: Partial<CopyObjectRequest>): Promise<unknown> =>
        s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/a/b c', ...conditions });
      const condition = async (conditions: Partial<CopyObjectRequest>): Promise<[number, string, string | undefined]> => {
        const error = await catchS3Async(() => copy(conditions));
        return [error.status, error.message, error.fields.find(([name]) => name === 'Condition')?.[1]];
      };
      const failed = 'At least one of the pre-conditions you specified did not hold';
      expect(
        await condition({ CopySourceIfModifiedSince: now, CopySourceIfUnmodifiedSince: yesterday, CopySourceIfMatch: 'etag123', CopySourceIfNoneMatch: ETag }),
      ).toEqual([412, failed, 'x-amz-copy-source-If-Match']);
      expect(await condition({ CopySourceIfModifiedSince: now, CopySourceIfUnmodifiedSince: yesterday, CopySourceIfNoneMatch: ETag })).toEqual([
        412,
        failed,
        'x-amz-copy-source-If-Unmodified-Since',
      ]);
      expect(await condition({ CopySourceIfModifiedSince: now, CopySourceIfNoneMatch: ETag })).toEqual([412, failed, 'x-amz-copy-source-If-None-Match']);
      expect(await condition({ CopySourceIfModifiedSince: now })).toEqual([412, failed, 'x-amz-copy-source-If-Modified-Since']);
      expect(await condition({ CopySourceIfNoneMatch: ETag.slice(1, -1) })).toEqual([412, failed, 'x-amz-copy-source-If-None-Match']);
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'dst', Key: 'k' }))).code).toBe('NoSuchKey');
      await copy({ CopySourceIfModifiedSince: new Date(now.getTime() + DAY) });
      await copy({
        CopySourceIfMatch: ETag.slice(1, -1),
        CopySourceIfNoneMatch: 'etag123',
        CopySourceIfModifiedSince: yesterday,
        CopySourceIfUnmodifiedSince: now,
      });
      expect((await read('dst', 'k')).equals(Buffer.from(body))).toBe(true);
    });
  });

  describe('SSE-C source', () => {
    const source = sseC();
    beforeEach(async () => {
      await s3.putBucketEncryption({ Bucket: 'src', ...ALLOW_SSE_C });
      await s3.putObject({ Bucket: 'src', Key: 'secret', Body: body, ...members(source) });
    });

    it('copies to the bucket default without target encryption: AES256 and the plaintext MD5 ETag (LS-snapshot copy-obj-sse-c-target-no-sse-c)', async () => {
      const copied = await s3.copyObject({ Bucket: 'dst', Key: 'plain', CopySource: 'src/secret', ...sourceMembers(source) });
      expect(copied).toEqual({
        CopyObjectResult: { ETag: md5Etag(body), LastModified: expect.any(Date), ...(await defaultChecksum(body)) },
        ServerSideEncryption: 'AES256',
      });
      expect((await read('dst', 'plain')).equals(Buffer.from(body))).toBe(true);
    });

    it('re-keys to another SSE-C key: the new key reads it, the old one is 403', async () => {
      await s3.putBucketEncryption({ Bucket: 'dst', ...ALLOW_SSE_C });
      const target = sseC();
      const copied = await s3.copyObject({ Bucket: 'dst', Key: 'rekeyed', CopySource: 'src/secret', ...sourceMembers(source), ...members(target) });
      expect([copied.SSECustomerKeyMD5, copied.ServerSideEncryption]).toEqual([target.SSECustomerKeyMD5, undefined]);
      expect((await read('dst', 'rekeyed', members(target))).equals(Buffer.from(body))).toBe(true);
      const old = await catchS3Async(() => s3.getObject({ Bucket: 'dst', Key: 'rekeyed', ...members(source) }));
      expect([old.status, old.code]).toEqual([403, 'AccessDenied']);
    });

    it('without the source key is 400 InvalidRequest; with another key 403 AccessDenied (as S3 answers a GET)', async () => {
      const missing = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/secret' }));
      expect([missing.status, missing.code, missing.message]).toEqual([
        400,
        'InvalidRequest',
        'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.',
      ]);
      const wrong = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/secret', ...sourceMembers(sseC()) }));
      expect([wrong.status, wrong.code, wrong.message]).toEqual([
        403,
        'AccessDenied',
        'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.',
      ]);
      expect((await catchS3Async(() => s3.headObject({ Bucket: 'dst', Key: 'k' }))).code).toBe('NoSuchKey');
    });

    it('checks the source and target SSE-C fields as S3 does (LS-snapshot test_copy_object_with_sse_c)', async () => {
      await s3.putBucketEncryption({ Bucket: 'dst', ...ALLOW_SSE_C });
      const wrongSourceAlgorithm = await catchS3Async(() =>
        s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/secret', ...sourceMembers(source), CopySourceSSECustomerAlgorithm: 'KMS' }),
      );
      const argument = (error: { code: string; fields: readonly (readonly [string, string])[] }): unknown[] => [error.code, ...error.fields];
      expect(argument(wrongSourceAlgorithm)).toEqual([
        'InvalidEncryptionAlgorithmError',
        ['ArgumentName', 'x-amz-server-side-encryption'],
        ['ArgumentValue', 'KMS'],
      ]);
      const wrongTargetAlgorithm = await catchS3Async(() =>
        s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/secret', ...sourceMembers(source), ...members(sseC()), SSECustomerAlgorithm: 'KMS' }),
      );
      expect(argument(wrongTargetAlgorithm)).toEqual([
        'InvalidEncryptionAlgorithmError',
        ['ArgumentName', 'x-amz-server-side-encryption'],
        ['ArgumentValue', 'KMS'],
      ]);
      const double = await catchS3Async(() =>
        s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/secret', ...sourceMembers(source), ...members(sseC()), ServerSideEncryption: 'AES256' }),
      );
      expect([double.message, ...double.fields]).toEqual([
        'Server Side Encryption with Customer provided key is incompatible with the encryption method specified',
        ['ArgumentName', 'x-amz-server-side-encryption'],
        ['ArgumentValue', 'AES256'],
      ]);
    });

    it('may copy onto itself without naming anything: the bucket default re-encrypts it (the encryption changes)', async () => {
      const copied = await s3.copyObject({ Bucket: 'src', Key: 'secret', CopySource: 'src/secret', ...sourceMembers(source) });
      expect(copied.ServerSideEncryption).toBe('AES256');
      expect((await read('src', 'secret')).equals(Buffer.from(body))).toBe(true);
    });

    it('refuses copy-source SSE-C over plain HTTP', async () => {
      const error = await catchS3Async(() =>
        s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/secret', ...sourceMembers(source) }, { secureTransport: false }),
      );
      expect([error.status, error.code]).toEqual([400, 'InvalidRequest']);
    });
  });

  it('answers a missing source with NoSuchKey naming it, a missing bucket with NoSuchBucket, and a malformed CopySource with 400', async () => {
    const missing = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/random-src-key' }));
    expect([missing.status, missing.code, missing.message, missing.fields]).toEqual([
      404,
      'NoSuchKey',
      'The specified key does not exist.',
      [['Key', 'random-src-key']],
    ]);
    const noBucket = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'absent-bucket/k' }));
    expect([noBucket.code, noBucket.fields]).toEqual(['NoSuchBucket', [['BucketName', 'absent-bucket']]]);
    expect((await catchS3Async(() => s3.copyObject({ Bucket: 'absent-bucket', Key: 'k', CopySource: 'src/k' }))).code).toBe('NoSuchBucket');
    for (const CopySource of ['wrongformat', 'src/', '/src', 'src/%zz']) {
      const error = await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource }));
      expect([error.status, error.code, error.message, error.fields]).toEqual([
        400,
        'InvalidArgument',
        'Invalid copy source object key',
        [
          ['ArgumentName', 'x-amz-copy-source'],
          ['ArgumentValue', 'x-amz-copy-source'],
        ],
      ]);
    }
  });

  it('copies an empty object', async () => {
    await s3.putObject({ Bucket: 'src', Key: 'empty', Body: new Uint8Array(0) });
    const copied = await s3.copyObject({ Bucket: 'dst', Key: 'empty', CopySource: 'src/empty' });
    expect(copied.CopyObjectResult.ETag).toBe('"d41d8cd98f00b204e9800998ecf8427e"');
    expect((await read('dst', 'empty')).length).toBe(0);
  });
});

describe('CopyObject and the trail', () => {
  it('records a copy as a data event when they are enabled, and never an SSE-C key, however it failed or succeeded', async () => {
    const s3 = new S3({ dataEvents: true });
    try {
      for (const Bucket of ['src', 'dst']) {
        await s3.createBucket({ Bucket });
        await s3.putBucketEncryption({ Bucket, ...ALLOW_SSE_C });
      }
      const [source, target, wrong] = [sseC(), sseC(), sseC()];
      await s3.putObject({ Bucket: 'src', Key: 'k', Body: body, ...members(source) });
      await s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/k', ...sourceMembers(source), ...members(target) });
      await catchS3Async(() => s3.copyObject({ Bucket: 'dst', Key: 'k', CopySource: 'src/k', ...sourceMembers(wrong), ...members(target) }));
      const events = s3.auditTrail.events().filter((event) => event.eventName === 'CopyObject');
      expect(events.map((event) => event.errorCode)).toEqual([undefined, 'AccessDenied']);
      const recorded = JSON.stringify(s3.auditTrail.events());
      for (const trio of [source, target, wrong]) {
        for (const form of [trio.SSECustomerKey, Buffer.from(trio.raw).toString('hex')]) expect(recorded).not.toContain(form);
      }
    } finally {
      await s3.close();
    }
  });
});

/** The checksum members a copy answers by default: CRC64NVME of the plaintext (test/operations/checksums.test.ts). */
async function defaultChecksum(bytes: Uint8Array): Promise<{ ChecksumCRC64NVME: string; ChecksumType: 'FULL_OBJECT' }> {
  return { ChecksumCRC64NVME: await checksumOf('CRC64NVME', bytes), ChecksumType: 'FULL_OBJECT' };
}
