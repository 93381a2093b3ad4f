/**
 * @module
 * One process per data directory: two processes indexing the same directory would each delete the
 * other's new blobs as orphans. The lock is the service kernel's `acquireDirectoryLock` (a `LOCK`
 * file naming its holder, held as a lease the holder renews; expired leases, and locks of dead
 * processes of this PID namespace, are taken over), under S3's file name and with S3's message.
 * It is a lease that fences this process once another one took the directory over after this
 * one's lease lapsed: the store confirms it around every write (`persistence.ts`).
 *
 * A directory in use is the package's one error type, as the store's other failures are
 * (`DataDirectoryTakenOver`, `CommitOutcomeUnknown`): `S3Error` `DataDirectoryLocked`, its
 * message for the operator, the kernel's `DIRECTORY_LOCKED` kept as its cause.
 */

import { acquireDirectoryLease, type DirectoryLease, type DirectoryLockOptions, isServiceError } from '@strongbox/service-kernel';
import { S3Error } from '../../errors.ts';
import { LOCK_FILE } from './layout.ts';

/**
 * Takes the lock of `directory`.
 * @throws S3Error `DataDirectoryLocked` (500 InternalError on the wire, where its message is never
 *   sent) if this process or another live one holds it, naming the holder; the file system's
 *   error if the lock file cannot be written.
 * @example const lease = await lockDirectory(directory); await lease.confirm(); await lease.release();
 */
export async function lockDirectory(directory: string, options: DirectoryLockOptions = {}): Promise<DirectoryLease> {
  try {
    return await acquireDirectoryLease(directory, LOCK_FILE, options);
  } catch (error) {
    if (!isServiceError(error, 'DIRECTORY_LOCKED')) throw error;
    const { holder, path } = error.detail;
    const value =
      holder.kind === 'race'
        ? `Could not take the lock ${path}`
        : `The data directory ${directory} is in use by process ${holder.kind === 'process' ? holder.pid : process.pid} (${path}); stop it first, or use another directory.`;
    throw new S3Error('DataDirectoryLocked', { detail: { value }, cause: error });
  }
}
