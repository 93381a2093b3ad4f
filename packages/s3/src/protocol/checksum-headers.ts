/**
 * @module
 * The wire form of S3's additional checksums (model `httpHeader` traits of PutObject, UploadPart,
 * GetObject, HeadObject, …; s3-sse.md §5.5): `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256,md5,sha512,xxhash64,xxhash3,xxhash128}`
 * both ways, `x-amz-sdk-checksum-algorithm` on writes, `x-amz-checksum-mode` on reads and
 * `x-amz-checksum-type` on responses. A value sent as an aws-chunked trailer reaches the engine
 * with the decoded body instead.
 */

import { header, type MemberBindings, type XmlShape } from './binding.ts';

/** The checksum value headers, one per algorithm (PutObject, UploadPart, CompleteMultipartUpload, …). */
export const CHECKSUM_VALUE_HEADERS: MemberBindings = Object.freeze({
  ChecksumCRC32: header('x-amz-checksum-crc32'),
  ChecksumCRC32C: header('x-amz-checksum-crc32c'),
  ChecksumCRC64NVME: header('x-amz-checksum-crc64nvme'),
  ChecksumSHA1: header('x-amz-checksum-sha1'),
  ChecksumSHA256: header('x-amz-checksum-sha256'),
  ChecksumMD5: header('x-amz-checksum-md5'),
  ChecksumSHA512: header('x-amz-checksum-sha512'),
  ChecksumXXHASH64: header('x-amz-checksum-xxhash64'),
  ChecksumXXHASH3: header('x-amz-checksum-xxhash3'),
  ChecksumXXHASH128: header('x-amz-checksum-xxhash128'),
});

/** A write's checksum members (PutObject, UploadPart). */
export const CHECKSUM_REQUEST: MemberBindings = Object.freeze({ ChecksumAlgorithm: header('x-amz-sdk-checksum-algorithm'), ...CHECKSUM_VALUE_HEADERS });

/** A read's request for the stored checksum (GetObject, HeadObject). */
export const CHECKSUM_MODE_REQUEST: MemberBindings = Object.freeze({ ChecksumMode: header('x-amz-checksum-mode') });

/** The checksum members of a response: the stored value and its type. */
export const CHECKSUM_RESPONSE: MemberBindings = Object.freeze({ ...CHECKSUM_VALUE_HEADERS, ChecksumType: header('x-amz-checksum-type') });

/**
 * The checksum value elements of an XML document, one per algorithm (model `CompletedPart`, `Part`,
 * `CopyPartResult`, `CopyObjectResult`, `CompleteMultipartUploadOutput`): spread into each `struct`
 * so the list of algorithms is written once.
 */
export const CHECKSUM_XML_MEMBERS: Readonly<Record<string, XmlShape>> = Object.freeze({
  ChecksumCRC32: 'string',
  ChecksumCRC32C: 'string',
  ChecksumCRC64NVME: 'string',
  ChecksumSHA1: 'string',
  ChecksumSHA256: 'string',
  ChecksumMD5: 'string',
  ChecksumSHA512: 'string',
  ChecksumXXHASH64: 'string',
  ChecksumXXHASH3: 'string',
  ChecksumXXHASH128: 'string',
});
