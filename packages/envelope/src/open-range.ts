/**
 * @module
 * Random access: decrypt a byte range of a sealed message by authenticating the header and then
 * reading and decrypting only the frames that cover the range. Works on a buffer or on any
 * `RandomAccessSource` (a file, an object store's ranged GET), so a ranged read of a large message
 * reads the header (one 4 KiB read covers most headers) and then only the frames covering the
 * range: about `length + 2 × frameLength` bytes beyond the header.
 *
 * What each mode proves (the README says the same):
 * - `verify: 'range'` (the default): every byte returned is authentic and at its place: each
 *   frame's tag binds its index, the message's frame key and (version 1) the header; the header is
 *   authentic (version 2: the key commitment; version 1: the covering frames). The message's total
 *   length is NOT checked: a copy truncated or extended outside the range still serves it.
 * - `verify: 'length'`: additionally opens the final frame at the index `source.size` implies (one
 *   more read of at most one frame, unless the range already covers it). Its tag binds the final
 *   mark and its index, so the message has exactly the length `source.size` says: no truncation,
 *   no extension. Frames between the range and the end are still not read.
 * `open` and the open streams prove the whole message.
 */

import { type AuthenticatedHeader, authenticatedHeader } from './authenticated-header.ts';
import { assertBytes, assertInteger, concatBytes } from './bytes.ts';
import type { EncryptionContext } from './context.ts';
import { decryptFailed, malformed } from './errors.ts';
import { FRAME_TAG_LENGTH } from './format/constants.ts';
import { layoutForBody } from './format/frames.ts';
import { type MessageHeader, parseHeader } from './format/header.ts';
import { assertAcceptedVersion, assertOpenOptions, createMessageOpener, type MessageOpener, type OpenOptions } from './message.ts';

/** Random read access to a sealed message of known size (a file, an S3 object read by ranged GETs). */
export interface RandomAccessSource {
  /** Total size of the sealed message in bytes. */
  readonly size: number;
  /** Returns exactly `length` bytes starting at `offset` (within `size`). */
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array;
}

/** Options for `openRange` and `openRangeWithHeader`. */
export interface OpenRangeOptions extends OpenOptions {
  /**
   * `'range'` (default): the returned bytes and the header are authenticated, the message length is
   * not. `'length'`: the final frame is opened too, proving the message was neither truncated nor
   * extended (see the module documentation).
   */
  readonly verify?: 'range' | 'length';
}

/** The result of `openRangeWithHeader`: the bytes and what was verified. */
export interface OpenedRange {
  /** The requested plaintext bytes, in a new buffer. */
  readonly plaintext: Uint8Array;
  /** The header facts (authenticated in every mode). */
  readonly header: AuthenticatedHeader;
  /** The message's plaintext length as implied by `source.size`; authenticated iff `lengthVerified`. */
  readonly plaintextLength: number;
  /** True when the final frame was opened (asked for with `verify: 'length'`, or covered by the range). */
  readonly lengthVerified: boolean;
}

/** First read when looking for the header; most headers are a few hundred bytes. */
const FIRST_HEADER_READ = 4096;

/**
 * Decrypts `length` plaintext bytes starting at plaintext `offset`.
 *
 * @param source - the sealed message, in memory or behind a `RandomAccessSource`.
 * @param options - as for `open`, plus `verify` (`'range'` by default, or `'length'`).
 * @returns the requested plaintext bytes, in a new buffer.
 * @throws TypeError for bad arguments; RangeError if the range extends past the plaintext.
 * @throws EnvelopeError as `open` does, for the header and for every frame read.
 * @example
 * ```ts
 * import { openRange } from '@strongbox/envelope';
 * const middle = await openRange(sealed, 1_000_000, 4096, { keyring, verify: 'length' });
 * ```
 */
export async function openRange(source: Uint8Array | RandomAccessSource, offset: number, length: number, options: OpenRangeOptions): Promise<Uint8Array> {
  return (await openRangeWithHeader(source, offset, length, options)).plaintext;
}

/**
 * Decrypts a range like `openRange`, and says what it verified: the authenticated header facts,
 * the message's plaintext length, and whether that length was verified (the final frame opened).
 *
 * @throws as `openRange`.
 * @example
 * ```ts
 * import { openRangeWithHeader } from '@strongbox/envelope';
 * const source = { size: objectSize, read: (offset, length) => getRange(key, offset, length) };
 * const { plaintext, plaintextLength, lengthVerified } = await openRangeWithHeader(source, 0, 100, { keyring, verify: 'length' });
 * ```
 */
