/**
 * Crash consistency with a real process: a child (test/fixtures/crash-writer.ts) writes to a data
 * directory and prints each change only after its commit resolved; the parent kills it with
 * SIGKILL at a random moment, several rounds on one directory (some with a snapshot on every
 * write, so kills land during snapshots), and after each kill checks that every acknowledged key
 * and alias exists and every printed ciphertext still decrypts. Rounds: $KMS_CRASH_ITERATIONS
 * (default 6, to keep CI short; raise it locally to hunt for rare interleavings), as the S3 crash
 * tests take $S3_CRASH_ITERATIONS.
 */

import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Kms, openDirectoryStore } from '../src/index.ts';
import { ROOT_KEY, tempDirectory } from './fixtures/persistence.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const ROUNDS = Math.max(1, Number.parseInt(process.env['KMS_CRASH_ITERATIONS'] ?? '6', 10) || 6);
// A round spawns a writer and reopens the directory: the time allowed grows with the rounds.
const TIMEOUT_MS = Math.max(180_000, ROUNDS * 15_000);

interface Acknowledged {
  readonly keyId: string;
  readonly plaintext: string;
  readonly context: Record<string, string>;
  readonly alias?: string;
  readonly ciphertext: string;
}

interface Round {
  readonly lines: Acknowledged[];
  /** Whether the kill left an interrupted snapshot behind. */
  readonly midSnapshot: boolean;
}

/** Runs the writer until `delayMs` after it is ready, then SIGKILLs it. */
async function runAndKill(directory: string, threshold: number, tag: string, delayMs: number): Promise<Round> {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, directory, String(threshold), tag], {
    cwd: PACKAGE_ROOT,
    env: { ...process.env, STRONGBOX_ROOT_KEY: Buffer.from(ROOT_KEY).toString('base64') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  try {
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (stdout.startsWith('ready\n')) resolve();
      };
      child.stdout.on('data', check);
      void exited.then((how) => reject(new Error(`writer exited (${how}) before it was ready: ${stderr}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  } finally {
    child.kill('SIGKILL');
  }
  const how = await exited;
  expect(how, stderr).toBe('SIGKILL');
  const midSnapshot = (await readdir(directory)).some((name) => name.endsWith('.tmp'));
  // Only complete lines: a line is written with one write(2), but read on in chunks.
  const complete = stdout
    .slice(0, stdout.lastIndexOf('\n') + 1)
    .split('\n')
    .slice(1, -1);
  return { lines: complete.map((line) => JSON.parse(line) as Acknowledged), midSnapshot };
}

describe('crash consistency (SIGKILL of a real process)', () => {
  it(`loses no acknowledged key, alias or ciphertext, whenever the process dies (${ROUNDS} rounds)`, { timeout: TIMEOUT_MS }, async () => {
    const directory = await tempDirectory();
    const acknowledged: Acknowledged[] = [];
    const log: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Even rounds snapshot on every write (threshold 0); odd rounds every few kilobytes.
      const threshold = round % 2 === 0 ? 0 : 4096;
      const delayMs = Math.floor(Math.random() * 400);
      const { lines, midSnapshot } = await runAndKill(directory, threshold, `r${round}`, delayMs);
      log.push(`round ${round}: threshold ${threshold}, killed after ${delayMs} ms, ${lines.length} acknowledged, mid-snapshot ${midSnapshot}`);
      acknowledged.push(...lines);

      const store = await openDirectoryStore({ directory, rootKey: ROOT_KEY });
      const kms = new Kms({ store, quotas: false });
      try {
        for (const line of acknowledged) {
          const where = `${log.join('\n')}\nkey ${line.keyId} (${line.plaintext})`;
          const key = store.state.key(line.keyId);
          expect(key, where).toBeDefined();
          if (line.alias !== undefined) expect(store.state.alias(key!.account, key!.region, line.alias)?.targetKeyId, where).toBe(line.keyId);
          const { Plaintext, KeyId } = await kms.decrypt({ CiphertextBlob: Buffer.from(line.ciphertext, 'base64'), EncryptionContext: line.context });
          expect(new TextDecoder().decode(Plaintext), where).toBe(line.plaintext);
          expect(KeyId, where).toBe(key!.arn);
        }
      } finally {
        await kms.close();
      }
    }
    // The rounds did real work: acknowledged writes, and snapshots (generation past 1).
    expect(acknowledged.length, log.join('\n')).toBeGreaterThan(0);
    expect((await readdir(directory)).some((name) => /^snapshot-\d+\.sbx$/.test(name) && name !== 'snapshot-00000001.sbx')).toBe(true);
  });
});
