/**
 * Multipart checksums through the official `@aws-sdk/client-s3` and `@aws-sdk/lib-storage`, by the
 * kernel's in-process handler: CreateMultipartUpload's algorithm and type, the parts' checksums
 * (computed by the SDK, checked and stored by the engine, listed by ListParts), the object's
 * COMPOSITE (`…-N`) or FULL_OBJECT checksum made at completion, and reads with ChecksumMode
 * ENABLED, whose full-object values the SDK itself validates against the body it receives.
 */

import { createHash, randomBytes } from 'node:crypto';
import {
  type ChecksumAlgorithm,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { checksumOf, MIN_PART_SIZE } from '../../src/index.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { inProcessClient, sdkError } from '../helpers/wire.ts';

const sdk = useInProcessS3({ buckets: ['data'] });

const first = new Uint8Array(randomBytes(MIN_PART_SIZE));
const second = new Uint8Array(randomBytes(70_001));
const whole = Buffer.concat([first, second]);

type Algorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';
const member = (algorithm: Algorithm): `Checksum${Algorithm}` => `Checksum${algorithm}`;

/** The COMPOSITE checksum as the User Guide defines it: the checksum of the parts' binary checksums, `-N`. */
async function composite(algorithm: Algorithm, parts: readonly Uint8Array[]): Promise<string> {
  const binary = await Promise.all(parts.map(async (part) => Buffer.from(await checksumOf(algorithm, part), 'base64')));
  return `${await checksumOf(algorithm, Buffer.concat(binary))}-${parts.length}`;
}

/** Creates an upload and sends the two parts with the SDK computing `algorithm` for each. */
async function uploadTwoParts(key: string, algorithm: Algorithm, type?: 'COMPOSITE' | 'FULL_OBJECT') {
  const created = await sdk.client.send(
    new CreateMultipartUploadCommand({
      Bucket: 'data',
      Key: key,
      ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
      ...(type === undefined ? {} : { ChecksumType: type }),
    }),
  );
  const uploadId = created.UploadId as string;
  const parts: CompletedPart[] = [];
  for (const [index, body] of [first, second].entries()) {
    const sent = await sdk.client.send(
      new UploadPartCommand({
        Bucket: 'data',
        Key: key,
        UploadId: uploadId,
        PartNumber: index + 1,
        Body: body,
        ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
      }),
    );
    expect(sent[member(algorithm)]).toBe(await checksumOf(algorithm, body));
    parts.push({ PartNumber: index + 1, ETag: sent.ETag, [member(algorithm)]: sent[member(algorithm)] });
  }
  return { created, uploadId, parts };
}

describe('COMPOSITE multipart checksums', () => {
  for (const algorithm of ['CRC32', 'CRC32C', 'SHA256', 'SHA1'] as const) {
    it(`${algorithm}: parts listed with their checksums, the object's is the checksum of checksums -2, a part read answers its own`, async () => {
      const { created, uploadId, parts } = await uploadTwoParts(`c-${algorithm}`, algorithm);
      expect([created.ChecksumAlgorithm, created.ChecksumType]).toEqual([algorithm, 'COMPOSITE']);
      const listed = await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: `c-${algorithm}`, UploadId: uploadId }));
      expect([listed.ChecksumAlgorithm, listed.ChecksumType]).toEqual([algorithm, 'COMPOSITE']);
      expect(listed.Parts?.map((part) => part[member(algorithm)])).toEqual([await checksumOf(algorithm, first), await checksumOf(algorithm, second)]);
      const uploads = await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }));
      expect(uploads.Uploads?.map((upload) => [upload.ChecksumAlgorithm, upload.ChecksumType])).toEqual([[algorithm, 'COMPOSITE']]);
      const done = await sdk.client.send(
        new CompleteMultipartUploadCommand({ Bucket: 'data', Key: `c-${algorithm}`, UploadId: uploadId, MultipartUpload: { Parts: parts } }),
      );
      const expected = await composite(algorithm, [first, second]);
      expect([done[member(algorithm)], done.ChecksumType]).toEqual([expected, 'COMPOSITE']);
      const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: `c-${algorithm}`, ChecksumMode: 'ENABLED' }));
      expect([head[member(algorithm)], head.ChecksumType]).toEqual([expected, 'COMPOSITE']);
      // The SDK validates a part's (plain) checksum against the part's bytes.
      const part = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: `c-${algorithm}`, PartNumber: 2, ChecksumMode: 'ENABLED' }));
      expect([part[member(algorithm)], part.ChecksumType]).toEqual([await checksumOf(algorithm, second), 'COMPOSITE']);
      expect(Buffer.from(await part.Body!.transformToByteArray()).equals(Buffer.from(second))).toBe(true);
    });
  }

  it('the composite value is what the User Guide computes (SHA-256 by hand)', async () => {
    const { uploadId, parts } = await uploadTwoParts('by-hand', 'SHA256');
    const done = await sdk.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'by-hand', UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    );
    const outer = createHash('sha256');
    for (const body of [first, second]) outer.update(createHash('sha256').update(body).digest());
    expect(done.ChecksumSHA256).toBe(`${outer.digest('base64')}-2`);
  });
});

