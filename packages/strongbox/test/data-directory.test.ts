/**
 * `--data` paths that cannot hold state are refused before anything opens them, each with one
 * line on stderr and exit 1 (the CLI in-process; `/proc/nope` in a real child process, where
 * Node's recursive mkdir used to spin forever); a directory written in another format is refused
 * the same way, and a usable one records its format.
 */

import { chmod, mkdir, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DATA_FORMAT, prepareDataDirectory } from '../src/data-directory.ts';
import { StrongboxError } from '../src/errors.ts';
import { openControlledEndpoint } from '../src/index.ts';
import { runCli, runInProcess, serveInProcess, tempDir } from './helpers/cli.ts';

/** Exactly one line on stderr, starting `strongbox: data directory '<path>': `, nothing on stdout, exit 1. */
function expectRefused(exit: { code: number | null; stdout: string; stderr: string }, path: string, reason: RegExp): void {
  expect(exit.code).toBe(1);
  expect(exit.stdout).toBe('');
  expect(exit.stderr).toMatch(/^strongbox: [^\n]+\n$/);
  expect(exit.stderr.startsWith(`strongbox: data directory '${path}': `)).toBe(true);
  expect(exit.stderr).toMatch(reason);
}

const serveWith = (data: string) => runInProcess(['serve', '--port', '0', '--quiet', '--data', data]);

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  await chmod(join(dir.path, 'locked'), 0o700).catch(() => undefined);
  await dir.cleanup();
});

