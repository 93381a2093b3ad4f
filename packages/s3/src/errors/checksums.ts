/**
 * @module
 * Additional checksums (`x-amz-checksum-*`), of single requests and of multipart uploads.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Additional checksums (x-amz-checksum-*). */
export type ChecksumErrorReason =
  | 'ChecksumMismatch'
  | 'InvalidChecksumValue'
  | 'MultipleChecksums'
  | 'InvalidChecksumAlgorithm'
  | 'ChecksumAlgorithmMismatch'
  | 'InvalidTrailingChecksumValue'
  | 'InvalidChecksumType'
  | 'ChecksumTypeWithoutAlgorithm'
  | 'ChecksumTypeNotSupported'
  | 'ChecksumModeMismatch'
  | 'UnsupportedChecksumAlgorithm'
  | 'PartChecksumMissing'
  | 'PartChecksumMismatch'
  | 'CompletionChecksumMismatch'
  | 'MpuObjectSizeMismatch';

/** How S3 answers each `ChecksumErrorReason`. */
export const CHECKSUM_ERRORS: Readonly<Record<ChecksumErrorReason, S3WireError>> = {
  // s3-sse.md §2.4 (LS-snapshot): the algorithm's name in the text, CRC32 through SHA256.
  ChecksumMismatch: { code: 'BadDigest', status: 400, message: (d) => `The ${d.value ?? 'CRC64NVME'} you specified did not match the calculated checksum.` },
  InvalidChecksumValue: { code: 'InvalidRequest', status: 400, message: (d) => `Value for ${d.value ?? 'x-amz-checksum-crc64nvme'} header is invalid.` },
  MultipleChecksums: { code: 'InvalidRequest', status: 400, message: 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.' },
  // UNCONFIRMED: no capture of S3 refusing an unknown or contradicting x-amz-sdk-checksum-algorithm;
  // the wording follows S3's other header-value refusals.
  InvalidChecksumAlgorithm: { code: 'InvalidRequest', status: 400, message: 'Value for x-amz-sdk-checksum-algorithm header is invalid.' },
  // The texts below are the ones versitygw's AWS-checked suite pins (s3err/s3err.go), and
  // LocalStack's provider for the multipart ones (second-hand: no capture in the reference).
  ChecksumAlgorithmMismatch: {
    code: 'InvalidRequest',
    status: 400,
    message: (d) => `Checksum Type mismatch occurred, expected checksum Type: ${d.expected ?? ''}, actual checksum Type: ${d.actual ?? ''}`,
  },
  InvalidTrailingChecksumValue: {
    code: 'InvalidRequest',
    status: 400,
    message: (d) => `Value for ${d.value ?? 'x-amz-checksum-crc64nvme'} trailing header is invalid.`,
  },
  InvalidChecksumType: { code: 'InvalidRequest', status: 400, message: 'Value for x-amz-checksum-type header is invalid.' },
  ChecksumTypeWithoutAlgorithm: {
    code: 'InvalidRequest',
    status: 400,
    message: 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.',
  },
  ChecksumTypeNotSupported: {
    code: 'InvalidRequest',
    status: 400,
    message: (d) => `The ${d.value ?? 'COMPOSITE'} checksum type cannot be used with the ${(d.actual ?? 'crc64nvme').toLowerCase()} checksum algorithm.`,
  },
  ChecksumModeMismatch: {
    code: 'InvalidRequest',
    status: 400,
    message: (d) => `The upload was created using the ${d.value ?? 'FULL_OBJECT'} checksum mode. The complete request must use the same checksum mode.`,
  },
  // Multipart checksums (CreateMultipartUpload, CompleteMultipartUpload): LocalStack's texts, from
  // its provider whose tests are recorded against real S3 (second-hand: no capture in the reference).
  // UnsupportedChecksumAlgorithm: LocalStack's record (S3, February 2026) lists the five algorithms
  // S3 took then; S3 added MD5, SHA512, XXHASH3, XXHASH64 and XXHASH128 in April 2026, and
  // versitygw (s3err.go ErrInvalidChecksumAlgorithm) lists all ten, sorted, as `detail.value`
  // (built from CHECKSUM_ALGORITHMS) does.
  UnsupportedChecksumAlgorithm: {
    code: 'InvalidRequest',
    status: 400,
    message: (d) => `Checksum algorithm provided is unsupported. Please try again with any of the valid types: [${d.value ?? ''}]`,
  },
  // Also captured from real S3 in boto/s3transfer#241 ("…using a sha256 checksum…").
  PartChecksumMissing: {
    code: 'InvalidRequest',
    status: 400,
    message: (d) =>
      `The upload was created using a ${d.value ?? 'crc32'} checksum. The complete request must include the checksum for each part. It was missing for part ${d.actual ?? ''} in the request.`,
  },
  PartChecksumMismatch: {
    code: 'BadDigest',
    status: 400,
    message: (d) => `The ${d.value ?? 'crc32'} you specified for part ${d.actual ?? ''} did not match what we received.`,
  },
  // The algorithm in lower case here, as LocalStack words a completion's full-object mismatch.
  CompletionChecksumMismatch: {
    code: 'BadDigest',
    status: 400,
    message: (d) => `The ${d.value ?? 'crc64nvme'} you specified did not match the calculated checksum.`,
  },
  MpuObjectSizeMismatch: {
    code: 'InvalidRequest',
    status: 400,
    message: (d) => `The provided 'x-amz-mp-object-size' header value ${d.value ?? ''} does not match what was computed: ${d.actual ?? ''}`,
  },
};
