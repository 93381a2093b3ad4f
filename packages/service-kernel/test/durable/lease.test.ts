/**
 * Fencing a lapsed lease: once another lock file is in place (a takeover, with a higher epoch) or
 * none is, the holder's renewals and `confirm` find it, `onLost` runs once, and every later
 * `confirm` rejects. Renewals run on demand and the clock is injected: no test waits.
 */

import { mkdir, mkdtemp, open, readdir, readFile, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RENEW_ON_COMMIT_MS } from '../../src/durable/lease.ts';
import { formatLockOwner, thisLockOwner } from '../../src/durable/lock-owner.ts';
import {
  __TESTS,
  acquireDirectoryLease,
  type DirectoryLease,
  type DirectoryLockOptions,
  fencedFileIo,
  isServiceError,
  nodeFileIo,
  type ServiceErrorOf,
} from '../../src/index.ts';

const LOCK = 'lock';
const OTHER = { pid: 4242, host: 'other-host', namespace: '' };
const HOUR_AGO = (): Date => new Date(Date.now() - 3_600_000);

interface Held {
  readonly lease: DirectoryLease;
  readonly directory: string;
  readonly path: string;
  /** Runs one renewal, as the timer would. */
  renew(): Promise<void>;
  /** Moves the injected clock on. */
  advance(ms: number): void;
  readonly lost: ServiceErrorOf<'LEASE_LOST'>[];
  stops(): number;
}

async function hold(options: DirectoryLockOptions = {}): Promise<Held> {
  const directory = await mkdtemp(join(tmpdir(), 'kernel-lease-'));
  let clock = Date.now();
  let renew: (() => Promise<void>) | undefined;
  let stopped = 0;
  const lost: ServiceErrorOf<'LEASE_LOST'>[] = [];
  const lease = await acquireDirectoryLease(directory, LOCK, {
    now: () => clock,
    scheduleRenewal: (run) => {
      renew = run;
      return () => {
        stopped += 1;
      };
    },
    onLost: (error) => lost.push(error),
    ...options,
  });
  return {
    lease,
    directory,
    path: join(directory, LOCK),
    renew: () => renew!(),
    advance: (ms) => {
      clock += ms;
    },
    lost,
    stops: () => stopped,
  };
}

/** Another process's takeover, as `lock.ts` does it: the old file removed, a new one created with the next epoch. */
async function takeOver(path: string, epoch: number): Promise<void> {
  await unlink(path);
  await writeFile(path, formatLockOwner(OTHER, epoch), { flag: 'wx' });
}

