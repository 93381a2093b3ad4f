/**
 * The data-directory lock as a lease: the holder names itself (pid, host, PID namespace) and
 * renews the file's mtime; an opener takes over a lock whose lease expired whoever wrote it, a
 * lock of its own namespace at once when its pid is dead or its own, and refuses any other. Ages
 * are made with `utimes` (an mtime set in the past), and renewals are run on demand: no test waits.
 */

import { mkdtemp, readdir, readFile, stat, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatLockOwner, judgeLock, LEASE_EXPIRY_MS, type LockOwner, thisLockOwner } from '../../src/durable/lock-owner.ts';
import { __TESTS, acquireDirectoryLease, acquireDirectoryLock, isServiceError, type ServiceErrorOf } from '../../src/index.ts';

const tempDirectory = (): Promise<string> => mkdtemp(join(tmpdir(), 'kernel-lock-'));
const LOCK = 'lock';
/** A pid no process has: above Linux's pid_max (4194304) and macOS's (99999). */
const DEAD_PID = 999_999_999;
const HOUR_AGO = (): Date => new Date(Date.now() - 3_600_000);

async function me(): Promise<LockOwner> {
  return thisLockOwner();
}

/** Writes a lock file as `owner` would have, renewed `at` (default now). */
async function plant(directory: string, text: string, at?: Date): Promise<void> {
  await writeFile(join(directory, LOCK), text);
  if (at !== undefined) await utimes(join(directory, LOCK), at, at);
}

async function refusal(directory: string): Promise<ServiceErrorOf<'DIRECTORY_LOCKED'>> {
  const failure = await acquireDirectoryLock(directory, LOCK).catch((error: unknown) => error);
  if (!isServiceError(failure, 'DIRECTORY_LOCKED')) throw new Error(`expected ServiceError DIRECTORY_LOCKED, got ${String(failure)}`);
  return failure;
}

/** Takes the lock and checks it now names this process, with the epoch after the one taken over; releases it. */
async function takesOver(directory: string, epoch = 1): Promise<void> {
  const release = await acquireDirectoryLock(directory, LOCK);
  expect(await readFile(join(directory, LOCK), 'utf8')).toBe(formatLockOwner(await me(), epoch));
  await release();
}

