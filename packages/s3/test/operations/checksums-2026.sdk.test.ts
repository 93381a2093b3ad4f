/**
 * The five checksum algorithms S3 added in April 2026 (MD5, SHA512, XXHASH64, XXHASH3, XXHASH128:
 * `x-amz-checksum-md5` … `x-amz-checksum-xxhash128` in the S3 API model the pinned
 * `@aws-sdk/client-s3` is built from), through that SDK by the kernel's in-process handler. The
 * SDK computes MD5 itself and the others with the implementations its `@aws-sdk/checksums`
 * package ships (passed as `checksumAlgorithms`), sends them as a header or an aws-chunked trailer,
 * and validates the value a checksum-mode GET answers against the body it receives: so each test
 * below fails if the engine computes a different value than the SDK.
 */

import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { Sha512 } from '@aws-sdk/checksums/sha';
import { Xxh3_64, Xxh3_128, Xxh64 } from '@aws-sdk/checksums/xxh';
import {
  type ChecksumAlgorithm,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { checksumOf } from '../../src/index.ts';
import { useInProcessS3 } from '../helpers/sdk-fixture.ts';
import { sdkError } from '../helpers/wire.ts';

type Added = 'MD5' | 'SHA512' | 'XXHASH64' | 'XXHASH3' | 'XXHASH128';
const ADDED: readonly Added[] = ['MD5', 'SHA512', 'XXHASH64', 'XXHASH3', 'XXHASH128'];
const member = (algorithm: Added): `Checksum${Added}` => `Checksum${algorithm}`;

const sdk = useInProcessS3({ buckets: ['data'], client: { checksumAlgorithms: { SHA512: Sha512, XXHASH64: Xxh64, XXHASH3: Xxh3_64, XXHASH128: Xxh3_128 } } });

const body = new Uint8Array(randomBytes(300_001));

describe('the engine computes the SDK’s values', () => {
  it('known answers: the empty input and "abc", as the xxHash and RFC test vectors give them', async () => {
    const hex = async (algorithm: Added, text: string) => Buffer.from(await checksumOf(algorithm, new TextEncoder().encode(text)), 'base64').toString('hex');
    expect(await hex('XXHASH64', '')).toBe('ef46db3751d8e999');
    expect(await hex('XXHASH64', 'abc')).toBe('44bc2cf5ad770999');
    expect(await hex('XXHASH3', '')).toBe('2d06800538d394c2');
    expect(await hex('XXHASH3', 'abc')).toBe('78af5f94892f3950');
    expect(await hex('XXHASH128', '')).toBe('99aa06d3014798d86001c324468d497f');
    expect(await hex('XXHASH128', 'abc')).toBe('06b05ab6733a618578af5f94892f3950');
    expect(await hex('MD5', 'abc')).toBe('900150983cd24fb0d6963f7d28e17f72');
    expect((await hex('SHA512', 'abc')).slice(0, 32)).toBe('ddaf35a193617abacc417349ae204131');
  });
});

describe.each(ADDED)('%s on a single PUT', (algorithm) => {
  it('is computed by the SDK, checked and stored by the engine, answered by PutObject and a checksum-mode GET and HEAD', async () => {
    const expected = await checksumOf(algorithm, body);
    const put = await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: body, ChecksumAlgorithm: algorithm as ChecksumAlgorithm }));
    expect([put[member(algorithm)], put.ChecksumType]).toEqual([expected, 'FULL_OBJECT']);
    // The SDK validates the value against the body as it reads it.
    const got = await sdk.client.send(new GetObjectCommand({ Bucket: 'data', Key: 'k', ChecksumMode: 'ENABLED' }));
    expect(got[member(algorithm)]).toBe(expected);
    expect(Buffer.from(await got.Body!.transformToByteArray()).equals(Buffer.from(body))).toBe(true);
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'k', ChecksumMode: 'ENABLED' }));
    expect([head[member(algorithm)], head.ChecksumType]).toEqual([expected, 'FULL_OBJECT']);
  });

  it('arrives as an aws-chunked trailer for a stream body, and is checked the same way', async () => {
    await sdk.client.send(
      new PutObjectCommand({
        Bucket: 'data',
        Key: 'streamed',
        Body: Readable.from([body]),
        ContentLength: body.length,
        ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
      }),
    );
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'streamed', ChecksumMode: 'ENABLED' }));
    expect(head[member(algorithm)]).toBe(await checksumOf(algorithm, body));
  });

  it('a wrong value is 400 BadDigest naming the algorithm, and nothing is stored', async () => {
    const other = await checksumOf(algorithm, new TextEncoder().encode('other'));
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bad', Body: body, [member(algorithm)]: other })));
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'BadDigest',
      400,
      `The ${algorithm} you specified did not match the calculated checksum.`,
    ]);
    expect((await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'bad' })))).$metadata.httpStatusCode).toBe(404);
  });

  it('a value of the wrong length is 400 InvalidRequest naming its header', async () => {
    const error = await sdkError(sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'bad', Body: body, [member(algorithm)]: 'AAAA' })));
    expect([error.name, error.message]).toEqual(['InvalidRequest', `Value for x-amz-checksum-${algorithm.toLowerCase()} header is invalid.`]);
  });

  it('CopyObject computes it over the plaintext when asked', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: body }));
    const copied = await sdk.client.send(
      new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', ChecksumAlgorithm: algorithm as ChecksumAlgorithm }),
    );
    expect(copied.CopyObjectResult?.[member(algorithm)]).toBe(await checksumOf(algorithm, body));
  });
});

