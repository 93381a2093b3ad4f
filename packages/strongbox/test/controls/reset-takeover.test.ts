/**
 * A reset that loses its directory to another process midway (its lease lapsed, the other process
 * took the lock) is a takeover like a store's: the endpoint says so through `onStoreError`, with
 * the kernel's `LEASE_LOST`, which is what makes `strongbox serve` print its one line and stop
 * (`serve.ts`), letting the other process serve the directory. The takeover is played by the file
 * layer the reset removes through: on its first removal, a new lock file replaces the reset's own.
 */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isServiceError } from '@strongbox/service-kernel';
import { afterEach, expect, it, vi } from 'vitest';
import { openControlledEndpoint } from '../../src/endpoint.ts';
import { tempDir } from '../helpers/cli.ts';

/** Each reset of the endpoint goes through a file layer on which the directory is taken over. */
vi.mock('../../src/controls/data-reset.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/controls/data-reset.ts')>();
  const { takenOverOnFirstRemoval } = await import('../helpers/taken-over.ts');
  return {
    ...original,
    resetDataDirectory: (directory: string) => original.resetDataDirectory(directory, takenOverOnFirstRemoval(directory, '{"pid":1,"epoch":9}\n')),
  };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a reset whose directory another process takes over is told to onStoreError as LEASE_LOST, as a store’s takeover is', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const told: Error[] = [];
  const endpoint = await openControlledEndpoint({ dataDirectory: directory.path, onStoreError: (error) => told.push(error) });
  cleanups.push(() => endpoint.close());
  await endpoint.kms.createKey({ Description: 'before the reset' });
  await endpoint.s3.createBucket({ Bucket: 'before-the-reset' });

  const failure = await endpoint.controls.reset().then(
    () => undefined,
    (error: unknown) => error,
  );

  // The reset stopped at the takeover (the new holder's files are its own from here on)...
  expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
  expect(await readFile(join(directory.path, 'lock'), 'utf8')).toContain('"epoch":9');
  // ...and the endpoint reported it where a store's takeover is reported, once.
  expect(told.map((error) => (error as { code?: string }).code)).toEqual(['LEASE_LOST']);
});

it('after a reset lost its directory, every call fails with the takeover rather than asking for another reset', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const endpoint = await openControlledEndpoint({ dataDirectory: directory.path, onStoreError: () => {} });
  cleanups.push(() => endpoint.close());
  const failure = await endpoint.controls.reset().then(
    () => undefined,
    (error: unknown) => error,
  );

  const call = await endpoint.handler({ method: 'GET', path: '/', headers: {}, body: (async function* () {})() }).then(
    () => undefined,
    (error: unknown) => error,
  );

  // A second reset would only meet the new holder's lock: the call is told what happened instead.
  expect(isServiceError(call, 'LEASE_LOST')).toBe(true);
  expect(call).toBe(failure);
});
