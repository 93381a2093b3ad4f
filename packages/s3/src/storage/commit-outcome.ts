/**
 * @module
 * What a write does when the backend cannot confirm it durable (`CommitOutcomeUnknown`: its record
 * took its place, but a directory fsync or the lease check after it failed): the request fails,
 * the index shows the change as the files do, and the blobs it names stay. The blobs of the record
 * it replaced or removed are not released yet, since a crash may bring that record back; they are
 * deferred, and released once the backend confirms the write durable after all (`settleDeferred`,
 * which the next successful write runs: the backend retries the failed directory fsyncs and the
 * lease check). Until then, or if the confirmation keeps failing, they stay at most until the next
 * open, which settles which record is there and removes the blobs nothing names.
 */

import { S3Error } from '../errors.ts';
import type { StoreState } from './store-state.ts';

/**
 * Whether a write failed after its record took its place, which may be durable: the blobs it names
 * then stay (held until the next open, which keeps them if the record is there and removes them if
 * not); deleting them could leave a durable record naming a missing blob, which stops the next open.
 */
export function outcomeUnknown(error: unknown): boolean {
  return error instanceof S3Error && error.reason === 'CommitOutcomeUnknown';
}

/** Rethrows `error` unless it is `outcomeUnknown` (the change is in place, see `completeUpload`). */
export function unlessOutcomeUnknown(error: unknown): void {
  if (!outcomeUnknown(error)) throw error;
}

/**
 * Awaits a backend write; if it fails after its change took its place (`outcomeUnknown`), runs
 * `inPlace` first, which puts the change in the index as a success would, so the index shows what
 * the files hold (a read after the 500 sees the new record, a retried delete finds nothing to
 * delete), and defers the release of `replaced` (the blobs of the record the write replaced or
 * removed, which the caller releases after a success): a crash may still bring that record back.
 * After a success, settles what earlier writes deferred (`settleDeferred`).
 * @throws what `write` throws.
 * @example await persisted(store, store.persistence.deleteObject(bucket, key), unindex, { bucket, blobIds });
 */
export async function persisted(
  store: StoreState,
  write: Promise<void>,
  inPlace: () => void,
  replaced?: { readonly bucket: string; readonly blobIds: readonly string[] },
): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (outcomeUnknown(error)) {
      inPlace();
      if (replaced !== undefined) deferRelease(store, replaced.bucket, replaced.blobIds);
    }
    throw error;
  }
  if (store.deferred.length > 0) await settleDeferred(store);
}

/**
 * Holds the release of `blobIds` (still counted by the record a write whose outcome is unknown
 * replaced or removed) until `settleDeferred` confirms that write durable.
 * @example deferRelease(store, 'b', old.segments.map((segment) => segment.blobId));
 */
export function deferRelease(store: StoreState, bucket: string, blobIds: readonly string[]): void {
  const state = store.buckets.get(bucket);
  if (state !== undefined && blobIds.length > 0) store.deferred.push({ bucket, state, blobIds });
}

/**
 * Releases the deferred blobs once the backend confirms durable every write whose outcome was
 * unknown (`Persistence.settle`): from then on none of the records they replaced or removed can
 * come back. If it cannot yet, they stay deferred for the next call. Blobs of a bucket deleted
 * since went with it. Never throws: a blob left behind is removed at the next open.
 * @example await settleDeferred(store); // after a write that succeeded
 */
export async function settleDeferred(store: StoreState): Promise<void> {
  if (store.deferred.length === 0 || store.persistence.settle === undefined) return;
  // Taken before `settle` starts: everything in the batch was in place before it, so it covers them.
  const batch = store.deferred.splice(0);
  try {
    await store.persistence.settle();
  } catch {
    store.deferred.unshift(...batch);
    return;
  }
  for (const { bucket, state, blobIds } of batch) {
    if (store.buckets.get(bucket) !== state) continue;
    await store.refs.release(bucket, blobIds).catch(() => undefined);
  }
}
