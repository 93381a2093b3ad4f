/**
 * SIGKILL during writes: a child (test/fixtures/crash-writer.ts) writes to a data directory and
 * prints each write only after the store acknowledged it; the parent kills it with SIGKILL at a
 * random moment, several rounds on one directory, and after each kill reopens the directory and
 * checks that every acknowledged write is there and intact, that every visible object is whole
 * (no half object), and that opening removed every leftover. Rounds: $S3_CRASH_ITERATIONS
 * (default 3, to keep CI short; raise it locally to hunt for rare interleavings).
 */

import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore } from '../../src/index.ts';
import { checkCrashBody } from '../helpers/crash-bodies.ts';
import { tempDirectory } from '../helpers/temp.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/crash-writer.ts', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const ROUNDS = Math.max(1, Number.parseInt(process.env['S3_CRASH_ITERATIONS'] ?? '3', 10) || 3);

type Acknowledged = { op: 'put'; key: string; version: number } | { op: 'delete' | 'deleting'; key: string };

async function runAndKill(directory: string, tag: string, delayMs: number): Promise<Acknowledged[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, directory, tag], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.startsWith('ready\n') && resolve());
      void exited.then((how) => reject(new Error(`writer exited (${how}) before it was ready: ${stderr}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited, stderr).toBe('SIGKILL');
  // Only complete lines: each is one write(2), but the pipe is read in chunks.
  return stdout
    .slice(0, stdout.lastIndexOf('\n') + 1)
    .split('\n')
    .slice(1, -1)
    .map((line) => JSON.parse(line) as Acknowledged);
}

async function readWhole(store: ObjectStore, key: string): Promise<Uint8Array | undefined> {
  const reader = await store.openObject('crash', key);
  if (reader === undefined) return undefined;
  try {
    return await reader.read(0, reader.info.size);
  } finally {
    await reader.close();
  }
}

describe('filesystem store: SIGKILL during writes', () => {
  it(`loses no acknowledged write and shows no half object (${ROUNDS} rounds)`, async () => {
    const directory = tempDirectory('crash');
    /** key → the last acknowledged state: a version, deleted, or a delete in flight (either). */
    const expected = new Map<string, number | 'deleted' | { deleting: number }>();
    const log: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const delayMs = 100 + Math.floor(Math.random() * 600);
      const lines = await runAndKill(directory, `r${round}`, delayMs);
      for (const line of lines) {
        const previous = expected.get(line.key);
        if (line.op === 'put') expected.set(line.key, line.version);
        else if (line.op === 'delete') expected.set(line.key, 'deleted');
        else if (typeof previous === 'number') expected.set(line.key, { deleting: previous });
      }
      log.push(`round ${round}: killed after ${delayMs} ms, ${lines.filter((line) => line.op !== 'deleting').length} writes acknowledged`);

      const store = await openFileSystemObjectStore({ directory });
      try {
        for (const [key, state] of expected) {
          const body = await readWhole(store, key);
          if (state === 'deleted') {
            expect(body, `${key} was deleted and acknowledged`).toBeUndefined();
            continue;
          }
          // A delete in flight at the kill: gone or whole, both are correct.
          if (typeof state === 'object' && body === undefined) continue;
          const version = typeof state === 'object' ? state.deleting : state;
          expect(body, `${key} was acknowledged (${log.join('; ')})`).toBeDefined();
          const parsed = checkCrashBody(body!);
          expect(parsed, `${key} is intact`).toBeDefined();
          // The hot key may hold a newer, unacknowledged version that committed just before the kill.
          expect(parsed!.key).toBe(key);
          expect(parsed!.version).toBeGreaterThanOrEqual(version);
        }
        const listed = await store.listObjects('crash', { maxKeys: 1000 });
        for (const object of listed.objects) {
          const body = await readWhole(store, object.key);
          expect(checkCrashBody(body!), `visible object ${object.key} is whole`).toMatchObject({ key: object.key });
        }
        const leftovers = (await readdir(directory, { recursive: true })).filter((name) => String(name).includes('.tmp-'));
        expect(leftovers).toEqual([]);
      } finally {
        await store.close();
      }
    }
    // The test is only meaningful if writes were acknowledged at all.
    expect(expected.size, log.join('; ')).toBeGreaterThan(0);
  }, 120_000);
});
