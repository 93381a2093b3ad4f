/**
 * @module
 * Strongbox's KMS ciphertext blob, version 1. Real KMS blobs are opaque (no SDK, the AWS
 * Encryption SDK or the S3 Encryption Client parses them), so this is our own authenticated format:
 *
 * ```
 * offset 0    u8    format version: 0x01 (the key id is a UUID) or 0x02 (a multi-Region key id)
 * offset 1    16 B  key id (the UUID's 16 bytes, or the 32 hex digits after `mrk-` as 16 bytes)
 * offset 17   u32   backing-key version (big-endian, 1-based)
 * offset 21   12 B  random nonce
 * offset 33   n B   AES-256-GCM ciphertext of the plaintext (n = 1..4096)
 * offset 33+n 16 B  GCM tag
 * AAD = blob[0..33] ‖ canonical encryption context (@strongbox/envelope encoding)
 * ```
 *
 * The AAD covers the header, so changing the key id, the version or the nonce breaks the tag, and
 * the canonical context encoding is injective, so `{"ab":"c"}` never decrypts a blob made under
 * `{"a":"bc"}`. Backing keys are random per key version and never leave the emulator, so a blob
 * only decrypts in the instance (or persisted state) that made it. At most 4096 + 49 bytes: well
 * inside KMS's 6144-byte `CiphertextBlob` limit. Random 96-bit nonces keep collisions negligible up
 * to 2^32 encryptions per backing-key version (NIST SP 800-38D §8.3); rotate keys long before that.
 *
 * Callers pass the context already encoded (`encodeEncryptionContext`), so the encoding (and its
 * failure on lone surrogates or oversize contexts) happens once per request, where it can be
 * answered with a KMS error.
 */

import type { Backend } from '@strongbox/envelope';
import { formatUuid, parseUuid } from '@strongbox/service-kernel';

/** The format version byte this module writes and reads for keys with a UUID key id. */
export const BLOB_FORMAT_VERSION = 0x01;
/** The same format for multi-Region keys (`mrk-` and 32 hex digits). */
export const MRK_BLOB_FORMAT_VERSION = 0x02;
const MRK_PREFIX = 'mrk-';
const KEY_ID_BYTES = 16;
const VERSION_OFFSET = 1 + KEY_ID_BYTES;
const NONCE_OFFSET = VERSION_OFFSET + 4;
/** Nonce length (GCM's 96-bit IV). */
export const BLOB_NONCE_LENGTH = 12;
const HEADER_LENGTH = NONCE_OFFSET + BLOB_NONCE_LENGTH;
const TAG_LENGTH = 16;
/** Largest plaintext KMS encrypts (Encrypt `Plaintext` 1..4096). */
const MAX_PLAINTEXT_LENGTH = 4096;

/** Smallest possible blob (one byte of plaintext). */
export const MIN_BLOB_LENGTH: number = HEADER_LENGTH + 1 + TAG_LENGTH;
/** Largest possible blob (4096 bytes of plaintext). */
export const MAX_BLOB_LENGTH: number = HEADER_LENGTH + MAX_PLAINTEXT_LENGTH + TAG_LENGTH;

/** What a blob's header says, before decryption. */
export interface BlobHeader {
  /** The KMS key id (lowercase UUID). */
  readonly keyId: string;
  /** The backing-key version (1-based). */
  readonly version: number;
}

/**
 * Encrypts `plaintext` under one backing-key version.
 *
 * @param header - the key id (a lowercase UUID) and backing-key version (1..2^32-1).
 * @param nonce - 12 fresh random bytes.
 * @param contextEncoding - the canonical encoding of the encryption context.
 * @throws RangeError for a malformed key id, version, nonce or plaintext length (programming errors).
 */
