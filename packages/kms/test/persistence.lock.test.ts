/**
 * The directory lock across restarts that reuse a pid: a container runs its server as pid 1 again
 * after a SIGKILL or an out-of-memory kill, so the lock the dead server left names the new
 * server's own pid. Such a lock is stale unless this process really holds the directory.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDirectoryStore, StoreError } from '../src/index.ts';
import { ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';

describe('a lock naming this process', () => {
  it('is taken over when this process does not hold the directory (a restart that reused the pid)', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
    // What a killed server with the same pid leaves behind.
    await writeFile(join(directory, 'lock'), `${process.pid}\n`);
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(await readFile(join(directory, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    await store.close();
  });

  it('is refused while this process holds the directory, even through another spelling of its path', async () => {
    const directory = await tempDirectory();
    const first = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    const failure = await openDirectoryStore({ directory: `${directory}/.`, rootKey: ROOT_KEY }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreError);
    expect(failure).toMatchObject({ code: 'LOCKED' });
    // The refused open did not release the holder's lock.
    expect(await readFile(join(directory, 'lock'), 'utf8')).toBe(`${process.pid}\n`);
    await first.close();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
  });

  it('lets only one of two concurrent opens in this process win', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory, rootKey: ROOT_KEY })).close();
    await writeFile(join(directory, 'lock'), `${process.pid}\n`);
    const results = await Promise.allSettled([openDirectoryStore({ directory, rootKey: ROOT_KEY }), openDirectoryStore({ directory, rootKey: ROOT_KEY })]);
    const opened = results.filter((result) => result.status === 'fulfilled');
    expect(opened).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'LOCKED' } });
    await opened[0]!.value.close();
  });
});
