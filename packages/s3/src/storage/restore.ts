/**
 * @module
 * Rebuilding one bucket's index from the manifests a backend holds when it opens, and repairing
 * what a crash can leave: an upload whose parts already belong to an object (a crash between a
 * completion's commit and its clean-up) is removed, and blobs that no manifest names are deleted.
 * A blob that a manifest names but the backend lacks is damage, reported, never papered over.
 */

import { type BucketState, emptyBucketState } from './bucket-index.ts';
import type { LoadedBucket, Persistence } from './persistence.ts';

/** A bucket's index and its blobs' reference counts, as opening found them. */
export interface RestoredBucket {
  readonly state: BucketState;
  /** blob id → number of manifests naming it. */
  readonly refs: Map<string, number>;
}

/**
 * Indexes `loaded`, deleting the leftovers of interrupted writes through `persistence`.
 * @throws Error if a manifest names a blob that is missing (the data directory is damaged).
 */
export async function restoreBucket(persistence: Pick<Persistence, 'deleteUpload' | 'deleteBlob'>, loaded: LoadedBucket): Promise<RestoredBucket> {
  const name = loaded.bucket.name;
  const state = emptyBucketState(loaded.bucket);
  const refs = new Map<string, number>();
  const count = (id: string): void => void refs.set(id, (refs.get(id) ?? 0) + 1);
  for (const object of loaded.objects) {
    state.objects.set(object.key, object);
    for (const segment of object.segments) count(segment.blobId);
  }
  for (const { upload, parts } of loaded.uploads) {
    // A completion commits the object before it removes the upload: parts already named by an
    // object mean the upload was completed, so finish its clean-up.
    if (parts.some((part) => refs.has(part.blobId))) {
      await persistence.deleteUpload(name, upload.uploadId);
      continue;
    }
    state.uploads.set(upload.uploadId, { upload, parts: new Map(parts.map((part) => [part.partNumber, part])) });
    for (const part of parts) count(part.blobId);
  }
  const present = new Set(loaded.blobIds);
  for (const id of refs.keys()) {
    if (!present.has(id)) throw new Error(`bucket ${JSON.stringify(name)}: blob ${id} is named by a manifest but missing; the data directory is damaged`);
  }
  for (const id of loaded.blobIds) if (!refs.has(id)) await persistence.deleteBlob(name, id);
  return { state, refs };
}
