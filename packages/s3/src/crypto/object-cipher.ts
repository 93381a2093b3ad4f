/**
 * @module
 * Encryption at rest of object bodies, on the layers a `DataKeyProvider` supplies:
 *
 * - `sealObject` streams a plaintext body through each layer's seal (innermost first) into a
 *   sink (storage), measuring the plaintext's size and MD5 on the way (for the ETag and
 *   Content-MD5) and the size after each layer; memory stays about one frame per layer.
 * - `openObject` streams a whole object back, every frame authenticated before it is released
 *   and the final frame proving nothing was truncated.
 * - `openObjectRange` returns a plaintext byte range in windows, decrypting only the frames that
 *   cover it: per segment (a part of a multipart object is its own sealed message), through every
 *   layer (an outer layer's range read feeds the inner one's), each data key unwrapped once.
 */

import { createHash, type Hash } from 'node:crypto';
import { type BodyObserver, ObservedBody } from '@strongbox/service-kernel';
import { handOver } from '../storage/support.ts';
import type { BodySource, ObjectReader } from '../storage/types.ts';
import type { ObjectKeys } from './data-key-provider.ts';
import { memoizeUnwrap, openChunks, openRange, type RandomAccessSource, type SealLayer, type SealMeter, sealChunks } from './envelope-adapter.ts';

/**
 * Plaintext bytes per frame of a stored object: range granularity against throughput, chosen by
 * measurement (bench/s3/frame-length.ts; the README gives the figures and the reasoning).
 */
export const OBJECT_FRAME_LENGTH: number = 256 * 1024;

/** Plaintext bytes a ranged read decrypts per window (bounds its memory). */
export const RANGE_WINDOW: number = 4 * 1024 * 1024;

/** The sizes of one sealed segment (a PUT's body or one part), stored with the object. */
export interface SealedSegment {
  readonly plaintextSize: number;
  /** Size after each layer, innermost first; the last is the stored size. */
  readonly layerSizes: readonly number[];
}

/**
 * The keys to open a stored object: one set for every segment (the caller disposes it), or a
 * function giving each segment's (a multipart object's parts carry their part number in their
 * context); the cipher disposes what the function returns, once that segment is read.
 */
export type SegmentKeys = ObjectKeys | ((segment: number) => Promise<ObjectKeys>);

/** What sealing measured. */
export interface SealOutcome<T> {
  /** The sink's result (e.g. storage's `ObjectInfo`). */
  readonly result: T;
  readonly segment: SealedSegment;
  /** MD5 of the plaintext; undefined when sealed with `md5: false`. */
  readonly md5: Uint8Array | undefined;
}

/** Options of `sealObject`. */
export interface SealObjectOptions {
  /** Plaintext bytes per frame; default `OBJECT_FRAME_LENGTH`. */
  readonly frameLength?: number;
  /** Whether to compute the plaintext MD5 (SSE-S3 ETags, Content-MD5 checks); default true. */
  readonly md5?: boolean;
}

/**
 * Measurements known only at the end of the body, readable from inside the sink once it has
 * consumed the sealed stream (e.g. in a storage metadata callback).
 */
export interface SealProgress {
  /** @throws Error if read before the sealed stream ended. */
  readonly segment: () => SealedSegment;
  /** @throws Error if read before the sealed stream ended, or when sealed with `md5: false`. */
  readonly md5: () => Uint8Array;
}

/**
 * Seals `body` with `keys` and hands the sealed stream to `sink`.
 *
 * @param sink - consumes the sealed bytes completely (storage's `putObject`); it may read
 *   `progress` once it has, e.g. to store the sizes and ETag in the same manifest.
 * @throws whatever the body, a keyring or the sink throws; nothing is measured then.
 * @example
 * ```ts
 * import { sealObject, SseS3Provider } from '@strongbox/s3';
 * const keys = await provider.forSealing({ bucket: 'b', key: 'k' }, undefined);
 * const { result, segment, md5 } = await sealObject(body, keys, (sealed, progress) =>
 *   store.putObject('b', 'k', sealed, () => ({ plaintextSize: String(progress.segment().plaintextSize) })));
 * keys.dispose();
 * ```
 */
