/**
 * @module
 * One process per data directory: two servers appending to one journal would interleave records
 * and each would snapshot over the other's state. The lock is a `lock` file created exclusively
 * and holding the owner's pid. A lock left by a process that no longer runs (killed, crashed) is
 * stale and taken over; a lock whose pid is alive is refused. A lock naming this process's own pid
 * is refused only while this process holds the directory (a set kept here says which): otherwise
 * it was left by an earlier process that had the same pid, as after a container restart, where
 * the server is pid 1 again after a SIGKILL or an out-of-memory kill, and it is taken over.
 */

import { open, readFile, unlink } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StoreError } from './errors.ts';
import { pathIn } from './files.ts';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'lock';

/**
 * Directories this process holds or is acquiring, as absolute paths. Entered before the first
 * await, so two opens of one directory in this process never race each other for the file.
 */
const HELD = new Set<string>();

/**
 * Takes the directory's lock.
 * @returns a function that releases it.
 * @throws StoreError LOCKED if this process or another live one holds it.
 */
export async function acquireLock(directory: string): Promise<() => Promise<void>> {
  const path = pathIn(directory, LOCK_FILE);
  const held = resolve(directory);
  if (HELD.has(held)) {
    throw new StoreError('LOCKED', `The data directory ${directory} is in use by this process (close the other store first). If no such process uses it, delete ${path}.`);
  }
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
    await unlink(path).catch(() => undefined);
    HELD.delete(held);
  };
}

/** Creates the lock file, taking over a stale one once. */
async function createLockFile(directory: string, path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockedOr(error, path);
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    // Our own pid, but not a directory this process holds (checked by the caller): an earlier
    // process with the same pid left it, so it is as stale as the lock of a dead process.
    if (Number.isSafeInteger(owner) && owner > 0 && owner !== process.pid && isAlive(owner)) {
      throw new StoreError('LOCKED', `The data directory ${directory} is in use by process ${owner}. If no such process uses it, delete ${path}.`);
    }
    // Stale: its owner is gone. Remove it and try once more (a racing starter wins the create).
    await unlink(path).catch(() => undefined);
  }
}

function lockedOr(error: unknown, path: string): unknown {
  if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
    return new StoreError('LOCKED', `Another process took the lock ${path} at the same time.`);
  }
  return error;
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
