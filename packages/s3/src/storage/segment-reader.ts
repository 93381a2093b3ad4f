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
import type { ObjectInfo, ObjectReader, StreamOptions } from './types.ts';

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
  return new SegmentReader(persistence, bucket, info, segments, release);
}

/**
 * The reader `segmentReader` makes: a class rather than a set of closures, since one is made per
 * GET (its methods are shared, not created and named per reader).
 */
class SegmentReader implements ObjectReader {
  readonly info: ObjectInfo;
  /** Only where there is something to check: a GET of an unpinned object (memory) skips the call. */
  readonly check?: (segments: readonly number[]) => Promise<void>;
  readonly #persistence: Pick<Persistence, 'readBlob' | 'streamBlob'>;
  readonly #bucket: string;
  readonly #blobIds: readonly string[];
  readonly #sizes: readonly number[];
  readonly #pins: readonly (string | undefined)[];
  readonly #spans: readonly Span[];
  /** Segments still to check against their pins (none for those without one). */
  readonly #unchecked: Set<number>;
  #release: (() => Promise<void>) | undefined;
  #closed = false;
  /**
   * The first bytes of the one segment last checked by reading them for a read starting in it,
   * kept to serve reads within them (its header); replaced by the next such segment's.
   */
  #kept: { readonly segment: number; readonly prefix: Uint8Array } | undefined;

  constructor(
    persistence: Pick<Persistence, 'readBlob' | 'streamBlob'>,
    bucket: string,
    info: ObjectInfo,
    segments: { readonly blobIds: readonly string[]; readonly sizes: readonly number[]; readonly pins: readonly (string | undefined)[] },
    release: () => Promise<void>,
  ) {
    this.info = info;
    this.#persistence = persistence;
    this.#bucket = bucket;
    this.#blobIds = segments.blobIds;
    this.#sizes = segments.sizes;
    this.#pins = segments.pins;
    this.#release = release;
    this.#spans = segmentSpans(segments.sizes);
    const unchecked = new Set<number>();
    for (let segment = 0; segment < segments.pins.length; segment++) if (segments.pins[segment] !== undefined) unchecked.add(segment);
    this.#unchecked = unchecked;
    if (unchecked.size > 0) this.check = (segments) => this.#checkSegments(segments);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    this.#checkRange(offset, length);
    const out = new Uint8Array(length);
    let position = 0;
    for (const piece of pieces(this.#spans, offset, length)) {
      out.set(await this.#readPiece(piece), position);
      position += piece.length;
    }
    return out;
  }

  stream(offset = 0, length: number = this.info.size - offset, options: StreamOptions = {}): AsyncIterable<Uint8Array> {
    this.#checkRange(offset, length);
    const readOnly = options.readOnly === true;
    // The common case (a whole single-segment object with nothing left to check, nothing kept):
    // the blob's own stream, with no generator around it.
    const [only, more] = pieces(this.#spans, offset, length);
    if (only !== undefined && more === undefined && !this.#unchecked.has(only.segment) && this.#prefixOf(only.segment) === undefined) {
      return this.#persistence.streamBlob(this.#bucket, this.#blobIds[only.segment] ?? '', only.offset, only.length, readOnly);
    }
    return this.#streamPieces(offset, length, readOnly);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const release = this.#release;
    this.#release = undefined;
    await release?.();
  }

  async *#streamPieces(offset: number, length: number, readOnly: boolean): AsyncIterable<Uint8Array> {
    const persistence = this.#persistence;
    const bucket = this.#bucket;
    for (const piece of pieces(this.#spans, offset, length)) {
      const blobId = this.#blobIds[piece.segment] ?? '';
      const prefix = this.#prefixOf(piece.segment);
      if (prefix !== undefined && piece.offset < prefix.length) {
        // The first bytes were read to check the pin: served from there, the rest streamed.
        const end = Math.min(prefix.length, piece.offset + piece.length);
        yield readOnly ? prefix.subarray(piece.offset, end) : prefix.slice(piece.offset, end);
        if (end < piece.offset + piece.length) yield* persistence.streamBlob(bucket, blobId, end, piece.offset + piece.length - end, readOnly);
        continue;
      }
      const stream = persistence.streamBlob(bucket, blobId, piece.offset, piece.length, readOnly);
      const covered = pinLength(this.#sizes[piece.segment] ?? 0);
      if (!this.#unchecked.has(piece.segment)) yield* stream;
      else if (piece.offset === 0 && piece.length >= covered) yield* checkedStream(stream, covered, (prefix) => this.#checkPin(piece.segment, prefix));
      else {
        await this.#checkSegment(piece.segment);
        yield* stream;
      }
    }
  }

  async #checkSegments(segments: readonly number[]): Promise<void> {
    if (this.#closed) throw new Error('reader is closed');
    // The first segment's reads start now: its first bytes are kept; the others' are not.
    const queue = segments.filter((segment) => this.#unchecked.has(segment));
    const first = segments[0];
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      // Once one check failed (the call rejects), or the reader closed, no more blobs are read.
      for (let index = next++; index < queue.length && !failed && !this.#closed; index = next++) {
        const segment = queue[index] ?? 0;
        try {
          await this.#checkSegment(segment, segment === first);
        } catch (error) {
          failed = true;
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(CHECK_CONCURRENCY, queue.length) }, worker));
  }

  #prefixOf(segment: number): Uint8Array | undefined {
    return this.#kept?.segment === segment ? this.#kept.prefix : undefined;
  }

  #checkPin(segment: number, prefix: Uint8Array): void {
    assertPinned(prefix, this.#pins[segment] ?? '', this.#bucket, this.#blobIds[segment] ?? '');
    this.#unchecked.delete(segment);
  }

  /**
   * Checks a segment by reading its first bytes (when the read at hand does not cover them),
   * keeping them if `keep` (a read in the segment starts now; else they would only take memory).
   */
  async #checkSegment(segment: number, keep = true): Promise<void> {
    if (!this.#unchecked.has(segment)) return;
    const prefix = await this.#persistence.readBlob(this.#bucket, this.#blobIds[segment] ?? '', 0, pinLength(this.#sizes[segment] ?? 0));
    this.#checkPin(segment, prefix);
    if (keep) this.#kept = { segment, prefix };
  }

  async #readPiece(piece: Piece): Promise<Uint8Array> {
    const covered = pinLength(this.#sizes[piece.segment] ?? 0);
    const covers = this.#unchecked.has(piece.segment) && piece.offset === 0 && piece.length >= covered;
    if (!covers) await this.#checkSegment(piece.segment);
    const prefix = this.#prefixOf(piece.segment);
    if (prefix !== undefined && piece.offset + piece.length <= prefix.length) return prefix.subarray(piece.offset, piece.offset + piece.length);
    const bytes = await this.#persistence.readBlob(this.#bucket, this.#blobIds[piece.segment] ?? '', piece.offset, piece.length);
    if (covers) this.#checkPin(piece.segment, bytes.subarray(0, covered));
    return bytes;
  }

  #checkRange(offset: number, length: number): void {
    if (this.#closed) throw new Error('reader is closed');
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > this.info.size) {
      throw new RangeError(`[${offset}, ${offset + length}) is outside the ${this.info.size} stored bytes`);
    }
  }
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
