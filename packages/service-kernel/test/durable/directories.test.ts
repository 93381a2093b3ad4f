/**
 * Durable directory creation: every directory made has its parent fsynced after the mkdir (and
 * before the call resolves), through the file layer, so a fault at any step is seen and a retry
 * leaves every level durable. Calls are recorded, not timed.
 */

import { mkdtemp, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createDirectoryDurably, type FileIo, fencedFileIo, nodeFileIo, ServiceError, syncDirectoryAfterRemoval } from '../../src/index.ts';

const tempDirectory = (): Promise<string> => mkdtemp(join(tmpdir(), 'kernel-directories-'));
const posix = process.platform !== 'win32';

interface Call {
  readonly step: 'mkdir' | 'syncDirectory';
  readonly path: string;
}

/** A file layer that records its mkdirs and directory fsyncs, and fails the call number `failAt` (from 0) with EIO. */
function recordingIo(failAt = -1): { io: FileIo; calls: Call[] } {
  const calls: Call[] = [];
  const step = async (call: Call, real: () => Promise<void>): Promise<void> => {
    const index = calls.length;
    calls.push(call);
    if (index === failAt) throw Object.assign(new Error(`EIO: injected, ${call.step}`), { code: 'EIO' });
    await real();
  };
  const io: FileIo = {
    ...nodeFileIo,
    mkdir: (path, mode) => step({ step: 'mkdir', path }, () => nodeFileIo.mkdir!(path, mode)),
    syncDirectory: (path) => step({ step: 'syncDirectory', path }, () => nodeFileIo.syncDirectory!(path)),
  };
  return { io, calls };
}

/** Every directory a successful mkdir created had its parent fsynced later, without failure. */
function unsyncedCreations(calls: readonly Call[], failed: ReadonlySet<number>): string[] {
  return calls.flatMap((call, index) => {
    if (call.step !== 'mkdir' || failed.has(index)) return [];
    const synced = calls.some((later, at) => at > index && !failed.has(at) && later.step === 'syncDirectory' && later.path === dirname(call.path));
    return synced ? [] : [call.path];
  });
}

