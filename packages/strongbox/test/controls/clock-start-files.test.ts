/**
 * What a start of a controlled endpoint on a data directory does to the clock's files
 * (`clock-file.ts`): it writes none when the clock does not move, and once it holds the directory
 * it removes the clock files' temporaries (a crash's mid-write, or the write of a holder stopped
 * across a takeover before its rename or link), so no such late step can land a file afterwards.
 */

import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { readClockOffset } from '../../src/controls/clock-file.ts';
import { openControlledEndpoint } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';
import { clockFiles } from '../helpers/clock-files.ts';

const DAY_MS = 86_400_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a start and stop whose clock never moves writes no clock file', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());

  const endpoint = await openControlledEndpoint({ dataDirectory: directory.path });
  await endpoint.close();

  expect(await clockFiles(directory.path)).toEqual([]);
});

it('a start and stop after the clock was moved leaves the clock files as they were, and the next start at the moved offset', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const first = await openControlledEndpoint({ dataDirectory: directory.path });
  first.controls.clock.advance(3 * DAY_MS);
  await first.controls.clockSaved();
  await first.close();
  const before = await clockFiles(directory.path);

  const second = await openControlledEndpoint({ dataDirectory: directory.path });
  await second.close();

  expect(await clockFiles(directory.path)).toEqual(before);
  const third = await openControlledEndpoint({ dataDirectory: directory.path });
  cleanups.push(() => third.close());
  expect(third.controls.clock.offsetMs).toBe(3 * DAY_MS);
});

it('a start removes the clock temporaries a crash left mid-write, and runs at the offset in place', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const first = await openControlledEndpoint({ dataDirectory: directory.path });
  first.controls.clock.advance(DAY_MS);
  await first.controls.clockSaved();
  await first.close();
  const [[own]] = (await clockFiles(directory.path)) as [[string, string]];
  // A replace of the holder's file and a new file's creation, each stopped by a crash before its rename or link.
  await writeFile(join(directory.path, `${own}.tmp-0a1b2c3d4e5f`), '{"offsetMs":172800000}\n');
  await writeFile(join(directory.path, 'clock-9.json.tmp-abcdef012345'), '{"offsetMs":259200000}\n');
  await writeFile(join(directory.path, 'clock.json.tmp-0123456789ab'), '{"offsetMs":345600000}\n');

  const second = await openControlledEndpoint({ dataDirectory: directory.path });
  cleanups.push(() => second.close());

  expect(second.controls.clock.offsetMs).toBe(DAY_MS);
  expect((await clockFiles(directory.path)).map(([name]) => name)).toEqual([own]);
});

it('a rename of a holder stopped across the takeover, run late after the new holder started, lands no offset the next start reads', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const first = await openControlledEndpoint({ dataDirectory: directory.path });
  first.controls.clock.advance(DAY_MS);
  await first.controls.clockSaved();
  await first.close();
  const [[own]] = (await clockFiles(directory.path)) as [[string, string]];
  // The old holder's replace, its temporary written, stopped before its rename (past its lease check).
  const temporary = join(directory.path, `${own}.tmp-0a1b2c3d4e5f`);
  await writeFile(temporary, `${JSON.stringify({ offsetMs: 30 * DAY_MS })}\n`);

  const holder = await openControlledEndpoint({ dataDirectory: directory.path });
  // The late rename: refused by the file system, its temporary gone.
  const late = await rename(temporary, join(directory.path, own)).then(
    () => 'renamed',
    (error: NodeJS.ErrnoException) => error.code,
  );
  await holder.close();

  expect(late).toBe('ENOENT');
  expect(await readClockOffset(directory.path)).toBe(DAY_MS);
  const next = await openControlledEndpoint({ dataDirectory: directory.path });
  cleanups.push(() => next.close());
  expect(next.controls.clock.offsetMs).toBe(DAY_MS);
});
