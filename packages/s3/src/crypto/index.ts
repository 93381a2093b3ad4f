/**
 * @module
 * Encryption at rest: data key providers per mode, SSE-S3 root keys, SSE-C key verification, and
 * the object cipher that seals bodies into storage and opens them whole or by range.
 */

export { type ChecksumHasher, checksumOf, createChecksumHasher } from './checksum-hasher.ts';
export * from './data-key-provider.ts';
export {
  OBJECT_FRAME_LENGTH,
  openObject,
  openObjectRange,
  RANGE_WINDOW,
  type SealedSegment,
  type SealObjectOptions,
  type SealOutcome,
  type SealProgress,
  type SegmentKeys,
  sealObject,
} from './object-cipher.ts';
export { ROOT_KEYS_DIRECTORY, type RootKeyOptions, SseS3RootKeys } from './root-keys.ts';
export {
  type CustomerKeyVerifier,
  createCustomerKeyVerifier,
  SSE_C_FIELDS,
  SseCProvider,
  type SseCRequest,
  storedCustomerKeyVerifier,
  verifyCustomerKey,
} from './sse-c.ts';
export { SseS3Provider } from './sse-s3.ts';
