/**
 * A reset that `strongbox serve` runs, taken over partway by another process (the reset paused
 * past its lease), stops `serve` as its stores' takeover does: one line naming the new holder, exit
 * 1. `serve` starting on a directory whose last reset a crash interrupted finishes that reset first
 * (`finishInterruptedReset`); taken over the same way, the start fails with one line that names the
 * data directory, says the reset stopped partway and who holds the directory now, as a directory
 * held by another process (LOCKED) does. The takeover is played by the file layer the reset removes
 * through: on its first removal, a new lock file replaces the one the reset holds.
 */

import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, it, vi } from 'vitest';
import { RESET_MARKER } from '../src/controls/data-reset.ts';
import { openEndpoint } from '../src/endpoint.ts';
import { StrongboxError } from '../src/errors.ts';
import { runServe } from '../src/serve.ts';
import { tempDir } from './helpers/cli.ts';

/** Another process's lock file (`lock-owner.ts`: pid, host, namespace, epoch): process 1, lease epoch 9. */
const NEW_HOLDER = '1\nother-host\n\n9\n';

/** Each reset, and each finishing of an interrupted one, goes through a file layer on which the directory is taken over. */
vi.mock('../src/controls/data-reset.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/controls/data-reset.ts')>();
  const { takenOverOnFirstRemoval } = await import('./helpers/taken-over.ts');
  return {
    ...original,
    resetDataDirectory: (directory: string) => original.resetDataDirectory(directory, takenOverOnFirstRemoval(directory, NEW_HOLDER)),
    finishInterruptedReset: (directory: string) => original.finishInterruptedReset(directory, takenOverOnFirstRemoval(directory, NEW_HOLDER)),
  };
});

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

it('a start whose interrupted reset is taken over fails with one line naming the directory and its new holder', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const data = join(directory.path, 'data');
  // A directory with state, whose reset was interrupted after its marker was made.
  const before = await openEndpoint({ dataDirectory: data });
  await before.kms.createKey({ Description: 'before the reset' });
  await before.close();
  await writeFile(join(data, RESET_MARKER), 'a reset of this directory is in progress\n');
  const stderr: string[] = [];

  const failure = await runServe(['--data', data, '--port', '0', '--quiet'], {
    stdout: () => {},
    stderr: (text) => stderr.push(text),
    // Stopped as soon as it would serve: a start that got past the takeover returns instead of serving on.
    signals: (listener) => listener('SIGTERM'),
  }).then(
    () => undefined,
    (error: unknown) => error,
  );

  expect(failure).toBeInstanceOf(StrongboxError);
  expect((failure as StrongboxError).code).toBe('RUN_FAILED');
  const message = (failure as StrongboxError).message;
  expect(
    message.startsWith(`data directory '${data}': the reset of the data directory ${data} stopped partway: process 1 took the directory over (lease epoch 9)`),
  ).toBe(true);
  expect(message).not.toContain('\n');
});

it('a reset taken over partway stops the server: one line naming the new holder, exit 1', async () => {
  const directory = await tempDir();
  cleanups.push(() => directory.cleanup());
  const data = join(directory.path, 'data');
  const stderr: string[] = [];
  let listening!: (url: string) => void;
  const url = new Promise<string>((resolve) => (listening = resolve));
  // No stop signal ever comes: the server stops by itself or not at all.
  const exit = runServe(['--data', data, '--port', '0', '--quiet'], {
    stdout: (text) => {
      const listeningOn = /Strongbox listening on (http:\/\/\S+)/.exec(text);
      if (listeningOn?.[1] !== undefined) listening(listeningOn[1]);
    },
    stderr: (text) => stderr.push(text),
    signals: () => {},
  });

  const reset = await fetch(`${await url}/_strongbox/reset`, { method: 'POST' });

  expect(reset.status).toBe(500);
  expect(await exit).toBe(1);
  const lines = stderr
    .join('')
    .split('\n')
    .filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^strongbox: the reset of the data directory .* stopped partway: process 1 took the directory over \(lease epoch 9\)/);
  expect(await readFile(join(data, 'lock'), 'utf8')).toBe(NEW_HOLDER);
});