export async function openRangeWithHeader(
  source: Uint8Array | RandomAccessSource,
  offset: number,
  length: number,
  options: OpenRangeOptions,
): Promise<OpenedRange> {
  assertOpenOptions(options);
  const verify = options.verify === undefined ? 'range' : options.verify;
  if (verify !== 'range' && verify !== 'length') throw new TypeError(`"verify" expected 'range' or 'length', got ${String(verify)}`);
  const reader = toSource(source);
  assertInteger(offset, 0, Number.MAX_SAFE_INTEGER, 'offset');
  assertInteger(length, 0, Number.MAX_SAFE_INTEGER, 'length');
  const header = await readSourceHeader(reader, options.context);
  assertAcceptedVersion(header, options);
  const { frameLength } = header;
  // Layout and range are checked before any keyring call: neither needs a key.
  const layout = layoutForBody(reader.size - header.length, frameLength);
  if (layout === undefined) throw decryptFailed();
  if (offset + length > layout.plaintextLength) {
    throw new RangeError(`range [${offset}, ${offset + length}) extends past the plaintext of ${layout.plaintextLength} bytes`);
  }
  const opener = await createMessageOpener(header, options);
  try {
    const sealedFrame = frameLength + FRAME_TAG_LENGTH;
    const finalIndex = layout.frameCount - 1;
    // Version 1 authenticates its header only through a frame: an empty range opens the final one.
    // Version 2's header was authenticated by the commitment, so an empty range reads no frame.
    const needsFrame = length > 0 || !opener.headerAuthenticated;
    const first = length === 0 ? finalIndex : Math.floor(offset / frameLength);
    const last = length === 0 ? first : Math.floor((offset + length - 1) / frameLength);
    // Filled by the covering frames; zeroed before throwing if any frame fails.
    const out = opener.backend.allocate(length);
    if (needsFrame) {
      const readStart = header.length + first * sealedFrame;
      const readEnd = Math.min(header.length + (last + 1) * sealedFrame, reader.size);
      const sealed = await reader.read(readStart, readEnd - readStart);
      for (let index = first, position = 0; index <= last; index++, position += sealedFrame) {
        const frame = sealed.subarray(position, Math.min(position + sealedFrame, sealed.length));
        if (!openInto(opener, index, index === finalIndex, frame, index * frameLength - offset, out)) {
          out.fill(0);
          throw decryptFailed();
        }
      }
    }
    let lengthVerified = needsFrame && last === finalIndex;
    if (verify === 'length' && !lengthVerified) {
      // One more read: the final frame at the index the size implies. Its tag binds the final mark
      // and the index, so it opens only if the message ends exactly there.
      const start = header.length + finalIndex * sealedFrame;
      const frame = await reader.read(start, reader.size - start);
      if (!openInto(opener, finalIndex, true, frame, 0, new Uint8Array(0))) {
        out.fill(0);
        throw decryptFailed();
      }
      lengthVerified = true;
    }
    return { plaintext: out, header: authenticatedHeader(header, opener.unwrappedBy), plaintextLength: layout.plaintextLength, lengthVerified };
  } finally {
    opener.destroy();
  }
}

/**
 * Opens one frame whose plaintext starts at `start` relative to `out` (negative when the range
 * begins inside it): a frame lying wholly inside `out` decrypts straight into it, as `open` does;
 * a partial one decrypts into a temporary buffer, of which only the overlap is copied, then wiped.
 * @returns false if the frame does not authenticate.
 */
function openInto(opener: MessageOpener, index: number, final: boolean, frame: Uint8Array, start: number, out: Uint8Array): boolean {
  const plaintextLength = frame.length - FRAME_TAG_LENGTH;
  if (start >= 0 && start + plaintextLength <= out.length) {
    return opener.openFrame(index, final, frame, out.subarray(start, start + plaintextLength)) !== undefined;
  }
  const plaintext = opener.openFrame(index, final, frame);
  if (plaintext === undefined) return false;
  // The part of this frame's plaintext that lies inside the range (nothing, for an empty range).
  const from = Math.max(0, -start);
  const to = Math.min(plaintextLength, out.length - start);
  if (to > from) out.set(plaintext.subarray(from, to), start + from);
  plaintext.fill(0);
  return true;
}

/** Reads just enough of the source to parse the header (bounded by the format's maxima). */
async function readSourceHeader(source: RandomAccessSource, expectedContext: EncryptionContext | undefined): Promise<MessageHeader> {
  let prefix = await source.read(0, Math.min(FIRST_HEADER_READ, source.size));
  for (;;) {
    const parsed = parseHeader(prefix, expectedContext);
    if ('header' in parsed) return parsed.header;
    if (parsed.needed > source.size) throw malformed(`truncated header: ${source.size} bytes, at least ${parsed.needed} needed`);
    prefix = concatBytes(prefix, await source.read(prefix.length, parsed.needed - prefix.length));
  }
}

function toSource(source: Uint8Array | RandomAccessSource): RandomAccessSource {
  if (source instanceof Uint8Array) {
    return { size: source.length, read: (offset, length) => source.subarray(offset, offset + length) };
  }
  if (typeof source !== 'object' || source === null || typeof source.read !== 'function') {
    throw new TypeError('"source" expected a Uint8Array or a RandomAccessSource');
  }
  assertInteger(source.size, 0, Number.MAX_SAFE_INTEGER, 'source.size');
  return {
    size: source.size,
    read: async (offset, length) => {
      const bytes = await source.read(offset, length);
      assertBytes(bytes, 'source.read()');
      if (bytes.length !== length) throw new RangeError(`source.read(${offset}, ${length}) returned ${bytes.length} bytes`);
      return bytes;
    },
  };
}
