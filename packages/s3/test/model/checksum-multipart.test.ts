/**
 * The multipart checksum rules without storage: a part must carry its upload's algorithm; a
 * completion's part list is checked part by part (ETag, listed checksums, size); its checksum type
 * must be the upload's; a full-object value it sends must be the object's; with S3's texts.
 */

import { describe, expect, it } from 'vitest';
import {
  checkCompletedParts,
  checkCompletionChecksum,
  checkCompletionChecksumType,
  checkMpuObjectSize,
  checkPartChecksumAlgorithm,
  checksumValuesOf,
  MIN_PART_SIZE,
  resolveUploadChecksum,
} from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

const CRC32_COMPOSITE = resolveUploadChecksum({ ChecksumAlgorithm: 'CRC32' });
const CRC32_FULL = resolveUploadChecksum({ ChecksumAlgorithm: 'CRC32', ChecksumType: 'FULL_OBJECT' });
const NONE = resolveUploadChecksum({});

const wire = (action: () => unknown): [string, number, string] => {
  const error = catchS3(action);
  return [error.code, error.status, error.message];
};

describe('a part of an upload that named an algorithm', () => {
  it('must carry that algorithm, named in lower case in S3’s text (null when it sent none)', () => {
    checkPartChecksumAlgorithm(CRC32_COMPOSITE, 'CRC32');
    checkPartChecksumAlgorithm(NONE, undefined);
    checkPartChecksumAlgorithm(NONE, 'SHA1');
    expect(wire(() => checkPartChecksumAlgorithm(CRC32_COMPOSITE, undefined))).toEqual([
      'InvalidRequest',
      400,
      'Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: null',
    ]);
    expect(wire(() => checkPartChecksumAlgorithm(CRC32_FULL, 'CRC64NVME'))[2]).toBe(
      'Checksum Type mismatch occurred, expected checksum Type: crc32, actual checksum Type: crc64nvme',
    );
  });
});

describe('checkCompletedParts with checksums', () => {
  const stored = [
    { partNumber: 1, etag: 'aa', size: MIN_PART_SIZE, checksum: 'AAAAAQ==' },
    { partNumber: 2, etag: 'bb', size: 10, checksum: 'AAAAAg==' },
  ];
  const listed = (second: Record<string, string>) => [
    { partNumber: 1, etag: '"aa"', checksums: { CRC32: 'AAAAAQ==' } },
    { partNumber: 2, etag: '"bb"', checksums: second },
  ];

  it('accepts the stored values; a FULL_OBJECT upload’s parts may omit theirs', () => {
    checkCompletedParts('u', listed({ CRC32: 'AAAAAg==' }), stored, CRC32_COMPOSITE);
    checkCompletedParts('u', listed({}), stored, CRC32_FULL);
  });

  it('refuses a value that is not the stored one as InvalidPart', () => {
    expect(wire(() => checkCompletedParts('u', listed({ CRC32: 'AAAAAQ==' }), stored, CRC32_FULL))[0]).toBe('InvalidPart');
  });

  it('refuses a COMPOSITE part listed without its checksum, or with another algorithm’s', () => {
    expect(wire(() => checkCompletedParts('u', listed({}), stored, CRC32_COMPOSITE))).toEqual([
      'InvalidRequest',
      400,
      'The upload was created using a crc32 checksum. The complete request must include the checksum for each part. It was missing for part 2 in the request.',
    ]);
    expect(wire(() => checkCompletedParts('u', listed({ SHA256: 'x' }), stored, CRC32_COMPOSITE))).toEqual([
      'BadDigest',
      400,
      'The sha256 you specified for part 2 did not match what we received.',
    ]);
  });

  it('refuses part checksums in an upload that named no algorithm as InvalidPart', () => {
    expect(wire(() => checkCompletedParts('u', listed({ CRC32: 'AAAAAg==' }), stored, NONE))[0]).toBe('InvalidPart');
    checkCompletedParts(
      'u',
      listed({}).map(({ partNumber, etag }) => ({ partNumber, etag })),
      stored,
      NONE,
    );
  });
});

describe('a completion’s own checksum members', () => {
  it('must use the upload’s checksum type (null for an upload that named none)', () => {
    checkCompletionChecksumType(CRC32_FULL, 'FULL_OBJECT');
    checkCompletionChecksumType(CRC32_COMPOSITE, undefined);
    expect(wire(() => checkCompletionChecksumType(CRC32_COMPOSITE, 'FULL_OBJECT'))[2]).toBe(
      'The upload was created using the COMPOSITE checksum mode. The complete request must use the same checksum mode.',
    );
    expect(wire(() => checkCompletionChecksumType(NONE, 'FULL_OBJECT'))[2]).toBe(
      'The upload was created using the null checksum mode. The complete request must use the same checksum mode.',
    );
  });

  it('checks a full-object value against the object’s: same algorithm, with its type, equal', () => {
    checkCompletionChecksum(CRC32_FULL, { CRC32: 'AAAAAQ==' }, true, 'AAAAAQ==');
    checkCompletionChecksum(CRC32_FULL, {}, false, 'AAAAAQ==');
    const mismatch = ['BadDigest', 400, 'The crc32 you specified did not match the calculated checksum.'];
    expect(wire(() => checkCompletionChecksum(CRC32_FULL, { CRC32: 'AAAAAg==' }, true, 'AAAAAQ=='))).toEqual(mismatch);
    expect(wire(() => checkCompletionChecksum(CRC32_FULL, { CRC32: 'AAAAAQ==' }, false, 'AAAAAQ=='))).toEqual(mismatch);
    expect(wire(() => checkCompletionChecksum(CRC32_COMPOSITE, { CRC32C: 'AAAAAQ==' }, false, 'x-2'))).toEqual(mismatch);
  });

  it('checks x-amz-mp-object-size against the parts’ total', () => {
    checkMpuObjectSize(undefined, 5);
    checkMpuObjectSize(5, 5);
    expect(wire(() => checkMpuObjectSize(4, 5))).toEqual([
      'InvalidRequest',
      400,
      "The provided 'x-amz-mp-object-size' header value 4 does not match what was computed: 5",
    ]);
  });

  it('reads checksum members into values by algorithm, ignoring what is not a string', () => {
    expect({ ...checksumValuesOf({ ChecksumSHA1: 'a', ChecksumCRC32: undefined, ChecksumCRC32C: 3 }) }).toEqual({ SHA1: 'a' });
  });
});
