/**
 * A reset sets the clock back to its base between two leases: the reset's own (released once the
 * directory is emptied) and the reopened stores'. Another process may take the directory in that
 * gap (a second `strongbox serve --data` waiting for it); the clock's write must not land in that
 * process's directory. The gap is played by the reset itself: once the directory is emptied, the
 * other process opens it and moves its clock before this endpoint reopens its stores.
 */

import { afterEach, expect, it, vi } from 'vitest';
import { readClockOffset } from '../../src/controls/clock-file.ts';
import { type ControlledEndpoint, openControlledEndpoint } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';

const DAY_MS = 86_400_000;

/** Runs after each reset has emptied the directory and released its lock (set by the test). */
const afterEmptied = vi.hoisted(() => ({ run: async (): Promise<void> => {} }));

vi.mock('../../src/controls/data-reset.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/controls/data-reset.ts')>();
  return {
    ...original,
    resetDataDirectory: async (directory: string) => {
      await original.resetDataDirectory(directory);
      await afterEmptied.run();
    },
  };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  afterEmptied.run = async () => {};
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a reset whose directory another process takes before the stores reopen leaves that process’s clock offset as it wrote it', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const endpoint = await openControlledEndpoint({ dataDirectory: directory.path, onStoreError: () => {} });
  cleanups.push(() => endpoint.close());
  endpoint.controls.clock.advance(DAY_MS);
  await endpoint.controls.clockSaved();
  let other: ControlledEndpoint | undefined;
  afterEmptied.run = async () => {
    other = await openControlledEndpoint({ dataDirectory: directory.path, onStoreError: () => {} });
    cleanups.push(() => other!.close());
    other.controls.clock.advance(7 * DAY_MS);
    await other.controls.clockSaved();
  };

  const failure = await endpoint.controls.reset().then(
    () => undefined,
    (error: unknown) => error,
  );

  // The other process holds the directory: this endpoint cannot reopen it...
  expect((failure as { code?: string } | undefined)?.code).toBe('LOCKED');
  expect(other).toBeDefined();
  // ...and wrote nothing into it meanwhile: the clock's offset is the other process's.
  expect(await readClockOffset(directory.path)).toBe(7 * DAY_MS);
  await expect(endpoint.controls.clockSaved()).rejects.toThrow();
});
