/**
 * A start reads the clock's offset as it is once it holds the data directory: a move the previous
 * holder made durable (acknowledged) before this start took the directory over is not undone by
 * it, at this start or the next. The move is played between the start's first look at the
 * directory and its engines' open (the opener below), by a holder that then lets the directory go.
 */

import { afterEach, expect, it } from 'vitest';
import { readClockOffset } from '../../src/controls/clock-file.ts';
import { controlEndpoint } from '../../src/controls/endpoint.ts';
import { type ControlledEndpoint, openControlledEndpoint, openEndpoint } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';

const DAY_MS = 86_400_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a start runs the clock at the offset the previous holder acknowledged before this start took the directory', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const first = await openControlledEndpoint({ dataDirectory: directory.path });
  first.controls.clock.advance(5 * DAY_MS);
  await first.controls.clockSaved();
  await first.close();

  const started: ControlledEndpoint = await controlEndpoint({ dataDirectory: directory.path }, async (options, wiring) => {
    // The directory's holder until now moves its clock, acknowledged, and lets the directory go.
    const holder = await openControlledEndpoint({ dataDirectory: directory.path });
    holder.controls.clock.advance(2 * DAY_MS);
    await holder.controls.clockSaved();
    await holder.close();
    return openEndpoint(options, wiring);
  });
  cleanups.push(() => started.close());
  await started.controls.clockSaved();

  expect(started.controls.clock.offsetMs).toBe(7 * DAY_MS);
  expect(await readClockOffset(directory.path)).toBe(7 * DAY_MS);
});
