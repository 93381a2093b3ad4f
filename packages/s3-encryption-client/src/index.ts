/**
 * @module
 * `@strongbox/s3-encryption-client`: an Amazon S3 Encryption Client for TypeScript, byte-compatible
 * with the official clients' object formats V2 and V3 (key commitment). See the README.
 */

export type { PlaintextStream } from './client/body.ts';
export { DEFAULT_BUFFER_SIZE, S3EncryptionClient, type S3EncryptionClientOptions } from './client/client.ts';
export type { RequestOptions } from './client/context.ts';
export { type CreateEncryptedMultipartUploadInput, EncryptedMultipartUpload, type EncryptedPartInput } from './client/multipart.ts';
export { DEFAULT_PART_SIZE, type UploadOptions } from './client/upload.ts';
export { commitKey, deriveContentKey } from './crypto/commitment.ts';
export { ERROR_MESSAGES, S3EncryptionClientError, type S3EncryptionClientErrorCode } from './errors.ts';
export type { ContentAlgorithm, WrapAlgorithm } from './format/constants.ts';
export { COMMITMENT_POLICIES, type CommitmentPolicy, type Envelope, type EnvelopeLocation, type V2Envelope, type V3Envelope } from './format/envelope.ts';
export { type DetectedFormat, detectFormat, type EncodedEnvelope, encodeEnvelope, parseEnvelope, parseInstructionFile } from './format/metadata.ts';
export { decodeMetadataValue } from './format/rfc2047.ts';
export { AesKeyring, type AesKeyringOptions } from './keyrings/aes-keyring.ts';
export type { Keyring, KeyringDecryptRequest, KeyringEncryptRequest, KeyringEncryptResult, RandomBytes } from './keyrings/keyring.ts';
export { type KmsClientLike, KmsKeyring, type KmsKeyringOptions } from './keyrings/kms-keyring.ts';
export { type RsaKeyInput, RsaKeyring, type RsaKeyringOptions } from './keyrings/rsa-keyring.ts';
