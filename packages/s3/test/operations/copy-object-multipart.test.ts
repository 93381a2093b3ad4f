/**
 * CopyObject of a multipart object: its parts (each sealed under its own part number) are opened
 * in order and the copy is one new object with a plain ETag, not a `-N` one (LS-snapshot
 * `test_multipart_copy_object_etag`); both stores.
 */

import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3, SseCustomerMembers } from '../../src/index.ts';
import { ALLOW_SSE_C, BACKENDS } from '../helpers/backends.ts';
import { md5Etag, members, sseC } from '../helpers/engine.ts';

const MiB = 1024 * 1024;
const parts = [new Uint8Array(randomBytes(5 * MiB)), new Uint8Array(randomBytes(70_000))];
const whole = Buffer.concat(parts);

describe.each(BACKENDS)('CopyObject of a multipart object on the $name store', (backend) => {
  let s3: S3;
  beforeEach(async () => {
    s3 = backend.open();
    await s3.createBucket({ Bucket: 'mpu' });
    await s3.putBucketEncryption({ Bucket: 'mpu', ...ALLOW_SSE_C });
  });
  afterEach(() => s3.close());

  async function upload(key: string, customer: SseCustomerMembers = {}): Promise<string> {
    const { UploadId } = await s3.createMultipartUpload({ Bucket: 'mpu', Key: key, ...customer });
    const completed = [];
    for (const [index, Body] of parts.entries()) {
      const { ETag } = await s3.uploadPart({ Bucket: 'mpu', Key: key, UploadId, PartNumber: index + 1, Body, ...customer });
      completed.push({ PartNumber: index + 1, ETag });
    }
    const done = await s3.completeMultipartUpload({ Bucket: 'mpu', Key: key, UploadId, MultipartUpload: { Parts: completed } });
    return done.ETag;
  }

  async function read(key: string, customer: SseCustomerMembers = {}): Promise<Buffer> {
    return Buffer.from(await (await s3.getObject({ Bucket: 'mpu', Key: key, ...customer })).Body.transformToByteArray());
  }

  it('copies every part, in order, into one object whose SSE-S3 ETag is the MD5 of the whole', async () => {
    expect(await upload('source')).toMatch(/^"[0-9a-f]{32}-2"$/);
    const copied = await s3.copyObject({ Bucket: 'mpu', Key: 'copy', CopySource: 'mpu/source' });
    expect(copied.CopyObjectResult.ETag).toBe(md5Etag(whole));
    expect((await read('copy')).equals(whole)).toBe(true);
    expect((await s3.headObject({ Bucket: 'mpu', Key: 'copy', PartNumber: 1 })).PartsCount).toBeUndefined();
  });

  it('an SSE-C multipart source opens with its key and may be re-sealed under another; in place with REPLACE it loses its -N ETag', async () => {
    const [source, target] = [sseC(), sseC()];
    await upload('secret', members(source));
    const copySource = {
      CopySourceSSECustomerAlgorithm: 'AES256',
      CopySourceSSECustomerKey: source.SSECustomerKey,
      CopySourceSSECustomerKeyMD5: source.SSECustomerKeyMD5,
    };
    await s3.copyObject({ Bucket: 'mpu', Key: 'rekeyed', CopySource: 'mpu/secret', ...copySource, ...members(target) });
    expect((await read('rekeyed', members(target))).equals(whole)).toBe(true);
    await upload('plain');
    const inPlace = await s3.copyObject({ Bucket: 'mpu', Key: 'plain', CopySource: 'mpu/plain', MetadataDirective: 'REPLACE' });
    expect(inPlace.CopyObjectResult.ETag).toBe(md5Etag(whole));
    expect((await read('plain')).equals(whole)).toBe(true);
  });
});
