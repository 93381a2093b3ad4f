/**
 * @module
 * One process per data directory: a `LOCK` file created exclusively, holding the owner's pid. A
 * lock whose pid is no longer alive (the owner was killed) is stale and taken over; a live one is
 * refused, since two processes indexing the same directory would each delete the other's new blobs
 * as orphans. (@strongbox/kms has its own directory lock; a shared one is a service-kernel candidate.)
 */

import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { LOCK_FILE } from './layout.ts';

/** A held directory lock. */
export interface DirectoryLock {
  release(): Promise<void>;
}

/**
 * Takes the lock of `directory`.
 * @throws Error if a live process holds it.
 */
export async function lockDirectory(directory: string): Promise<DirectoryLock> {
  const path = join(directory, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.sync();
      await handle.close();
      return { release: () => unlink(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error))) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new Error(`The data directory ${directory} is in use by process ${owner} (${path}); stop it first, or use another directory.`);
    }
    // Stale (its owner is gone) or empty (a crash between create and write): take it over.
    await unlink(path).catch((unlinkError: NodeJS.ErrnoException) => (unlinkError.code === 'ENOENT' ? undefined : Promise.reject(unlinkError)));
  }
  throw new Error(`Could not take the lock ${path}`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
