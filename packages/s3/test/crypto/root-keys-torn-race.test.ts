/**
 * Two loads of one key directory at once (two processes starting on it): a torn leftover the other
 * loader removed is no generation, and this load goes on without it. Mocks `node:fs/promises` to
 * act as the other loader at the exact step (no timing), so it runs in the isolated project.
 */
import { unlinkSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { ROOT_KEYS_DIRECTORY, SseS3RootKeys } from '../../src/index.ts';
import { tempDirectory } from '../helpers/temp.ts';

/** What the other loader does when this one looks a leftover up. */
const hook: { onLstat?: (path: string) => void } = {};
vi.mock('node:fs/promises', async (original) => {
  const real = await original<typeof import('node:fs/promises')>();
  return {
    ...real,
    lstat: async (path: string) => {
      hook.onLstat?.(path);
      return real.lstat(path);
    },
  };
});

it('goes on without a torn leftover that another loader removed between listing and reading it', async () => {
  const directory = tempDirectory('root-keys-torn-race');
  (await SseS3RootKeys.openDirectory(directory)).destroy();
  const keys = join(directory, ROOT_KEYS_DIRECTORY);
  // A crash cut this one short while it was written: never linked, so never used.
  await writeFile(join(keys, 'root-00000002.key.tmp'), '{"created":1,"ke', { mode: 0o600 });
  // The other loader found it torn and removed it, as a load does with a torn leftover.
  hook.onLstat = (path) => {
    if (path.endsWith('.key.tmp')) unlinkSync(path);
  };
  try {
    const roots = await SseS3RootKeys.openDirectory(directory);
    expect(roots.generations).toEqual([1]);
    roots.destroy();
  } finally {
    delete hook.onLstat;
  }
  expect(await readdir(keys)).toEqual(['root-00000001.key']);
});
