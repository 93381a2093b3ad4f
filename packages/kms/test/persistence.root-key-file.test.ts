/**
 * Creating `root.key` survives a crash at any point: the key is written to `root.key.tmp`,
 * fsynced and linked into place, so `root.key` never appears half-written; and an empty or
 * truncated `root.key` that an in-place create interrupted by a crash left behind is replaced, as
 * long as the directory holds no state that could have been sealed under it.
 */

import { link, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { Kms, KmsError, ManualClock, openDirectoryStore } from '../src/index.ts';
import { type FileIo, nodeFileIo } from '../src/persistence/files.ts';
import { ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';

const KEY_LINE = /^[A-Za-z0-9+/]{43}=\n$/;
const posix = process.platform !== 'win32';

describe('a new root key in memory', () => {
  it('the encoded text written to root.key is wiped once written', async () => {
    const directory = await tempDirectory();
    const written: Uint8Array[] = [];
    const io: FileIo = {
      ...nodeFileIo,
      async write(handle, bytes) {
        written.push(bytes);
        await nodeFileIo.write(handle, bytes);
      },
    };
    const store = await openDirectoryStore({ directory, io });
    expect(store.rootKeySource).toBe('created');
    await store.close();
    // The first write is root.key's (snapshot 1 comes after it).
    expect(written[0]).toHaveLength(45);
    expect(written[0]!.every((byte) => byte === 0)).toBe(true);
    expect(await readFile(join(directory, 'root.key'), 'utf8')).toMatch(KEY_LINE);
  });
});

describe('root.key left by an interrupted first start', () => {
  it.each([
    ['empty', ''],
    ['a truncated key', 'AwoRGB8mLTQ7QklQV15l'],
    ['a key cut just before its padding', 'AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw'],
  ])('is replaced when %s and the directory holds no state', async (_, text) => {
    const directory = await tempDirectory();
    await writeFile(join(directory, 'root.key'), text, { mode: 0o600 });
    const store = await openDirectoryStore({ directory });
    expect(store.rootKeySource).toBe('created');
    await store.commit([{ type: 'deleteKey', keyId: 'none' }]);
    await store.close();
    const written = await readFile(join(directory, 'root.key'), 'utf8');
    expect(written).toMatch(KEY_LINE);
    if (posix) expect((await stat(join(directory, 'root.key'))).mode & 0o777).toBe(0o600);
    // The new key is the one the directory is sealed with.
    const reopened = await openDirectoryStore({ directory });
    expect(reopened.rootKeySource).toBe('file');
    await reopened.close();
  });

  it('is refused when the directory holds state (nothing may replace the key it was sealed with)', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory })).close();
    await writeFile(join(directory, 'root.key'), '', { mode: 0o600 });
    const failure = await openDirectoryStore({ directory }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KmsError);
    expect(failure).toMatchObject({ code: 'INVALID_ROOT_KEY' });
    expect(await readFile(join(directory, 'root.key'), 'utf8')).toBe('');
  });

  it('is refused, not replaced, when it is malformed in a way no crash produces', async () => {
    const directory = await tempDirectory();
    // Too long for a truncated write, and hand-made keys deserve an error rather than a silent swap.
    await writeFile(join(directory, 'root.key'), `${'A'.repeat(60)}\n`, { mode: 0o600 });
    await expect(openDirectoryStore({ directory })).rejects.toMatchObject({ code: 'INVALID_ROOT_KEY' });
    expect(await readFile(join(directory, 'root.key'), 'utf8')).toBe(`${'A'.repeat(60)}\n`);
  });
});

describe('root.key creation', () => {
  it('goes through root.key.tmp and leaves no temporary file, even one a crash left before', async () => {
    const directory = await tempDirectory();
    await writeFile(join(directory, 'root.key.tmp'), 'half a key', { mode: 0o600 });
    const store = await openDirectoryStore({ directory });
    expect(store.rootKeySource).toBe('created');
    await store.close();
    expect(await readdir(directory)).not.toContain('root.key.tmp');
    expect(await readFile(join(directory, 'root.key'), 'utf8')).toMatch(KEY_LINE);
  });
});

