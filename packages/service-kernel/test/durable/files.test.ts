import { link, mkdir, mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  createFileExclusivelyDurably,
  type FileIo,
  isServiceError,
  nodeFileIo,
  replaceFileDurably,
  replaceFileWith,
  syncDirectory,
  syncDirectoryAfter,
  TEMPORARY_MARK,
} from '../../src/index.ts';

const text = (value: string): Uint8Array => new TextEncoder().encode(value);
const tempDirectory = (): Promise<string> => mkdtemp(join(tmpdir(), 'kernel-durable-'));
const modeOf = async (path: string): Promise<number> => (await stat(path)).mode & 0o777;
const posix = process.platform !== 'win32';
const eio = (): Error => Object.assign(new Error('i/o error'), { code: 'EIO' });

describe('syncDirectory', () => {
  it('syncs an existing directory and reports a missing one', async () => {
    const directory = await tempDirectory();
    await expect(syncDirectory(directory)).resolves.toBeUndefined();
    await expect(syncDirectory(join(directory, 'missing'))).rejects.toMatchObject({ code: posix ? 'ENOENT' : undefined });
  });
});

describe('syncDirectoryAfter', () => {
  it('syncs through the file layer, and reports a failure as ServiceError NOT_DURABLE naming the changed path', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'gone.json');
    await expect(syncDirectoryAfter(directory, path)).resolves.toBeUndefined();
    const cause = eio();
    const failing: FileIo = { ...nodeFileIo, syncDirectory: async () => Promise.reject(cause) };
    await expect(syncDirectoryAfter(directory, path, failing)).rejects.toMatchObject({ code: 'NOT_DURABLE', detail: { path }, cause });
  });
});

describe('replaceFileDurably', () => {
  it('creates and then replaces a file, owner-only, leaving no temporary file', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'record.json', text('first'));
    await replaceFileDurably(directory, 'record.json', text('second'));
    expect(await readFile(join(directory, 'record.json'), 'utf8')).toBe('second');
    expect(await readdir(directory)).toEqual(['record.json']);
    if (posix) expect(await modeOf(join(directory, 'record.json'))).toBe(0o600);
  });

  it('keeps the old content and removes its temporary file when the write fails (a full disk)', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'record.json', text('old'));
    const full: FileIo = { ...nodeFileIo, write: async () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) };
    await expect(replaceFileDurably(directory, 'record.json', text('new'), full)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readFile(join(directory, 'record.json'), 'utf8')).toBe('old');
    expect(await readdir(directory)).toEqual(['record.json']);
  });

  it('keeps the old content when the sync fails', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'record.json', text('old'));
    const failing: FileIo = { ...nodeFileIo, sync: async () => Promise.reject(Object.assign(new Error('i/o error'), { code: 'EIO' })) };
    await expect(replaceFileDurably(directory, 'record.json', text('new'), failing)).rejects.toMatchObject({ code: 'EIO' });
    expect(await readFile(join(directory, 'record.json'), 'utf8')).toBe('old');
    expect((await readdir(directory)).filter((name) => name.includes(TEMPORARY_MARK))).toEqual([]);
  });

  it('throws ServiceError NOT_DURABLE, with the new content in place and no temporary file, when the directory fsync fails', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'record.json', text('old'));
    const cause = eio();
    const synced: string[] = [];
    const failing: FileIo = {
      ...nodeFileIo,
      syncDirectory: async (path) => {
        synced.push(path);
        throw cause;
      },
    };
    const error = await replaceFileDurably(directory, 'record.json', text('new'), failing).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isServiceError(error, 'NOT_DURABLE')).toBe(true);
    expect(error).toMatchObject({ name: 'NOT_DURABLE', code: 'NOT_DURABLE', detail: { path: join(directory, 'record.json') }, cause });
    expect(synced).toEqual([directory]);
    // The rename happened: every later read sees the new content, and nothing is left to clean up.
    expect(await readFile(join(directory, 'record.json'), 'utf8')).toBe('new');
    expect(await readdir(directory)).toEqual(['record.json']);
  });

  it('keeps the old content, removes its temporary file and reports the failure when the close fails', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'record.json', text('old'));
    const cause = eio();
    const closed: string[] = [];
    // The handle is really closed (as close(2) releases the descriptor even when it reports an error).
    const failing: FileIo = { ...nodeFileIo, close: async (handle) => (closed.push('close'), await handle.close(), Promise.reject(cause)) };
    await expect(replaceFileDurably(directory, 'record.json', text('new'), failing)).rejects.toBe(cause);
    expect(closed).toEqual(['close']);
    expect(await readFile(join(directory, 'record.json'), 'utf8')).toBe('old');
    expect(await readdir(directory)).toEqual(['record.json']);
  });

  it('keeps the old content and removes its temporary file when the rename through the file layer fails (a directory that cannot grow)', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'record.json', text('old'));
    const renamed: string[] = [];
    const failing: FileIo = {
      ...nodeFileIo,
      rename: async (_from, to) => (renamed.push(to), Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }))),
    };
    await expect(replaceFileDurably(directory, 'record.json', text('new'), failing)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(renamed).toEqual([join(directory, 'record.json')]);
    expect(await readFile(join(directory, 'record.json'), 'utf8')).toBe('old');
    expect(await readdir(directory)).toEqual(['record.json']);
  });

  it('opens its temporary file through the file layer, and a failed open (out of inodes) changes nothing', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'record.json', text('old'));
    const failing: FileIo = { ...nodeFileIo, open: async () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) };
    await expect(replaceFileDurably(directory, 'record.json', text('new'), failing)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readFile(join(directory, 'record.json'), 'utf8')).toBe('old');
    expect(await readdir(directory)).toEqual(['record.json']);
  });

  it('syncs the directory through the injected file layer when it succeeds', async () => {
    const directory = await tempDirectory();
    const synced: string[] = [];
    const counting: FileIo = { ...nodeFileIo, syncDirectory: async (path) => void synced.push(path) };
    await replaceFileDurably(directory, 'record.json', text('new'), counting);
    expect(synced).toEqual([directory]);
  });
});

