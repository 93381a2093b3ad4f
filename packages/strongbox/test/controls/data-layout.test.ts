/**
 * The clock's files and a reset's marker across starts: what the previous layout left (`clock.json`,
 * `reset-pending`, `reset-pending.tmp`) is read or finished at the first start as it was meant, and
 * a reset this layout's marker (`reset-pending-<n>`) records as interrupted is finished with the
 * clock at its base.
 */

import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { afterEach, expect, it } from 'vitest';
import { CLOCK_FILE, readClockOffset } from '../../src/controls/clock-file.ts';
import { RESET_MARKER, resetDataDirectory } from '../../src/controls/data-reset.ts';
import { openEndpoint } from '../../src/endpoint.ts';
import { openControlledEndpoint } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';

const DAY_MS = 86_400_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A data directory holding one key, with the previous layout's clock file at 5 days. */
async function previousLayout(): Promise<{ path: string; keyId: string | undefined }> {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const before = await openEndpoint({ dataDirectory: directory.path });
  const keyId = (await before.kms.createKey({})).KeyMetadata?.KeyId;
  await before.close();
  await writeFile(join(directory.path, CLOCK_FILE), `${JSON.stringify({ offsetMs: 5 * DAY_MS })}\n`);
  return { path: directory.path, keyId };
}

/** The offset and the keys of a start on `path`, closed again. */
async function start(path: string): Promise<{ offsetMs: number; keys: (string | undefined)[] }> {
  const endpoint = await openControlledEndpoint({ dataDirectory: path });
  try {
    const { Keys } = await endpoint.kms.listKeys({});
    return { offsetMs: endpoint.controls.clock.offsetMs, keys: (Keys ?? []).map((key) => key.KeyId) };
  } finally {
    await endpoint.close();
  }
}

it('keeps the previous layout’s clock.json offset at the first start, and every later one', async () => {
  const { path, keyId } = await previousLayout();

  const first = await start(path);
  const second = await start(path);

  expect(first).toEqual({ offsetMs: 5 * DAY_MS, keys: [keyId] });
  expect(second).toEqual(first);
  // A start whose clock does not move writes no file: the previous layout's stays, read at every start.
  expect(await readdir(path)).toContain(CLOCK_FILE);
});

it('moves the previous layout’s clock.json offset into the holder’s own file at its first move', async () => {
  const { path } = await previousLayout();
  const endpoint = await openControlledEndpoint({ dataDirectory: path });
  endpoint.controls.clock.advance(DAY_MS);
  await endpoint.controls.clockSaved();
  await endpoint.close();

  expect(await readdir(path)).not.toContain(CLOCK_FILE);
  expect(await readClockOffset(path)).toBe(6 * DAY_MS);
});

it('finishes a reset the previous layout’s marker (reset-pending) records as interrupted, the clock at its base', async () => {
  const { path } = await previousLayout();
  await writeFile(join(path, RESET_MARKER), 'a reset of this directory is in progress\n');

  const first = await start(path);
  const second = await start(path);

  expect(first).toEqual({ offsetMs: 0, keys: [] });
  expect(second).toEqual(first);
  expect((await readdir(path)).filter((entry) => entry.startsWith(RESET_MARKER))).toEqual([]);
});

it('leaves the state and the clock to a start that finds only the previous layout’s reset-pending.tmp (a marker never put in place)', async () => {
  const { path, keyId } = await previousLayout();
  await writeFile(join(path, `${RESET_MARKER}.tmp`), 'a reset of this directory is in progress\n');

  const first = await start(path);

  expect(first).toEqual({ offsetMs: 5 * DAY_MS, keys: [keyId] });
});

it('finishes a reset interrupted after its marker, at the next start, with the clock at its base', async () => {
  const { path } = await previousLayout();
  const moved = await openControlledEndpoint({ dataDirectory: path });
  moved.controls.clock.advance(DAY_MS);
  await moved.controls.clockSaved();
  await moved.close();
  // A crash at the reset's first removal, after its marker is durable.
  const crashing: FileIo = {
    ...nodeFileIo,
    removeTree: async () => {
      throw new Error('the process died here');
    },
  };
  await expect(resetDataDirectory(path, crashing)).rejects.toThrow('the process died here');
  expect((await readdir(path)).filter((entry) => entry.startsWith(`${RESET_MARKER}-`))).toHaveLength(1);

  const first = await start(path);
  const second = await start(path);

  expect(first).toEqual({ offsetMs: 0, keys: [] });
  expect(second).toEqual(first);
});