describe('createDirectoryDurably', () => {
  it('creates a missing directory (0700) and then fsyncs its parent', async () => {
    const root = await tempDirectory();
    const path = join(root, 'kms');
    const { io, calls } = recordingIo();
    await expect(createDirectoryDurably(path, { io })).resolves.toBe(true);
    expect(calls).toEqual([
      { step: 'mkdir', path },
      { step: 'syncDirectory', path: root },
    ]);
    expect((await stat(path)).isDirectory()).toBe(true);
    if (posix) expect((await stat(path)).mode & 0o777).toBe(0o700);
  });

  it('recursive: creates each missing level top down, fsyncing each one’s parent before making the next in it (and the entry of the level it starts in)', async () => {
    const root = await tempDirectory();
    const a = join(root, 'a');
    const b = join(a, 'b');
    const c = join(b, 'c');
    const { io, calls } = recordingIo();
    await expect(createDirectoryDurably(c, { io, recursive: true })).resolves.toBe(true);
    // The first, failed mkdirs of c and b (ENOENT) are recorded too: they changed nothing.
    expect(calls).toEqual([
      { step: 'mkdir', path: c },
      { step: 'mkdir', path: b },
      { step: 'mkdir', path: a },
      // `root` was in place: an earlier call that crashed after making it may not have synced its entry.
      { step: 'syncDirectory', path: dirname(root) },
      { step: 'syncDirectory', path: root },
      { step: 'mkdir', path: b },
      { step: 'syncDirectory', path: a },
      { step: 'mkdir', path: c },
      { step: 'syncDirectory', path: b },
    ]);
    expect((await stat(c)).isDirectory()).toBe(true);
  });

  it('fsyncs the parent of a directory that already exists (an earlier run may have crashed before its fsync)', async () => {
    const root = await tempDirectory();
    const path = join(root, 's3');
    await createDirectoryDurably(path);
    const { io, calls } = recordingIo();
    await expect(createDirectoryDurably(path, { io })).resolves.toBe(false);
    expect(calls).toEqual([
      { step: 'mkdir', path },
      { step: 'syncDirectory', path: root },
    ]);
  });

  it('refuses a file under the name (EEXIST) and a missing parent without `recursive` (ENOENT), fsyncing nothing', async () => {
    const root = await tempDirectory();
    await writeFile(join(root, 'file'), 'x');
    const { io, calls } = recordingIo();
    await expect(createDirectoryDurably(join(root, 'file'), { io })).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(createDirectoryDurably(join(root, 'file'), { io, recursive: true })).rejects.toMatchObject({ code: 'EEXIST' });
    await expect(createDirectoryDurably(join(root, 'missing', 'child'), { io })).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(createDirectoryDurably(join(root, 'file', 'child'), { io, recursive: true })).rejects.toMatchObject({
      code: posix ? 'ENOTDIR' : expect.anything(),
    });
    expect(calls.filter((call) => call.step === 'syncDirectory')).toEqual([]);
  });

  it('a fault at any step fails the call; a retry then leaves every level created with its parent fsynced after it', async () => {
    // The nine steps of a fresh three-level create, as the test above lists them.
    for (let failAt = 0; failAt < 9; failAt++) {
      const root = await tempDirectory();
      const c = join(root, 'a', 'b', 'c');
      const first = recordingIo(failAt);
      await expect(createDirectoryDurably(c, { io: first.io, recursive: true }), `fault at step ${failAt}`).rejects.toMatchObject({ code: 'EIO' });
      const retry = recordingIo();
      await createDirectoryDurably(c, { io: retry.io, recursive: true });
      expect((await stat(c)).isDirectory()).toBe(true);
      // The failed attempt's mkdirs took effect; its failed step did not. Over both attempts,
      // every mkdir that created something is followed by a successful fsync of its parent.
      expect(unsyncedCreations([...first.calls, ...retry.calls], new Set([failAt])), `fault at step ${failAt}`).toEqual([]);
    }
  });

  describe('a parent this process cannot fsync at all (unreadable, no directory fsync, read-only)', () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    /** Real io, except that every fsync of `refused` fails with `code`. */
    function refusingIo(refused: string, code: string): { io: FileIo; fsyncs: string[] } {
      const fsyncs: string[] = [];
      const io: FileIo = {
        ...nodeFileIo,
        async syncDirectory(path) {
          fsyncs.push(path);
          if (path === refused) throw Object.assign(new Error(`${code}: injected, fsync of ${path}`), { code });
          await nodeFileIo.syncDirectory!(path);
        },
      };
      return { io, fsyncs };
    }

    const warningsAbout = (spy: { mock: { calls: unknown[][] } }, directory: string): unknown[][] =>
      spy.mock.calls.filter(([message]) => typeof message === 'string' && message.includes(directory));

    it.each(['EACCES', 'EPERM', 'EINVAL', 'ENOTSUP', 'EROFS'])(
      '%s: an existing directory and a new one both resolve, with one warning per parent (code STRONGBOX_DIRECTORY_FSYNC)',
      async (code) => {
        const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
        const root = await tempDirectory();
        const { io, fsyncs } = refusingIo(root, code);
        await expect(createDirectoryDurably(join(root, 'new'), { io })).resolves.toBe(true);
        await createDirectoryDurably(join(root, 'existing'));
        await expect(createDirectoryDurably(join(root, 'existing'), { io })).resolves.toBe(false);
        await expect(createDirectoryDurably(join(root, 'deep', 'er'), { io, recursive: true })).resolves.toBe(true);
        expect((await stat(join(root, 'new'))).isDirectory()).toBe(true);
        expect((await stat(join(root, 'deep', 'er'))).isDirectory()).toBe(true);
        // Every call tried the fsync; only the first refusal was reported.
        expect(fsyncs.filter((path) => path === root)).toHaveLength(3);
        // The levels below the refusing parent are still fsynced as usual.
        expect(fsyncs).toContain(join(root, 'deep'));
        const warnings = warningsAbout(warn, root);
        expect(warnings).toHaveLength(1);
        expect(warnings[0]![0]).toContain(code);
        expect(warnings[0]![1]).toMatchObject({ code: 'STRONGBOX_DIRECTORY_FSYNC' });
      },
    );

    it.each(['EIO', 'ENOSPC', 'EBADF'])('%s from the fsync still fails the call, for a new directory and an existing one, and warns nothing', async (code) => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const root = await tempDirectory();
      const { io } = refusingIo(root, code);
      await expect(createDirectoryDurably(join(root, 'new'), { io })).rejects.toMatchObject({ code });
      await expect(createDirectoryDurably(join(root, 'new'), { io })).rejects.toMatchObject({ code });
      expect(warningsAbout(warn, root)).toEqual([]);
    });

    it('a lost lease from a fenced fsync is never skipped', async () => {
      const root = await tempDirectory();
      await createDirectoryDurably(join(root, 'existing'));
      const lost = new ServiceError('LEASE_LOST', 'taken over', []);
      const io: FileIo = { ...nodeFileIo, syncDirectory: () => Promise.reject(lost) };
      await expect(createDirectoryDurably(join(root, 'existing'), { io })).rejects.toBe(lost);
    });
  });

  it('through a fenced file layer, a lost lease refuses the mkdir: nothing is created', async () => {
    const root = await tempDirectory();
    const lost = new ServiceError('LEASE_LOST', 'taken over', []);
    const io = fencedFileIo(nodeFileIo, { confirm: () => Promise.reject(lost) });
    await expect(createDirectoryDurably(join(root, 'gen-00000002'), { io })).rejects.toBe(lost);
    await expect(stat(join(root, 'gen-00000002'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('syncDirectoryAfterRemoval', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  const failingIo = (error: unknown): { io: FileIo; fsyncs: string[] } => {
    const fsyncs: string[] = [];
    const io: FileIo = {
      ...nodeFileIo,
      syncDirectory: async (path) => {
        fsyncs.push(path);
        throw error;
      },
    };
    return { io, fsyncs };
  };

  it('fsyncs the directory', async () => {
    const root = await tempDirectory();
    const { io, calls } = recordingIo();
    await syncDirectoryAfterRemoval(root, io);
    expect(calls).toEqual([{ step: 'syncDirectory', path: root }]);
  });

  it.each(['EIO', 'ENOSPC'])(
    '%s from the fsync resolves (the removals were of garbage) and warns at every failure, naming the directory and the errno',
    async (code) => {
      const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      const root = await tempDirectory();
      const { io, fsyncs } = failingIo(Object.assign(new Error(`${code}: injected`), { code }));
      await expect(syncDirectoryAfterRemoval(root, io)).resolves.toBeUndefined();
      await expect(syncDirectoryAfterRemoval(root, io)).resolves.toBeUndefined();
      expect(fsyncs).toEqual([root, root]);
      const warnings = warn.mock.calls.filter(([message]) => typeof message === 'string' && message.includes(root));
      expect(warnings).toHaveLength(2);
      expect(warnings[0]![0]).toContain(code);
      expect(warnings[0]![1]).toMatchObject({ code: 'STRONGBOX_DIRECTORY_FSYNC' });
    },
  );

  it('a directory that cannot be fsynced at all (EINVAL) warns once per directory, as createDirectoryDurably does', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const root = await tempDirectory();
    const { io } = failingIo(Object.assign(new Error('EINVAL: injected'), { code: 'EINVAL' }));
    await syncDirectoryAfterRemoval(root, io);
    await syncDirectoryAfterRemoval(root, io);
    expect(warn.mock.calls.filter(([message]) => typeof message === 'string' && message.includes(root))).toHaveLength(1);
  });

  it('a lost lease, or any error without an errno code, is rethrown', async () => {
    const root = await tempDirectory();
    const lost = new ServiceError('LEASE_LOST', 'taken over', []);
    await expect(syncDirectoryAfterRemoval(root, failingIo(lost).io)).rejects.toBe(lost);
    const odd = new TypeError('not a file-system error');
    await expect(syncDirectoryAfterRemoval(root, failingIo(odd).io)).rejects.toBe(odd);
  });
});
