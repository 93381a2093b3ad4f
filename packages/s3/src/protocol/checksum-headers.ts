/**
 * @module
 * The wire form of S3's additional checksums (model `httpHeader` traits of PutObject, UploadPart,
 * GetObject, HeadObject, …; s3-sse.md §5.5): `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}`
 * both ways, `x-amz-sdk-checksum-algorithm` on writes, `x-amz-checksum-mode` on reads and
 * `x-amz-checksum-type` on responses. A value sent as an aws-chunked trailer reaches the engine
 * with the decoded body instead.
 */

import { header, type MemberBindings } from './binding.ts';

const VALUES: MemberBindings = Object.freeze({
  ChecksumCRC32: header('x-amz-checksum-crc32'),
  ChecksumCRC32C: header('x-amz-checksum-crc32c'),
  ChecksumCRC64NVME: header('x-amz-checksum-crc64nvme'),
  ChecksumSHA1: header('x-amz-checksum-sha1'),
  ChecksumSHA256: header('x-amz-checksum-sha256'),
});

/** A write's checksum members (PutObject, UploadPart). */
export const CHECKSUM_REQUEST: MemberBindings = Object.freeze({ ChecksumAlgorithm: header('x-amz-sdk-checksum-algorithm'), ...VALUES });

/** A read's request for the stored checksum (GetObject, HeadObject). */
export const CHECKSUM_MODE_REQUEST: MemberBindings = Object.freeze({ ChecksumMode: header('x-amz-checksum-mode') });

/** The checksum members of a response: the stored value and its type. */
export const CHECKSUM_RESPONSE: MemberBindings = Object.freeze({ ...VALUES, ChecksumType: header('x-amz-checksum-type') });
