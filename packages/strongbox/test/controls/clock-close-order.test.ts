/**
 * The clock's writes go under the lease of the engines' KMS store (`clock-file.ts`): a reset and a
 * close must let those under way finish before the store closes and releases that lease, or they
 * fail (a move made before the reset or close is lost) or land after the release, when another
 * process may hold the directory. The engines are `openEndpoint`'s, with a close that records
 * whether a clock write was still under way when it was called.
 */

import { afterEach, expect, it, vi } from 'vitest';
import { controlEndpoint } from '../../src/controls/endpoint.ts';
import { type Endpoint, type EndpointOptions, type EndpointWiring, openEndpoint } from '../../src/endpoint.ts';
import { tempDir } from '../helpers/cli.ts';

/** Whether a clock write is under way: from a save until the writes recorded by then settled. */
const writes = vi.hoisted(() => ({ underWay: false }));

vi.mock('../../src/controls/clock-file.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/controls/clock-file.ts')>();
  return {
    ...original,
    clockFile: (...args: Parameters<typeof original.clockFile>) => {
      const file = original.clockFile(...args);
      let saves = 0;
      return {
        ...file,
        save(offsetMs: number): void {
          file.save(offsetMs);
          writes.underWay = true;
          const mine = ++saves;
          // Registered before any later wait on the same writes, so it runs first when they settle.
          void file.settled().then(() => {
            if (saves === mine) writes.underWay = false;
          });
        },
      };
    },
  };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  writes.underWay = false;
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** `openEndpoint`, whose engines record in `closedWhileWriting` whether a clock write was under way at their close. */
function recordingCloses(closedWhileWriting: boolean[]): (options: EndpointOptions, wiring: EndpointWiring) => Promise<Endpoint> {
  return async (options, wiring) => {
    const engines = await openEndpoint(options, wiring);
    return {
      ...engines,
      close: () => {
        closedWhileWriting.push(writes.underWay);
        return engines.close();
      },
    };
  };
}

it('a reset closes the stores only once the clock writes under their lease are done', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const closedWhileWriting: boolean[] = [];
  const endpoint = await controlEndpoint({ dataDirectory: directory.path }, recordingCloses(closedWhileWriting));
  cleanups.push(() => endpoint.close());

  endpoint.controls.clock.advance(86_400_000);
  await endpoint.controls.reset();
  await endpoint.controls.clockSaved();

  expect(closedWhileWriting[0]).toBe(false);
});

it('a close closes the stores only once the clock writes under their lease are done', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const closedWhileWriting: boolean[] = [];
  const endpoint = await controlEndpoint({ dataDirectory: directory.path }, recordingCloses(closedWhileWriting));

  endpoint.controls.clock.advance(86_400_000);
  await endpoint.close();

  expect(closedWhileWriting).toEqual([false]);
  await expect(endpoint.controls.clockSaved()).resolves.toBeUndefined();
});