export async function sealObject<T>(
  body: BodySource,
  keys: ObjectKeys,
  sink: (sealed: AsyncIterable<Uint8Array>, progress: SealProgress) => Promise<T>,
  options: SealObjectOptions = {},
): Promise<SealOutcome<T>> {
  const { frameLength = OBJECT_FRAME_LENGTH, md5: wantMd5 = true } = options;
  // MD5 costs about as much as the encryption itself; modes with opaque ETags skip it unless the
  // request sent a Content-MD5 to check.
  const plaintext = new PlaintextMeter(wantMd5);
  // The plaintext is metered (and hashed) as one more observer of the body's single pass (after
  // the request's own checks, `ObservedBody`); each layer's seal, a generator pulled by the sink
  // one chunk at a time (so memory stays about a frame per layer), meters its own output.
  let stream: AsyncIterable<Uint8Array> = ObservedBody.observe(body, plaintext);
  const layers: SealMeter[] = [];
  for (const layer of keys.layers) {
    const sealed: SealMeter = { size: 0, ended: false };
    stream = sealChunks(stream, layer, frameLength, sealed);
    layers.push(sealed);
  }
  // Sealed chunks are the cipher's fresh output, referenced by nothing else: handed over, so a
  // store that keeps bytes in memory keeps them without copying (the body's own chunks, with no
  // layer at all, are the caller's and stay unmarked).
  const output = layers.length === 0 ? stream : handOver(stream);
  const progress = new Progress(plaintext, layers);
  const result = await sink(output, progress);
  return { result, segment: progress.segment(), md5: wantMd5 ? progress.md5() : undefined };
}

/** The plaintext's size and MD5, observed as the body passes. */
class PlaintextMeter implements BodyObserver {
  size = 0;
  ended = false;
  readonly hash: Hash | undefined;

  constructor(md5: boolean) {
    this.hash = md5 ? createHash('md5') : undefined;
  }

  /** @throws TypeError for a chunk that is not bytes (a caller's body of strings would be stored as garbage). */
  update(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) throw new TypeError(`body chunks expected Uint8Array, got ${chunk === null ? 'null' : typeof chunk}`);
    this.size += chunk.length;
    this.hash?.update(chunk);
  }

  end(): void {
    this.ended = true;
  }
}

/** `SealProgress` over the plaintext's and each layer's meters. */
class Progress implements SealProgress {
  readonly #plaintext: PlaintextMeter;
  readonly #layers: readonly SealMeter[];
  #digest: Uint8Array | undefined;

  constructor(plaintext: PlaintextMeter, layers: readonly SealMeter[]) {
    this.#plaintext = plaintext;
    this.#layers = layers;
  }

