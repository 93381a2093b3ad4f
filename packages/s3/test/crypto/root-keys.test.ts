import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { chmod, type FileHandle, link, lstat, mkdir, open, readdir, readFile, rename, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fencedFileIo, isServiceError, nodeFileIo, ServiceError } from '@strongbox/service-kernel';
import { describe, expect, it, vi } from 'vitest';
import { ROOT_KEYS_DIRECTORY, SseS3RootKeys } from '../../src/index.ts';
import { tempDirectory } from '../helpers/temp.ts';

const CONTEXT = { 'aws:s3:arn': 'arn:aws:s3:::b/k' };

describe('SSE-S3 root keys', () => {
  it('rotation: new data keys are wrapped by the new root key, old wrapped keys still unwrap', async () => {
    const roots = await SseS3RootKeys.inMemory();
    const dataKey = new Uint8Array(randomBytes(32));
    const before = await roots.wrapDataKey(dataKey, CONTEXT);
    expect(before.keyringId).toBe('raw-aes:sse-s3-root-1');
    await roots.rotate();
    const after = await roots.wrapDataKey(dataKey, CONTEXT);
    expect(after.keyringId).toBe('raw-aes:sse-s3-root-2');
    expect(roots.generations).toEqual([1, 2]);
    expect(Buffer.from((await roots.unwrapDataKey(before, CONTEXT))!)).toEqual(Buffer.from(dataKey));
    expect(Buffer.from((await roots.unwrapDataKey(after, CONTEXT))!)).toEqual(Buffer.from(dataKey));
    expect(await roots.unwrapDataKey(before, { 'aws:s3:arn': 'arn:aws:s3:::b/other' })).toBeUndefined();
    expect(await roots.unwrapDataKey({ ...before, keyringId: 'raw-aes:sse-s3-root-9' }, CONTEXT)).toBeUndefined();
  });

  it('answers a failure with a rejection, never a synchronous throw', async () => {
    const roots = await SseS3RootKeys.inMemory();
    const unwrapped = roots.unwrapDataKey(null as never, CONTEXT);
    await expect(unwrapped).rejects.toThrow(TypeError);
    const wrapped = roots.wrapDataKey(null as never, CONTEXT);
    await expect(wrapped).rejects.toThrow(TypeError);
    roots.destroy();
    await expect(roots.wrapDataKey(new Uint8Array(32), CONTEXT)).rejects.toThrow('destroyed');
  });

  it('rotates on its own once the current key is older than the period (injected clock)', async () => {
    let now = 1_000;
    const roots = await SseS3RootKeys.inMemory({ rotationPeriodMs: 500, now: () => now });
    await roots.wrapDataKey(new Uint8Array(32), CONTEXT);
    expect(roots.currentGeneration).toBe(1);
    now = 1_499;
    await roots.wrapDataKey(new Uint8Array(32), CONTEXT);
    expect(roots.currentGeneration).toBe(1);
    now = 1_500;
    const [a, b] = await Promise.all([roots.wrapDataKey(new Uint8Array(32), CONTEXT), roots.wrapDataKey(new Uint8Array(32), CONTEXT)]);
    // Concurrent callers share one rotation.
    expect(roots.generations).toEqual([1, 2]);
    expect([a.keyringId, b.keyringId]).toEqual(['raw-aes:sse-s3-root-2', 'raw-aes:sse-s3-root-2']);
  });

  it('in a data directory: persisted 0600 files, every generation back after a restart', async () => {
    const directory = tempDirectory('roots');
    const roots = await SseS3RootKeys.openDirectory(directory);
    const wrapped = await roots.wrapDataKey(new Uint8Array(32).fill(7), CONTEXT);
    await roots.rotate();
    const files = (await readdir(join(directory, ROOT_KEYS_DIRECTORY))).sort();
    expect(files).toEqual(['root-00000001.key', 'root-00000002.key']);
    for (const file of files) expect((await stat(join(directory, ROOT_KEYS_DIRECTORY, file))).mode & 0o777).toBe(0o600);
    roots.destroy();
    const again = await SseS3RootKeys.openDirectory(directory);
    expect(again.generations).toEqual([1, 2]);
    expect(again.currentGeneration).toBe(2);
    expect(Buffer.from((await again.unwrapDataKey(wrapped, CONTEXT))!)).toEqual(Buffer.alloc(32, 7));
  });

  it('refuses a key file group or others can read, and a malformed one', async () => {
    const directory = tempDirectory('roots-loose');
    (await SseS3RootKeys.openDirectory(directory)).destroy();
    const file = join(directory, ROOT_KEYS_DIRECTORY, 'root-00000001.key');
    await chmod(file, 0o644);
    await expect(SseS3RootKeys.openDirectory(directory)).rejects.toThrow(/mode 0644/);
    await chmod(file, 0o600);
    await writeFile(file, '{"created":1,"key":"c2hvcnQ="}');
    await expect(SseS3RootKeys.openDirectory(directory)).rejects.toThrow(/not an SSE-S3 root key file/);
  });

  it('wipes the keys it already decoded when a later key file is refused', async () => {
    const directory = tempDirectory('roots-wipe');
    const roots = await SseS3RootKeys.openDirectory(directory);
    await roots.rotate();
    roots.destroy();
    const keys = join(directory, ROOT_KEYS_DIRECTORY);
    const first = Buffer.from((JSON.parse(await readFile(join(keys, 'root-00000001.key'), 'utf8')) as { key: string }).key, 'base64');
    await chmod(join(keys, 'root-00000002.key'), 0o644);
    // A plain Uint8Array holding generation 1's key, zeroed: its decoded copy (Buffers fill through their own method).
    const original = Uint8Array.prototype.fill;
    const wiped: Uint8Array[] = [];
    const fills = vi.spyOn(Uint8Array.prototype, 'fill').mockImplementation(function (this: Uint8Array, ...args: Parameters<Uint8Array['fill']>) {
      if (!Buffer.isBuffer(this) && this.length === 32 && first.equals(this)) wiped.push(this);
      return original.apply(this, args);
    } as Uint8Array['fill']);
    try {
      await expect(SseS3RootKeys.openDirectory(directory)).rejects.toThrow(/mode 0644/);
    } finally {
      fills.mockRestore();
    }
    expect(wiped).toHaveLength(1);
    expect([...wiped[0]!].every((byte) => byte === 0)).toBe(true);
  });

  it('never shows key material in logs', async () => {
    const roots = await SseS3RootKeys.inMemory();
    expect(JSON.stringify(roots)).toBe('{"generations":[1]}');
  });

  describe('a whole temporary key file left by a crash (root-N.key.tmp)', () => {
    /** A directory with generations 1 and 2, and data keys wrapped by each. */
    async function twoGenerations(name: string) {
      const directory = tempDirectory(name);
      const roots = await SseS3RootKeys.openDirectory(directory);
      const first = await roots.wrapDataKey(new Uint8Array(32).fill(1), CONTEXT);
      await roots.rotate();
      const second = await roots.wrapDataKey(new Uint8Array(32).fill(2), CONTEXT);
      roots.destroy();
      const keys = join(directory, ROOT_KEYS_DIRECTORY);
      return { directory, keys, first, second };
    }

    it('is kept and put back when it is the only copy of its key (root-N.key lost after a crash between link and unlink)', async () => {
      const { directory, keys, second } = await twoGenerations('roots-only-copy');
      const text = await readFile(join(keys, 'root-00000002.key'), 'utf8');
      await rename(join(keys, 'root-00000002.key'), join(keys, 'root-00000002.key.tmp'));
      const roots = await SseS3RootKeys.openDirectory(directory);
      expect(roots.generations).toEqual([1, 2]);
      expect(Buffer.from((await roots.unwrapDataKey(second, CONTEXT))!)).toEqual(Buffer.alloc(32, 2));
      // Put back under its name, 0600, and no second copy left.
      expect((await readdir(keys)).sort()).toEqual(['root-00000001.key', 'root-00000002.key']);
      expect(await readFile(join(keys, 'root-00000002.key'), 'utf8')).toBe(text);
      if (process.platform !== 'win32') expect((await stat(join(keys, 'root-00000002.key'))).mode & 0o777).toBe(0o600);
      // A rotation takes the next generation: the recovered one is not overwritten.
      await roots.rotate();
      expect(roots.generations).toEqual([1, 2, 3]);
      expect(Buffer.from((await roots.unwrapDataKey(second, CONTEXT))!)).toEqual(Buffer.alloc(32, 2));
    });

    it('is removed when it is a second name of root-N.key (a crash between link and unlink)', async () => {
      const { directory, keys, first } = await twoGenerations('roots-second-name');
      await link(join(keys, 'root-00000001.key'), join(keys, 'root-00000001.key.tmp'));
      const roots = await SseS3RootKeys.openDirectory(directory);
      expect(roots.generations).toEqual([1, 2]);
      expect((await readdir(keys)).sort()).toEqual(['root-00000001.key', 'root-00000002.key']);
      expect(Buffer.from((await roots.unwrapDataKey(first, CONTEXT))!)).toEqual(Buffer.alloc(32, 1));
    });

    it('is kept, with a warning, when it differs from root-N.key (nothing proves it unneeded)', async () => {
      const { directory, keys } = await twoGenerations('roots-differs');
      const other = `${JSON.stringify({ created: 1, key: Buffer.alloc(32, 9).toString('base64') })}\n`;
      await writeFile(join(keys, 'root-00000001.key.tmp'), other, { mode: 0o600 });
      const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const roots = await SseS3RootKeys.openDirectory(directory);
        expect(roots.generations).toEqual([1, 2]);
        const kept = warnings.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === 'STRONGBOX_ROOT_KEY_LEFTOVER');
        expect(kept).toHaveLength(1);
        expect(String(kept[0]![0])).not.toContain(Buffer.alloc(32, 9).toString('base64'));
      } finally {
        warnings.mockRestore();
      }
      expect(await readFile(join(keys, 'root-00000001.key.tmp'), 'utf8')).toBe(other);
    });
    it('is kept, with a warning, and the open goes on, when it is no regular file (a directory, a symlink)', async () => {
      const { directory, keys, second } = await twoGenerations('roots-not-a-file');
      await mkdir(join(keys, 'root-00000001.key.tmp'));
      await symlink(join(keys, 'root-00000002.key'), join(keys, 'root-00000003.key.tmp'));
      const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
      try {
        const roots = await SseS3RootKeys.openDirectory(directory);
        expect(roots.generations).toEqual([1, 2]);
        expect(Buffer.from((await roots.unwrapDataKey(second, CONTEXT))!)).toEqual(Buffer.alloc(32, 2));
        const kept = warnings.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === 'STRONGBOX_ROOT_KEY_LEFTOVER');
        expect(kept.map(([message]) => String(message).match(/root-\d+\.key\.tmp/)?.[0]).sort()).toEqual(['root-00000001.key.tmp', 'root-00000003.key.tmp']);
      } finally {
        warnings.mockRestore();
      }
      expect((await readdir(keys)).sort()).toEqual(['root-00000001.key', 'root-00000001.key.tmp', 'root-00000002.key', 'root-00000003.key.tmp']);
      expect((await lstat(join(keys, 'root-00000003.key.tmp'))).isSymbolicLink()).toBe(true);
      // The symlink at the next generation does not block its rotation: the create's unlink of a
      // leftover removes the link, never its target.
      const roots = await SseS3RootKeys.openDirectory(directory);
      await roots.rotate();
      expect(roots.generations).toEqual([1, 2, 3]);
      expect(Buffer.from((await roots.unwrapDataKey(second, CONTEXT))!)).toEqual(Buffer.alloc(32, 2));
      roots.destroy();
      expect((await lstat(join(keys, 'root-00000003.key'))).isFile()).toBe(true);
    });

    it('refuses the start when a directory sits under the name a later rotation writes (it could never rotate there), removing nothing', async () => {
      const { directory, keys, second } = await twoGenerations('roots-dir-ahead');
      await mkdir(join(keys, 'root-00000004.key.tmp'));
      await writeFile(join(keys, 'root-00000004.key.tmp', 'someone’s'), 'file');
      await expect(SseS3RootKeys.openDirectory(directory)).rejects.toThrow(
        `${join(keys, 'root-00000004.key.tmp')} is a directory under the name of the temporary file of SSE-S3 root key generation 4, which a key rotation writes; remove it`,
      );
      expect((await readdir(keys)).sort()).toEqual(['root-00000001.key', 'root-00000002.key', 'root-00000004.key.tmp']);
      expect(await readFile(join(keys, 'root-00000004.key.tmp', 'someone’s'), 'utf8')).toBe('file');
      // Once it is gone, the start goes on and rotations pass generation 4.
      await rm(join(keys, 'root-00000004.key.tmp'), { recursive: true });
      const roots = await SseS3RootKeys.openDirectory(directory);
      await roots.rotate();
      await roots.rotate();
      expect(roots.generations).toEqual([1, 2, 3, 4]);
      expect(Buffer.from((await roots.unwrapDataKey(second, CONTEXT))!)).toEqual(Buffer.alloc(32, 2));
      roots.destroy();
    });

    it('refuses the first start when a directory sits under the first key’s temporary name', async () => {
      const directory = tempDirectory('roots-dir-first');
      await mkdir(join(directory, ROOT_KEYS_DIRECTORY, 'root-00000001.key.tmp'), { recursive: true });
      await expect(SseS3RootKeys.openDirectory(directory)).rejects.toThrow(/root-00000001\.key\.tmp is a directory .* generation 1, .*remove it/);
      expect(await readdir(join(directory, ROOT_KEYS_DIRECTORY))).toEqual(['root-00000001.key.tmp']);
    });

    it('is settled once when two processes load at once: both open with the key, none fails', async () => {
      // Several rounds: which step of the one the other's link or unlink lands before varies.
      for (let round = 0; round < 8; round++) {
        const { directory, keys, second } = await twoGenerations(`roots-concurrent-${round}`);
        const text = await readFile(join(keys, 'root-00000002.key'), 'utf8');
        await rename(join(keys, 'root-00000002.key'), join(keys, 'root-00000002.key.tmp'));
        const opened = await Promise.all([SseS3RootKeys.openDirectory(directory), SseS3RootKeys.openDirectory(directory)]);
        for (const roots of opened) {
          expect(roots.generations).toEqual([1, 2]);
          expect(Buffer.from((await roots.unwrapDataKey(second, CONTEXT))!)).toEqual(Buffer.alloc(32, 2));
          roots.destroy();
        }
        expect((await readdir(keys)).sort()).toEqual(['root-00000001.key', 'root-00000002.key']);
        expect(await readFile(join(keys, 'root-00000002.key'), 'utf8')).toBe(text);
      }
    });

    // /proc/self/fd names the file a handle reads, so the failure hits exactly the leftover.
    it.skipIf(process.platform !== 'linux')('is kept, and the open fails, when reading it fails (EIO is no proof it is not a whole key)', async () => {
      const { directory, keys } = await twoGenerations('roots-leftover-eio');
      const text = await readFile(join(keys, 'root-00000002.key'), 'utf8');
      await rename(join(keys, 'root-00000002.key'), join(keys, 'root-00000002.key.tmp'));
      const probe = await open(join(keys, 'root-00000002.key.tmp'), 'r');
      const prototype = Object.getPrototypeOf(probe) as FileHandle;
      await probe.close();
      const original = prototype.readFile;
      const reads = vi.spyOn(prototype, 'readFile').mockImplementation(function (this: FileHandle, ...args: Parameters<FileHandle['readFile']>) {
        if (readlinkSync(`/proc/self/fd/${this.fd}`).endsWith('.key.tmp'))
          return Promise.reject(Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' }));
        return original.apply(this, args);
      } as FileHandle['readFile']);
      try {
        await expect(SseS3RootKeys.openDirectory(directory)).rejects.toThrow(/root-00000002\.key\.tmp.*EIO/);
      } finally {
        reads.mockRestore();
      }
      expect((await readdir(keys)).sort()).toEqual(['root-00000001.key', 'root-00000002.key.tmp']);
      expect(await readFile(join(keys, 'root-00000002.key.tmp'), 'utf8')).toBe(text);
    });
  });

  describe('through a lease-fenced io (the data-directory store’s)', () => {
    /** A lease whose `confirm` refuses once `lost` is set, as the kernel's does after a takeover. */
    function lease() {
      const state = { lost: false };
      const io = fencedFileIo(nodeFileIo, {
        confirm: async () => {
          if (state.lost) throw new ServiceError('LEASE_LOST', 'the data directory was taken over', []);
        },
      });
      return { state, io };
    }

    it('creates no root key file once the lease is lost: the rotation fails, the files are as they were', async () => {
      const directory = tempDirectory('roots-fenced');
      const { state, io } = lease();
      const roots = await SseS3RootKeys.openDirectory(directory, { io });
      expect(roots.generations).toEqual([1]);
      state.lost = true;
      const refused = await roots.rotate().catch((error: unknown) => error);
      expect(isServiceError(refused, 'LEASE_LOST')).toBe(true);
      expect(roots.generations).toEqual([1]);
      expect(await readdir(join(directory, ROOT_KEYS_DIRECTORY))).toEqual(['root-00000001.key']);
    });

    it('neither creates the first key nor settles a leftover once the lease is lost', async () => {
      const fresh = tempDirectory('roots-fenced-fresh');
      const first = lease();
      first.state.lost = true;
      const refused = await SseS3RootKeys.openDirectory(fresh, { io: first.io }).catch((error: unknown) => error);
      expect(isServiceError(refused, 'LEASE_LOST')).toBe(true);
      expect(await readdir(fresh)).toEqual([]);

      const directory = tempDirectory('roots-fenced-leftover');
      (await SseS3RootKeys.openDirectory(directory)).destroy();
      const keys = join(directory, ROOT_KEYS_DIRECTORY);
      await rename(join(keys, 'root-00000001.key'), join(keys, 'root-00000001.key.tmp'));
      const second = lease();
      second.state.lost = true;
      const settled = await SseS3RootKeys.openDirectory(directory, { io: second.io }).catch((error: unknown) => error);
      expect(isServiceError(settled, 'LEASE_LOST')).toBe(true);
      expect(await readdir(keys)).toEqual(['root-00000001.key.tmp']);
    });
  });

  it('a temporary key file left by a crash before its link is removed, never used', async () => {
    const directory = tempDirectory('roots-tmp');
    (await SseS3RootKeys.openDirectory(directory)).destroy();
    await writeFile(join(directory, ROOT_KEYS_DIRECTORY, 'root-00000002.key.tmp'), '{"created":1,"key":"');
    const roots = await SseS3RootKeys.openDirectory(directory);
    expect(roots.generations).toEqual([1]);
    expect(await readdir(join(directory, ROOT_KEYS_DIRECTORY))).toEqual(['root-00000001.key']);
    await roots.rotate();
    expect(roots.currentGeneration).toBe(2);
  });
});
