/**
 * @module
 * One process per data directory: two servers writing one directory would each overwrite (or
 * delete as garbage) what the other wrote. The lock is a file created exclusively and naming its
 * writer (pid, host, PID namespace: `lock-owner.ts`), held as a lease: the holder renews the
 * file's mtime every few seconds (an unref'd timer, stopped on release), and an opener takes over
 * a lock not renewed for `LEASE_EXPIRY_MS`, whoever wrote it: this holds across PID namespaces
 * (two containers on one volume, both pid 1), hosts and network file systems, and a crashed
 * holder's lock expires by itself. A lock written in the opener's own namespace is taken over at
 * once when its pid is dead or is the opener's own (a server SIGKILLed and restarted on the same
 * machine starts at once). Otherwise the opener is refused, naming the holder. Opens of one
 * directory in this process are serialised by a set of held directories, keyed by the real path
 * (a symlink, or macOS's `/tmp` for `/private/tmp`, is the same directory): the second is refused
 * before touching the file. A holder whose lease lapsed and was taken over is fenced: `lease.ts`.
 */

import { type FileHandle, realpath, stat, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ServiceError, type ServiceErrorOf } from '../errors.ts';
import { type DirectoryLease, startLease } from './lease.ts';
import { createLockFile, type DirectoryLockHolder } from './lock-file.ts';
import { LEASE_EXPIRY_MS, LEASE_RENEW_MS, thisLockOwner } from './lock-owner.ts';

export type { DirectoryLockHolder } from './lock-file.ts';

/**
 * The `ServiceError` `DIRECTORY_LOCKED`: the directory is in use. Services map it to their own
 * error; its message says who holds the lock and what to do.
 */
function directoryLocked(directory: string, path: string, holder: DirectoryLockHolder): ServiceErrorOf<'DIRECTORY_LOCKED'> {
  return new ServiceError('DIRECTORY_LOCKED', lockedMessage(directory, path, holder), [], {
    detail: { directory, path, holder },
  }) as ServiceErrorOf<'DIRECTORY_LOCKED'>;
}

function lockedMessage(directory: string, path: string, holder: DirectoryLockHolder): string {
  switch (holder.kind) {
    case 'this-process':
      return `The data directory ${directory} is in use by this process (close the other store first). If no such process uses it, delete ${path}.`;
    case 'process':
      // A lock of a release before leases is never renewed, and taken over only once its pid is
      // gone: waiting frees it only if that pid stops (another container's pid 1 never does here).
      if (holder.legacy === true)
        return `The data directory ${directory} is in use by process ${holder.pid} (its lock was written by an earlier Strongbox release, which does not renew it: it is kept while a process ${holder.pid} runs here). If no such process uses it, delete ${path}.`;
      return `The data directory ${directory} is in use by process ${holder.pid}. If no such process uses it, delete ${path} (or wait: a lock its holder stops renewing is taken over after ${LEASE_EXPIRY_MS / 1000} s).`;
    case 'race':
      return `Another process took the lock ${path} at the same time (or is taking it over).`;
  }
}

/** Releases a held directory lock (idempotent). */
export type ReleaseLock = () => Promise<void>;