describe('root.key.tmp left by a crash', () => {
  /** A valid key line, as `root.key.tmp` holds it once written whole. */
  const keyLine = `${Buffer.from(new Uint8Array(32).fill(9)).toString('base64')}\n`;

  it('is removed by an open that takes its key from elsewhere (a crash before the link: never used)', async () => {
    const directory = await tempDirectory();
    await writeFile(join(directory, 'root.key.tmp'), keyLine, { mode: 0o600 });
    const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    expect(store.rootKeySource).toBe('option');
    await store.close();
    expect(await readdir(directory)).not.toContain('root.key.tmp');
    const reopened = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
    await reopened.close();
  });

  it.each([
    ['holds no state yet (a crash before snapshot 1)', false],
    ['holds state', true],
  ])('is removed when it is a second name of root.key and the directory %s (a crash between the link and the unlink)', async (_, withState) => {
    const directory = await tempDirectory();
    if (withState) {
      const first = await openDirectoryStore({ directory });
      await first.commit([{ type: 'deleteKey', keyId: 'none' }]);
      await first.close();
    } else {
      await writeFile(join(directory, 'root.key'), keyLine, { mode: 0o600 });
    }
    const key = await readFile(join(directory, 'root.key'), 'utf8');
    await link(join(directory, 'root.key'), join(directory, 'root.key.tmp'));
    const store = await openDirectoryStore({ directory });
    expect(store.rootKeySource).toBe('file');
    await store.close();
    expect(await readdir(directory)).not.toContain('root.key.tmp');
    expect(await readFile(join(directory, 'root.key'), 'utf8')).toBe(key);
    const reopened = await openDirectoryStore({ directory });
    expect(reopened.rootKeySource).toBe('file');
    await reopened.close();
  });

  it('that cannot be removed (a directory by that name) leaves the open working, with a warning that names no key', async () => {
    const directory = await tempDirectory();
    await mkdir(join(directory, 'root.key.tmp'));
    const warnings = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      // With the key given (creating root.key would need the name root.key.tmp for itself).
      const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
      expect(store.rootKeySource).toBe('option');
      await store.close();
      const key = Buffer.from(ROOT_KEY).toString('base64');
      const leftover = warnings.mock.calls.filter(([, options]) => (options as { code?: string } | undefined)?.code === 'STRONGBOX_ROOT_KEY_LEFTOVER');
      expect(leftover).toHaveLength(1);
      expect(String(leftover[0]![0])).toContain(join(directory, 'root.key.tmp'));
      expect(String(leftover[0]![0])).not.toContain(key);
    } finally {
      warnings.mockRestore();
    }
  });

  it('is kept while the key it may hold is not proven unneeded (root.key missing from a directory with state)', async () => {
    const directory = await tempDirectory();
    await (await openDirectoryStore({ directory })).close();
    const key = await readFile(join(directory, 'root.key'), 'utf8');
    // A second name that outlived root.key: it may be the only copy of the key the state needs.
    await rename(join(directory, 'root.key'), join(directory, 'root.key.tmp'));
    await expect(openDirectoryStore({ directory })).rejects.toMatchObject({ code: 'MISSING_ROOT_KEY' });
    await expect(openDirectoryStore({ directory, rootKey: ROOT_KEY })).rejects.toMatchObject({ code: 'WRONG_ROOT_KEY' });
    expect(await readFile(join(directory, 'root.key.tmp'), 'utf8')).toBe(key);
  });
});

