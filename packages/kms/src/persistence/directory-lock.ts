/**
 * @module
 * One process per data directory: two servers appending to one journal would interleave records
 * and each would snapshot over the other's state. The lock is a `lock` file created exclusively
 * and naming its holder, held as a lease the holder renews; the service kernel's
 * `acquireDirectoryLock` takes it (expired leases, and locks of dead processes of this PID
 * namespace, are taken over). It answers the lease, which fences this process once another one
 * took the directory over after this one's lease lapsed (the store then refuses every call).
 */

import { acquireDirectoryLease, type DirectoryLease, type DirectoryLockOptions, isServiceError } from '@strongbox/service-kernel';
import { KmsError } from '../errors.ts';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'lock';

/**
 * Takes the directory's lock (the service kernel's `acquireDirectoryLease`, with its stale-lock
 * rules) under KMS's file name.
 * @returns the lease (`confirm` before each commit, `release` on close).
 * @throws KmsError LOCKED if this process or another live one holds it.
 * @example const lease = await acquireLock(directory); await lease.release();
 */
export async function acquireLock(directory: string, options: DirectoryLockOptions = {}): Promise<DirectoryLease> {
  try {
    return await acquireDirectoryLease(directory, LOCK_FILE, options);
  } catch (error) {
    if (isServiceError(error, 'DIRECTORY_LOCKED')) throw new KmsError('LOCKED', error.message);
    throw error;
  }
}