describe('FULL_OBJECT multipart checksums', () => {
  for (const [algorithm, type] of [
    ['CRC32', 'FULL_OBJECT'],
    ['CRC32C', 'FULL_OBJECT'],
    ['CRC64NVME', undefined],
  ] as const) {
    it(`${algorithm}: the object's checksum is the CRC of the whole object, validated by the SDK on GET`, async () => {
      const key = `f-${algorithm}`;
      const { created, uploadId, parts } = await uploadTwoParts(key, algorithm, type);
      expect([created.ChecksumAlgorithm, created.ChecksumType]).toEqual([algorithm, 'FULL_OBJECT']);
      const expected = await checksumOf(algorithm, whole);
      const done = await sdk.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'data',
          Key: key,
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
          ChecksumType: 'FULL_OBJECT',
          [member(algorithm)]: expected,
        }),
      );
      expect([done[member(algorithm)], done.ChecksumType]).toEqual([expected, 'FULL_OBJECT']);
      const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: key, ChecksumMode: 'ENABLED' }));
      expect([got[member(algorithm)], got.ChecksumType]).toEqual([expected, 'FULL_OBJECT']);
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
    });
  }

  it('answers a part read with the object’s checksum only when the part is the whole object', async () => {
    const { uploadId, parts } = await uploadTwoParts('f-parts', 'CRC32C', 'FULL_OBJECT');
    await sdk.client.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'f-parts', UploadId: uploadId, MultipartUpload: { Parts: parts } }));
    const part = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'f-parts', PartNumber: 1, ChecksumMode: 'ENABLED' }));
    expect([part.ChecksumCRC32C, part.ChecksumType]).toEqual([undefined, undefined]);
    await part.Body?.transformToByteArray();
    const single = await sdk.client.send(
      new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'one', ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' }),
    );
    const only = await sdk.client.send(
      new UploadPartCommand({ Bucket: 'data', Key: 'one', UploadId: single.UploadId, PartNumber: 1, Body: second, ChecksumAlgorithm: 'CRC32C' }),
    );
    await sdk.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'data',
        Key: 'one',
        UploadId: single.UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag: only.ETag }] },
      }),
    );
    const whole = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'one', PartNumber: 1, ChecksumMode: 'ENABLED' }));
    expect([whole.$metadata.httpStatusCode, whole.ChecksumCRC32C, whole.ChecksumType]).toEqual([206, await checksumOf('CRC32C', second), 'FULL_OBJECT']);
    expect(Buffer.from(await whole.Body!.transformToByteArray()).equals(Buffer.from(second))).toBe(true);
  });

  it('refuses a full-object checksum that is not the object’s, and keeps the upload', async () => {
    const { uploadId, parts } = await uploadTwoParts('f-wrong', 'CRC32', 'FULL_OBJECT');
    const wrong = await sdkError(
      sdk.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'data',
          Key: 'f-wrong',
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
          ChecksumType: 'FULL_OBJECT',
          ChecksumCRC32: await checksumOf('CRC32', first),
        }),
      ),
    );
    expect([wrong.name, wrong.$metadata.httpStatusCode, wrong.message]).toEqual([
      'BadDigest',
      400,
      'The crc32 you specified did not match the calculated checksum.',
    ]);
    const mode = await sdkError(
      sdk.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'data',
          Key: 'f-wrong',
          UploadId: uploadId,
          MultipartUpload: { Parts: parts },
          ChecksumType: 'COMPOSITE',
        }),
      ),
    );
    expect([mode.name, mode.message]).toEqual([
      'InvalidRequest',
      'The upload was created using the FULL_OBJECT checksum mode. The complete request must use the same checksum mode.',
    ]);
    // Nothing was completed: the parts are still there, and the right completion works.
    expect((await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'f-wrong', UploadId: uploadId }))).Parts).toHaveLength(2);
    const done = await sdk.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'f-wrong', UploadId: uploadId, MultipartUpload: { Parts: parts } }),
    );
    expect(done.ChecksumCRC32).toBe(await checksumOf('CRC32', whole));
  });

  it('gives an upload that named no algorithm S3’s default CRC64NVME of the whole object', async () => {
    const created = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'default' }));
    expect(created.ChecksumAlgorithm).toBeUndefined();
    const parts: CompletedPart[] = [];
    for (const [index, body] of [first, second].entries()) {
      // The SDK sends CRC32 on each part by default; the engine also computes CRC64NVME.
      const sent = await sdk.client.send(
        new UploadPartCommand({ Bucket: 'data', Key: 'default', UploadId: created.UploadId, PartNumber: index + 1, Body: body }),
      );
      parts.push({ PartNumber: index + 1, ETag: sent.ETag });
    }
    // As S3 lists them (LocalStack's captures, February 2026): neither the CRC32 the SDK sent nor
    // the CRC64NVME kept for the object's checksum, nor an algorithm or type for the upload.
    const listed = await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'default', UploadId: created.UploadId }));
    expect([listed.ChecksumAlgorithm, listed.ChecksumType]).toEqual([undefined, undefined]);
    expect(listed.Parts?.map((part) => [part.PartNumber, part.ChecksumCRC64NVME, part.ChecksumCRC32])).toEqual([
      [1, undefined, undefined],
      [2, undefined, undefined],
    ]);
    const uploads = await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data' }));
    expect(uploads.Uploads?.map((upload) => upload.ChecksumAlgorithm)).toEqual([undefined]);
    await sdk.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'default', UploadId: created.UploadId, MultipartUpload: { Parts: parts } }),
    );
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'default', ChecksumMode: 'ENABLED' }));
    expect([got.ChecksumCRC64NVME, got.ChecksumType]).toEqual([await checksumOf('CRC64NVME', whole), 'FULL_OBJECT']);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
  });
});