describe('a directory holding only audit files (sealed under its key too)', () => {
  /** A directory whose state files are gone but whose audit file and root.key.tmp (the key, K1) remain. */
  async function auditOnly(): Promise<{ directory: string; key: string }> {
    const directory = await tempDirectory();
    const kms = new Kms({ store: await openDirectoryStore({ directory }), clock: new ManualClock(), quotas: false });
    await kms.createKey({});
    await kms.close();
    for (const name of await readdir(directory)) if (/^(snapshot|journal)-/.test(name)) await rm(join(directory, name));
    const key = await readFile(join(directory, 'root.key'), 'utf8');
    await rename(join(directory, 'root.key'), join(directory, 'root.key.tmp'));
    expect((await readdir(directory)).filter((name) => name.startsWith('audit-'))).toHaveLength(1);
    return { directory, key };
  }

  it('gets no fresh root key: MISSING_ROOT_KEY, and root.key.tmp (the only copy of its key) is kept', async () => {
    const { directory, key } = await auditOnly();
    // Named for what it holds (audit files, no state), and pointing at the probable copy of the key.
    await expect(openDirectoryStore({ directory })).rejects.toMatchObject({
      code: 'MISSING_ROOT_KEY',
      message: `The data directory ${directory} holds files sealed under a root key (snapshots, journals or audit files) but ${join(directory, 'root.key')} is missing; pass the root key it was sealed with (the rootKey option or STRONGBOX_ROOT_KEY) or restore root.key: ${join(directory, 'root.key.tmp')}, left by an interrupted creation of it, may be a copy (check it before renaming it to root.key).`,
    });
    expect((await readdir(directory)).filter((name) => !name.startsWith('audit-')).sort()).toEqual(['root.key.tmp']);
    expect(await readFile(join(directory, 'root.key.tmp'), 'utf8')).toBe(key);
  });

  it('under another key fails before anything is written or removed: CORRUPT, root.key.tmp kept, no snapshot', async () => {
    const { directory, key } = await auditOnly();
    await expect(openDirectoryStore({ directory, rootKey: ROOT_KEY })).rejects.toMatchObject({ code: 'CORRUPT' });
    expect((await readdir(directory)).filter((name) => !name.startsWith('audit-')).sort()).toEqual(['root.key.tmp']);
    expect(await readFile(join(directory, 'root.key.tmp'), 'utf8')).toBe(key);
    // Restoring the key restores the directory: the audit trail reads back under it.
    await rename(join(directory, 'root.key.tmp'), join(directory, 'root.key'));
    const store = await openDirectoryStore({ directory });
    expect(store.rootKeySource).toBe('file');
    expect(store.audit.takeRecovered().map((event) => event.eventName)).toContain('CreateKey');
    await store.close();
  });
});

describe("root.key creation through the store's file layer", () => {
  it.each(['open', 'write', 'link', 'syncDirectory'] as const)(
    'a failing %s fails the open and leaves no root.key.tmp, nor a root.key unless it took effect; the next open succeeds',
    async (step) => {
      const directory = await tempDirectory();
      const cause = Object.assign(new Error('i/o error'), { code: 'EIO' });
      let armed = true;
      const once =
        <A extends unknown[], R>(real: (...args: A) => Promise<R>) =>
        async (...args: A): Promise<R> => {
          if (!armed) return real(...args);
          armed = false;
          throw cause;
        };
      const io: FileIo = {
        ...nodeFileIo,
        ...(step === 'open' ? { open: once(nodeFileIo.open!) } : {}),
        ...(step === 'write' ? { write: once(nodeFileIo.write) } : {}),
        ...(step === 'link' ? { link: once(nodeFileIo.link!) } : {}),
        // The data directory's own fsync (root.key's), not its parent's (the open's durable mkdir before it).
        ...(step === 'syncDirectory'
          ? { syncDirectory: (path: string) => (path === directory ? once(nodeFileIo.syncDirectory!)(path) : nodeFileIo.syncDirectory!(path)) }
          : {}),
      };
      const failure = await openDirectoryStore({ directory, io }).catch((error: unknown) => error);
      expect(failure).toMatchObject(step === 'syncDirectory' ? { code: 'NOT_DURABLE', cause } : cause);
      // A failed directory fsync leaves root.key in place (it took effect), with nothing sealed under it yet.
      expect((await readdir(directory)).filter((name) => name.startsWith('root.key'))).toEqual(step === 'syncDirectory' ? ['root.key'] : []);
      // The step that failed was root.key's: the open stopped before snapshot 1, whose own
      // directory fsync would fail the same way (and leave root.key in place) had root.key's
      // steps not gone through `io`.
      expect((await readdir(directory)).filter((name) => name.startsWith('snapshot-'))).toEqual([]);
      const store = await openDirectoryStore({ directory });
      expect(store.rootKeySource).toBe(step === 'syncDirectory' ? 'file' : 'created');
      await store.close();
      expect(await readFile(join(directory, 'root.key'), 'utf8')).toMatch(KEY_LINE);
      expect(await readdir(directory)).not.toContain('root.key.tmp');
    },
  );
});
