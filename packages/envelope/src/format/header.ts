/**
 * @module
 * Header codec of the sealed-message format, versions 1 and 2 (documented byte by byte in the
 * README). Both versions share one layout and differ only in the first byte and in how the header
 * is authenticated:
 *
 * ```
 * u8   version (0x01 | 0x02)     u16  suite (0x0001)          32 B message id
 * u16  context length C          C B  canonical encryption context
 * u8   wrapped key count N (1..16)
 * N × ( u16 keyring id length (1..1024) ‖ keyring id (UTF-8) ‖ u16 wrapped length (1..8192) ‖ wrapped key )
 * u32  frame length (1..4 MiB)   32 B key commitment
 * ```
 *
 * Version 1: every frame's GCM tag covers the whole header as AAD. Version 2: everything before the
 * key commitment is the `info` of the key derivation (see `derive.ts`), so the frame key and the
 * commitment both depend on every header byte, and frames carry no header AAD.
 *
 * The parser is incremental: given a prefix, it either returns the header or says how many bytes
 * it needs, and it checks every length against its hard maximum as soon as the length is read, so
 * a hostile header cannot make a reader wait for or allocate more than the format allows.
 */

import { assertBytes, fromUtf8, readU16, readU32, utf8, writeU16, writeU32 } from '../bytes.ts';
import { decodeKnownEncryptionContext, type EncryptionContext } from '../context.ts';
import { EnvelopeError, malformed } from '../errors.ts';
import type { WrappedDataKey } from '../keyring.ts';
import {
  COMMITMENT_LENGTH,
  FORMAT_VERSION_1,
  FORMAT_VERSION_2,
  type FormatVersion,
  MAX_FRAME_LENGTH,
  MAX_KEYRING_ID_BYTES,
  MAX_WRAPPED_KEY_BYTES,
  MAX_WRAPPED_KEYS,
  MESSAGE_ID_LENGTH,
  MIN_FRAME_LENGTH,
  SUITE_AES256_GCM_HKDF_SHA256_COMMIT,
} from './constants.ts';

/**
 * A parsed header. None of it is authenticated until the message opens: in version 2 the key
 * commitment check authenticates it, in version 1 the first frame tag that verifies.
 */
export interface MessageHeader {
  readonly version: FormatVersion;
  readonly suite: number;
  readonly messageId: Uint8Array;
  readonly context: EncryptionContext;
  readonly wrappedKeys: readonly WrappedDataKey[];
  readonly frameLength: number;
  readonly commitment: Uint8Array;
  /** The header bytes, exactly as sealed (version 1: every frame's AAD). */
  readonly bytes: Uint8Array;
  /** Header length in bytes, always `bytes.length`: the body starts here. */
  readonly length: number;
}

/** The header fields a sealer chooses. */
export interface HeaderFields {
  readonly version: FormatVersion;
  readonly suite: number;
  readonly messageId: Uint8Array;
  readonly contextBytes: Uint8Array;
  readonly wrappedKeys: readonly WrappedDataKey[];
  readonly frameLength: number;
  /** The key commitment; omitted, the last 32 bytes are left zero for the caller to fill (version 2). */
  readonly commitment?: Uint8Array;
}

/** Result of parsing a prefix: the header, or the total number of bytes the parser needs. */
export type HeaderParse = { readonly header: MessageHeader } | { readonly needed: number };

/**
 * Serialises the header.
 *
 * @throws TypeError if a keyring id is not a well-formed string or a wrapped key not a Uint8Array.
 * @throws RangeError if a wrapped key, keyring id or count exceeds the format's maximum.
 */
export function encodeHeaderFields(fields: HeaderFields): Uint8Array {
  const { wrappedKeys } = fields;
  if (wrappedKeys.length < 1 || wrappedKeys.length > MAX_WRAPPED_KEYS) {
    throw new RangeError(`expected 1 to ${MAX_WRAPPED_KEYS} wrapped data keys, got ${wrappedKeys.length}`);
  }
  const ids = wrappedKeys.map((key) => encodeKeyringId(key.keyringId));
  let length = 1 + 2 + MESSAGE_ID_LENGTH + 2 + fields.contextBytes.length + 1 + 4 + COMMITMENT_LENGTH;
  const fieldsOfKeys = wrappedKeys.map((key, i) => {
    // A keyring's output is checked like an argument: wrong type TypeError, wrong size RangeError.
    assertBytes(key.ciphertext, 'ciphertext');
    if (key.ciphertext.length < 1 || key.ciphertext.length > MAX_WRAPPED_KEY_BYTES) {
      throw new RangeError(`a wrapped data key must be 1 to ${MAX_WRAPPED_KEY_BYTES} bytes, got ${key.ciphertext.length}`);
    }
    const id = ids[i];
    if (id === undefined) throw new Error('unreachable: one encoded id per wrapped key');
    length += 4 + id.length + key.ciphertext.length;
    return { id, ciphertext: key.ciphertext };
  });
  const out = new Uint8Array(length);
  let offset = 0;
  out[offset++] = fields.version;
  writeU16(out, offset, fields.suite);
  offset += 2;
  out.set(fields.messageId, offset);
  offset += MESSAGE_ID_LENGTH;
  writeU16(out, offset, fields.contextBytes.length);
  out.set(fields.contextBytes, offset + 2);
  offset += 2 + fields.contextBytes.length;
  out[offset++] = wrappedKeys.length;
  for (const key of fieldsOfKeys) {
    offset = writeField(out, offset, key.id);
    offset = writeField(out, offset, key.ciphertext);
  }
  writeU32(out, offset, fields.frameLength);
  if (fields.commitment !== undefined) out.set(fields.commitment, offset + 4);
  return out;
}

