/**
 * @module
 * Ranged reads of GCM objects, unauthenticated: AES-CTR over the GCM keystream (suites 0x0071 for
 * V2 and 0x0074 for V3; Java `legacy/internal/AesCtrUtils.java`, `RangedGetUtils.java`; aws-sdk-cpp
 * `CryptoModuleAE`). GCM encrypts the first content block with `inc32(J0) = IV ‖ 00 00 00 02`
 * (`J0 = IV ‖ 00 00 00 01` is kept for the tag), so a block-aligned ciphertext offset `o` starts at
 * counter `IV ‖ be32(2 + o/16)`.
 */

import { createDecipheriv } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3EncryptionClientError } from '../errors.ts';
import { TAG_LENGTH } from '../format/constants.ts';
import type { ContentKey } from './content-key.ts';

const BLOCK = 16;
const RANGE = /^bytes=(\d{1,16})-(\d{0,16})$/;
const CONTENT_RANGE = /^bytes (\d{1,16})-(\d{1,16})\/(\d{1,16})$/;

/** A plaintext byte range asked for by the caller: `end` inclusive, absent for "to the end". */
export interface ByteRange {
  readonly start: number;
  readonly end?: number;
}

/**
 * Parses a Range header value. Only `bytes=a-b` and `bytes=a-` are served, as in Java (suffix
 * ranges `bytes=-n` are not: java#182), and only one range.
 *
 * @throws S3EncryptionClientError `InvalidRange` for anything else.
 * @example
 * ```ts
 * parseRange('bytes=10-99'); // { start: 10, end: 99 }
 * ```
 */
export function parseRange(header: string): ByteRange {
  const match = RANGE.exec(header);
  if (match === null)
    throw new S3EncryptionClientError('InvalidRange', `only "bytes=first-last" and "bytes=first-" are supported, got ${JSON.stringify(header)}`);
  const start = Number(match[1]);
  if (match[2] === '' || match[2] === undefined) return { start };
  const end = Number(match[2]);
  if (end < start) throw new S3EncryptionClientError('InvalidRange', `last byte before first byte in ${JSON.stringify(header)}`);
  return { start, end };
}

/**
 * The ciphertext range to request: the start aligned down to a block boundary, the end unchanged
 * (S3 clamps it to the object; the tag bytes are dropped after the fetch).
 *
 * @example
 * ```ts
 * ciphertextRange({ start: 20, end: 40 }); // 'bytes=16-40'
 * ```
 */
export function ciphertextRange(range: ByteRange): string {
  const start = range.start - (range.start % BLOCK);
  return `bytes=${start}-${range.end ?? ''}`;
}

/** A parsed `Content-Range: bytes first-last/total` response header. */
export interface ContentRange {
  readonly first: number;
  readonly last: number;
  readonly total: number;
}

/**
 * Parses S3's Content-Range response header.
 *
 * @throws S3EncryptionClientError `InvalidRange` when it is missing or malformed.
 * @example
 * ```ts
 * parseContentRange('bytes 16-40/1016'); // { first: 16, last: 40, total: 1016 }
 * ```
 */
export function parseContentRange(header: string | undefined): ContentRange {
  const match = header === undefined ? null : CONTENT_RANGE.exec(header);
  if (match === null) throw new S3EncryptionClientError('InvalidRange', `unexpected Content-Range ${JSON.stringify(header)}`);
  return { first: Number(match[1]), last: Number(match[2]), total: Number(match[3]) };
}

/**
 * The plaintext bytes a ranged response yields: from the caller's first byte to the last byte S3
 * returned, the caller's last byte, or the last byte before the tag, whichever comes first (the tag
 * must never come back as plaintext: Java caps the end at length - 17). Empty when the range starts
 * at or past the end of the plaintext.
 *
 * @example
 * ```ts
 * plaintextSpan({ start: 21, end: 40 }, { first: 16, last: 40, total: 1016 }); // { first: 21, length: 20, total: 1000 }
 * ```
 */
export function plaintextSpan(range: ByteRange, contentRange: ContentRange): { first: number; length: number; total: number } {
  const total = Math.max(0, contentRange.total - TAG_LENGTH);
  const last = Math.min(contentRange.last, total - 1, range.end ?? Number.MAX_SAFE_INTEGER);
  return { first: range.start, length: Math.max(0, last - range.start + 1), total };
}

/**
 * A stream that decrypts the ciphertext bytes `[contentRange.first, ...]` of a GCM object with
 * AES-CTR, unauthenticated, and passes on only the plaintext span of `range`.
 *
 * @throws S3EncryptionClientError `InvalidRange` when the response does not start on a block boundary.
 * @example
 * ```ts
 * const plaintext = ciphertextStream.pipe(createRangeDecryptStream(contentKey, range, contentRange));
 * ```
 */
export function createRangeDecryptStream(contentKey: ContentKey, range: ByteRange, contentRange: ContentRange): Transform {
  const { first } = contentRange;
  if (first % BLOCK !== 0 || first > range.start)
    throw new S3EncryptionClientError('InvalidRange', `the returned range starts at ${first}, not on the block holding byte ${range.start}`);
  const span = plaintextSpan(range, contentRange);
  const decipher = createDecipheriv('aes-256-ctr', contentKey.key, counterBlock(contentKey.iv, first));
  let position = first;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback: TransformCallback) {
      const plaintext = decipher.update(chunk);
      const from = Math.max(0, span.first - position);
      const to = Math.min(plaintext.length, span.first + span.length - position);
      position += plaintext.length;
      callback(null, to > from ? plaintext.subarray(from, to) : undefined);
    },
  });
}

/**
 * The CTR initial counter block for ciphertext offset `offset` (a multiple of 16): `IV ‖ be32(2 + offset/16)`.
 * GCM increments only the low 32 bits, node's CTR all 128; they agree because GCM plaintexts stop
 * at 2^32 - 2 blocks (2^36 - 32 bytes), before the low word could wrap.
 *
 * @example
 * ```ts
 * counterBlock(iv, 32); // iv ‖ 00 00 00 04
 * ```
 */
export function counterBlock(iv: Uint8Array, offset: number): Uint8Array {
  const block = new Uint8Array(BLOCK);
  block.set(iv.subarray(0, 12));
  new DataView(block.buffer).setUint32(12, 2 + offset / BLOCK);
  return block;
}
