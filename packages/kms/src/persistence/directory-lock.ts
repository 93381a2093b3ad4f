/**
 * @module
 * One process per data directory: two servers appending to one journal would interleave records
 * and each would snapshot over the other's state. The lock is a `lock` file created exclusively
 * and naming its holder, held as a lease the holder renews; the service kernel's
 * `acquireDirectoryLock` takes it (expired leases, and locks of dead processes of this PID
 * namespace, are taken over).
 */

import { acquireDirectoryLock, DirectoryLockedError } from '@strongbox/service-kernel';
import { StoreError } from './errors.ts';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'lock';

/**
 * Takes the directory's lock (the service kernel's `acquireDirectoryLock`, with its stale-lock
 * rules) under KMS's file name.
 * @returns a function that releases it.
 * @throws StoreError LOCKED if this process or another live one holds it.
 * @example const release = await acquireLock(directory); await release();
 */
export async function acquireLock(directory: string): Promise<() => Promise<void>> {
  try {
    return await acquireDirectoryLock(directory, LOCK_FILE);
  } catch (error) {
    if (error instanceof DirectoryLockedError) throw new StoreError('LOCKED', error.message);
    throw error;
  }
}
