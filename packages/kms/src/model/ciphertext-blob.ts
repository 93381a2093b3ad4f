/**
 * @module
 * Strongbox's KMS ciphertext blob, version 1. Real KMS blobs are opaque (no SDK parses them), so
 * this is our own authenticated format:
 *
 * ```
 * offset 0   u8    version 0x01
 * offset 1   16 B  key id (the UUID's 16 bytes)
 * offset 17  u32   backing-key version (big-endian, 1-based)
 * offset 21  12 B  random nonce
 * offset 33  n B   AES-256-GCM ciphertext of the plaintext (n = 1..4096)
 * offset 33+n 16 B GCM tag
 * AAD = blob[0..33] ‖ canonical encryption context (@strongbox/envelope encoding)
 * ```
 *
 * The AAD covers the header, so changing the key id or version breaks the tag, and the canonical
 * context encoding is injective, so `{"ab":"c"}` never decrypts a blob made under `{"a":"bc"}`.
 * Backing keys are random per key version and never leave the emulator, so a blob only decrypts
 * in the instance (or persisted state) that made it. At most 4096 + 49 bytes: well inside KMS's
 * 6144-byte `CiphertextBlob` limit. Random 96-bit nonces keep collisions negligible up to 2^32
 * encryptions per backing-key version (NIST SP 800-38D §8.3); rotate keys long before that.
 */

import { encodeEncryptionContext, type Backend, type EncryptionContext } from '@strongbox/envelope';

const VERSION = 0x01;
const KEY_ID_BYTES = 16;
const HEADER_LENGTH = 1 + KEY_ID_BYTES + 4 + 12;
const TAG_LENGTH = 16;
const NONCE_OFFSET = 1 + KEY_ID_BYTES + 4;

/** Smallest possible blob (one byte of plaintext). */
export const MIN_BLOB_LENGTH: number = HEADER_LENGTH + 1 + TAG_LENGTH;

/** What a blob's header says, before decryption. */
export interface BlobHeader {
  readonly keyId: string;
  readonly version: number;
}

/**
 * Encrypts `plaintext` under one backing-key version.
 *
 * @param nonce - 12 fresh random bytes.
 */
export function sealBlob(
  backend: Backend,
  keyId: string,
  version: number,
  material: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  context: EncryptionContext | undefined,
): Uint8Array {
  const header = new Uint8Array(HEADER_LENGTH);
  header[0] = VERSION;
  header.set(uuidBytes(keyId), 1);
  new DataView(header.buffer).setUint32(1 + KEY_ID_BYTES, version, false);
  header.set(nonce, NONCE_OFFSET);
  const sealed = backend.aesGcmEncrypt(material, nonce, plaintext, aad(header, context));
  const blob = new Uint8Array(HEADER_LENGTH + sealed.length);
  blob.set(header);
  blob.set(sealed, HEADER_LENGTH);
  return blob;
}

/** Reads a blob's header; `undefined` if the bytes cannot be a version-1 blob. */
export function readBlobHeader(blob: Uint8Array): BlobHeader | undefined {
  if (blob.length < MIN_BLOB_LENGTH || blob[0] !== VERSION) return undefined;
  const version = new DataView(blob.buffer, blob.byteOffset, blob.byteLength).getUint32(1 + KEY_ID_BYTES, false);
  return { keyId: uuidString(blob.subarray(1, 1 + KEY_ID_BYTES)), version };
}

/** Decrypts a blob with its backing key; `undefined` if it does not authenticate under `context`. */
export function openBlob(backend: Backend, material: Uint8Array, blob: Uint8Array, context: EncryptionContext | undefined): Uint8Array | undefined {
  const header = blob.subarray(0, HEADER_LENGTH);
  return backend.aesGcmDecrypt(material, blob.subarray(NONCE_OFFSET, HEADER_LENGTH), blob.subarray(HEADER_LENGTH), aad(header, context));
}

function aad(header: Uint8Array, context: EncryptionContext | undefined): Uint8Array {
  const contextBytes = encodeEncryptionContext(context);
  const out = new Uint8Array(header.length + contextBytes.length);
  out.set(header);
  out.set(contextBytes, header.length);
  return out;
}

function uuidBytes(keyId: string): Uint8Array {
  const hexDigits = keyId.replaceAll('-', '');
  const out = new Uint8Array(KEY_ID_BYTES);
  for (let i = 0; i < KEY_ID_BYTES; i++) out[i] = Number.parseInt(hexDigits.slice(2 * i, 2 * i + 2), 16);
  return out;
}

function uuidString(bytes: Uint8Array): string {
  const h = Array.from(bytes, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