/** Options of `acquireDirectoryLock`. */
export interface DirectoryLockOptions {
  /**
   * Runs `renew` every `LEASE_RENEW_MS` until the returned function is called (on release).
   * Default: an unref'd `setInterval`, which never keeps the process alive. Tests pass their own
   * to renew on demand instead of waiting.
   */
  readonly scheduleRenewal?: (renew: () => Promise<void>) => () => void;
  /**
   * Told once when the lease turns out lost (a renewal or a `confirm` finds another lock file in
   * place, or none): the service then refuses every write (`lease.ts`).
   */
  readonly onLost?: (error: ServiceErrorOf<'LEASE_LOST'>) => void;
  /** Wall clock in milliseconds, which renewals stamp on the lock file. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * Directories this process holds or is acquiring, as real paths. Checked and entered with no
 * await between, so two opens of one directory in this process never race each other for the file.
 * Shared through the global symbol registry by every copy of this module a process loads (a
 * bundled CLI beside the packages): a lock naming this pid counts as stale only if no copy holds it.
 */
const HELD: Set<string> = heldDirectories();

/** Per real path: how many next opens act as another process's (`__TESTS.asAnotherProcess`). */
const FOREIGN_OPENS = new Map<string, number>();

/**
 * Test-only hooks. `asAnotherProcess(directory)`: the next open of `directory` in this process
 * skips the set of held directories and judges the lock file as another process would (a lock
 * naming this pid in this namespace is then stale, and taken over), so one test process can stand
 * for two. Each call counts for one open.
 */
export const __TESTS: { readonly asAnotherProcess: (directory: string) => Promise<void> } = Object.freeze({
  asAnotherProcess: async (directory: string): Promise<void> => {
    const key = await heldKey(directory);
    FOREIGN_OPENS.set(key, (FOREIGN_OPENS.get(key) ?? 0) + 1);
  },
});

/** The key of a directory in the set of held directories: its real path (or absolute path while it does not exist). */
function heldKey(directory: string): Promise<string> {
  return realpath(directory).catch(() => resolve(directory));
}

/** Consumes one `__TESTS.asAnotherProcess` of `key`; whether there was one. */
function takeForeignOpen(key: string): boolean {
  const count = FOREIGN_OPENS.get(key);
  if (count === undefined) return false;
  if (count <= 1) FOREIGN_OPENS.delete(key);
  else FOREIGN_OPENS.set(key, count - 1);
  return true;
}

function heldDirectories(): Set<string> {
  const key = Symbol.for('@strongbox/service-kernel/held-directories');
  const slot = globalThis as unknown as Record<symbol, Set<string> | undefined>;
  slot[key] ??= new Set<string>();
  return slot[key];
}

/**
 * Takes the lock of `directory`: creates `directory/fileName` exclusively, naming this process,
 * and renews its lease until released.
 * @param fileName - the lock file's name, which is the service's layout (KMS `lock`, S3 `LOCK`).
 * @returns a function that releases it (stops the renewals, removes the file if it is still this
 *   lock's; a file already gone is fine).
 * @throws ServiceError `DIRECTORY_LOCKED` if this process (through any spelling of the path) or
 *   another process holds it (its lease is current); the file system's error otherwise.
 * @example
 * ```ts
 * const release = await acquireDirectoryLock('/var/lib/strongbox', 'lock');
 * try { ... } finally { await release(); }
 * ```
 */
export async function acquireDirectoryLock(directory: string, fileName: string, options: DirectoryLockOptions = {}): Promise<ReleaseLock> {
  const lease = await acquireDirectoryLease(directory, fileName, options);
  return () => lease.release();
}

/**
 * Takes the lock of `directory` as `acquireDirectoryLock` does, and answers the lease: a store
 * calls `confirm()` before each durable commit, so that once another process has taken the
 * directory over (this one's lease lapsed) nothing more is written (`lease.ts`).
 * @throws ServiceError `DIRECTORY_LOCKED` if this process or another process holds it; the file
 *   system's error otherwise.
 * @example
 * ```ts
 * const lease = await acquireDirectoryLease('/var/lib/strongbox', 'lock', { onLost: (e) => console.error(e.message) });
 * await lease.confirm(); // rejects with ServiceError LEASE_LOST once another process took over
 * await lease.release();
 * ```
 */
export async function acquireDirectoryLease(directory: string, fileName: string, options: DirectoryLockOptions = {}): Promise<DirectoryLease> {
  const path = join(directory, fileName);
  const key = await heldKey(directory);
  // Checked and entered with no await between them: two opens of one directory never both pass.
  const foreign = takeForeignOpen(key);
  if (!foreign && HELD.has(key)) throw directoryLocked(directory, path, { kind: 'this-process' });
  if (!foreign) HELD.add(key);
  const unhold = (): void => {
    if (!foreign) HELD.delete(key);
  };
  let created: Awaited<ReturnType<typeof createLockFile>>;
  try {
    created = await createLockFile(path, await thisLockOwner());
  } catch (error) {
    unhold();
    throw error;
  }
  if ('kind' in created) {
    unhold();
    throw directoryLocked(directory, path, created);
  }
  const { handle, epoch } = created;
  const onRelease = async (): Promise<void> => {
    try {
      // Removed only while it is still this lock's file (not one another opener made after a
      // takeover, or after someone deleted this one by hand).
      if (await isSameFile(path, handle)) {
        await unlink(path).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
      }
    } finally {
      unhold();
      await handle.close();
    }
  };
  try {
    return await startLease({
      directory,
      path,
      handle,
      epoch,
      now: options.now ?? Date.now,
      scheduleRenewal: options.scheduleRenewal ?? renewEvery,
      onLost: options.onLost,
      onRelease,
    });
  } catch (error) {
    await onRelease();
    throw error;
  }
}

function renewEvery(renew: () => Promise<void>): () => void {
  const timer = setInterval(() => void renew(), LEASE_RENEW_MS);
  timer.unref();
  return () => clearInterval(timer);
}

/** Whether `path` is still the file `handle` holds open (whose inode no other file can have meanwhile). */
async function isSameFile(path: string, handle: FileHandle): Promise<boolean> {
  const current = await stat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (current === undefined) return false;
  const expected = await handle.stat();
  return current.dev === expected.dev && current.ino === expected.ino;
}
