/**
 * The directory lock across restarts that reuse a pid: a server restarted in the same PID
 * namespace can get the pid of the one that was killed, so the lock the dead server left names
 * the new server's own pid. Such a lock is stale unless this process really holds the directory.
 * (A lock written in another namespace, such as a recreated container's, waits for its lease to
 * expire: the kernel's lock tests.)
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireDirectoryLock } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { KmsError, openDirectoryStore } from '../src/index.ts';
import { ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';

/** The lock a killed server of this PID namespace leaves: what this process writes, under `pid`. */
async function lockLeftBy(pid: number): Promise<string> {
  const scratch = await tempDirectory();
  const release = await acquireDirectoryLock(scratch, 'lock');
  const text = await readFile(join(scratch, 'lock'), 'utf8');
  await release();
  return text.replace(/^\d+/, String(pid));
}

const lockPid = async (directory: string): Promise<string | undefined> => (await readFile(join(directory, 'lock'), 'utf8')).split('\n')[0];

describe('a lock naming this process', () => {
  it('is taken over when this process does not hold the directory (a restart that reused the pid)', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
    // What a killed server with the same pid leaves behind.
    await writeFile(join(directory, 'lock'), await lockLeftBy(process.pid));
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(await lockPid(directory)).toBe(String(process.pid));
    await store.close();
  });

  it('is refused while this process holds the directory, even through another spelling of its path', async () => {
    const directory = await tempDirectory();
    const first = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    const failure = await openDirectoryStore({ directory: `${directory}/.`, rootKey: ROOT_KEY }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KmsError);
    expect(failure).toMatchObject({ code: 'LOCKED' });
    // The refused open did not release the holder's lock.
    expect(await lockPid(directory)).toBe(String(process.pid));
    await first.close();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
  });

  it('lets only one of two concurrent opens in this process win', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
    await writeFile(join(directory, 'lock'), await lockLeftBy(process.pid));
    const results = await Promise.allSettled([openDirectoryStore({ directory, rootKey: ROOT_KEY }), openDirectoryStore({ directory, rootKey: ROOT_KEY })]);
    const opened = results.filter((result) => result.status === 'fulfilled');
    expect(opened).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'LOCKED' } });
    await opened[0]!.value.close();
  });
});
