/**
 * `emptyDataDirectory`, a reset's emptying of an S3 data directory: every bucket, object, upload
 * and blob goes, but the highest generation directory stays, empty, so the next open goes on past
 * it and never hands a previous holder's paths (`gen-<n>/…`) to the new state.
 */

import { lstat, mkdir, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emptyDataDirectory, openFileSystemObjectStore } from '../../src/index.ts';
import { tempDirectory } from '../helpers/temp.ts';

const text = (value: string): Uint8Array[] => [new TextEncoder().encode(value)];

describe('emptyDataDirectory', () => {
  it('removes every bucket and keeps the generation directory, so the next open numbers past it', async () => {
    const directory = tempDirectory('empty-keeps-generation');
    for (let open = 0; open < 3; open++) {
      const store = await openFileSystemObjectStore({ directory });
      if (open === 0) {
        await store.createBucket('b', {});
        await store.putObject('b', 'k', text('before the reset'), {});
        await store.createUpload('b', 'u', {});
      }
      await store.close();
    }
    expect((await readdir(directory)).filter((name) => name.startsWith('gen-'))).toEqual(['gen-00000003']);
    await emptyDataDirectory(directory);
    expect(await readdir(directory)).toEqual(['gen-00000003']);
    expect(await readdir(join(directory, 'gen-00000003'))).toEqual([]);
    const reopened = await openFileSystemObjectStore({ directory });
    expect(await reopened.listBuckets()).toEqual([]);
    expect((await readdir(directory)).filter((name) => name.startsWith('gen-'))).toEqual(['gen-00000004']);
    await reopened.close();
  });

  it('keeps only the highest of several generation directories, removes a directory with none whole, and leaves a missing one missing', async () => {
    const several = tempDirectory('empty-several');
    await mkdir(join(several, 'gen-00000002', 'b-61'), { recursive: true });
    await mkdir(join(several, 'gen-00000007', 'b-62'), { recursive: true });
    await writeFile(join(several, 'LOCK'), '1\n');
    await emptyDataDirectory(several);
    expect(await readdir(several)).toEqual(['gen-00000007']);
    expect(await readdir(join(several, 'gen-00000007'))).toEqual([]);

    const old = tempDirectory('empty-no-generation');
    await mkdir(join(old, 'b-61'), { recursive: true });
    await emptyDataDirectory(old);
    await expect(readdir(old)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(emptyDataDirectory(old)).resolves.toBeUndefined();
  });

  it('removes a root that is a file whole, and replaces a generation entry that is a file by an empty directory of its number', async () => {
    const parent = tempDirectory('empty-file-root');
    const root = join(parent, 's3');
    await writeFile(root, 'not a directory');
    await emptyDataDirectory(root);
    expect(await readdir(parent)).toEqual([]);

    const withFile = tempDirectory('empty-file-generation');
    await writeFile(join(withFile, 'gen-00000004'), 'not a directory');
    await emptyDataDirectory(withFile);
    expect(await readdir(withFile)).toEqual(['gen-00000004']);
    expect(await readdir(join(withFile, 'gen-00000004'))).toEqual([]);
    const store = await openFileSystemObjectStore({ directory: withFile });
    expect((await readdir(withFile)).filter((name) => name.startsWith('gen-'))).toEqual(['gen-00000005']);
    await store.close();
  });

  it.skipIf(process.platform === 'win32')(
    'removes a root or generation directory that is a symbolic link as a link, never emptying its target, and keeps its number',
    async () => {
      const target = tempDirectory('empty-link-target');
      await mkdir(join(target, 'gen-00000006', 'b-61'), { recursive: true });
      const parent = tempDirectory('empty-link-root');
      const root = join(parent, 's3');
      await symlink(target, root);
      await emptyDataDirectory(root);
      expect((await lstat(root)).isDirectory()).toBe(true);
      expect(await readdir(root)).toEqual(['gen-00000006']);
      expect(await readdir(join(root, 'gen-00000006'))).toEqual([]);
      expect(await readdir(join(target, 'gen-00000006'))).toEqual(['b-61']);

      const linked = tempDirectory('empty-link-generation');
      await symlink(join(target, 'gen-00000006'), join(linked, 'gen-00000009'));
      await emptyDataDirectory(linked);
      expect((await lstat(join(linked, 'gen-00000009'))).isDirectory()).toBe(true);
      expect(await readdir(join(linked, 'gen-00000009'))).toEqual([]);
      expect(await readdir(join(target, 'gen-00000006'))).toEqual(['b-61']);
    },
  );
});
