/**
 * @module
 * What a write does when the backend cannot confirm it durable (`CommitOutcomeUnknown`: its record
 * took its place, but a directory fsync or the lease check after it failed): the request fails,
 * the index shows the change as the files do, and the blobs it names stay; the caller skips what
 * follows a success (releasing the replaced record's blobs), since a crash may bring that record
 * back. The next open settles which of the two is there. Not earlier: a later directory fsync that
 * succeeds does not prove the change reached the disk, since Linux may report a failed write-back
 * once and then clear the error (PostgreSQL's "fsyncgate", 2018), and rewriting the record to
 * confirm it would race later writes of the key.
 */

import { S3Error } from '../errors.ts';

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