describe('replaceFileWith', () => {
  it('writes in pieces under a fixed temporary name, overwriting what a crash left under it', async () => {
    const directory = await tempDirectory();
    await writeFile(join(directory, 'snapshot.sbx.tmp'), 'leftover of a crash, longer than the new content');
    await replaceFileWith(
      directory,
      'snapshot.sbx',
      async (handle, io) => {
        for (const piece of ['a', 'b', 'c']) await io.write(handle, text(piece));
      },
      { temporaryName: 'snapshot.sbx.tmp' },
    );
    expect(await readFile(join(directory, 'snapshot.sbx'), 'utf8')).toBe('abc');
    expect(await readdir(directory)).toEqual(['snapshot.sbx']);
  });

  it('removes the temporary file and leaves the name alone when the writer throws', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'snapshot.sbx', text('old'));
    const failure = new Error('sealing failed');
    await expect(
      replaceFileWith(
        directory,
        'snapshot.sbx',
        async (handle, io) => {
          await io.write(handle, text('partial'));
          throw failure;
        },
        { temporaryName: 'snapshot.sbx.tmp' },
      ),
    ).rejects.toBe(failure);
    expect(await readFile(join(directory, 'snapshot.sbx'), 'utf8')).toBe('old');
    expect(await readdir(directory)).toEqual(['snapshot.sbx']);
  });

  it('throws ServiceError NOT_DURABLE after its rename, so a caller tells "not replaced" from "replaced, durability unknown"', async () => {
    const directory = await tempDirectory();
    await replaceFileDurably(directory, 'snapshot.sbx', text('old'));
    const failing: FileIo = { ...nodeFileIo, syncDirectory: async () => Promise.reject(eio()) };
    const write = async (handle: Parameters<Parameters<typeof replaceFileWith>[2]>[0], io: FileIo): Promise<void> => io.write(handle, text('new'));
    const error = await replaceFileWith(directory, 'snapshot.sbx', write, { io: failing, temporaryName: 'snapshot.sbx.tmp' }).then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    expect(isServiceError(error, 'NOT_DURABLE')).toBe(true);
    expect((error as Error).cause).toMatchObject({ code: 'EIO' });
    expect(await readFile(join(directory, 'snapshot.sbx'), 'utf8')).toBe('new');
    expect(await readdir(directory)).toEqual(['snapshot.sbx']);
  });
});

