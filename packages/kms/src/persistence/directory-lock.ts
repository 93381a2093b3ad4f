/**
 * @module
 * One process per data directory: two servers appending to one journal would interleave records
 * and each would snapshot over the other's state. The lock is a `lock` file created exclusively
 * and holding the owner's pid. A lock left by a process that no longer runs (killed, crashed) is
 * stale and taken over; a lock whose pid is alive, including this process's own, is refused.
 */

import { open, readFile, unlink } from 'node:fs/promises';
import { StoreError } from './errors.ts';
import { pathIn } from './files.ts';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'lock';

/**
 * Takes the directory's lock.
 * @returns a function that releases it.
 * @throws StoreError LOCKED if a live process holds it.
 */
export async function acquireLock(directory: string): Promise<() => Promise<void>> {
  const path = pathIn(directory, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      try {
        await handle.writeFile(`${process.pid}\n`);
      } finally {
        await handle.close();
      }
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw lockedOr(error, path);
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner)) {
      const who = owner === process.pid ? 'this process (close the other store first)' : `process ${owner}`;
      throw new StoreError('LOCKED', `The data directory ${directory} is in use by ${who}. If no such process uses it, delete ${path}.`);
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
