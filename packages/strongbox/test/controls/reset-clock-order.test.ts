/**
 * A reset sets the clock back to its base after the moves made while it ran (they wait for the
 * reopened stores' lease): once the reset is acknowledged, what a crash leaves on disk must restart
 * the clock at the base, never at an offset from before the reset. The clock file's writes go
 * through a file layer that reads the kept offset (`readClockOffset`, what the next start reads)
 * after each rename or link made once the reset resolved: what a crash right then would leave.
 */

import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { afterEach, expect, it, vi } from 'vitest';
import { readClockOffset } from '../../src/controls/clock-file.ts';
import { openControlledEndpoint } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';

const DAY_MS = 86_400_000;

/** The kept offset as each clock write after the reset's acknowledgement left it (set by the test). */
const seen = vi.hoisted(() => ({ directory: '', acknowledged: false, offsets: [] as (number | undefined)[] }));

vi.mock('../../src/controls/clock-file.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/controls/clock-file.ts')>();
  const io: FileIo = {
    ...nodeFileIo,
    async rename(from: string, to: string): Promise<void> {
      await nodeFileIo.rename!(from, to);
      if (seen.acknowledged) seen.offsets.push(await original.readClockOffset(seen.directory));
    },
    async link(from: string, to: string): Promise<void> {
      await nodeFileIo.link!(from, to);
      if (seen.acknowledged) seen.offsets.push(await original.readClockOffset(seen.directory));
    },
  };
  return {
    ...original,
    clockFile: (directory: string, lease: Parameters<typeof original.clockFile>[1]) => original.clockFile(directory, lease, io),
  };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  seen.acknowledged = false;
  seen.offsets = [];
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('after a reset resolves, no crash can restart the clock at a move made while the reset ran', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  seen.directory = directory.path;
  const endpoint = await openControlledEndpoint({ dataDirectory: directory.path });
  cleanups.push(() => endpoint.close());

  const reset = endpoint.controls.reset();
  // A move during the reset (a test's `POST /_strongbox/clock` next to its `POST /_strongbox/reset`):
  // the reset's base offset comes after it.
  endpoint.controls.clock.advance(7 * DAY_MS);
  await reset;
  seen.acknowledged = true;
  seen.offsets.push(await readClockOffset(directory.path));
  await endpoint.controls.clockSaved();

  expect(endpoint.controls.clock.offsetMs).toBe(0);
  // Each state a crash could leave from the acknowledgement on: no file (the base), or offset 0.
  for (const offset of seen.offsets) expect(offset ?? 0).toBe(0);
});