describe('CopyObject’s x-amz-checksum-algorithm', () => {
  it('names the destination’s algorithm on the wire too (it was not bound, so a copy got CRC64NVME)', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: body }));
    const copied = await sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', ChecksumAlgorithm: 'CRC32' }));
    expect([copied.CopyObjectResult?.ChecksumCRC32, copied.CopyObjectResult?.ChecksumCRC64NVME]).toEqual([await checksumOf('CRC32', body), undefined]);
    const head = await sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy', ChecksumMode: 'ENABLED' }));
    expect(head.ChecksumCRC32).toBe(await checksumOf('CRC32', body));
  });

  it('refuses an algorithm S3 does not have with the unsupported-algorithm text, copying nothing', async () => {
    await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'source', Body: body }));
    const error = await sdkError(
      sdk.client.send(new CopyObjectCommand({ Bucket: 'data', Key: 'copy', CopySource: 'data/source', ChecksumAlgorithm: 'TEST' as ChecksumAlgorithm })),
    );
    expect([error.name, error.$metadata.httpStatusCode, error.message]).toEqual([
      'InvalidRequest',
      400,
      'Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, MD5, SHA1, SHA256, SHA512, XXHASH128, XXHASH3, XXHASH64]',
    ]);
    expect((await sdkError(sdk.client.send(new HeadObjectCommand({ Bucket: 'data', Key: 'copy' })))).$metadata.httpStatusCode).toBe(404);
  });
});

describe.each(ADDED)('%s on a multipart upload', (algorithm) => {
  it('is COMPOSITE (the checksum of the parts’ checksums, -N), each part checked, listed and answered', async () => {
    const created = await sdk.client.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', ChecksumAlgorithm: algorithm as ChecksumAlgorithm }));
    expect([created.ChecksumAlgorithm, created.ChecksumType]).toEqual([algorithm, 'COMPOSITE']);
    const parts = [new Uint8Array(randomBytes(5 * 1024 * 1024)), new Uint8Array(randomBytes(1000))];
    const completed = [];
    for (const [index, part] of parts.entries()) {
      const uploaded = await sdk.client.send(
        new UploadPartCommand({
          Bucket: 'data',
          Key: 'mpu',
          UploadId: created.UploadId,
          PartNumber: index + 1,
          Body: part,
          ChecksumAlgorithm: algorithm as ChecksumAlgorithm,
        }),
      );
      expect(uploaded[member(algorithm)]).toBe(await checksumOf(algorithm, part));
      completed.push({ PartNumber: index + 1, ETag: uploaded.ETag, [member(algorithm)]: uploaded[member(algorithm)] });
    }
    const listed = await sdk.client.send(new ListPartsCommand({ Bucket: 'data', Key: 'mpu', UploadId: created.UploadId }));
    expect(listed.Parts?.map((part) => part[member(algorithm)])).toEqual(completed.map((part) => part[member(algorithm)]));
    const done = await sdk.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', UploadId: created.UploadId, MultipartUpload: { Parts: completed } }),
    );
    const binary = Buffer.concat(await Promise.all(parts.map(async (part) => Buffer.from(await checksumOf(algorithm, part), 'base64'))));
    expect([done[member(algorithm)], done.ChecksumType]).toEqual([`${await checksumOf(algorithm, binary)}-2`, 'COMPOSITE']);
  });

  it('cannot be FULL_OBJECT (a hash does not combine), as S3 answers for SHA-256', async () => {
    const error = await sdkError(
      sdk.client.send(
        new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'mpu', ChecksumAlgorithm: algorithm as ChecksumAlgorithm, ChecksumType: 'FULL_OBJECT' }),
      ),
    );
    expect([error.name, error.message]).toEqual([
      'InvalidRequest',
      `The FULL_OBJECT checksum type cannot be used with the ${algorithm.toLowerCase()} checksum algorithm.`,
    ]);
  });
});
