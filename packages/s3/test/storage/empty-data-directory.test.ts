/**
 * `emptyDataDirectory`, a reset's emptying of an S3 data directory: every bucket, object, upload
 * and blob goes, but the highest generation directory stays, empty, so the next open goes on past
 * it and never hands a previous holder's paths (`gen-<n>/…`) to the new state.
 */

import { mkdir, readdir, writeFile } from 'node:fs/promises';
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
});