describe('acquireDirectoryLock', () => {
  it('creates the lock file naming this pid, host and namespace, and removes it on release (release is idempotent)', async () => {
    const directory = await tempDirectory();
    const release = await acquireDirectoryLock(directory, LOCK);
    const owner = await me();
    expect(owner.pid).toBe(process.pid);
    if (process.platform === 'linux') expect(owner.namespace).toMatch(/^[0-9a-f-]{36}\/pid:\[\d+\]$/);
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(formatLockOwner(owner, 1));
    await release();
    await release();
    expect(await readdir(directory)).toEqual([]);
  });

  it('refuses a second open in this process, through any spelling of the path, without releasing the first', async () => {
    const directory = await tempDirectory();
    const release = await acquireDirectoryLock(directory, LOCK);
    const failure = await acquireDirectoryLock(`${directory}/.`, LOCK).catch((error: unknown) => error);
    expect(isServiceError(failure, 'DIRECTORY_LOCKED')).toBe(true);
    expect(failure).toMatchObject({ detail: { holder: { kind: 'this-process' }, path: join(`${directory}/.`, LOCK) } });
    expect((failure as Error).message).toBe(
      `The data directory ${directory}/. is in use by this process (close the other store first). If no such process uses it, delete ${join(directory, LOCK)}.`,
    );
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(formatLockOwner(await me(), 1));
    await release();
    await (await acquireDirectoryLock(directory, LOCK))();
  });

  it('lets exactly one of two concurrent opens in this process win', async () => {
    const directory = await tempDirectory();
    const results = await Promise.allSettled([acquireDirectoryLock(directory, LOCK), acquireDirectoryLock(directory, LOCK)]);
    const won = results.filter((result) => result.status === 'fulfilled');
    expect(won).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({
      reason: { code: 'DIRECTORY_LOCKED', detail: { holder: { kind: 'this-process' } } },
    });
    await won[0]!.value();
  });

  it('refuses a fresh lock naming this pid from another PID namespace or host (a second container on one volume); takes it over once its lease expired', async () => {
    const owner = await me();
    for (const text of [
      formatLockOwner({ ...owner, namespace: 'other-boot/pid:[4026532000]' }, 6),
      formatLockOwner({ ...owner, host: 'other-host' }, 6),
      formatLockOwner({ ...owner, namespace: '' }, 6),
    ]) {
      const directory = await tempDirectory();
      await plant(directory, text);
      const failure = await refusal(directory);
      expect(failure.detail.holder).toEqual({ kind: 'process', pid: process.pid });
      expect(failure.message).toBe(
        `The data directory ${directory} is in use by process ${process.pid}. If no such process uses it, delete ${join(directory, LOCK)} (or wait: a lock its holder stops renewing is taken over after 15 s).`,
      );
      expect(await readFile(join(directory, LOCK), 'utf8')).toBe(text);
      await utimes(join(directory, LOCK), HOUR_AGO(), HOUR_AGO());
      // The epoch follows the one taken over (a lock written before epochs counts as 0).
      await takesOver(directory, 7);
    }
  });

  it('refuses a fresh lock of a dead pid written on another host, and takes it over once its lease expired', async () => {
    const directory = await tempDirectory();
    await plant(directory, formatLockOwner({ pid: DEAD_PID, host: 'other-host', namespace: (await me()).namespace }, 41));
    expect((await refusal(directory)).detail.holder).toEqual({ kind: 'process', pid: DEAD_PID });
    await utimes(join(directory, LOCK), HOUR_AGO(), HOUR_AGO());
    await takesOver(directory, 42);
  });

  it('takes over at once a lock of this namespace whose pid is dead (a killed server restarting) or is this pid (a restart reusing it)', async () => {
    const owner = await me();
    // Where there is no namespace to compare (not Linux), only the lease decides.
    if (owner.namespace === '') return;
    for (const pid of [DEAD_PID, process.pid]) {
      const directory = await tempDirectory();
      await plant(directory, formatLockOwner({ ...owner, pid }, 2));
      await takesOver(directory, 3);
    }
  });

  it('refuses the fresh lock of another live process of this namespace and leaves it in place', async () => {
    const directory = await tempDirectory();
    // The parent process (the test runner's) is alive and is not this process.
    const text = formatLockOwner({ ...(await me()), pid: process.ppid }, 1);
    await plant(directory, text);
    const failure = await refusal(directory);
    expect(failure.detail.holder).toEqual({ kind: 'process', pid: process.ppid });
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(text);
    // A refused open does not mark the directory held by this process.
    await unlink(join(directory, LOCK));
    await (await acquireDirectoryLock(directory, LOCK))();
  });

  it('refuses a fresh empty or unreadable lock (its writer is between create and write) and takes it over once expired', async () => {
    for (const content of ['', 'garbage', '-1\nhost\n']) {
      const directory = await tempDirectory();
      await plant(directory, content);
      expect((await refusal(directory)).detail.holder).toEqual({ kind: 'race' });
      await utimes(join(directory, LOCK), HOUR_AGO(), HOUR_AGO());
      await takesOver(directory);
    }
  });

  it('judges a lock of a release before leases (its pid alone, never renewed) by its pid: refused while it runs however old, taken over once it is gone or when it is this pid', async () => {
    const directory = await tempDirectory();
    await plant(directory, `${process.ppid}\n`, HOUR_AGO());
    const failure = await refusal(directory);
    expect(failure.detail.holder).toEqual({ kind: 'process', pid: process.ppid, legacy: true });
    // Waiting would not help: the message does not promise a takeover after the lease expiry.
    expect(failure.message).toBe(
      `The data directory ${directory} is in use by process ${process.ppid} (its lock was written by an earlier Strongbox release, which does not renew it: it is kept while a process ${process.ppid} runs here). If no such process uses it, delete ${join(directory, LOCK)}.`,
    );
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(`${process.ppid}\n`);
    for (const pid of [DEAD_PID, process.pid]) {
      await plant(directory, `${pid}\n`);
      await takesOver(directory);
    }
  });

  it('takes a stale lock over only through the breaker: refused while another opener holds a fresh one, which is left alone', async () => {
    const directory = await tempDirectory();
    const stale = formatLockOwner({ pid: DEAD_PID, host: 'other-host', namespace: '' }, 3);
    await plant(directory, stale, HOUR_AGO());
    await writeFile(join(directory, `${LOCK}.break`), 'another opener');
    expect((await refusal(directory)).detail.holder).toEqual({ kind: 'race' });
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(stale);
    expect(await readFile(join(directory, `${LOCK}.break`), 'utf8')).toBe('another opener');
    // A breaker older than the lease was left by an opener that died mid-takeover: removed in turn.
    await utimes(join(directory, `${LOCK}.break`), HOUR_AGO(), HOUR_AGO());
    await takesOver(directory, 4);
    expect(await readdir(directory)).toEqual([]);
  });

  it('property: of several openers racing for one stale lock (each standing for another process), exactly one holds a lease it can confirm', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 6 }), async (openers) => {
        const directory = await tempDirectory();
        await plant(directory, formatLockOwner({ pid: DEAD_PID, host: 'other-host', namespace: '' }, 1), HOUR_AGO());
        for (let opener = 0; opener < openers; opener++) await __TESTS.asAnotherProcess(directory);
        const results = await Promise.allSettled(
          Array.from({ length: openers }, () => acquireDirectoryLease(directory, LOCK, { scheduleRenewal: () => () => undefined })),
        );
        for (const result of results) if (result.status === 'rejected') expect(['race', 'process']).toContain(result.reason.detail.holder.kind);
        // Every winner's lock names this pid in this namespace, which a later opener (another
        // process here) may take over at once: then the earlier winner is fenced. One lease confirms.
        const leases = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
        const confirmed = await Promise.allSettled(leases.map((lease) => lease.confirm()));
        expect(confirmed.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
        for (const lease of leases) await lease.release();
        expect(await readdir(directory)).toEqual([]);
      }),
      { numRuns: 20 },
    );
  });

  it('renews its lease: a renewal brings an old mtime back to now, so the lock is never taken over while held; release stops the renewals', async () => {
    const directory = await tempDirectory();
    let renew: (() => Promise<void>) | undefined;
    let stopped = 0;
    const release = await acquireDirectoryLock(directory, LOCK, {
      scheduleRenewal: (run) => {
        renew = run;
        return () => {
          stopped += 1;
        };
      },
    });
    const path = join(directory, LOCK);
    await utimes(path, HOUR_AGO(), HOUR_AGO());
    const before = Date.now();
    await renew?.();
    const mtime = (await stat(path)).mtimeMs;
    // Renewed to the holder's clock: within the lease of now, as an opener judges it.
    expect(
      judgeLock({ text: formatLockOwner({ pid: DEAD_PID, host: 'other-host', namespace: '' }, 1), mtimeMs: mtime }, await me(), before, () => false),
    ).toEqual({
      kind: 'held',
      pid: DEAD_PID,
    });
    expect(stopped).toBe(0);
    await release();
    expect(stopped).toBe(1);
    await expect(stat(path)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps no timer alive: the default renewal does not hold the process open', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
    const directory = await tempDirectory();
    const before = timers();
    const release = await acquireDirectoryLock(directory, LOCK);
    // At most as many: a timer of the runner's or of an earlier test may end meanwhile (seen under
    // load), but the lock's renewal must not add one that holds the process open.
    expect(timers()).toBeLessThanOrEqual(before);
    await release();
  });

  it('does not remove a lock another opener made after this one was deleted by hand', async () => {
    const directory = await tempDirectory();
    const release = await acquireDirectoryLock(directory, LOCK);
    await unlink(join(directory, LOCK));
    const other = formatLockOwner({ pid: DEAD_PID, host: 'other-host', namespace: '' }, 1);
    await plant(directory, other);
    await release();
    expect(await readFile(join(directory, LOCK), 'utf8')).toBe(other);
  });

  it('releases even when the lock file is already gone', async () => {
    const directory = await tempDirectory();
    const release = await acquireDirectoryLock(directory, LOCK);
    await unlink(join(directory, LOCK));
    await release();
    await (await acquireDirectoryLock(directory, LOCK))();
  });
});

