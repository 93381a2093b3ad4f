/**
 * @module
 * The commit of an object's manifest, every PutObject's and CompleteMultipartUpload's last step:
 * under the key's lock, the replaced object checked (`guard`), the manifest written (the commit
 * point), the index updated, then the blobs of the replaced object released. Blobs written for a
 * commit that fails are let go of; those of one whose outcome is unknown stay, and the replaced
 * object's are released only once the key's manifest is written anew durably
 * (`commit-outcome.ts`).
 */

import { discard } from './blob-lifecycle.ts';
import { type BucketState, objectInfo } from './bucket-index.ts';
import { confirmByRewrite, outcomeUnknown } from './commit-outcome.ts';
import type { ObjectRecord } from './persistence.ts';
import { bucketState, noSuchBucket, type StoreState } from './store-state.ts';
import type { CommitGuard, ObjectInfo } from './types.ts';

/**
 * Writes an object's manifest under its key's lock, then runs `committed` (still under it: a
 * completion's removal of its upload); `guard` checks the object replaced first, under the same
 * lock; `fresh` blobs are released if the manifest cannot be written (kept, and indexed, if it
 * is in place, as `persisted` does). With
 * `expected` (the bucket the blobs were written into), a bucket deleted, or deleted and created
 * again, since then is NoSuchBucket: its blobs went with the old one, and a manifest in the new
 * one would name bytes that no longer exist.
 * @throws S3Error NoSuchBucket; what `guard` and the backend's `writeObject` throw.
 * @example return commitObject(store, bucket, record, [blobId], undefined, guard, state);
 */
export async function commitObject(
  store: StoreState,
  bucket: string,
  record: ObjectRecord,
  fresh: readonly string[],
  committed?: () => Promise<void>,
  guard?: CommitGuard,
  expected?: BucketState,
): Promise<ObjectInfo> {
  let written = false;
  let replaced: ObjectRecord | undefined;
  try {
    store.refs.retain(bucket, fresh);
    return await store.locks.run(`o\0${bucket}\0${record.key}`, async () => {
      const state = bucketState(store, bucket);
      if (expected !== undefined && state !== expected) throw noSuchBucket(bucket);
      state.pending += 1;
      let old: ObjectRecord | undefined;
      try {
        old = state.objects.get(record.key);
        guard?.(old === undefined ? undefined : objectInfo(old));
        try {
          await store.persistence.writeObject(bucket, record);
        } catch (error) {
          // Not durable: the object is in place (the fresh blobs counted by it) and indexed, and
          // the old one's blobs stay (a crash may bring it back) until a rewrite confirms the key.
          // Inline, not `persisted`: this is every PUT's path, and a success makes no closure or
          // extra promise here.
          if (outcomeUnknown(error)) {
            written = indexObject(state, record, old);
            replaced = old;
          }
          throw error;
        }
        written = indexObject(state, record, old);
      } finally {
        state.pending -= 1;
      }
      if (old !== undefined)
        await store.refs.release(
          bucket,
          old.segments.map((segment) => segment.blobId),
        );
      await committed?.();
      return objectInfo(record);
    });
  } catch (error) {
    if (!written && !outcomeUnknown(error)) await discard(store, bucket, fresh);
    // With the key's lock released (the rewrite takes it again, after any write queued behind it).
    if (replaced !== undefined) await confirmObject(store, bucket, record.key, replaced);
    throw error;
  }
}

/**
 * Writes the key's manifest anew from the index (`confirmByRewrite`), then releases the blobs of
 * `replaced`, the object a write whose outcome is unknown replaced.
 */
async function confirmObject(store: StoreState, bucket: string, key: string, replaced: ObjectRecord): Promise<void> {
  const state = store.buckets.get(bucket);
  const rewrite = async (): Promise<boolean> => {
    const current = state === undefined || store.buckets.get(bucket) !== state ? undefined : state.objects.get(key);
    if (state === undefined || current === undefined) return false;
    state.pending += 1;
    try {
      await store.persistence.writeObject(bucket, current);
    } finally {
      state.pending -= 1;
    }
    return true;
  };
  const blobIds = replaced.segments.map((segment) => segment.blobId);
  await confirmByRewrite(store, `o\0${bucket}\0${key}`, rewrite, bucket, blobIds);
}

/** Puts `record` in the index in place of `old` (a written object); true, for `written`. */
function indexObject(state: BucketState, record: ObjectRecord, old: ObjectRecord | undefined): true {
  state.objects.set(record.key, record);
  if (old === undefined) state.sortedKeys = undefined;
  return true;
}
