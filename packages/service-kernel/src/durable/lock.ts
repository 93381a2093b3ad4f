/**
 * @module
 * One process per data directory: two servers writing one directory would each overwrite (or
 * delete as garbage) what the other wrote. The lock is a file created exclusively and holding the
 * owner's pid. A lock left by a process that no longer runs (killed, crashed) is stale and taken
 * over; a lock whose pid is alive is refused. A lock naming this process's own pid is refused only
 * while this process holds the directory (a set kept here says which): otherwise it was left by an
 * earlier process that had the same pid, as after a container restart, where the server is pid 1
 * again after a SIGKILL or an out-of-memory kill, and it is taken over. Opens of one directory in
 * this process are serialised by the same set: the second is refused before touching the file.
 */

import { open, readFile, unlink } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Why a directory lock was refused. */
export type DirectoryLockHolder =
  /** This process holds the directory (another store of it is open). */
  | { readonly kind: 'this-process' }
  /** Another live process, named by its pid. */
  | { readonly kind: 'process'; readonly pid: number }
  /** Another process created the lock between the takeover of a stale lock and the new create. */
  | { readonly kind: 'race' };

/** A directory lock refused: the directory is in use. Services map it to their own error. */
export class DirectoryLockedError extends Error {
  override readonly name = 'DirectoryLockedError';
  /** The data directory as given. */
  readonly directory: string;
  /** The lock file's path. */
  readonly path: string;
  /** Who holds it. */
  readonly holder: DirectoryLockHolder;

  constructor(directory: string, path: string, holder: DirectoryLockHolder) {
    super(lockedMessage(directory, path, holder));
    this.directory = directory;
    this.path = path;
    this.holder = holder;
  }
}

function lockedMessage(directory: string, path: string, holder: DirectoryLockHolder): string {
  switch (holder.kind) {
    case 'this-process':
      return `The data directory ${directory} is in use by this process (close the other store first). If no such process uses it, delete ${path}.`;
    case 'process':
      return `The data directory ${directory} is in use by process ${holder.pid}. If no such process uses it, delete ${path}.`;
    case 'race':
      return `Another process took the lock ${path} at the same time.`;
  }
}

/** Releases a held directory lock (idempotent). */
export type ReleaseLock = () => Promise<void>;

/**
 * Directories this process holds or is acquiring, as absolute paths. Entered before the first
 * await, so two opens of one directory in this process never race each other for the file.
 */
const HELD = new Set<string>();

/**
 * Takes the lock of `directory`: creates `directory/fileName` exclusively with this process's pid.
 * @param fileName - the lock file's name, which is the service's layout (KMS `lock`, S3 `LOCK`).
 * @returns a function that releases it (removes the file; a file already gone is fine).
 * @throws DirectoryLockedError if this process (through any spelling of the path) or another live
 *   process holds it; the file system's error otherwise.
 * @example
 * ```ts
 * const release = await acquireDirectoryLock('/var/lib/strongbox', 'lock');
 * try { ... } finally { await release(); }
 * ```
 */
export async function acquireDirectoryLock(directory: string, fileName: string): Promise<ReleaseLock> {
  const path = join(directory, fileName);
  const held = resolve(directory);
  if (HELD.has(held)) throw new DirectoryLockedError(directory, path, { kind: 'this-process' });
  HELD.add(held);
  try {
    await createLockFile(directory, path);
  } catch (error) {
    HELD.delete(held);
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    try {
      await unlink(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    } finally {
      HELD.delete(held);
    }
  };
}

/** Creates the lock file, taking over a stale one once. */
async function createLockFile(directory: string, path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        // Not fsynced: after a power loss no process holds the directory, and an empty or missing
        // lock is taken over like a stale one.
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (attempt > 0) throw new DirectoryLockedError(directory, path, { kind: 'race' });
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    // Our own pid, but not a directory this process holds (checked by the caller): an earlier
    // process with the same pid left it, so it is as stale as the lock of a dead process.
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new DirectoryLockedError(directory, path, { kind: 'process', pid: owner });
    }
    // Stale (its owner is gone) or empty (a crash between create and write): remove it and try
    // once more (a racing starter wins the create).
    await unlink(path).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
  }
}

/** Whether a process with this pid exists (signal 0 checks without sending anything). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
