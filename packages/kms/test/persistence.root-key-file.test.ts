/**
 * Creating `root.key` survives a crash at any point: the key is written to `root.key.tmp`,
 * fsynced and linked into place, so `root.key` never appears half-written; and an empty or
 * truncated `root.key` that an in-place create interrupted by a crash left behind is replaced, as
 * long as the directory holds no state that could have been sealed under it.
 */

import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KmsError, openDirectoryStore } from '../src/index.ts';
import { tempDirectory } from './fixtures/persistence.ts';

const KEY_LINE = /^[A-Za-z0-9+/]{43}=\n$/;
const posix = process.platform !== 'win32';

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