describe('DirectoryLease', () => {
  it('confirms while the lock file in place is its own, and starts at epoch 1', async () => {
    const held = await hold();
    expect(held.lease.epoch).toBe(1);
    await held.lease.confirm();
    await held.renew();
    await held.lease.confirm();
    expect(held.lease.lost).toBeUndefined();
    expect(held.lost).toEqual([]);
    await held.lease.release();
  });

  it('after a takeover: confirm rejects with ServiceError LEASE_LOST naming the new holder and epoch, onLost runs once, renewals stop, and release leaves the new lock alone', async () => {
    const held = await hold();
    await takeOver(held.path, 2);
    const failure = await held.lease.confirm().catch((error: unknown) => error);
    expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
    expect(failure).toMatchObject({
      code: 'LEASE_LOST',
      detail: { directory: held.directory, path: held.path, epoch: 1, successor: { kind: 'lock', pid: OTHER.pid, epoch: 2 } },
    });
    expect((failure as Error).message).toBe(
      `The data directory ${held.directory} was taken over by process ${OTHER.pid} (lease epoch 2) after this process's lease (epoch 1) lapsed unrenewed for 15 s; this process refuses every further call on it, reads included (its state is stale), and should stop, letting the other process serve the directory.`,
    );
    await expect(held.lease.confirm()).rejects.toBe(failure);
    await held.renew();
    expect(held.lost).toEqual([failure]);
    expect(held.lease.lost).toBe(failure);
    expect(held.stops()).toBe(1);
    await held.lease.release();
    expect(await readFile(held.path, 'utf8')).toBe(formatLockOwner(OTHER, 2));
  });

  it('a renewal finds the takeover by itself (no write needed), and does not touch the new lock', async () => {
    const held = await hold();
    await takeOver(held.path, 5);
    await utimes(held.path, HOUR_AGO(), HOUR_AGO());
    const before = (await stat(held.path)).mtimeMs;
    await held.renew();
    expect(held.lost).toHaveLength(1);
    expect(held.lost[0]!.detail.successor).toEqual({ kind: 'lock', pid: OTHER.pid, epoch: 5 });
    expect((await stat(held.path)).mtimeMs).toBe(before);
    await expect(held.lease.confirm()).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await held.lease.release();
  });

  it('a lock file deleted by hand counts as lost (another process may already have created its own)', async () => {
    const held = await hold();
    await unlink(held.path);
    const failure = await held.lease.confirm().catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'LEASE_LOST', detail: { successor: { kind: 'removed' } } });
    expect((failure as Error).message).toBe(
      `The lock ${held.path} of the data directory ${held.directory} was removed while this process held it (lease epoch 1); this process refuses every further call on it, reads included (its state is stale), and should stop, letting the other process serve the directory.`,
    );
    await held.lease.release();
  });

  it('a commit after the renewals were held up renews the lease first; a commit soon after a renewal does not touch the file', async () => {
    const held = await hold();
    await utimes(held.path, HOUR_AGO(), HOUR_AGO());
    held.advance(RENEW_ON_COMMIT_MS - 1);
    await held.lease.confirm();
    expect((await stat(held.path)).mtimeMs).toBeLessThan(Date.now() - 3_000_000);
    held.advance(1);
    await held.lease.confirm();
    const renewed = (await stat(held.path)).mtimeMs;
    expect(Math.abs(renewed - (Date.now() + RENEW_ON_COMMIT_MS))).toBeLessThan(60_000);
    await held.lease.release();
  });

  it('refuses confirm after release', async () => {
    const held = await hold();
    await held.lease.release();
    await expect(held.lease.confirm()).rejects.toThrow(`The lock ${held.path} was released`);
  });

  it('a second open through another spelling (a symlink) is this process’s own: refused, the first lease untouched', async () => {
    const held = await hold();
    const link = `${held.directory}-link`;
    await symlink(held.directory, link);
    await expect(acquireDirectoryLease(link, LOCK, { scheduleRenewal: () => () => undefined })).rejects.toMatchObject({
      code: 'DIRECTORY_LOCKED',
      detail: { holder: { kind: 'this-process' } },
    });
    await held.lease.confirm();
    await held.lease.release();
  });

  it('two leases in one process (one standing for another process): the second takes the lock over and fences the first, with the next epoch', async () => {
    // Only where this process's own pid marks a lock stale at once (Linux, a known namespace).
    if ((await thisLockOwner()).namespace === '') return;
    const held = await hold();
    await __TESTS.asAnotherProcess(held.directory);
    const second = await acquireDirectoryLease(held.directory, LOCK, { scheduleRenewal: () => () => undefined });
    expect(second.epoch).toBe(2);
    await second.confirm();
    await expect(held.lease.confirm()).rejects.toMatchObject({ code: 'LEASE_LOST', detail: { successor: { kind: 'lock', pid: process.pid, epoch: 2 } } });
    await held.lease.release();
    await second.confirm();
    expect(await readFile(held.path, 'utf8')).toBe(formatLockOwner(await thisLockOwner(), 2));
    await second.release();
  });

  it('property: a confirm resolves exactly when no takeover or deletion came before it, and onLost runs at most once', async () => {
    const step = fc.constantFrom('confirm', 'renew', 'advance', 'takeover', 'delete');
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 12 }), async (steps) => {
        const held = await hold();
        let gone = false;
        let epoch = 1;
        for (const action of steps) {
          if (action === 'confirm') {
            const outcome = await held.lease.confirm().then(
              () => 'ok',
              (error: unknown) => error,
            );
            if (gone) expect(isServiceError(outcome, 'LEASE_LOST')).toBe(true);
            else expect(outcome).toBe('ok');
          } else if (action === 'renew') await held.renew();
          else if (action === 'advance') held.advance(RENEW_ON_COMMIT_MS);
          else if (action === 'takeover') {
            // A takeover replaces whatever lock is in place (the holder's or a later one).
            await unlink(held.path).catch(() => undefined);
            await writeFile(held.path, formatLockOwner(OTHER, ++epoch), { flag: 'wx' });
            gone = true;
          } else {
            await unlink(held.path).catch(() => undefined);
            gone = true;
          }
        }
        expect(held.lost.length).toBeLessThanOrEqual(1);
        if (held.lost.length === 1) expect(gone).toBe(true);
        await held.lease.release();
      }),
      { numRuns: 60 },
    );
  });

  it('fencedFileIo writes and truncates while the lease holds, and touches nothing once it is lost', async () => {
    const held = await hold();
    const io = fencedFileIo(nodeFileIo, held.lease);
    const file = join(held.directory, 'journal');
    const handle = await open(file, 'a');
    await io.write(handle, new Uint8Array([1, 2, 3]));
    await io.sync(handle);
    await io.truncate!(handle, 2);
    await takeOver(held.path, 2);
    await expect(io.write(handle, new Uint8Array([9]))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(io.truncate!(handle, 0)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await handle.close();
    expect([...(await readFile(file))]).toEqual([1, 2]);
    await held.lease.release();
  });

  it('fencedFileIo removes a directory tree while the lease holds, and none once it is lost', async () => {
    const held = await hold();
    const io = fencedFileIo(nodeFileIo, held.lease);
    const at = (name: string): string => join(held.directory, name);
    await mkdir(at('gone/inner'), { recursive: true });
    await writeFile(at('gone/inner/file'), 'x');
    await io.removeTree!(at('gone'));
    await io.removeTree!(at('never-there'));
    await mkdir(at('kept/inner'), { recursive: true });
    await writeFile(at('kept/inner/file'), 'kept');
    await takeOver(held.path, 2);
    await expect(io.removeTree!(at('kept'))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect(await readFile(at('kept/inner/file'), 'utf8')).toBe('kept');
    expect(await readdir(held.directory)).not.toContain('gone');
    await held.lease.release();
  });

  it('fencedFileIo renames, links, unlinks, creates directories and opens for writing while the lease holds, and none of them once it is lost', async () => {
    const held = await hold();
    const io = fencedFileIo(nodeFileIo, held.lease);
    const at = (name: string): string => join(held.directory, name);
    await writeFile(at('a'), 'a');
    await io.rename!(at('a'), at('b'));
    await io.link!(at('b'), at('c'));
    await io.unlink!(at('c'));
    await io.mkdir!(at('d'), 0o700);
    await (await io.open!(at('e'), 'wx', 0o600)).close();
    await writeFile(at('f'), 'kept');
    await takeOver(held.path, 2);
    const before = (await readdir(held.directory)).sort();
    await expect(io.rename!(at('b'), at('snapshot'))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(io.link!(at('b'), at('g'))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(io.unlink!(at('b'))).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(io.mkdir!(at('h'), 0o700)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(io.open!(at('i'), 'wx', 0o600)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    // 'w' would truncate an existing file, 'a' append to it, 'r+' write into it.
    for (const flags of ['w', 'a', 'r+']) await expect(io.open!(at('f'), flags)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    expect((await readdir(held.directory)).sort()).toEqual(before);
    expect(await readFile(at('f'), 'utf8')).toBe('kept');
    // Reading stays possible: the service refuses its callers itself, and a read changes nothing.
    await (await io.open!(at('f'), 'r')).close();
    await held.lease.release();
  });

  it('fencedFileIo checks the lease before each of those steps, not once', async () => {
    const held = await hold();
    let confirms = 0;
    const io = fencedFileIo(nodeFileIo, { confirm: async () => void (confirms += 1) });
    const at = (name: string): string => join(held.directory, name);
    await writeFile(at('a'), 'a');
    await io.rename!(at('a'), at('b'));
    await io.link!(at('b'), at('c'));
    await io.unlink!(at('c'));
    await io.mkdir!(at('d'));
    await (await io.open!(at('e'), 'w')).close();
    expect(confirms).toBe(5);
    await (await io.open!(at('e'), 'r')).close();
    expect(confirms).toBe(5);
    await held.lease.release();
  });

  it('fencedFileIo syncs directories through the file layer it wraps (tests inject failures there)', async () => {
    const held = await hold();
    const synced: string[] = [];
    const io = fencedFileIo({ ...nodeFileIo, syncDirectory: async (directory) => void synced.push(directory) }, held.lease);
    await io.syncDirectory!(held.directory);
    expect(synced).toEqual([held.directory]);
    await held.lease.release();
  });
});
