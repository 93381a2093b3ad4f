/**
 * @module
 * Encryption at rest: data key providers per mode, SSE-S3 root keys, SSE-C key verification, and
 * the object cipher that seals bodies into storage and opens them whole or by range.
 */

export {
  BUCKET_KEY_KEYRING_PREFIX,
  BUCKET_KEY_NONCE_LENGTH,
  BucketKeyCache,
  type BucketKeyCacheOptions,
  type BucketKeyMaterial,
  DEFAULT_BUCKET_KEY_CACHE_ENTRIES,
  DEFAULT_BUCKET_KEY_PERIOD_MS,
  decodeBucketKeyWrapped,
  deriveObjectKey,
  encodeBucketKeyWrapped,
} from './bucket-keys.ts';
export { type ChecksumHasher, checksumOf, checksumOfStream, compositeChecksum, createChecksumHasher } from './checksum-hasher.ts';
export * from './data-key-provider.ts';
export {
  kmsOnBehalf,
  type OnBehalfClient,
  S3_SERVICE_PRINCIPAL,
  type S3Kms,
  type S3KmsCallOptions,
  type S3KmsDecryptInput,
  type S3KmsEncryptInput,
  type S3KmsGenerateDataKeyInput,
  type S3KmsKeyring,
  type S3KmsOutput,
} from './kms-client.ts';
export { s3ErrorFromKms } from './kms-errors.ts';
export { KMS_KEYRING_PREFIX, type KmsRoot, parseRoot, UPLOAD_KEY_KEYRING_PREFIX } from './kms-roots.ts';
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
export { type DirectoryRootKeyOptions, ROOT_KEYS_DIRECTORY, type RootKeyOptions, SseS3RootKeys } from './root-keys.ts';
export {
  type CustomerKeyVerifier,
  createCustomerKeyVerifier,
  SSE_C_FIELDS,
  SseCProvider,
  type SseCRequest,
  storedCustomerKeyVerifier,
  verifyCustomerKey,
} from './sse-c.ts';
export {
  AWS_MANAGED_S3_KEY,
  DsseKmsProvider,
  KmsDataKeyProvider,
  type KmsProviderOptions,
  type KmsRequest,
  type PartKeys,
  SseKmsProvider,
} from './sse-kms.ts';
export { SSE_KMS_FIELDS, type StoredKmsEncryption, storedKmsEncryption } from './sse-kms-fields.ts';
export { SseS3Provider } from './sse-s3.ts';
