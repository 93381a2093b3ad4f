/**
 * The clock's offset files (`clock-<n>.json`) are among the data directory's files: a holder whose
 * directory another process took over (this one paused past its lease) must not write it, as it
 * must not write any other. Both endpoints live in this process: the second open stands for
 * another process (the service kernel's `__TESTS.asAnotherProcess`, for KMS's lock at the top of
 * the directory and S3's in `s3/`), so it judges the lock files as another process would and
 * takes locks naming this very pid in this PID namespace over at once (Linux only).
 */

import { join } from 'node:path';
import { __TESTS, isServiceError } from '@strongbox/service-kernel';
import { afterEach, describe, expect, it } from 'vitest';
import { readClockOffset } from '../../src/controls/clock-file.ts';
import { type ControlledEndpoint, createStrongbox, openControlledEndpoint } from '../../src/index.ts';
import { tempDir } from '../helpers/cli.ts';
import { clockFiles } from '../helpers/clock-files.ts';

const DAY_MS = 86_400_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A controlled endpoint on `directory` that stands for another process than the endpoints opened before it. */
async function takingOver(directory: string): Promise<ControlledEndpoint> {
  await __TESTS.asAnotherProcess(directory);
  await __TESTS.asAnotherProcess(join(directory, 's3'));
  const endpoint = await openControlledEndpoint({ dataDirectory: directory, onStoreError: () => {} });
  cleanups.push(() => endpoint.close());
  return endpoint;
}

describe.skipIf(process.platform !== 'linux')('a clock moved by a holder whose directory was taken over', () => {
  it('leaves the new holder’s clock files as they were: the move’s write fails with LEASE_LOST, told to onStoreError', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    const told: Error[] = [];
    const old = await openControlledEndpoint({ dataDirectory: directory.path, onStoreError: (error) => told.push(error) });
    cleanups.push(() => old.close());
    old.controls.clock.advance(DAY_MS);
    await old.controls.clockSaved();

    const holder = await takingOver(directory.path);
    expect(holder.controls.clock.offsetMs).toBe(DAY_MS);
    holder.controls.clock.advance(2 * DAY_MS);
    await holder.controls.clockSaved();
    const theirs = await clockFiles(directory.path);
    expect(await readClockOffset(directory.path)).toBe(3 * DAY_MS);

    old.controls.clock.advance(30 * DAY_MS);
    const failure = await old.controls.clockSaved().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isServiceError(failure, 'LEASE_LOST')).toBe(true);
    expect(await clockFiles(directory.path)).toEqual(theirs);
    // Where a store's takeover is told, once: `strongbox serve` prints its line and stops.
    expect(told.map((error) => (error as { code?: string }).code)).toEqual(['LEASE_LOST']);
  });

  it('keeps refusing the old holder’s later moves, and a restart reads the new holder’s offset', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    const old = await openControlledEndpoint({ dataDirectory: directory.path, onStoreError: () => {} });
    cleanups.push(() => old.close());
    const holder = await takingOver(directory.path);
    holder.controls.clock.advance(5 * DAY_MS);
    await holder.controls.clockSaved();

    old.controls.clock.advance(DAY_MS);
    await old.controls.clockSaved().catch(() => undefined);
    old.controls.clock.set(old.controls.clock.now() + DAY_MS);
    const second = await old.controls.clockSaved().then(
      () => undefined,
      (error: unknown) => error,
    );

    expect(isServiceError(second, 'LEASE_LOST')).toBe(true);
    await old.close();
    await holder.close();
    const restarted = await openControlledEndpoint({ dataDirectory: directory.path });
    cleanups.push(() => restarted.close());
    expect(restarted.controls.clock.offsetMs).toBe(5 * DAY_MS);
  });

  it('answers POST /_strongbox/clock with 500 and writes nothing, once the directory was taken over', async () => {
    const directory = await tempDir();
    cleanups.push(() => directory.cleanup());
    const told: Error[] = [];
    const old = await createStrongbox({ dataDirectory: directory.path, onStoreError: (error) => told.push(error) });
    cleanups.push(() => old.close());
    const listener = await old.listen();
    // S3's engine opens in the background (its SSE-S3 root key is created then): opened before
    // the takeover, only the clock's write meets it, and KMS's store tells it once.
    await old.s3.ready();
    const holder = await takingOver(directory.path);
    holder.controls.clock.advance(DAY_MS);
    await holder.controls.clockSaved();
    const theirs = await clockFiles(directory.path);

    const response = await fetch(`${listener.url}/_strongbox/clock`, { method: 'POST', body: JSON.stringify({ advance: '30d' }) });
    const answer = (await response.json()) as { message?: string };

    expect(response.status).toBe(500);
    // The sentence KMS and S3 answer a call with once the directory was taken over: no path, no pid.
    expect(answer.message).toBe(
      "the admin API failed: this server's data directory was taken over by another process, so this server no longer answers requests.",
    );
    expect(await clockFiles(directory.path)).toEqual(theirs);
    // Where a store's takeover is told, once: `strongbox serve` prints its line and stops.
    expect(told.map((error) => (error as { code?: string }).code)).toEqual(['LEASE_LOST']);
    expect(told[0]?.message).not.toContain(join(directory.path, 's3'));
  });
});

it('a controlled endpoint on a data directory gives its directoryLease, as Endpoint documents, the reopened engines’ after a reset', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const endpoint = await openControlledEndpoint({ dataDirectory: directory.path });
  cleanups.push(() => endpoint.close());

  // `Endpoint.directoryLease`: "With a data directory: the lease of its lock, which KMS's store holds".
  expect(endpoint.directoryLease).toBeDefined();
  await expect(endpoint.directoryLease?.confirm()).resolves.toBeUndefined();
  await endpoint.controls.reset();
  await expect(endpoint.directoryLease?.confirm()).resolves.toBeUndefined();
});
