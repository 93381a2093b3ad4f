/**
 * The clock file's writer (`clock-file.ts`) under a lease that is lost midway: the takeover is
 * played by the file layer under the lease-fenced one (`helpers/taken-over.ts`), at the open of
 * the write's temporary file or at its rename, which has then passed its lease check. A writer's
 * first write under a lease starts that holder's own file (linked into place); later ones replace
 * it (renamed into place).
 */

import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { acquireDirectoryLease, type FileIo, isServiceError, nodeFileIo } from '@strongbox/service-kernel';
import { afterEach, expect, it } from 'vitest';
import { CLOCK_FILE, clockFile, readClockOffset } from '../../src/controls/clock-file.ts';
import { tempDir } from '../helpers/cli.ts';
import { takenOverAt } from '../helpers/taken-over.ts';

/** Another process's lock file (`lock-owner.ts`: pid, host, namespace, epoch): process 1, lease epoch 9. */
const NEW_HOLDER = '1\nother-host\n\n9\n';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a write whose lease is lost after its temporary file was made fails with LEASE_LOST, leaving the file as it was and no temporary', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const lease = await acquireDirectoryLease(directory.path, 'lock');
  cleanups.push(() => lease.release());
  await writeFile(join(directory.path, CLOCK_FILE), '{"offsetMs":5}\n');
  const file = clockFile(directory.path, async () => lease, takenOverAt('openForWriting', directory.path, NEW_HOLDER));

  file.save(86_400_000);
  const failure = await file.flushed().then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
  expect(await readFile(join(directory.path, CLOCK_FILE), 'utf8')).toBe('{"offsetMs":5}\n');
  expect(await readClockOffset(directory.path)).toBe(5);
  // Its own temporary is removed all the same.
  expect((await readdir(directory.path)).filter((entry) => entry.includes('.tmp'))).toEqual([]);
});

it('a write whose lease is lost between its rename’s lease check and the rename is not acknowledged: flushed rejects with LEASE_LOST', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const lease = await acquireDirectoryLease(directory.path, 'lock');
  cleanups.push(() => lease.release());
  const file = clockFile(directory.path, async () => lease, takenOverAt('rename', directory.path, NEW_HOLDER));
  // The holder's own file is started (linked into place); the next write replaces it by a rename.
  file.save(86_400_000);
  await file.flushed();

  file.save(2 * 86_400_000);
  const failure = await file.flushed().then(
    () => undefined,
    (error: unknown) => error,
  );

  // The rename ran after the takeover: only the check made once it is durable can tell.
  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
});

it('a write whose lease is lost between its rename’s lease check and the rename leaves the offset the new holder’s next start reads as the new holder wrote it', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const lease = await acquireDirectoryLease(directory.path, 'lock');
  cleanups.push(() => lease.release());
  let taken = false;
  // At the rename, after its lease check: another process takes the directory over and starts
  // its own clock file (as each start does) at offset 5 ms; then the rename runs, late.
  const io: FileIo = {
    ...nodeFileIo,
    async rename(from: string, to: string): Promise<void> {
      if (!taken) {
        taken = true;
        await writeFile(join(directory.path, 'lock.next'), NEW_HOLDER);
        await rename(join(directory.path, 'lock.next'), join(directory.path, 'lock'));
        const theirs = clockFile(directory.path, async () => ({ confirm: async () => undefined }));
        theirs.save(5);
        await theirs.flushed();
      }
      await nodeFileIo.rename!(from, to);
    },
  };
  const file = clockFile(directory.path, async () => lease, io);
  file.save(86_400_000);
  await file.flushed();

  file.save(2 * 86_400_000);
  await file.settled();

  // The new holder's next start reads the offset it wrote: a lapsed holder's late rename must not
  // move that start's clock to the lapsed holder's offset (backwards, or days ahead here). The
  // stores keep such a late write out of what the new holder reads by writing to new files.
  expect(await readClockOffset(directory.path)).toBe(5);
});

it('a write whose lease is refused while an earlier write runs fails in its turn, as the last failure, and nothing else', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const lease = await acquireDirectoryLease(directory.path, 'lock');
  cleanups.push(() => lease.release());
  const refused = new Error('the emulator could not be reopened after a reset; reset it again');
  let calls = 0;
  // The first write's lease is held; the second's is refused at once (its engines failed to reopen).
  // The second offset is recorded while the first write runs (at its file's open).
  let second = false;
  const io: FileIo = {
    ...nodeFileIo,
    open: (path: string, flags: string, mode?: number) => {
      if (!second) {
        second = true;
        file.save(6);
      }
      return nodeFileIo.open!(path, flags, mode);
    },
  };
  const file = clockFile(directory.path, () => (++calls === 1 ? Promise.resolve(lease) : Promise.reject(refused)), io);

  file.save(5);
  // The first write, during which the second offset is recorded.
  await file.settled();
  const failure = await file.flushed().then(
    () => undefined,
    (error: unknown) => error,
  );

  // Refused before its turn, the second write's lease must not surface as an unhandled rejection
  // (vitest fails the run on one): it is the flushed failure, and the first write stands.
  expect(failure).toBe(refused);
  expect(await readClockOffset(directory.path)).toBe(5);
});

it('reads the highest-numbered clock file: a lower one, a lapsed holder’s late write, is not the offset', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  await writeFile(join(directory.path, CLOCK_FILE), '{"offsetMs":1}\n');
  await writeFile(join(directory.path, 'clock-2.json'), '{"offsetMs":5}\n');
  await writeFile(join(directory.path, 'clock-10.json'), '{"offsetMs":7}\n');
  await writeFile(join(directory.path, 'clock-9.json'), '{"offsetMs":86400000}\n');

  expect(await readClockOffset(directory.path)).toBe(7);
});

it('starts a holder’s file past every number in use, a temporary’s too, and removes the lower ones', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const lease = await acquireDirectoryLease(directory.path, 'lock');
  cleanups.push(() => lease.release());
  await writeFile(join(directory.path, CLOCK_FILE), '{"offsetMs":1}\n');
  await writeFile(join(directory.path, 'clock-2.json'), '{"offsetMs":5}\n');
  // Another holder's file on its way into place.
  await writeFile(join(directory.path, 'clock-3.json.tmp-0a1b2c'), '{"offsetMs":6}\n');
  const file = clockFile(directory.path, async () => lease);

  file.save(9);
  await file.flushed();

  expect((await readdir(directory.path)).filter((entry) => entry.startsWith('clock')).sort()).toEqual(['clock-4.json']);
  expect(await readClockOffset(directory.path)).toBe(9);
});
