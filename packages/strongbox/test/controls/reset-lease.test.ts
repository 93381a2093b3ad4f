/**
 * A reset removes files as a holder of the directory's lease, through the same lease-fenced file
 * layer as the stores: once another process has taken the directory over (the reset paused past
 * its lease), the reset stops before its next removal, so it never removes the new holder's state.
 * The takeover is played by the file layer the test hands the reset: on the first removal, a new
 * lock file is put in place of the reset's own.
 */

import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type FileIo, isServiceError, nodeFileIo } from '@strongbox/service-kernel';
import { afterEach, expect, it } from 'vitest';
import { finishInterruptedReset, RESET_MARKER, resetDataDirectory } from '../../src/controls/data-reset.ts';
import { tempDir } from '../helpers/cli.ts';
import { takenOverAt } from '../helpers/taken-over.ts';

/** Another process's lock file (`lock-owner.ts`: pid, host, namespace, epoch): process 1, lease epoch 9. */
const NEW_HOLDER = '1\nother-host\n\n9\n';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A directory with three entries of state. */
async function withState(path: string): Promise<void> {
  await writeFile(join(path, 'journal-00000001.sbx'), 'state');
  await writeFile(join(path, 'snapshot-00000001.sbx'), 'state');
  await mkdir(join(path, 's3'));
  await writeFile(join(path, 's3', 'LOCK'), 'lock');
}

/** A file layer whose first tree removal first puts another process's lock file (pid 1, epoch 9) in place of the reset's. */
function takingOver(path: string, removed: string[]): FileIo {
  return {
    ...nodeFileIo,
    async removeTree(entry: string): Promise<void> {
      if (removed.length === 0) {
        await writeFile(join(path, 'lock.next'), NEW_HOLDER);
        await rename(join(path, 'lock.next'), join(path, 'lock'));
      }
      removed.push(entry);
      await nodeFileIo.removeTree!(entry);
    },
  };
}

it('a reset whose directory is taken over after its first removal removes nothing more: LEASE_LOST', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  await withState(directory.path);
  const removed: string[] = [];

  const failure = await resetDataDirectory(directory.path, takingOver(directory.path, removed)).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
  expect(removed).toHaveLength(1);
  const left = await readdir(directory.path);
  // Two of the three state entries are still there, and the marker: the next start through
  // `openEndpoint` finishes the reset (a taker through `openEndpoint` finishes it as it takes the
  // directory over, which a bare lock file does not play).
  expect(['journal-00000001.sbx', 'snapshot-00000001.sbx', 's3'].filter((entry) => left.includes(entry))).toHaveLength(2);
  expect(left.filter((entry) => entry.startsWith(RESET_MARKER))).toHaveLength(1);
  // Releasing the lost lease leaves the new holder's lock in place.
  expect(await readFile(join(directory.path, 'lock'), 'utf8')).toBe(NEW_HOLDER);
});

it('a reset taken over says in one line that it stopped partway and who holds the directory now', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  await withState(directory.path);

  const failure = await resetDataDirectory(directory.path, takingOver(directory.path, [])).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
  const message = (failure as Error).message;
  expect(message).toMatch(/^the reset of the data directory .* stopped partway: process 1 took the directory over \(lease epoch 9\)/);
  expect(message).not.toContain('\n');
  // A reset has no calls to refuse: the store's wording would not fit.
  expect(message).not.toContain('refuses every further call');
});

it('finishing an interrupted reset whose directory is taken over removes nothing more: LEASE_LOST, the same line', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  await withState(directory.path);
  await writeFile(join(directory.path, RESET_MARKER), 'a reset of this directory is in progress\n');
  const removed: string[] = [];

  const failure = await finishInterruptedReset(directory.path, takingOver(directory.path, removed)).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
  expect((failure as Error).message).toMatch(/^the reset of the data directory .* stopped partway: process 1 took the directory over \(lease epoch 9\)/);
  expect(removed).toHaveLength(1);
  const left = await readdir(directory.path);
  expect(['journal-00000001.sbx', 'snapshot-00000001.sbx', 's3'].filter((entry) => left.includes(entry))).toHaveLength(2);
  expect(await readFile(join(directory.path, 'lock'), 'utf8')).toBe(NEW_HOLDER);
});

it('a reset whose directory is taken over as it makes its marker stops there: no state removed, no temporary file left', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  await withState(directory.path);
  const taken = takenOverAt('openForWriting', directory.path, NEW_HOLDER);
  // The takeover at the marker's open (after its lease check), not at an earlier step's.
  const io: FileIo = {
    ...nodeFileIo,
    open: (path: string, flags: string, mode?: number) => (basename(path).startsWith(RESET_MARKER) ? taken : nodeFileIo).open!(path, flags, mode),
  };

  const failure = await resetDataDirectory(directory.path, io).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
  const left = await readdir(directory.path);
  // Nothing that only this reset knew the use of: a fixed temporary name could be the new
  // holder's file by the time anyone removed it, so none is made. (The marker it made late is
  // numbered below the files the new holder's stores open with, so their next start removes it
  // and nothing else: reset-marker-takeover.test.ts.)
  expect(left.filter((entry) => entry.startsWith(RESET_MARKER) && entry.includes('.tmp'))).toEqual([]);
  expect(left).toEqual(expect.arrayContaining(['journal-00000001.sbx', 'snapshot-00000001.sbx', 's3']));
  expect(await readFile(join(directory.path, 'lock'), 'utf8')).toBe(NEW_HOLDER);
});

it('the next reset removes a marker’s temporary file an earlier Strongbox left behind', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  await withState(directory.path);
  await writeFile(join(directory.path, `${RESET_MARKER}.tmp`), 'a reset of this directory is in progress\n');

  await resetDataDirectory(directory.path);

  const left = await readdir(directory.path);
  expect(left.filter((entry) => entry.startsWith(RESET_MARKER))).toEqual([]);
  expect(left).not.toContain('journal-00000001.sbx');
});