describe('judgeLock', () => {
  const opener: LockOwner = { pid: 100, host: 'here', namespace: 'boot/pid:[1]' };
  const alive = (pid: number) => pid !== 7;

  it('a lease older than the expiry is stale whoever wrote it; one just within is not', () => {
    for (const text of ['1\nelsewhere\nx\n', '', `${opener.pid}\nhere\nboot/pid:[2]\n`]) {
      expect(judgeLock({ text, mtimeMs: 0 }, opener, LEASE_EXPIRY_MS + 1, alive)).toEqual({ kind: 'stale' });
      expect(judgeLock({ text, mtimeMs: 0 }, opener, LEASE_EXPIRY_MS, alive).kind).not.toBe('stale');
    }
  });

  it('within the lease, only this namespace’s dead pid or own pid is stale', () => {
    const fresh = (text: string) => judgeLock({ text, mtimeMs: 1_000 }, opener, 2_000, alive);
    expect(fresh('7\nhere\nboot/pid:[1]\n')).toEqual({ kind: 'stale' });
    expect(fresh('100\nhere\nboot/pid:[1]\n')).toEqual({ kind: 'stale' });
    expect(fresh('8\nhere\nboot/pid:[1]\n')).toEqual({ kind: 'held', pid: 8 });
    expect(fresh('7\nthere\nboot/pid:[1]\n')).toEqual({ kind: 'held', pid: 7 });
    expect(fresh('100\nhere\nboot/pid:[2]\n')).toEqual({ kind: 'held', pid: 100 });
    expect(fresh('100\nhere\n\n')).toEqual({ kind: 'held', pid: 100 });
    expect(judgeLock({ text: '100\nhere\n\n', mtimeMs: 1_000 }, { ...opener, namespace: '' }, 2_000, alive)).toEqual({ kind: 'held', pid: 100 });
    expect(fresh('')).toEqual({ kind: 'unidentified' });
  });

  it('a lock of a release before leases is judged by its pid whatever its age', () => {
    for (const mtimeMs of [0, 1_000]) {
      expect(judgeLock({ text: '8\n', mtimeMs }, opener, LEASE_EXPIRY_MS * 10, alive)).toEqual({ kind: 'held', pid: 8, legacy: true });
      expect(judgeLock({ text: '7\n', mtimeMs }, opener, 2_000, alive)).toEqual({ kind: 'stale' });
      expect(judgeLock({ text: '100', mtimeMs }, opener, 2_000, alive)).toEqual({ kind: 'stale' });
    }
  });
});