describe('multipart checksum errors', () => {
  it('refuses algorithm/type combinations S3 refuses', async () => {
    const cases: [Algorithm, 'COMPOSITE' | 'FULL_OBJECT', string][] = [
      ['SHA256', 'FULL_OBJECT', 'The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.'],
      ['CRC64NVME', 'COMPOSITE', 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.'],
    ];
    for (const [algorithm, type, message] of cases) {
      const error = await sdkError(
        sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', ChecksumAlgorithm: algorithm as ChecksumAlgorithm, ChecksumType: type })),
      );
      expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual(['InvalidRequest', 400, message]);
    }
  });

  it('refuses an algorithm S3 does not have, naming the ten it takes', async () => {
    // LocalStack's record (February 2026) lists the five of then; S3 took ten from April 2026.
    const error = await sdkError(
      sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'newer', ChecksumAlgorithm: 'TEST' as ChecksumAlgorithm })),
    );
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidRequest',
      400,
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, MD5, SHA1, SHA256, SHA512, XXHASH128, XXHASH3, XXHASH64]',
    ]);
    const uploads = await sdk.client.send(new ListMultipartUploadsCommand({ Bucket: 'data', Prefix: 'newer' }));
    expect(uploads.Uploads).toBeUndefined();
  });

  it('refuses a part whose checksum is wrong, missing, or of another algorithm, storing nothing', async () => {
    const created = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'k', ChecksumAlgorithm: 'CRC32C' }));
    const part = { Bucket: 'data', Key: 'k', UploadId: created.UploadId, PartNumber: 1, Body: second };
    const wrong = await sdkError(sdk.client.send(new UploadPartCommand({ ...part, ChecksumCRC32C: await checksumOf('CRC32C', first) })));
    expect([wrong.name, wrong.$metadata.httpStatusCode, wrong.message]).toEqual([
      'BadDigest',
      400,
      'The CRC32C you specified did not match the calculated checksum.',
    ]);
    const other = await sdkError(sdk.client.send(new UploadPartCommand({ ...part, ChecksumAlgorithm: 'CRC32' })));
    expect([other.name, other.message]).toEqual([
      'InvalidRequest',
      'Checksum Type mismatch occurred, expected checksum Type: crc32c, actual checksum Type: crc32',
    ]);
    const bare = inProcessClient(sdk.engine.handler, { requestChecksumCalculation: 'WHEN_REQUIRED' });
    const missing = await sdkError(bare.send(new UploadPartCommand(part)));
    bare.destroy();
    expect([missing.name, missing.message]).toEqual([
      'InvalidRequest',
      'Checksum Type mismatch occurred, expected checksum Type: crc32c, actual checksum Type: null',
    ]);
    expect((await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'k', UploadId: created.UploadId }))).Parts).toBeUndefined();
  });

  it('checks the part checksums a completion lists: InvalidPart when wrong, InvalidRequest when a composite part has none', async () => {
    const { uploadId, parts } = await uploadTwoParts('k', 'CRC32');
    const [one, two] = parts as [CompletedPart, CompletedPart];
    const wrong = await sdkError(
      sdk.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'data',
          Key: 'k',
          UploadId: uploadId,
          MultipartUpload: { Parts: [one, { ...two, ChecksumCRC32: one.ChecksumCRC32 }] },
        }),
      ),
    );
    expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['InvalidPart', 400]);
    const missing = await sdkError(
      sdk.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: 'data',
          Key: 'k',
          UploadId: uploadId,
          MultipartUpload: { Parts: [one, { PartNumber: 2, ETag: two.ETag }] },
        }),
      ),
    );
    expect([missing.name, missing.message]).toEqual([
      'InvalidRequest',
      'The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 2 in the request.',
    ]);
  });
});