describe('unusable --data paths are refused at once, with one line', () => {
  it('a missing parent: the directory is not created, nor its parents', async () => {
    const path = join(dir.path, 'missing', 'deeper', 'data');
    expectRefused(await serveWith(path), path, /its parent '.*missing\/deeper' does not exist/);
    await expect(readFile(join(dir.path, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('a file, not a directory', async () => {
    const path = await dir.file('a-file', 'x');
    expectRefused(await serveWith(path), path, /: not a directory\n$/);
  });

  it('a path through a file', async () => {
    const path = join(await dir.file('another-file', 'x'), 'data');
    expectRefused(await serveWith(path), path, /: a part of the path is not a directory\n$/);
  });

  it('/proc/nope, in a real process: refused, not an endless mkdir', async () => {
    const exit = await runCli(['serve', '--port', '0', '--data', '/proc/nope']);
    expectRefused(exit, '/proc/nope', /cannot be created: no such file or directory \(ENOENT\)/);
  });

  it('a directory where files cannot be created (/proc/self)', async () => {
    expectRefused(await serveWith('/proc/self'), '/proc/self', /cannot create files in it/);
  });

  it('a directory the process may not create (/sys/nope: EPERM even for root)', async () => {
    expectRefused(await serveWith('/sys/nope'), '/sys/nope', /cannot be created: (operation not permitted|permission denied|read-only file system)/);
  });

  // Root ignores permission bits, so this case can only be shown by another user; /sys/nope above
  // is the refusal root gets.
  it.skipIf(process.getuid?.() === 0)('a directory without write permission', async () => {
    const locked = join(dir.path, 'locked');
    await mkdir(locked, { mode: 0o500 });
    expectRefused(await serveWith(locked), locked, /cannot create files in it: permission denied \(EACCES\)/);
    const inside = join(locked, 'data');
    expectRefused(await serveWith(inside), inside, /cannot be created: permission denied \(EACCES\)/);
  });
});

describe('the data directory format', () => {
  it('is recorded at first start, and the directory serves again', async () => {
    const path = join(dir.path, 'fresh');
    const first = await serveInProcess(['--quiet', '--data', path]);
    expect((await first.stop('SIGTERM')).code).toBe(0);
    const marker = JSON.parse(await readFile(join(path, 'strongbox.json'), 'utf8')) as { format: number; createdBy: string };
    expect(marker.format).toBe(DATA_FORMAT);
    expect(marker.createdBy).toMatch(/^strongbox \d+\.\d+\.\d+/);
    const second = await serveInProcess(['--quiet', '--data', path]);
    expect((await second.stop('SIGTERM')).code).toBe(0);
  });

  it('a directory written in a newer format is refused, untouched', async () => {
    const path = join(dir.path, 'future');
    await mkdir(path);
    const marker = JSON.stringify({ format: DATA_FORMAT + 1, createdBy: 'strongbox 9.0.0' });
    await writeFile(join(path, 'strongbox.json'), marker);
    expectRefused(
      await serveWith(path),
      path,
      new RegExp(`written in format ${DATA_FORMAT + 1} by strongbox 9\\.0\\.0; strongbox \\S+ reads format ${DATA_FORMAT} `),
    );
    expect(await readFile(join(path, 'strongbox.json'), 'utf8')).toBe(marker);
  });

  it('a marker that names no format is refused', async () => {
    const path = join(dir.path, 'garbled');
    await mkdir(path);
    await writeFile(join(path, 'strongbox.json'), 'not json');
    expectRefused(await serveWith(path), path, /strongbox\.json does not name a format this Strongbox knows/);
  });

  it("a project's directory (files, none of them Strongbox's) is refused, untouched", async () => {
    const path = join(dir.path, 'project');
    await mkdir(path);
    await writeFile(join(path, 'package.json'), '{}');
    await writeFile(join(path, 'notes.txt'), 'mine');
    expectRefused(await serveWith(path), path, /: holds files that are not Strongbox's; use an empty directory\n$/);
    expect((await readdir(path)).sort()).toEqual(['notes.txt', 'package.json']);
  });

  it('state written before the marker is adopted, even beside a foreign file', async () => {
    const path = join(dir.path, 'older');
    const first = await serveInProcess(['--quiet', '--data', path]);
    expect((await first.stop('SIGTERM')).code).toBe(0);
    await writeFile(join(path, 'notes.txt'), 'mine');
    await unlink(join(path, 'strongbox.json'));
    const second = await serveInProcess(['--quiet', '--data', path]);
    expect((await second.stop('SIGTERM')).code).toBe(0);
    expect(await readdir(path)).toContain('strongbox.json');
  });
});

describe('prepareDataDirectory, as library callers meet it (createStrongbox, startServer)', () => {
  it('refuses an unusable path with StrongboxError UNUSABLE and another format with OTHER_FORMAT', async () => {
    const file = join(dir.path, 'a-file');
    await writeFile(file, 'x');
    const unusable = await prepareDataDirectory(file).catch((error: unknown) => error);
    expect(unusable).toBeInstanceOf(StrongboxError);
    expect(unusable).toMatchObject({ code: 'UNUSABLE', exitCode: 1, message: `data directory '${file}': not a directory` });
    const newer = join(dir.path, 'newer');
    await mkdir(newer);
    await writeFile(join(newer, 'strongbox.json'), JSON.stringify({ format: DATA_FORMAT + 1 }));
    await expect(prepareDataDirectory(newer)).rejects.toMatchObject({ name: 'StrongboxError', code: 'OTHER_FORMAT', exitCode: 1 });
  });

  /** Real io, except that an fsync of `refused` fails with `code`. */
  const parentRefusingIo = (refused: string, code: string): FileIo => ({
    ...nodeFileIo,
    async syncDirectory(path) {
      if (path === refused) throw Object.assign(new Error(`${code}: injected, fsync of ${path}`), { code });
      await nodeFileIo.syncDirectory!(path);
    },
  });

  it('a new directory whose parent this process cannot fsync (EACCES: writable, not readable) is created and used, with a warning', async () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const parent = join(dir.path, 'drop');
      await mkdir(parent);
      const path = join(parent, 'data');
      await prepareDataDirectory(path, { io: parentRefusingIo(parent, 'EACCES') });
      expect(await readdir(path)).toEqual(['strongbox.json']);
      expect(warn.mock.calls.filter(([message]) => String(message).includes(parent))).toEqual([
        [expect.stringContaining('EACCES'), { code: 'STRONGBOX_DIRECTORY_FSYNC' }],
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  it('a new directory whose parent fsync fails (EIO) is refused as created-but-not-durable, not as "cannot be created"', async () => {
    const parent = join(dir.path, 'failing');
    await mkdir(parent);
    const path = join(parent, 'data');
    const refusal = await prepareDataDirectory(path, { io: parentRefusingIo(parent, 'EIO') }).catch((error: unknown) => error);
    expect(refusal).toMatchObject({ name: 'StrongboxError', code: 'UNUSABLE' });
    expect((refusal as Error).message).toMatch(/^data directory '.*data': was created, but its parent '.*failing' could not be fsynced \(EIO: injected/);
    expect((refusal as Error).message).not.toContain('cannot be created');
    // The next start finds it in place (nothing else was written) and uses it.
    expect(await readdir(path)).toEqual([]);
    await prepareDataDirectory(path);
    expect(await readdir(path)).toEqual(['strongbox.json']);
  });
});

describe('strongbox.json written late', () => {
  it('by a process that found the directory unmarked, after another one marked it and serves it: the state and the next start are unaffected', async () => {
    const data = await tempDir();
    const holder = await openControlledEndpoint({ dataDirectory: data.path });
    const { KeyMetadata } = await holder.kms.createKey({ Description: 'kept' });
    // The other process's marker (another release of the same format), renamed into place late.
    const late = { format: DATA_FORMAT, createdBy: 'strongbox 0.0.1', note: 'The format of this Strongbox data directory; do not edit.' };
    await writeFile(join(data.path, 'strongbox.json.tmp-0a1b2c3d4e5f'), `${JSON.stringify(late, null, 2)}\n`);
    await rename(join(data.path, 'strongbox.json.tmp-0a1b2c3d4e5f'), join(data.path, 'strongbox.json'));
    await holder.close();

    const next = await openControlledEndpoint({ dataDirectory: data.path });
    try {
      expect((await next.kms.describeKey({ KeyId: KeyMetadata!.KeyId })).KeyMetadata?.Description).toBe('kept');
    } finally {
      await next.close();
      await data.cleanup();
    }
  });
});
