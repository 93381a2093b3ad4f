/**
 * A reset a crash interrupted (its marker `reset-pending` still in the data directory) is finished
 * by the next start before any store opens: none of the old state comes back, and neither may the
 * old clock offset, which a reset sets back to the base with the rest.
 */

import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { RESET_MARKER } from '../../src/controls/data-reset.ts';
import { openControlledEndpoint } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';

const DAY_MS = 86_400_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a start that finishes an interrupted reset runs the clock from its base, as every later start does', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const before = await openControlledEndpoint({ dataDirectory: directory.path });
  before.controls.clock.advance(5 * DAY_MS);
  await before.controls.clockSaved();
  await before.close();
  // A crash after the reset made its marker durable, before it removed clock.json.
  await writeFile(join(directory.path, RESET_MARKER), 'a reset of this directory is in progress\n');

  const restarted = await openControlledEndpoint({ dataDirectory: directory.path });
  const offsetAfterReset = restarted.controls.clock.offsetMs;
  await restarted.close();
  const again = await openControlledEndpoint({ dataDirectory: directory.path });
  cleanups.push(() => again.close());

  expect(offsetAfterReset).toBe(again.controls.clock.offsetMs);
  expect(offsetAfterReset).toBe(0);
});
