/**
 * @module
 * Running the crash-writer fixture (test/fixtures/crash-writer.ts) and killing it: what the
 * filesystem and upstream SIGKILL tests share.
 */

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { ObjectStore } from '../../src/index.ts';

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
