/**
 * @module
 * Random access: decrypt a byte range of a sealed message by authenticating the header and then
 * reading and decrypting only the frames that cover the range. Works on a buffer or on any
 * `RandomAccessSource` (a file, an object store), so a ranged read of a large message reads the
 * header (one 4 KiB read covers most headers) and then only the frames covering the range: about
 * `length + 2 × frameLength` bytes beyond the header. Only the covering frames are decrypted.
 *
 * Every byte returned is authenticated: each frame's tag binds its index and the header, so a
 * frame cannot be moved or borrowed from another message, and the header is authentic too (an
 * empty range verifies the final frame for that). What a range read cannot prove is that the message was
 * not truncated *after* the range (that needs the final frame); `open` proves the whole message.
 */

import { assertBytes, assertInteger, concatBytes } from './bytes.ts';
import { decryptFailed, malformed } from './errors.ts';
import { FRAME_TAG_LENGTH } from './format/constants.ts';
import { layoutForBody } from './format/frames.ts';
import { parseHeader, type MessageHeader } from './format/header.ts';
import { assertOpenOptions, createMessageOpener, type MessageOpener, type OpenOptions } from './message.ts';

/** Random read access to a sealed message of known size. */
export interface RandomAccessSource {
  /** Total size of the sealed message in bytes. */
  readonly size: number;
  /** Returns exactly `length` bytes starting at `offset` (within `size`). */
  read(offset: number, length: number): Promise<Uint8Array> | Uint8Array;
}

/** First read when looking for the header; most headers are a few hundred bytes. */
const FIRST_HEADER_READ = 4096;

/**
 * Decrypts `length` plaintext bytes starting at plaintext `offset`.
 *
 * @param source - the sealed message, in memory or behind a `RandomAccessSource`.
 * @returns the requested plaintext bytes, in a new buffer.
 * @throws TypeError for bad arguments; RangeError if the range extends past the plaintext.
 * @throws EnvelopeError as `open` does, for the header and for every frame read.
 * @example
 * ```ts
 * import { openRange } from '@strongbox/envelope';
 * const middle = await openRange(sealed, 1_000_000, 4096, { keyring });
 * ```
 */
export async function openRange(
  source: Uint8Array | RandomAccessSource,
  offset: number,
  length: number,
  options: OpenOptions,
): Promise<Uint8Array> {
  assertOpenOptions(options);
  const reader = toSource(source);
  assertInteger(offset, 0, Number.MAX_SAFE_INTEGER, 'offset');
  assertInteger(length, 0, Number.MAX_SAFE_INTEGER, 'length');
  const header = await readSourceHeader(reader);
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
    // An empty range still authenticates the header (every frame's AAD): through the final frame.
    const first = length === 0 ? layout.frameCount - 1 : Math.floor(offset / frameLength);
    const last = length === 0 ? first : Math.floor((offset + length - 1) / frameLength);
    const readStart = header.length + first * sealedFrame;
    const readEnd = Math.min(header.length + (last + 1) * sealedFrame, reader.size);
    const sealed = await reader.read(readStart, readEnd - readStart);
    // Filled by the covering frames; zeroed before throwing if any frame fails.
    const out = opener.backend.allocate(length);
    for (let index = first, position = 0; index <= last; index++, position += sealedFrame) {
      const final = index === layout.frameCount - 1;
      const frame = sealed.subarray(position, Math.min(position + sealedFrame, sealed.length));
      if (!openInto(opener, index, final, frame, index * frameLength - offset, out)) {
        out.fill(0);
        throw decryptFailed();
      }
    }
    return out;
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
async function readSourceHeader(source: RandomAccessSource): Promise<MessageHeader> {
  let prefix = await source.read(0, Math.min(FIRST_HEADER_READ, source.size));
  for (;;) {
    const parsed = parseHeader(prefix);
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
