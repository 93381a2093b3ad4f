/**
 * A reset of a data directory whose `s3` entry (or its generation entry) is not a directory.
 * The reset removes such an entry whole, as it always removed `s3`: were it to list it instead,
 * the listing would fail (ENOTDIR), the reset would fail with its marker left, and every later
 * start would fail finishing it, leaving the directory unusable until someone removed the entry
 * by hand.
 */

import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finishInterruptedReset, resetDataDirectory } from '../../src/controls/data-reset.ts';
import { tempDir } from '../helpers/cli.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('a reset of a directory whose s3 entry is no directory', () => {
  it('removes an `s3` file, as it did before, and leaves no marker', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    await writeFile(join(directory.path, 'journal-00000001.sbx'), 'state');
    await writeFile(join(directory.path, 's3'), 'not a directory');
    await resetDataDirectory(directory.path);
    expect((await readdir(directory.path)).sort()).toEqual(['number-floor-00000001']);
    expect(await finishInterruptedReset(directory.path)).toBe(false);
  });

  it('removes a `gen-<n>` file in `s3`, and leaves no marker', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    await mkdir(join(directory.path, 's3'));
    await writeFile(join(directory.path, 's3', 'gen-00000002'), 'not a directory');
    await resetDataDirectory(directory.path);
    expect(await finishInterruptedReset(directory.path)).toBe(false);
  });
});