export function sealBlob(
  backend: Pick<Backend, 'aesGcmEncrypt'>,
  header: BlobHeader,
  material: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  contextEncoding: Uint8Array,
): Uint8Array {
  // Precondition: the header fields, nonce and plaintext fit the format; anything else is a bug in the caller.
  if (!Number.isInteger(header.version) || header.version < 1 || header.version > 0xffff_ffff) {
    throw new RangeError(`"version" expected an integer in 1..4294967295, got ${header.version}`);
  }
  if (nonce.length !== BLOB_NONCE_LENGTH) throw new RangeError(`"nonce" expected Uint8Array of length ${BLOB_NONCE_LENGTH}, got length=${nonce.length}`);
  if (plaintext.length < 1 || plaintext.length > MAX_PLAINTEXT_LENGTH) {
    throw new RangeError(`"plaintext" expected 1..${MAX_PLAINTEXT_LENGTH} bytes, got length=${plaintext.length}`);
  }
  // One buffer: the header written in place, then the ciphertext and tag encrypted straight after it.
  const blob = new Uint8Array(HEADER_LENGTH + plaintext.length + TAG_LENGTH);
  const multiRegion = header.keyId.startsWith(MRK_PREFIX);
  blob[0] = multiRegion ? MRK_BLOB_FORMAT_VERSION : BLOB_FORMAT_VERSION;
  blob.set(multiRegion ? Buffer.from(header.keyId.slice(MRK_PREFIX.length), 'hex') : parseUuid(header.keyId), 1);
  new DataView(blob.buffer).setUint32(VERSION_OFFSET, header.version, false);
  blob.set(nonce, NONCE_OFFSET);
  backend.aesGcmEncrypt(material, nonce, plaintext, aad(blob.subarray(0, HEADER_LENGTH), contextEncoding), blob.subarray(HEADER_LENGTH));
  return blob;
}

/** A blob whose header has been read and checked: what `openParsedBlob` decrypts. */
export interface ParsedBlob {
  readonly header: BlobHeader;
  /** The whole blob (borrowed, not copied). */
  readonly bytes: Uint8Array;
}

/**
 * Reads and checks a blob's header once, for callers that need the header (to find the key) and
 * then decrypt: `undefined` if the bytes cannot be a version-1 blob.
 */
export function parseBlob(blob: Uint8Array): ParsedBlob | undefined {
  const format = blob[0];
  if (blob.length < MIN_BLOB_LENGTH || blob.length > MAX_BLOB_LENGTH || (format !== BLOB_FORMAT_VERSION && format !== MRK_BLOB_FORMAT_VERSION))
    return undefined;
  const version = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(VERSION_OFFSET, false);
  if (version === 0) return undefined;
  const keyId = format === BLOB_FORMAT_VERSION ? formatUuid(blob, 1) : `${MRK_PREFIX}${Buffer.from(blob.buffer, blob.byteOffset + 1, 16).toString('hex')}`;
  return { header: { keyId, version }, bytes: blob };
}

/** Reads a blob's header; `undefined` if the bytes cannot be a version-1 blob. */
export function readBlobHeader(blob: Uint8Array): BlobHeader | undefined {
  return parseBlob(blob)?.header;
}

/**
 * Decrypts a blob with its backing key.
 * @returns the plaintext, or `undefined` if the blob is malformed or does not authenticate under
 *   `contextEncoding` (which failure it was is never said, as KMS says nothing either).
 */
export function openBlob(backend: Pick<Backend, 'aesGcmDecrypt'>, material: Uint8Array, blob: Uint8Array, contextEncoding: Uint8Array): Uint8Array | undefined {
  const parsed = parseBlob(blob);
  return parsed === undefined ? undefined : openParsedBlob(backend, material, parsed, contextEncoding);
}

/**
 * Decrypts a parsed blob with its backing key, without reading the header again.
 * @returns the plaintext, or `undefined` if it does not authenticate under `contextEncoding`.
 */
export function openParsedBlob(
  backend: Pick<Backend, 'aesGcmDecrypt'>,
  material: Uint8Array,
  parsed: ParsedBlob,
  contextEncoding: Uint8Array,
): Uint8Array | undefined {
  const blob = parsed.bytes;
  const head = blob.subarray(0, HEADER_LENGTH);
  return backend.aesGcmDecrypt(material, blob.subarray(NONCE_OFFSET, HEADER_LENGTH), blob.subarray(HEADER_LENGTH), aad(head, contextEncoding));
}

function aad(head: Uint8Array, contextEncoding: Uint8Array): Uint8Array {
  const out = new Uint8Array(head.length + contextEncoding.length);
  out.set(head);
  out.set(contextEncoding, head.length);
  return out;
}
