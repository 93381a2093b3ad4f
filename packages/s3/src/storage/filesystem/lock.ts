/**
 * @module
 * One process per data directory: two processes indexing the same directory would each delete the
 * other's new blobs as orphans. The lock is the service kernel's `acquireDirectoryLock` (a `LOCK`
 * file naming its holder, held as a lease the holder renews; expired leases, and locks of dead
 * processes of this PID namespace, are taken over), under S3's file name and with S3's message.
 * It is a lease that fences this process once another one took the directory over after this
 * one's lease lapsed: the store confirms it around every write (`persistence.ts`).
 */

import { acquireDirectoryLease, type DirectoryLease, DirectoryLockedError, type DirectoryLockOptions } from '@strongbox/service-kernel';
import { LOCK_FILE } from './layout.ts';

/**
 * Takes the lock of `directory`.
 * @throws Error if this process or another live one holds it.
 * @example const lease = await lockDirectory(directory); await lease.confirm(); await lease.release();
 */
export async function lockDirectory(directory: string, options: DirectoryLockOptions = {}): Promise<DirectoryLease> {
  try {
    return await acquireDirectoryLease(directory, LOCK_FILE, options);
  } catch (error) {
    if (!(error instanceof DirectoryLockedError)) throw error;
    const { holder, path } = error;
    if (holder.kind === 'race') throw new Error(`Could not take the lock ${path}`, { cause: error });
    const pid = holder.kind === 'process' ? holder.pid : process.pid;
    throw new Error(`The data directory ${directory} is in use by process ${pid} (${path}); stop it first, or use another directory.`, { cause: error });
  }
}
