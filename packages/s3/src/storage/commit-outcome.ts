/**
 * @module
 * What a write does when the backend cannot confirm it durable (`CommitOutcomeUnknown`: its record
 * took its place, but a directory fsync or the lease check after it failed): the request fails,
 * the index shows the change as the files do, and the blobs it names stay; the caller skips what
 * follows a success (releasing the replaced record's blobs), since a crash may bring that record
 * back. A later directory fsync that succeeds does not prove the change reached the disk, since
 * Linux may report a failed write-back once and then clear the error (PostgreSQL's "fsyncgate",
 * 2018). What does prove it is a change of that very name whose every step succeeds: so once its
 * lock is released, the write takes the name's lock again and writes the record the index holds
 * for the name anew (`confirmByRewrite`: a new file renamed over the name, the directory fsynced
 * again); then the name durably holds that record, and the replaced one's blobs are released.
 * Taken anew, not kept: a later write of the name may have gone first, and the rewrite must not
 * put an older record back. If the rewrite fails too, or the name was removed since (a removal
 * has nothing to write anew), the blobs stay until the next open, which settles which record is
 * there.
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
 * delete). The caller then skips what follows a success (releasing the replaced record's blobs):
 * a crash may still bring that record back.
 * @throws what `write` throws.
 */
export async function persisted(write: Promise<void>, inPlace: () => void): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (outcomeUnknown(error)) inPlace();
    throw error;
  }
}

/**
 * After a write whose outcome is unknown, with its lock released: under the name's lock `lock`
 * again, `rewrite` writes anew the record the index holds for the name now and answers true (or
 * false, writing nothing, when the name holds none any more); once it answered true, the name
 * durably holds that record, so the record the write replaced cannot come back and `blobIds` (its
 * blobs, still counted) are released. Never throws: if anything fails, the blobs stay until the
 * next open (`commit-outcome.ts`).
 * @example await confirmByRewrite(store, `o\0${bucket}\0${key}`, rewrite, bucket, old.segments.map((segment) => segment.blobId));
 */
export async function confirmByRewrite(
  store: StoreState,
  lock: string,
  rewrite: () => Promise<boolean>,
  bucket: string,
  blobIds: readonly string[],
): Promise<void> {
  if (blobIds.length === 0) return;
  try {
    await store.locks.run(lock, async () => {
      if (await rewrite()) await store.refs.release(bucket, blobIds);
    });
  } catch {
    // Not confirmed (the rewrite's own fsync failed, a full disk, a lost lease): the next open settles it.
  }
}