describe('copies and lib-storage', () => {
  it('UploadPartCopy gives the part the upload’s checksum; CopyObject of a composite object makes a full-object one', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: first }));
    const created = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'copied', ChecksumAlgorithm: 'SHA256' }));
    const copied = await sdk.client.send(
      new UploadPartCopyCommand({ Bucket: 'data', Key: 'copied', UploadId: created.UploadId, PartNumber: 1, CopySource: 'data/source' }),
    );
    expect(copied.CopyPartResult?.ChecksumSHA256).toBe(await checksumOf('SHA256', first));
    const tail = await sdk.client.send(
      new UploadPartCommand({ Bucket: 'data', Key: 'copied', UploadId: created.UploadId, PartNumber: 2, Body: second, ChecksumAlgorithm: 'SHA256' }),
    );
    await sdk.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: 'data',
        Key: 'copied',
        UploadId: created.UploadId,
        MultipartUpload: {
          Parts: [
            { PartNumber: 1, ETag: copied.CopyPartResult?.ETag, ChecksumSHA256: copied.CopyPartResult?.ChecksumSHA256 },
            { PartNumber: 2, ETag: tail.ETag, ChecksumSHA256: tail.ChecksumSHA256 },
          ],
        },
      }),
    );
    const copy = await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'flat', CopySource: 'data/copied' }));
    expect(copy.CopyObjectResult?.ChecksumSHA256).toBe(await checksumOf('SHA256', whole));
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'flat', ChecksumMode: 'ENABLED' }));
    expect([got.ChecksumSHA256, got.ChecksumType]).toEqual([await checksumOf('SHA256', whole), 'FULL_OBJECT']);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(whole)).toBe(true);
  });

  it('lib-storage Upload with its default checksums (CRC32, composite), and with a FULL_OBJECT type the SDK validates on GET', async () => {
    const { Upload } = await import('@aws-sdk/lib-storage');
    const body = Buffer.concat([whole, first]);
    const partSize = MIN_PART_SIZE;
    const pieces = [body.subarray(0, partSize), body.subarray(partSize, 2 * partSize), body.subarray(2 * partSize)];
    await new Upload({ client: sdk.client, params: { Bucket: 'data', Key: 'lib', Body: body }, partSize, queueSize: 2 }).done();
    const composed = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'lib', ChecksumMode: 'ENABLED' }));
    expect([composed.ChecksumCRC32, composed.ChecksumType]).toEqual([await composite('CRC32', pieces), 'COMPOSITE']);

    // lib-storage passes its params to CreateMultipartUpload and CompleteMultipartUpload as they are.
    const params = { Bucket: 'data', Key: 'lib-full', Body: body, ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' } as {
      Bucket: string;
      Key: string;
      Body: Buffer;
    };
    await new Upload({ client: sdk.client, params, partSize, queueSize: 2 }).done();
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'lib-full', ChecksumMode: 'ENABLED' }));
    expect([got.ChecksumCRC32C, got.ChecksumType]).toEqual([await checksumOf('CRC32C', body), 'FULL_OBJECT']);
    // The SDK checks the body against ChecksumCRC32C as it is read, and fails the read on a mismatch.
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(body)).toBe(true);
  });
});