describe('createFileExclusivelyDurably', () => {
  it('creates an owner-only file with the bytes and no temporary file left', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    await createFileExclusivelyDurably(path, text('secret\n'));
    expect(await readFile(path, 'utf8')).toBe('secret\n');
    expect(await readdir(directory)).toEqual(['root.key']);
    if (posix) expect(await modeOf(path)).toBe(0o600);
  });

  it('never overwrites an existing file in create mode', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    await writeFile(path, 'kept', { mode: 0o600 });
    await expect(createFileExclusivelyDurably(path, text('other'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('kept');
    expect(await readdir(directory)).toEqual(['root.key']);
  });

  it('replaces an existing file in replace mode', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    await writeFile(path, 'trunc', { mode: 0o600 });
    await createFileExclusivelyDurably(path, text('whole key'), { mode: 'replace' });
    expect(await readFile(path, 'utf8')).toBe('whole key');
    expect(await readdir(directory)).toEqual(['root.key']);
  });

  it.each(['create', 'replace'] as const)('(%s) leaves no temporary file and the name untouched when the close fails', async (mode) => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    if (mode === 'replace') await writeFile(path, 'trunc', { mode: 0o600 });
    const cause = eio();
    const failing: FileIo = { ...nodeFileIo, close: async (handle) => (await handle.close(), Promise.reject(cause)) };
    await expect(createFileExclusivelyDurably(path, text('secret\n'), { mode, io: failing })).rejects.toBe(cause);
    expect(await readdir(directory)).toEqual(mode === 'replace' ? ['root.key'] : []);
    if (mode === 'replace') expect(await readFile(path, 'utf8')).toBe('trunc');
  });

  it('leaves no temporary file when the rename into place fails (replace mode)', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    // A directory in the way: rename(2) of a file over it fails (EISDIR).
    await mkdir(path);
    await expect(createFileExclusivelyDurably(path, text('secret\n'), { mode: 'replace' })).rejects.toMatchObject({
      code: posix ? 'EISDIR' : expect.any(String),
    });
    expect(await readdir(directory)).toEqual(['root.key']);
  });

  it('leaves no temporary file when the write fails (a full disk)', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    const full: FileIo = { ...nodeFileIo, write: async () => Promise.reject(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' })) };
    await expect(createFileExclusivelyDurably(path, text('secret\n'), { io: full })).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(await readdir(directory)).toEqual([]);
  });

  it.each(['create', 'replace'] as const)(
    '(%s) throws ServiceError NOT_DURABLE naming the path, with the file in place, when the directory fsync fails',
    async (mode) => {
      const directory = await tempDirectory();
      const path = join(directory, 'root.key');
      if (mode === 'replace') await writeFile(path, 'trunc', { mode: 0o600 });
      const cause = eio();
      const failing: FileIo = { ...nodeFileIo, syncDirectory: async () => Promise.reject(cause) };
      const error = await createFileExclusivelyDurably(path, text('whole key'), { mode, io: failing }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(isServiceError(error, 'NOT_DURABLE')).toBe(true);
      expect(error).toMatchObject({ code: 'NOT_DURABLE', detail: { path }, cause });
      // The change took effect: the caller must not take the name for free.
      expect(await readFile(path, 'utf8')).toBe('whole key');
      expect(await readdir(directory)).toEqual(['root.key']);
    },
  );

  it('discards the temporary file a crash left before its link', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    await writeFile(`${path}.tmp`, 'half', { mode: 0o644 });
    await createFileExclusivelyDurably(path, text('fresh'));
    expect(await readFile(path, 'utf8')).toBe('fresh');
    expect(await readdir(directory)).toEqual(['root.key']);
    if (posix) expect(await modeOf(path)).toBe(0o600);
  });
});

/** The `FileIo` steps `createFileExclusivelyDurably` takes, in order (`unlink` twice: the leftover, then the linked temporary). */
type Step = 'unlink leftover' | 'open' | 'write' | 'syncFile' | 'close' | 'link' | 'rename' | 'unlink temporary' | 'syncDirectory';

/** `nodeFileIo` with `step` failing with EIO (the handle is still closed when the close fails, as close(2) releases it). */
function failingAt(step: Step, cause: Error): FileIo {
  let unlinks = 0;
  return {
    ...nodeFileIo,
    unlink: async (path) => {
      unlinks += 1;
      if ((step === 'unlink leftover' && unlinks === 1) || (step === 'unlink temporary' && unlinks === 2)) throw cause;
      return nodeFileIo.unlink!(path);
    },
    ...(step === 'open' ? { open: async () => Promise.reject(cause) } : {}),
    ...(step === 'write' ? { write: async () => Promise.reject(cause) } : {}),
    ...(step === 'syncFile' ? { syncFile: async () => Promise.reject(cause) } : {}),
    ...(step === 'close' ? { close: async (handle) => (await handle.close(), Promise.reject(cause)) } : {}),
    ...(step === 'link' ? { link: async () => Promise.reject(cause) } : {}),
    ...(step === 'rename' ? { rename: async () => Promise.reject(cause) } : {}),
    ...(step === 'syncDirectory' ? { syncDirectory: async () => Promise.reject(cause) } : {}),
  };
}

