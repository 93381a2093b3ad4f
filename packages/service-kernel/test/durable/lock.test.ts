import { mkdtemp, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireDirectoryLock, DirectoryLockedError } from '../../src/index.ts';

const tempDirectory = (): Promise<string> => mkdtemp(join(tmpdir(), 'kernel-lock-'));
const LOCK = 'lock';
/** A pid no process has: above Linux's pid_max (4194304) and macOS's (99999). */
const DEAD_PID = 999_999_999;

describe('acquireDirectoryLock', () => {
  it('creates the lock file with this pid and removes it on release (release is idempotent)', async () => {
    const directory = await tempDirectory();
    const release = await acquireDirectoryLock(directory, LOCK);
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(`${process.pid}\n`);
    await release();
    await release();
    expect(await readdir(directory)).toEqual([]);
  });

  it('refuses a second open in this process, through any spelling of the path, without releasing the first', async () => {
    const directory = await tempDirectory();
    const release = await acquireDirectoryLock(directory, LOCK);
    const failure = await acquireDirectoryLock(`${directory}/.`, LOCK).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryLockedError);
    expect(failure).toMatchObject({ holder: { kind: 'this-process' }, path: join(`${directory}/.`, LOCK) });
    expect((failure as Error).message).toBe(
      `The data directory ${directory}/. is in use by this process (close the other store first). If no such process uses it, delete ${join(directory, LOCK)}.`,
    );
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(`${process.pid}\n`);
    await release();
    await (await acquireDirectoryLock(directory, LOCK))();
  });

  it('lets exactly one of two concurrent opens in this process win', async () => {
    const directory = await tempDirectory();
    const results = await Promise.allSettled([acquireDirectoryLock(directory, LOCK), acquireDirectoryLock(directory, LOCK)]);
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { holder: { kind: 'this-process' } } });
    await won[0]!.value();
  });

  it('takes over a lock naming this pid that this process does not hold (a restart that reused the pid)', async () => {
    const directory = await tempDirectory();
    await writeFile(join(directory, LOCK), `${process.pid}\n`);
    const release = await acquireDirectoryLock(directory, LOCK);
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(`${process.pid}\n`);
    await release();
  });

  it('takes over the lock of a dead process and an empty lock (a crash between create and write)', async () => {
    for (const content of [`${DEAD_PID}\n`, '', 'garbage']) {
      const directory = await tempDirectory();
      await writeFile(join(directory, LOCK), content);
      const release = await acquireDirectoryLock(directory, LOCK);
      expect(await readFile(join(directory, LOCK), 'utf8')).toBe(`${process.pid}\n`);
      await release();
    }
  });

  it('refuses the lock of another live process and leaves it in place', async () => {
    const directory = await tempDirectory();
    // The parent process (the test runner's) is alive and is not this process.
    await writeFile(join(directory, LOCK), `${process.ppid}\n`);
    const failure = await acquireDirectoryLock(directory, LOCK).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DirectoryLockedError);
    expect(failure).toMatchObject({ holder: { kind: 'process', pid: process.ppid } });
    expect((failure as Error).message).toBe(
      `The data directory ${directory} is in use by process ${process.ppid}. If no such process uses it, delete ${join(directory, LOCK)}.`,
    );
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(`${process.ppid}\n`);
    // A refused open does not mark the directory held by this process.
    await unlink(join(directory, LOCK));
    await (await acquireDirectoryLock(directory, LOCK))();
  });

  it('releases even when the lock file is already gone', async () => {
    const directory = await tempDirectory();
    const release = await acquireDirectoryLock(directory, LOCK);
    await unlink(join(directory, LOCK));
    await release();
    await (await acquireDirectoryLock(directory, LOCK))();
  });
});