/**
 * Parses a header from the start of `bytes`.
 *
 * @param expectedContext - the context the opener expects, if known: when it is a normalized
 *   context whose canonical bytes the header holds, the header's `context` is that very object
 *   (`decodeKnownEncryptionContext`); any other context is decoded as usual.
 * @returns the header, or `{ needed }` when `bytes` is a valid but incomplete prefix.
 * @throws EnvelopeError `UNSUPPORTED_VERSION`, `UNSUPPORTED_SUITE` or `MALFORMED_MESSAGE`.
 */
export function parseHeader(bytes: Uint8Array, expectedContext?: EncryptionContext): HeaderParse {
  const reader = new Reader(bytes);
  try {
    return { header: readHeader(reader, expectedContext) };
  } catch (error) {
    if (error instanceof NeedMore) return { needed: error.needed };
    throw error;
  }
}

function readHeader(reader: Reader, expectedContext: EncryptionContext | undefined): MessageHeader {
  const version = reader.u8();
  if (version !== FORMAT_VERSION_1 && version !== FORMAT_VERSION_2)
    throw new EnvelopeError('UNSUPPORTED_VERSION', `unsupported sealed-message version 0x${hex2(version)}`);
  const suite = reader.u16();
  if (suite !== SUITE_AES256_GCM_HKDF_SHA256_COMMIT)
    throw new EnvelopeError('UNSUPPORTED_SUITE', `unsupported algorithm suite 0x${suite.toString(16).padStart(4, '0')}`);
  const messageId = reader.bytes(MESSAGE_ID_LENGTH).slice();
  const context = decodeKnownEncryptionContext(reader.bytes(reader.u16()), expectedContext);
  if (context === undefined) throw malformed('encryption context is not canonically encoded');
  const count = reader.u8();
  if (count < 1 || count > MAX_WRAPPED_KEYS) throw malformed(`wrapped key count ${count} is outside 1..${MAX_WRAPPED_KEYS}`);
  const wrappedKeys: WrappedDataKey[] = [];
  for (let i = 0; i < count; i++) {
    const idLength = reader.u16();
    if (idLength < 1 || idLength > MAX_KEYRING_ID_BYTES) throw malformed(`keyring id length ${idLength} is outside 1..${MAX_KEYRING_ID_BYTES}`);
    const keyringId = fromUtf8(reader.bytes(idLength));
    if (keyringId === undefined) throw malformed('keyring id is not valid UTF-8');
    const wrappedLength = reader.u16();
    if (wrappedLength < 1 || wrappedLength > MAX_WRAPPED_KEY_BYTES)
      throw malformed(`wrapped key length ${wrappedLength} is outside 1..${MAX_WRAPPED_KEY_BYTES}`);
    wrappedKeys.push(Object.freeze({ keyringId, ciphertext: reader.bytes(wrappedLength).slice() }));
  }
  const frameLength = reader.u32();
  if (frameLength < MIN_FRAME_LENGTH || frameLength > MAX_FRAME_LENGTH)
    throw malformed(`frame length ${frameLength} is outside ${MIN_FRAME_LENGTH}..${MAX_FRAME_LENGTH}`);
  const commitment = reader.bytes(COMMITMENT_LENGTH).slice();
  const bytes = reader.consumed().slice();
  return Object.freeze({
    version,
    suite,
    messageId,
    context,
    wrappedKeys: Object.freeze(wrappedKeys),
    frameLength,
    commitment,
    bytes,
    length: reader.offset,
  });
}

/** Thrown inside the parser when the prefix ends early; carries the total length needed. */
class NeedMore {
  readonly needed: number;
  constructor(needed: number) {
    this.needed = needed;
  }
}

/** A bounds-checked cursor over a prefix of the message. */
class Reader {
  readonly #bytes: Uint8Array;
  offset = 0;
  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }
  bytes(length: number): Uint8Array {
    const end = this.offset + length;
    if (end > this.#bytes.length) throw new NeedMore(end);
    const out = this.#bytes.subarray(this.offset, end);
    this.offset = end;
    return out;
  }
  consumed(): Uint8Array {
    return this.#bytes.subarray(0, this.offset);
  }
  u8(): number {
    const end = this.offset + 1;
    if (end > this.#bytes.length) throw new NeedMore(end);
    // In bounds (checked above); `?? 0` only satisfies the index type.
    const byte = this.#bytes[this.offset] ?? 0;
    this.offset = end;
    return byte;
  }
  u16(): number {
    return readU16(this.bytes(2), 0);
  }
  u32(): number {
    return readU32(this.bytes(4), 0);
  }
}

function encodeKeyringId(keyringId: string): Uint8Array {
  if (typeof keyringId !== 'string' || !keyringId.isWellFormed()) {
    throw new TypeError('a keyring id must be a well-formed string');
  }
  const bytes = utf8(keyringId);
  if (bytes.length < 1 || bytes.length > MAX_KEYRING_ID_BYTES) {
    throw new RangeError(`a keyring id must be 1 to ${MAX_KEYRING_ID_BYTES} UTF-8 bytes, got ${bytes.length}`);
  }
  return bytes;
}

function writeField(out: Uint8Array, offset: number, field: Uint8Array): number {
  writeU16(out, offset, field.length);
  out.set(field, offset + 2);
  return offset + 2 + field.length;
}

function hex2(byte: number): string {
  return byte.toString(16).padStart(2, '0');
}
