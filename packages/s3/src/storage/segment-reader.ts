/**
 * @module
 * An `ObjectReader` over an object stored as a sequence of blobs (one per segment: a single
 * PutObject, or the parts of a completed multipart upload): a stored range is cut into per-segment
 * pieces, read or streamed one blob after the other.
 */

import type { Persistence } from './persistence.ts';
import type { ObjectInfo, ObjectReader } from './types.ts';

interface Span {
  readonly start: number;
  readonly size: number;
}

/**
 * A reader of `blobIds` (whose lengths are `sizes`) as the one object `info` describes;
 * `release` runs on the first `close`, after which reads throw.
 */
export function segmentReader(
  persistence: Pick<Persistence, 'readBlob' | 'streamBlob'>,
  bucket: string,
  info: ObjectInfo,
  blobIds: readonly string[],
  sizes: readonly number[],
  release: () => Promise<void>,
): ObjectReader {
  let closed = false;
  const spans = segmentSpans(sizes);
  const check = (offset: number, length: number): void => {
    if (closed) throw new Error('reader is closed');
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > info.size) {
      throw new RangeError(`[${offset}, ${offset + length}) is outside the ${info.size} stored bytes`);
    }
  };
  return {
    info,
    read: async (offset, length) => {
      check(offset, length);
      const out = new Uint8Array(length);
      let position = 0;
      for (const piece of pieces(spans, offset, length)) {
        out.set(await persistence.readBlob(bucket, blobIds[piece.segment] ?? '', piece.offset, piece.length), position);
        position += piece.length;
      }
      return out;
    },
    stream: (offset = 0, length = info.size - offset, options = {}) => {
      check(offset, length);
      const readOnly = options.readOnly === true;
      return (async function* () {
        for (const piece of pieces(spans, offset, length)) {
          yield* persistence.streamBlob(bucket, blobIds[piece.segment] ?? '', piece.offset, piece.length, readOnly);
        }
      })();
    },
    close: async () => {
      if (closed) return;
      closed = true;
      await release();
    },
  };
}

function segmentSpans(sizes: readonly number[]): Span[] {
  let start = 0;
  return sizes.map((size) => {
    const span = { start, size };
    start += size;
    return span;
  });
}

/** Splits a stored range into per-segment pieces. */
function* pieces(spans: readonly Span[], offset: number, length: number): Generator<{ segment: number; offset: number; length: number }> {
  const end = offset + length;
  for (let segment = 0; segment < spans.length; segment++) {
    const span = spans[segment];
    if (span === undefined || span.start + span.size <= offset || span.size === 0) continue;
    if (span.start >= end) break;
    const from = Math.max(offset, span.start);
    const to = Math.min(end, span.start + span.size);
    yield { segment, offset: from - span.start, length: to - from };
  }
}