describe('createFileExclusivelyDurably through the file layer', () => {
  it('takes every step through the file layer, in order', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    const steps: string[] = [];
    const io: FileIo = {
      write: async (handle, bytes) => (steps.push('write'), nodeFileIo.write(handle, bytes)),
      sync: async () => Promise.reject(new Error('fdatasync would not make the mode durable')),
      syncFile: async (handle) => (steps.push('syncFile'), nodeFileIo.syncFile!(handle)),
      close: async (handle) => (steps.push('close'), nodeFileIo.close!(handle)),
      open: async (file, flags, mode) => (steps.push(`open ${flags}`), nodeFileIo.open!(file, flags, mode)),
      link: async (from, to) => (steps.push(`link ${to === path}`), nodeFileIo.link!(from, to)),
      unlink: async (file) => (steps.push('unlink'), nodeFileIo.unlink!(file)),
      syncDirectory: async (synced) => (steps.push(`syncDirectory ${synced === directory}`), nodeFileIo.syncDirectory!(synced)),
    };
    await createFileExclusivelyDurably(path, text('secret\n'), { io });
    expect(steps).toEqual(['unlink', 'open wx', 'write', 'syncFile', 'close', 'link true', 'unlink', 'syncDirectory true']);
    expect(await readdir(directory)).toEqual(['root.key']);
  });

  const failures: readonly (readonly [Step, 'create' | 'replace'])[] = [
    ['unlink leftover', 'create'],
    ['open', 'create'],
    ['write', 'create'],
    ['syncFile', 'create'],
    ['close', 'create'],
    ['link', 'create'],
    ['open', 'replace'],
    ['write', 'replace'],
    ['syncFile', 'replace'],
    ['close', 'replace'],
    ['rename', 'replace'],
  ];

  it.each(failures)(
    'a failing %s (%s mode) reaches the caller, leaves the name untouched and no other copy of the secret, and the next call succeeds',
    async (step, mode) => {
      const directory = await tempDirectory();
      const path = join(directory, 'root.key');
      if (mode === 'replace') await writeFile(path, 'trunc', { mode: 0o600 });
      // A leftover of an earlier crash, so the first step has something to remove.
      if (step === 'unlink leftover') await writeFile(`${path}.tmp`, 'half', { mode: 0o600 });
      const cause = eio();
      await expect(createFileExclusivelyDurably(path, text('secret\n'), { mode, io: failingAt(step, cause) })).rejects.toBe(cause);
      const left = await readdir(directory);
      // Only a failed removal of the leftover leaves it, and it is not this call's secret.
      expect(left.sort()).toEqual([...(mode === 'replace' ? ['root.key'] : []), ...(step === 'unlink leftover' ? ['root.key.tmp'] : [])]);
      for (const name of left) expect(await readFile(join(directory, name), 'utf8')).not.toContain('secret');
      await createFileExclusivelyDurably(path, text('again\n'), { mode });
      expect(await readFile(path, 'utf8')).toBe('again\n');
      expect(await readdir(directory)).toEqual(['root.key']);
    },
  );

  it('a failing removal of the linked temporary does not fail the create: the name is in place, the second name the same file', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    await createFileExclusivelyDurably(path, text('secret\n'), { io: failingAt('unlink temporary', eio()) });
    expect(await readFile(path, 'utf8')).toBe('secret\n');
    // What a crash between the link and the unlink leaves too: a second name of the same inode,
    // no copy of the secret (the store's open removes it).
    expect((await readdir(directory)).sort()).toEqual(['root.key', 'root.key.tmp']);
    expect((await stat(`${path}.tmp`)).ino).toBe((await stat(path)).ino);
  });

  it.each(['create', 'replace'] as const)(
    'a failing directory fsync (%s mode) reaches the caller as NOT_DURABLE, the file in place and no other name',
    async (mode) => {
      const directory = await tempDirectory();
      const path = join(directory, 'root.key');
      const cause = eio();
      await expect(createFileExclusivelyDurably(path, text('secret\n'), { mode, io: failingAt('syncDirectory', cause) })).rejects.toMatchObject({
        code: 'NOT_DURABLE',
        cause,
      });
      expect(await readFile(path, 'utf8')).toBe('secret\n');
      expect(await readdir(directory)).toEqual(['root.key']);
    },
  );

  it('does not take a hard link of an existing file as its own leftover: the link fails with EEXIST, the name keeps its content', async () => {
    const directory = await tempDirectory();
    const path = join(directory, 'root.key');
    await writeFile(path, 'kept', { mode: 0o600 });
    await link(path, `${path}.tmp`);
    await expect(createFileExclusivelyDurably(path, text('other'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path, 'utf8')).toBe('kept');
    expect(await readdir(directory)).toEqual(['root.key']);
  });
});
