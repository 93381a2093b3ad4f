/**
 * @module
 * An `ObjectReader` over an object stored as a sequence of blobs (one per segment: a single
 * PutObject, or the parts of a completed multipart upload): a stored range is cut into per-segment
 * pieces, read or streamed one blob after the other. A segment with a pin (`blob-pin.ts`) is checked
 * against it before any of its bytes are released: from the bytes read anyway when a read or
 * stream starts at the segment's start and covers the pin, else by reading its first bytes first,
 * which the reader then keeps and serves reads within them from (a sealed object's header, which
 * every ranged read of it reads first, lies there: no extra read in the end).
 *
 * Memory and open files stay bounded whatever the number of segments (S3 allows 10,000 parts):
 * the reader keeps the first bytes of one segment at a time (the one whose reads start now), and
 * `check` reads at most `CHECK_CONCURRENCY` blobs at once.
 */

import { assertPinned, pinLength } from './blob-pin.ts';
import type { Persistence } from './persistence.ts';
import type { ObjectInfo, ObjectReader } from './types.ts';

/**
 * How many blobs `check` reads at once: enough to overlap the latency of an upstream bucket, few
 * enough that a check of thousands of parts leaves the process's file descriptors to its other
 * requests (each read holds one open blob, or one upstream request).
 */
const CHECK_CONCURRENCY = 8;

interface Span {
  readonly start: number;
  readonly size: number;
}

/**
 * A reader of `blobIds` (whose lengths are `sizes`, whose pins are `pins`) as the one object
 * `info` describes; `release` runs on the first `close`, after which reads throw.
 * @throws (from its reads) S3Error InternalError for a blob that does not match its pin.
 */
export function segmentReader(
  persistence: Pick<Persistence, 'readBlob' | 'streamBlob'>,
  bucket: string,
  info: ObjectInfo,
  segments: { readonly blobIds: readonly string[]; readonly sizes: readonly number[]; readonly pins: readonly (string | undefined)[] },
  release: () => Promise<void>,
): ObjectReader {
  const { blobIds, sizes, pins } = segments;
  let closed = false;
  const spans = segmentSpans(sizes);
  /** Segments still to check against their pins (none for those without one). */
  const unchecked = new Set(pins.flatMap((pin, segment) => (pin === undefined ? [] : [segment])));
  /**
   * The first bytes of the one segment last checked by reading them for a read starting in it,
   * kept to serve reads within them (its header); replaced by the next such segment's.
   */
  let kept: { readonly segment: number; readonly prefix: Uint8Array } | undefined;
  const prefixOf = (segment: number): Uint8Array | undefined => (kept?.segment === segment ? kept.prefix : undefined);
  const checkPin = (segment: number, prefix: Uint8Array): void => {
    assertPinned(prefix, pins[segment] ?? '', bucket, blobIds[segment] ?? '');
    unchecked.delete(segment);
  };
  /**
   * Checks a segment by reading its first bytes (when the read at hand does not cover them),
   * keeping them if `keep` (a read in the segment starts now; else they would only take memory).
   */
  const checkSegment = async (segment: number, keep = true): Promise<void> => {
    if (!unchecked.has(segment)) return;
    const prefix = await persistence.readBlob(bucket, blobIds[segment] ?? '', 0, pinLength(sizes[segment] ?? 0));
    checkPin(segment, prefix);
    if (keep) kept = { segment, prefix };
  };
  const readPiece = async (piece: Piece): Promise<Uint8Array> => {
    const covered = pinLength(sizes[piece.segment] ?? 0);
    const covers = unchecked.has(piece.segment) && piece.offset === 0 && piece.length >= covered;
    if (!covers) await checkSegment(piece.segment);
    const prefix = prefixOf(piece.segment);
    if (prefix !== undefined && piece.offset + piece.length <= prefix.length) return prefix.subarray(piece.offset, piece.offset + piece.length);
    const bytes = await persistence.readBlob(bucket, blobIds[piece.segment] ?? '', piece.offset, piece.length);
    if (covers) checkPin(piece.segment, bytes.subarray(0, covered));
    return bytes;
  };
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
        out.set(await readPiece(piece), position);
        position += piece.length;
      }
      return out;
    },
    stream: (offset = 0, length = info.size - offset, options = {}) => {
      check(offset, length);
      const readOnly = options.readOnly === true;
      return (async function* () {
        for (const piece of pieces(spans, offset, length)) {
          const prefix = prefixOf(piece.segment);
          if (prefix !== undefined && piece.offset < prefix.length) {
            // The first bytes were read to check the pin: served from there, the rest streamed.
            const end = Math.min(prefix.length, piece.offset + piece.length);
            yield readOnly ? prefix.subarray(piece.offset, end) : prefix.slice(piece.offset, end);
            if (end < piece.offset + piece.length) {
              yield* persistence.streamBlob(bucket, blobIds[piece.segment] ?? '', end, piece.offset + piece.length - end, readOnly);
            }
            continue;
          }
          const stream = persistence.streamBlob(bucket, blobIds[piece.segment] ?? '', piece.offset, piece.length, readOnly);
          const covered = pinLength(sizes[piece.segment] ?? 0);
          if (!unchecked.has(piece.segment)) yield* stream;
          else if (piece.offset === 0 && piece.length >= covered) yield* checkedStream(stream, covered, (prefix) => checkPin(piece.segment, prefix));
          else {
            await checkSegment(piece.segment);
            yield* stream;
          }
        }
      })();
    },
    // Only where there is something to check: a GET of an unpinned object (memory) skips the call.
    ...(unchecked.size === 0
      ? {}
      : {
          check: async (segments: readonly number[]): Promise<void> => {
            if (closed) throw new Error('reader is closed');
            // The first segment's reads start now: its first bytes are kept; the others' are not.
            const queue = segments.filter((segment) => unchecked.has(segment));
            const first = segments[0];
            let next = 0;
            let failed = false;
            const worker = async (): Promise<void> => {
              // Once one check failed (the call rejects), or the reader closed, no more blobs are read.
              for (let index = next++; index < queue.length && !failed && !closed; index = next++) {
                const segment = queue[index] ?? 0;
                try {
                  await checkSegment(segment, segment === first);
                } catch (error) {
                  failed = true;
                  throw error;
                }
              }
            };
            await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, queue.length) }, worker));
          },
        }),
    close: async () => {
      if (closed) return;
      closed = true;
      await release();
    },
  };
}

/** `stream`'s chunks, held back until its first `covered` bytes passed `check`. */
async function* checkedStream(stream: AsyncIterable<Uint8Array>, covered: number, check: (prefix: Uint8Array) => void): AsyncIterable<Uint8Array> {
  const held: Uint8Array[] = [];
  let length = 0;
  const iterator = stream[Symbol.asyncIterator]();
  while (length < covered) {
    const next = await iterator.next();
    if (next.done === true) break;
    held.push(next.value);
    length += next.value.length;
  }
  const prefix = held.length === 1 ? held[0]! : Buffer.concat(held);
  try {
    check(prefix.subarray(0, covered));
  } catch (error) {
    // Nothing of it is served: close the blob's stream and fail.
    await iterator.return?.();
    throw error;
  }
  yield* held;
  for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
}

function segmentSpans(sizes: readonly number[]): Span[] {
  let start = 0;
  return sizes.map((size) => {
    const span = { start, size };
    start += size;
    return span;
  });
}

/** A stored range's part within one segment. */
interface Piece {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
}

/** Splits a stored range into per-segment pieces. */
function* pieces(spans: readonly Span[], offset: number, length: number): Generator<Piece> {
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
