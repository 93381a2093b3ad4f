/**
 * @module
 * The names and values of the S3 Encryption Client object formats V2 and V3, exactly as the
 * official clients write them (spec `data-format/content-metadata.md`; Java
 * `internal/MetadataKeyConstants.java`). These are wire names: they appear only in `format/`.
 * Keys are the bare `x-amz-...` names; S3 adds the `x-amz-meta-` header prefix itself.
 */

/** The V1 format's data-key key: V1 objects (AES-CBC content) are read only with both legacy options. */
export const V1_KEY = 'x-amz-key';

/** V2 keys (spec content-metadata.md L57-76). `x-amz-iv` and `x-amz-matdesc` are shared with V1. */
export const V2_KEYS = {
  encryptedDataKey: 'x-amz-key-v2',
  iv: 'x-amz-iv',
  contentAlgorithm: 'x-amz-cek-alg',
  tagLength: 'x-amz-tag-len',
  wrapAlgorithm: 'x-amz-wrap-alg',
  materialDescription: 'x-amz-matdesc',
} as const;

/** V3 keys (spec content-metadata.md L78-107). */
export const V3_KEYS = {
  contentCipher: 'x-amz-c',
  encryptedDataKey: 'x-amz-3',
  wrapAlgorithm: 'x-amz-w',
  keyCommitment: 'x-amz-d',
  messageId: 'x-amz-i',
  encryptionContext: 'x-amz-t',
  materialDescription: 'x-amz-m',
} as const;

/**
 * Written by Ruby, Go and .NET (not Java v4 or Python) next to either format; never required. Go v4
 * also writes `x-amz-tag-len` next to V3 keys, so neither key counts towards a format version.
 */
export const UNENCRYPTED_CONTENT_LENGTH_KEY = 'x-amz-unencrypted-content-length';

/** The default instruction-file suffix (Java `S3EncryptionClientUtilities.java`, Go, Ruby). */
export const INSTRUCTION_FILE_SUFFIX = '.instruction';

/** Java marks the instruction-file object with this user metadata; Ruby does not, so readers never require it. */
export const INSTRUCTION_FILE_MARKER_KEY = 'x-amz-crypto-instr-file';

/** The reserved KMS encryption-context key binding the wrapped data key to the content algorithm. */
export const RESERVED_CEK_ALG_KEY = 'aws:x-amz-cek-alg';

/** Written into the context by the legacy `kms` wrap; ignored when comparing contexts (Java, Go). */
export const LEGACY_KMS_CMK_ID_KEY = 'kms_cmk_id';

/**
 * Content algorithms, as stored: V2's `x-amz-cek-alg` names, and V3's `x-amz-c` value `"115"`, the
 * decimal suite ID 0x0073 `ALG_AES_256_GCM_HKDF_SHA512_COMMIT_KEY`. The same string is what the
 * keyrings bind the data key to (KMS context value, AES-GCM wrap AAD, RSA pseudo-key suffix).
 */
export type ContentAlgorithm = 'AES/GCM/NoPadding' | 'AES/CBC/PKCS5Padding' | '115';

/** The V2 authenticated content algorithm (suite 0x0072). */
export const GCM_V2: ContentAlgorithm = 'AES/GCM/NoPadding';
/** The legacy unauthenticated content algorithm (suite 0x0070), read only. */
export const CBC_LEGACY: ContentAlgorithm = 'AES/CBC/PKCS5Padding';
/** The V3 key-committing content algorithm (suite 0x0073). */
export const GCM_V3_COMMITTING: ContentAlgorithm = '115';

/** The suite ID 0x0073 as two bytes: V3's content AAD and the HKDF info prefix. */
export const V3_SUITE_ID_BYTES: Uint8Array = Uint8Array.of(0x00, 0x73);

/**
 * Wrapping algorithms: the three current ones, plus the legacy ones, decrypt only and only with
 * `enableLegacyWrappingAlgorithms` (Java `AesKeyring`/`RsaKeyring`/`KmsKeyring` `isLegacy()`):
 * `kms` (V1-era KMS), `AESWrap` (RFC 3394), `AES` (V1 EncryptionOnly: AES/ECB/PKCS5Padding of the
 * data key) and `RSA` (PKCS#1 v1.5).
 */
export type WrapAlgorithm = 'kms+context' | 'AES/GCM' | 'RSA-OAEP-SHA1' | 'kms' | 'AESWrap' | 'AES' | 'RSA';

/** The legacy wraps this client reads (behind the keyrings' legacy option). */
export const LEGACY_WRAP_ALGORITHMS: ReadonlySet<string> = new Set(['kms', 'AESWrap', 'AES', 'RSA']);

/** V3's compressed `x-amz-w` codes (spec content-metadata.md L199-239). */
export const V3_WRAP_CODES: ReadonlyMap<string, WrapAlgorithm> = new Map([
  ['02', 'AES/GCM'],
  ['12', 'kms+context'],
  ['22', 'RSA-OAEP-SHA1'],
]);

/** The GCM tag length in bytes (`x-amz-tag-len: "128"` bits). */
export const TAG_LENGTH = 16;
/** AES-256 data keys. */
export const DATA_KEY_LENGTH = 32;
/** V2 GCM IVs. */
export const GCM_IV_LENGTH = 12;
/** Legacy CBC IVs. */
export const CBC_IV_LENGTH = 16;
/** V3 message IDs (`x-amz-i`). */
export const MESSAGE_ID_LENGTH = 28;
/** V3 key commitments (`x-amz-d`). */
export const COMMITMENT_LENGTH = 28;
/** Largest GCM plaintext: 2^36 - 32 bytes (Java `AlgorithmConstants.java`; NIST SP 800-38D). */
export const MAX_GCM_PLAINTEXT_LENGTH: number = 2 ** 36 - 32;
