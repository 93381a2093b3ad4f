/**
 * @module
 * A blob's life in the indexed store outside its manifest's commit: streamed into a bucket
 * (NoSuchBucket if the bucket went meanwhile), pinned on the way where blobs rest where others can
 * write them, read through readers that count as names of it (`blob-refs.ts`), and let go of when
 * the write that made it came to nothing.
 */

import { type PinningBody, pinningBody } from './blob-pin.ts';
import type { BucketState } from './bucket-index.ts';
import { segmentReader } from './segment-reader.ts';
import { noSuchBucket, type StoreState } from './store-state.ts';
import type { BodySource, ObjectInfo, ObjectReader } from './types.ts';

/** The blobs an `ObjectReader` reads, with their sizes and pins (see `segmentReader`). */
export type ReaderSegments = Parameters<typeof segmentReader>[3];

/**
 * Streams `body` into a fresh blob of the bucket `state` indexes, and returns its size. Nothing
 * names the blob until a manifest does, so DeleteBucket may remove the bucket (and CreateBucket
 * make another of the same name) while the body streams: the write then fails NoSuchBucket, as
 * a write into a bucket that no longer exists does on S3, instead of the file system's error
 * for the vanished directory, and the blob is deleted, wherever the backend had put it.
 * @throws S3Error NoSuchBucket; what the backend's `writeBlob` throws.
 * @example const size = await writeBlob(store, 'b', state, blobId, body);
 */
export async function writeBlob(store: StoreState, bucket: string, state: BucketState, blobId: string, body: BodySource): Promise<number> {
  let size: number;
  try {
    size = await store.persistence.writeBlob(bucket, blobId, body);
  } catch (error) {
    if (store.buckets.get(bucket) === state) throw error;
    throw noSuchBucket(bucket);
  }
  if (store.buckets.get(bucket) !== state) {
    await store.persistence.deleteBlob(bucket, blobId);
    throw noSuchBucket(bucket);
  }
  return size;
}

/**
 * Lets go of blobs a write made that no manifest came to name: counted ones are released; those
 * of a bucket deleted meanwhile are counted by nothing any more, and are deleted outright.
 * @example await discard(store, 'b', [blobId]);
 */
export async function discard(store: StoreState, bucket: string, blobIds: readonly string[]): Promise<void> {
  if (store.buckets.has(bucket)) return store.refs.release(bucket, blobIds);
  for (const blobId of blobIds) await store.persistence.deleteBlob(bucket, blobId);
}

/**
 * A reader of `segments` as the object `info`: its blobs count one name more until it closes.
 * @throws S3Error NoSuchBucket.
 * @example const reader = openReader(store, 'b', info, { blobIds, sizes, pins });
 */
export function openReader(store: StoreState, bucket: string, info: ObjectInfo, segments: ReaderSegments): ObjectReader {
  const { blobIds } = segments;
  store.refs.retain(bucket, blobIds);
  return segmentReader(store.persistence, bucket, info, segments, () => store.refs.release(bucket, blobIds));
}

/**
 * A body that computes its blob's pin on the way, where blobs rest where others can write them.
 * @example const pinning = pinningFor(store, body);
 */
export function pinningFor(store: StoreState, body: BodySource): PinningBody | undefined {
  return store.persistence.atRest === true ? pinningBody(body) : undefined;
}
