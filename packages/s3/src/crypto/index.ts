/**
 * @module
 * Encryption at rest: data key providers per mode, SSE-S3 root keys, SSE-C key verification, and
 * the object cipher that seals bodies into storage and opens them whole or by range.
 */

export * from './data-key-provider.ts';
export { OBJECT_FRAME_LENGTH, RANGE_WINDOW, openObject, openObjectRange, sealObject, type SealedSegment, type SealObjectOptions, type SealOutcome, type SealProgress, type SegmentKeys } from './object-cipher.ts';
export { ROOT_KEYS_DIRECTORY, SseS3RootKeys, type RootKeyOptions } from './root-keys.ts';
export { SSE_C_FIELDS, SseCProvider, createCustomerKeyVerifier, storedCustomerKeyVerifier, verifyCustomerKey, type CustomerKeyVerifier, type SseCRequest } from './sse-c.ts';
export { SseS3Provider } from './sse-s3.ts';
