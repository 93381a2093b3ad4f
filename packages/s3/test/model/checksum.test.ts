/**
 * S3's additional checksums: known answers (the CRC64NVME check value, and values recorded from
 * real S3 in LocalStack's AWS-validated snapshots), and which checksum a request carries, with
 * S3's refusals.
 */

import { createHash } from 'node:crypto';
import { AwsCrc32 } from '@aws-crypto/crc32';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECKSUM_ALGORITHMS,
  checksumOf,
  checksumOfStream,
  compositeChecksum,
  createChecksumHasher,
  resolveChecksumRequest,
  resolveUploadChecksum,
} from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

const text = (value: string) => new TextEncoder().encode(value);

describe('checksum values', () => {
  it('gives the published check value of CRC64NVME and the values real S3 recorded', async () => {
    const hasher = createChecksumHasher('CRC64NVME');
    hasher.update(text('123456789'));
    expect(Buffer.from(await hasher.digest()).toString('hex')).toBe('ae8b14860a799888');
    // s3-sse.md §5.5: recorded on real S3 objects (SSE-C and SSE-KMS), so always over the plaintext.
    expect(await checksumOf('CRC64NVME', text('test data..'))).toBe('qUVrWYOrIAM=');
    expect(await checksumOf('CRC32', text('test-sse'))).toBe('KHcEKQ==');
    expect(await checksumOf('CRC32', text('test_data'))).toBe('qIrZrA==');
    // CRC-32C check value (RFC 3720 B.4: "123456789" → 0xe3069283).
    expect(Buffer.from(await checksumOf('CRC32C', text('123456789')), 'base64').toString('hex')).toBe('e3069283');
    expect(await checksumOf('SHA256', text('abc'))).toBe(createHash('sha256').update('abc').digest('base64'));
    expect(await checksumOf('SHA1', text('abc'))).toBe(createHash('sha1').update('abc').digest('base64'));
  });

  it('does not depend on how the body is cut', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...CHECKSUM_ALGORITHMS),
        fc.uint8Array({ maxLength: 2000 }),
        fc.array(fc.nat({ max: 2000 }), { maxLength: 5 }),
        async (algorithm, body, cuts) => {
          const hasher = createChecksumHasher(algorithm);
          let start = 0;
          for (const cut of [...cuts, body.length].sort((a, b) => a - b)) {
            hasher.update(body.subarray(start, Math.max(start, cut)));
            start = Math.max(start, cut);
          }
          expect(Buffer.from(await hasher.digest()).toString('base64')).toBe(await checksumOf(algorithm, body));
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('resolveChecksumRequest', () => {
  it('takes the one value sent, the trailer algorithm, the named algorithm, or CRC64NVME by default', () => {
    expect(resolveChecksumRequest({ ChecksumCRC32: 'NSRBwg==' })).toEqual({ algorithm: 'CRC32', expected: 'NSRBwg==' });
    expect(resolveChecksumRequest({ ChecksumAlgorithm: 'CRC32', ChecksumCRC32: 'NSRBwg==' })).toEqual({ algorithm: 'CRC32', expected: 'NSRBwg==' });
    expect(resolveChecksumRequest({ ChecksumAlgorithm: 'crc32c' }, 'CRC32C')).toEqual({ algorithm: 'CRC32C', expected: undefined });
    expect(resolveChecksumRequest({ ChecksumAlgorithm: 'SHA256' })).toEqual({ algorithm: 'SHA256', expected: undefined });
    expect(resolveChecksumRequest({})).toEqual({ algorithm: 'CRC64NVME', expected: undefined });
  });

  it('refuses two values (or a value and a trailer) with S3 text', () => {
    for (const members of [{ ChecksumCRC32: 'NSRBwg==', ChecksumSHA1: 'qZk+NkcGgWq6PiVxeFDCbJzQ2J0=' }]) {
      const error = catchS3(() => resolveChecksumRequest(members));
      expect([error.code, error.status, error.message]).toEqual([
        'InvalidRequest',
        400,
        'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
      ]);
    }
    expect(catchS3(() => resolveChecksumRequest({ ChecksumCRC32: 'NSRBwg==' }, 'CRC32')).reason).toBe('MultipleChecksums');
  });

  it('refuses a value that is not the base64 of a digest of the right length, naming its header', () => {
    for (const [members, header] of [
      [{ ChecksumCRC32: 'AAAAAAA=' }, 'x-amz-checksum-crc32'],
      [{ ChecksumCRC64NVME: 'NSRBwg==' }, 'x-amz-checksum-crc64nvme'],
      [{ ChecksumSHA256: 'not base64' }, 'x-amz-checksum-sha256'],
      [{ ChecksumCRC32C: '' }, 'x-amz-checksum-crc32c'],
    ] as const) {
      const error = catchS3(() => resolveChecksumRequest(members));
      expect([error.code, error.message]).toEqual(['InvalidRequest', `Value for ${header} header is invalid.`]);
    }
  });

  it('refuses an unknown algorithm, or one that contradicts the value sent, naming both', () => {
    expect(catchS3(() => resolveChecksumRequest({ ChecksumAlgorithm: 'TEST' })).reason).toBe('InvalidChecksumAlgorithm');
    const mismatch = catchS3(() => resolveChecksumRequest({ ChecksumAlgorithm: 'SHA1', ChecksumCRC32: 'NSRBwg==' }));
    expect([mismatch.code, mismatch.message]).toEqual([
      'InvalidRequest',
      'Checksum Type mismatch occurred, expected checksum Type: SHA1, actual checksum Type: CRC32',
    ]);
  });
});

describe('multipart checksums', () => {
  it('resolves CreateMultipartUpload algorithm and type as S3 does, with its texts', () => {
    expect(resolveUploadChecksum({})).toEqual({ algorithm: 'CRC64NVME', type: 'FULL_OBJECT', requested: false });
    expect(resolveUploadChecksum({ ChecksumAlgorithm: 'CRC64NVME' })).toMatchObject({ type: 'FULL_OBJECT' });
    for (const algorithm of ['CRC32', 'CRC32C', 'SHA1', 'SHA256']) expect(resolveUploadChecksum({ ChecksumAlgorithm: algorithm }).type).toBe('COMPOSITE');
    expect(resolveUploadChecksum({ ChecksumAlgorithm: 'CRC32C', ChecksumType: 'FULL_OBJECT' })).toMatchObject({ type: 'FULL_OBJECT', requested: true });
    const cases: [Record<string, string>, string][] = [
      [{ ChecksumType: 'COMPOSITE' }, 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.'],
      [{ ChecksumAlgorithm: 'CRC32', ChecksumType: 'PARTIAL' }, 'Value for x-amz-checksum-type header is invalid.'],
      [{ ChecksumAlgorithm: 'SHA256', ChecksumType: 'FULL_OBJECT' }, 'The FULL_OBJECT checksum type cannot be used with the sha256 checksum algorithm.'],
      [{ ChecksumAlgorithm: 'CRC64NVME', ChecksumType: 'COMPOSITE' }, 'The COMPOSITE checksum type cannot be used with the crc64nvme checksum algorithm.'],
    ];
    for (const [members, message] of cases) {
      const error = catchS3(() => resolveUploadChecksum(members));
      expect([error.code, error.status, error.message]).toEqual(['InvalidRequest', 400, message]);
    }
  });

  it('makes a composite checksum as the checksum of the parts’ binary checksums, with -N', async () => {
    const parts = [text('first part'), text('second'), text('3')];
    const sha = await Promise.all(parts.map((part) => checksumOf('SHA256', part)));
    const expected = createHash('sha256');
    for (const part of parts) expected.update(createHash('sha256').update(part).digest());
    expect(await compositeChecksum('SHA256', sha)).toBe(`${expected.digest('base64')}-3`);
    const crcs = await Promise.all(parts.map((part) => checksumOf('CRC32', part)));
    const crcOfCrcs = new AwsCrc32();
    for (const crc of crcs) crcOfCrcs.update(Buffer.from(crc, 'base64'));
    expect(await compositeChecksum('CRC32', crcs)).toBe(`${Buffer.from(await crcOfCrcs.digest()).toString('base64')}-3`);
  });

  it('checksums a whole stream as it checksums the joined bytes', async () => {
    const chunks = [text('ab'), text('c'), text('')];
    expect(
      await checksumOfStream(
        'CRC64NVME',
        (async function* () {
          yield* chunks;
        })(),
      ),
    ).toBe(await checksumOf('CRC64NVME', text('abc')));
  });
});
