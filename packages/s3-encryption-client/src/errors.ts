/**
 * @module
 * The one error type of `@strongbox/s3-encryption-client`. Wrong argument types throw the built-in
 * `TypeError`; every other failure throws `S3EncryptionClientError` with a code from a closed union.
 * S3's and KMS's own errors (NoSuchKey, AccessDeniedException, ...) pass through unchanged, as the
 * official clients let them through, so callers keep matching them by `name`.
 */

/**
 * Why an encryption-client operation failed. `ERROR_MESSAGES` below gives each code its default text,
 * worded after the official clients' messages (Java S3EC v4, Go S3EC v4, Python 4.0) so they can be
 * searched for.
 */
export type S3EncryptionClientErrorCode =
  /** The client or a request was configured inconsistently (policy vs format, options out of range). */
  | 'InvalidConfiguration'
  /** The object's encryption metadata (or instruction file) is missing a key, or has a malformed value. */
  | 'MalformedMetadata'
  /** The metadata mixes keys of several format versions (V1, V2, V3): refused outright (dotnet#174). */
  | 'MixedFormatVersions'
  /** The object names a content or wrapping algorithm this client does not read. */
  | 'UnsupportedAlgorithm'
  /** A legacy algorithm (`kms` wrap, AES-CBC content, ranged reads) needs its explicit option. */
  | 'LegacyModeDisabled'
  /** The commitment policy forbids reading (or writing) this format. */
  | 'CommitmentPolicyViolation'
  /** The V3 key commitment stored with the object does not match the data key. */
  | 'KeyCommitmentMismatch'
  /** The content or the wrapped data key failed authentication (GCM tag, OAEP, padding). */
  | 'DecryptionFailed'
  /** The encryption context given on the request differs from the one stored with the object. */
  | 'EncryptionContextMismatch'
  /** A caller-supplied encryption context or materials description uses a reserved key. */
  | 'ReservedKey'
  /** The stored `aws:x-amz-cek-alg` does not name the object's content algorithm. */
  | 'ContentAlgorithmMismatch'
  /** The keyring cannot unwrap this object's data key (another wrapping algorithm). */
  | 'KeyringMismatch'
  /** A full GET's ciphertext exceeds the authentication buffer without delayed authentication. */
  | 'BufferLimitExceeded'
  /** A Range the client cannot serve (suffix ranges, several ranges, malformed). */
  | 'InvalidRange'
  /** A multipart part out of order, of a size that breaks the block rule, or after the last part. */
  | 'InvalidPart';

/** The default message of each code (a specific site may add the detail after a colon). */
export const ERROR_MESSAGES: Readonly<Record<S3EncryptionClientErrorCode, string>> = {
  InvalidConfiguration: 'Invalid S3 Encryption Client configuration',
  MalformedMetadata: 'Malformed S3 encryption metadata',
  MixedFormatVersions: 'Content metadata is tampered: keys from multiple format versions present',
  UnsupportedAlgorithm: 'Unsupported algorithm in S3 encryption metadata',
  LegacyModeDisabled: 'Enable legacy modes to read this object',
  CommitmentPolicyViolation: 'Commitment policy violation',
  KeyCommitmentMismatch: 'Derived key commitment value does not match value stored on encrypted message',
  DecryptionFailed: 'Unable to decrypt the object: authentication failed',
  EncryptionContextMismatch: 'Provided encryption context does not match information retrieved from S3',
  ReservedKey: 'Encryption context or materials description uses a reserved key',
  ContentAlgorithmMismatch: 'The content encryption algorithm used at encryption time does not match the algorithm stored for decryption time',
  KeyringMismatch: "The keyring cannot decrypt this object's data key",
  BufferLimitExceeded: 'The object is larger than the authentication buffer; enable delayed authentication to stream it',
  InvalidRange: 'Invalid range for an encrypted object',
  InvalidPart: 'Invalid part for an encrypted multipart upload',
};

/**
 * A failure of the S3 Encryption Client. Messages never contain key material or plaintext.
 *
 * @example
 * ```ts
 * import { S3EncryptionClientError } from '@strongbox/s3-encryption-client';
 * try {
 *   await client.getObject({ Bucket: 'b', Key: 'k' });
 * } catch (error) {
 *   if (error instanceof S3EncryptionClientError && error.code === 'DecryptionFailed') console.log('tampered');
 * }
 * ```
 */
export class S3EncryptionClientError extends Error {
  /** The closed failure code; branch on this, never on the message text. */
  readonly code: S3EncryptionClientErrorCode;

  /**
   * @param code - the failure code.
   * @param detail - what exactly was wrong, appended to the code's default message.
   * @param options - the underlying cause, if any.
   */
  constructor(code: S3EncryptionClientErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? ERROR_MESSAGES[code] : `${ERROR_MESSAGES[code]}: ${detail}`, options);
    this.name = 'S3EncryptionClientError';
    this.code = code;
  }
}
