/**
 * A reset removes files as a holder of the directory's lease, through the same lease-fenced file
 * layer as the stores: once another process has taken the directory over (the reset paused past
 * its lease), the reset stops before its next removal, so it never removes the new holder's state.
 * The takeover is played by the file layer the test hands the reset: on the first removal, a new
 * lock file is put in place of the reset's own.
 */

import { mkdir, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, isServiceError, nodeFileIo } from '@strongbox/service-kernel';
import { afterEach, expect, it } from 'vitest';
import { RESET_MARKER, resetDataDirectory } from '../../src/controls/data-reset.ts';
import { tempDir } from '../helpers/cli.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a reset whose directory is taken over after its first removal removes nothing more: LEASE_LOST', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  await writeFile(join(directory.path, 'journal-00000001.sbx'), 'state');
  await writeFile(join(directory.path, 'clock.json'), '{}');
  await mkdir(join(directory.path, 's3'));
  await writeFile(join(directory.path, 's3', 'LOCK'), 'lock');
  const removed: string[] = [];
  const takingOver: FileIo = {
    ...nodeFileIo,
    async removeTree(path: string): Promise<void> {
      if (removed.length === 0) {
        // Another process's lock file replaces the reset's: its lease is lost from here on.
        await writeFile(join(directory.path, 'lock.next'), '{"pid":1,"epoch":9}\n');
        await rename(join(directory.path, 'lock.next'), join(directory.path, 'lock'));
      }
      removed.push(path);
      await nodeFileIo.removeTree!(path);
    },
  };

  const failure = await resetDataDirectory(directory.path, takingOver).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
  expect(removed).toHaveLength(1);
  const left = await readdir(directory.path);
  // Two of the three state entries are still there, and the marker, for whoever holds the lock.
  expect(['journal-00000001.sbx', 'clock.json', 's3'].filter((entry) => left.includes(entry))).toHaveLength(2);
  expect(left).toContain(RESET_MARKER);
});
