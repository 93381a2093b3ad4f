/**
 * @module
 * One process per data directory: two processes indexing the same directory would each delete the
 * other's new blobs as orphans. The lock is the service kernel's `acquireDirectoryLock` (a `LOCK`
 * file naming its holder, held as a lease the holder renews; expired leases, and locks of dead
 * processes of this PID namespace, are taken over), under S3's file name and with S3's message.
 */

import { acquireDirectoryLock, DirectoryLockedError } from '@strongbox/service-kernel';
import { LOCK_FILE } from './layout.ts';

/** A held directory lock. */
export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Takes the lock of `directory`.
 * @throws Error if this process or another live one holds it.
 * @example const lock = await lockDirectory(directory); await lock.release();
 */
export async function lockDirectory(directory: string): Promise<DirectoryLock> {
  try {
    return { release: await acquireDirectoryLock(directory, LOCK_FILE) };
  } catch (error) {
    if (!(error instanceof DirectoryLockedError)) throw error;
    const { holder, path } = error;
    if (holder.kind === 'race') throw new Error(`Could not take the lock ${path}`, { cause: error });
    const pid = holder.kind === 'process' ? holder.pid : process.pid;
    throw new Error(`The data directory ${directory} is in use by process ${pid} (${path}); stop it first, or use another directory.`, { cause: error });
  }
}
