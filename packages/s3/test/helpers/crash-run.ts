/**
 * @module
 * Running the crash-writer fixture (test/fixtures/crash-writer.ts) and killing it, and checking
 * that the objects it acknowledged survived: what the filesystem and upstream SIGKILL tests share.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ObjectStore } from '../../src/index.ts';
import { checkCrashBody } from './crash-bodies.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/crash-writer.ts', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** What the writer acknowledged, one line each (the fixture prints a line only once a write is durable). */
export type Acknowledged =
  | { op: 'put'; key: string; version: number }
  | { op: 'delete' | 'deleting'; key: string }
  | { op: 'upload'; state: 'open' | 'completed' | 'aborting' | 'aborted'; uploadId: string; key: string }
  | { op: 'part'; uploadId: string; partNumber: number; version: number };

/**
 * Starts the writer with `args` (data directory, round tag, and for an upstream store its options
 * as JSON), lets it write for `delayMs` after it is ready, SIGKILLs it, and returns the writes it
 * acknowledged.
 */
export async function runWriterAndKill(args: readonly string[], delayMs: number): Promise<Acknowledged[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, ...args], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** An object of the writer's `crash` bucket read whole, or undefined when it does not exist. */
export async function readWhole(store: ObjectStore, key: string): Promise<Uint8Array | undefined> {
  const reader = await store.openObject('crash', key);
  if (reader === undefined) return undefined;
  try {
    return await reader.read(0, reader.info.size);
  } finally {
    await reader.close();
  }
}

/** What was last acknowledged of a key: a version, deleted, or a delete in flight (either outcome is correct). */
export type KeyState = number | 'deleted' | { deleting: number };

/** Folds the acknowledged object writes of one round (puts, deletes, deletes in flight) into `expected`; uploads and parts are left to the caller. */
export function recordObjectWrites(expected: Map<string, KeyState>, lines: readonly Acknowledged[]): void {
  for (const line of lines) {
    if (line.op === 'upload' || line.op === 'part') continue;
    const previous = expected.get(line.key);
    if (line.op === 'put') expected.set(line.key, line.version);
    else if (line.op === 'delete') expected.set(line.key, 'deleted');
    else if (typeof previous === 'number') expected.set(line.key, { deleting: previous });
  }
}

/** Every key of `expected` reads back as acknowledged: deleted ones gone, the others whole at their version or newer. */
export async function expectObjectWrites(store: ObjectStore, expected: ReadonlyMap<string, KeyState>, log: readonly string[]): Promise<void> {
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
}