  segment(): SealedSegment {
    this.#assertEnded();
    return { plaintextSize: this.#plaintext.size, layerSizes: this.#layers.map((layer) => layer.size) };
  }

  md5(): Uint8Array {
    this.#assertEnded();
    const hash = this.#plaintext.hash;
    if (hash === undefined) throw new Error('sealed without { md5: true }');
    this.#digest ??= new Uint8Array(hash.digest());
    return this.#digest;
  }

  #assertEnded(): void {
    if (!this.#plaintext.ended || !this.#layers.every((layer) => layer.ended)) throw new Error('the sealed stream has not ended');
  }
}

/**
 * Streams a whole stored object's plaintext, segment after segment.
 *
 * @throws EnvelopeError DECRYPT_FAILED (from the iteration) if any byte was altered, or the object
 *   was truncated, reordered or sealed under other keys; Error / RangeError from the reader's
 *   `stream` (a closed reader): at once for a single segment under `ObjectKeys`, else from the
 *   iteration.
 * @example
 * ```ts
 * import { openObject } from '@strongbox/s3';
 * const reader = await store.openObject('b', 'k');
 * try {
 *   for await (const chunk of openObject(reader, segments, keys)) response.write(chunk);
 * } finally {
 *   await reader.close();
 * }
 * ```
 */
export function openObject(reader: ObjectReader, segments: readonly SealedSegment[], keys: SegmentKeys): AsyncIterable<Uint8Array> {
  const [only] = segments;
  // One segment under keys the caller holds (every single PUT): its stream as it is, with no
  // generator around it (one suspension less per chunk). The reader's own checks (a closed
  // reader, a range outside the object) then throw here rather than at the first chunk.
  if (segments.length === 1 && only !== undefined && typeof keys !== 'function') return openSegment(reader, 0, storedSizeOf(only), keys);
  return openSegments(reader, segments, keys);
}

async function* openSegments(reader: ObjectReader, segments: readonly SealedSegment[], keys: SegmentKeys): AsyncIterable<Uint8Array> {
  let storedStart = 0;
  for (const [index, segment] of segments.entries()) {
    const storedSize = storedSizeOf(segment);
    const segmentKeys = typeof keys === 'function' ? await keys(index) : keys;
    try {
      yield* openSegment(reader, storedStart, storedSize, segmentKeys);
    } finally {
      if (typeof keys === 'function') segmentKeys.dispose();
    }
    storedStart += storedSize;
  }
}

/** One segment's plaintext: its stored bytes through each layer's opening, outermost first. */
function openSegment(reader: ObjectReader, storedStart: number, storedSize: number, keys: ObjectKeys): AsyncIterable<Uint8Array> {
  // Read-only: the decryptor only reads the stored chunks (its plaintext is a buffer of its
  // own); with no layer at all, the stored chunks themselves would reach the caller.
  let stream: AsyncIterable<Uint8Array> = reader.stream(storedStart, storedSize, { readOnly: keys.layers.length > 0 });
  for (let layer = keys.layers.length - 1; layer >= 0; layer--) stream = openChunks(stream, layerAt(keys, layer));
  return stream;
}

/**
 * Streams plaintext bytes `[start, end)` of a stored object, decrypting only covering frames.
 *
 * @throws RangeError outside the plaintext; EnvelopeError if anything read does not authenticate.
 * @example
 * ```ts
 * import { openObjectRange } from '@strongbox/s3';
 * // Range: bytes=-16 of an object of `size` plaintext bytes (the GCM tag S3 Encryption Clients fetch).
 * for await (const chunk of openObjectRange(reader, segments, keys, size - 16, size)) response.write(chunk);
 * ```
 */
export async function* openObjectRange(
  reader: ObjectReader,
  segments: readonly SealedSegment[],
  keys: SegmentKeys,
  start: number,
  end: number,
  window: number = RANGE_WINDOW,
): AsyncIterable<Uint8Array> {
  const total = segments.reduce((sum, segment) => sum + segment.plaintextSize, 0);
  if (!(Number.isSafeInteger(start) && Number.isSafeInteger(end) && start >= 0 && start <= end && end <= total)) {
    throw new RangeError(`[${start}, ${end}) is outside the ${total} plaintext bytes`);
  }
  let plainStart = 0;
  let storedStart = 0;
  for (const [index, segment] of segments.entries()) {
    const from = Math.max(start, plainStart) - plainStart;
    const to = Math.min(end, plainStart + segment.plaintextSize) - plainStart;
    if (to > from) {
      const segmentKeys = typeof keys === 'function' ? await keys(index) : keys;
      const layers = segmentKeys.layers.map((layer) => ({ keyring: memoizeUnwrap(layer.keyring), context: layer.context }));
      try {
        const source = innermostSource(reader, storedStart, segment, layers);
        for (let position = from; position < to; position += window) {
          // The first window also proves the sealed message ends where the manifest says (one
          // extra frame at most), so a truncated or extended blob never serves even a range.
          const first = position === from;
          const opened = await openRange(source, position, Math.min(window, to - position), layerAtList(layers, 0), first ? 'length' : 'range');
          if (first && (!opened.lengthVerified || opened.plaintextLength !== segment.plaintextSize)) {
            opened.plaintext.fill(0);
            throw new Error(`stored segment ${index} holds ${opened.plaintextLength} plaintext bytes where its manifest says ${segment.plaintextSize}`);
          }
          yield opened.plaintext;
        }
      } finally {
        for (const layer of layers) layer.keyring.dispose();
        if (typeof keys === 'function') segmentKeys.dispose();
      }
    }
    plainStart += segment.plaintextSize;
    storedStart += storedSizeOf(segment);
  }
}

/**
 * The random-access source of a segment's innermost sealed message: the stored bytes for one
 * layer; for more, each layer's sealed message is the plaintext of the layer outside it.
 */
function innermostSource(reader: ObjectReader, storedStart: number, segment: SealedSegment, layers: readonly SealLayer[]): RandomAccessSource {
  let source: RandomAccessSource = { size: storedSizeOf(segment), read: (offset, length) => reader.read(storedStart + offset, length) };
  for (let index = layers.length - 1; index >= 1; index--) {
    const outer = source;
    const layer = layerAtList(layers, index);
    source = { size: segment.layerSizes[index - 1] ?? 0, read: async (offset, length) => (await openRange(outer, offset, length, layer)).plaintext };
  }
  return source;
}

function storedSizeOf(segment: SealedSegment): number {
  return segment.layerSizes.at(-1) ?? segment.plaintextSize;
}

function layerAt(keys: ObjectKeys, index: number): SealLayer {
  return layerAtList(keys.layers, index);
}

function layerAtList(layers: readonly SealLayer[], index: number): SealLayer {
  const layer = layers[index];
  if (layer === undefined) throw new Error(`no encryption layer ${index}`);
  return layer;
}
