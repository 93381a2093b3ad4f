/**
 * @module
 * ETags as S3 computes them per encryption mode (model `Object.ETag`; UG
 * `ServerSideEncryptionCustomerKeys`; ../shared/reference/s3-sse.md §1.4):
 *
 * - a single PUT (or a part) that is unencrypted or SSE-S3: the hex MD5 of the plaintext;
 * - SSE-KMS, DSSE-KMS and SSE-C: not an MD5. Real S3 returns 32 hex digits that change on every
 *   upload of the same bytes (captures `82d93300…`, `69a42145…`, `8c4f00a5…` for one body), so
 *   Strongbox draws 16 random bytes from the injected source: as opaque, and it reveals nothing
 *   about the plaintext (an MD5 would let anyone confirm a guessed body);
 * - multipart, every mode: `hex(MD5(part digest ‖ part digest ‖ …))-N`, the digests being the
 *   binary form of each part's ETag (so opaque parts give an opaque, still well-formed ETag).
 *
 * ETags here are bare hex; the protocol edge adds the quotes.
 */

import type { EncryptionMode } from './encryption.ts';

/** Fills a buffer with random bytes (injected so the model stays pure). */
export type RandomSource = (length: number) => Uint8Array;

/** An MD5 function (injected: `node:crypto` in Node.js, any implementation in tests). */
export type Md5 = (chunks: readonly Uint8Array[]) => Uint8Array;

/** How a mode's single-PUT and part ETags are made. */
export type EtagKind = 'md5' | 'opaque';

const HEX32 = /^[0-9a-f]{32}$/;

/**
 * Which kind of ETag a mode's single PUT or part gets.
 *
 * @example
 * ```ts
 * import { etagKind } from '@strongbox/s3';
 * etagKind('SSE-S3'); // 'md5'
 * etagKind('SSE-C');  // 'opaque'
 * ```
 */
export function etagKind(mode: EncryptionMode): EtagKind {
  return mode === 'SSE-S3' ? 'md5' : 'opaque';
}

/**
 * The ETag of a single PUT or a part.
 *
 * @param plaintextMd5 - the MD5 of the plaintext, computed while it streamed by (needed for
 *   Content-MD5 checks whatever the mode).
 * @example
 * ```ts
 * import { objectEtag } from '@strongbox/s3';
 * objectEtag('SSE-S3', md5OfBody, randomBytes); // hex of md5OfBody
 * ```
 */
export function objectEtag(mode: EncryptionMode, plaintextMd5: Uint8Array, random: RandomSource): string {
  return toHex(etagKind(mode) === 'md5' ? plaintextMd5 : random(16));
}

/**
 * The ETag of a completed multipart upload, from its parts' ETags in part order.
 *
 * @throws RangeError if there are no parts or a part ETag is not 32 lowercase hex digits.
 * @example
 * ```ts
 * import { multipartEtag } from '@strongbox/s3';
 * multipartEtag(['5d41402abc4b2a76b9719d911017c592', '7d793037a0760186574b0282f2f435e7'], md5); // '…-2'
 * ```
 */
export function multipartEtag(partEtags: readonly string[], md5: Md5): string {
  if (partEtags.length === 0) throw new RangeError('"partEtags" expected at least one part');
  const digests = partEtags.map((etag, index) => {
    if (!HEX32.test(etag)) throw new RangeError(`"partEtags[${index}]" expected 32 lowercase hex digits, got ${JSON.stringify(etag)}`);
    return fromHex(etag);
  });
  return `${toHex(md5(digests))}-${partEtags.length}`;
}

function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

function fromHex(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length / 2);
  for (let index = 0; index < bytes.length; index++) bytes[index] = Number.parseInt(text.slice(index * 2, index * 2 + 2), 16);
  return bytes;
}
