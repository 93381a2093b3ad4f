/**
 * Test harness: the `strongbox` CLI in-process (`main(argv, io)`, the function `cli.ts` runs, with
 * its output collected and stop signals under the test's control), or as a child process
 * (`node --import tsx src/cli.ts …`, the way `pnpm start` runs it) for what only a process shows:
 * real signals, exit codes set by the process, preloaded faults. And SDK clients pointed at it.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll } from 'vitest';
import { main } from '../../src/main.ts';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');

/** How a CLI run ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `strongbox serve`, in-process or as a child process. */
export interface Serving {
  /** The endpoint URL from the banner. */
  readonly url: string;
  /** Output so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process exits. */
  readonly exited: Promise<Exit>;
  /** Resolves once stdout contains `text`. */
  waitForStdout(text: string): Promise<void>;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** A running `strongbox serve` child process. */
export interface ServeProcess extends Serving {
  readonly child: ChildProcess;
}

/** Runs the CLI in-process to completion (for commands that fail or print and exit). */
export async function runInProcess(args: readonly string[]): Promise<Exit> {
  const out = { stdout: '', stderr: '' };
  const code = await main(args, { stdout: (text) => (out.stdout += text), stderr: (text) => (out.stderr += text), signals: () => {} });
  return { code, signal: null, ...out };
}

/**
 * Runs `strongbox serve --port 0 …` in-process and waits for its banner; `stop(signal)` delivers
 * the signal to the CLI's handler (no process signal is sent).
 * @throws Error with the output if the command ends before listening.
 */
export async function serveInProcess(args: readonly string[] = []): Promise<Serving> {
  const out = { stdout: '', stderr: '' };
  const waiting: (() => void)[] = [];
  let deliver: ((signal: NodeJS.Signals) => void) | undefined;
  const io = {
    stdout: (text: string) => {
      out.stdout += text;
      for (const check of [...waiting]) check();
    },
    stderr: (text: string) => (out.stderr += text),
    signals: (listener: (signal: NodeJS.Signals) => void) => (deliver = listener),
  };
  const exited: Promise<Exit> = main(['serve', '--port', '0', ...args], io).then((code) => ({ code, signal: null, ...out }));
  const waitForStdout = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (!out.stdout.includes(text)) return;
        waiting.splice(waiting.indexOf(check), 1);
        resolve();
      };
      waiting.push(check);
      check();
      void exited.then((exit) =>
        reject(new Error(`strongbox serve ended (${exit.code}) before printing ${JSON.stringify(text)}:\n${exit.stdout}${exit.stderr}`)),
      );
    });
  await waitForStdout('Stop with Ctrl-C.');
  const url = /listening on (http:\/\/\S+)/.exec(out.stdout)?.[1] ?? '';
  let stopping: Promise<Exit> | undefined;
  return {
    url,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitForStdout,
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      // SIGKILL has no in-process meaning: a test cleaning up stops the server as SIGTERM does.
      stopping ??= (deliver?.(signal === 'SIGKILL' ? 'SIGTERM' : signal), exited);
      return stopping;
    },
  };
}

function launch(args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; out: { stdout: string; stderr: string }; exited: Promise<Exit> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out.stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (out.stderr += chunk));
  const exited = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, ...out })));
  return { child, out, exited };
}

/** Runs the CLI to completion (for commands that fail or print and exit). */
export async function runCli(args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Exit> {
  return launch(args, env).exited;
}

/**
 * Starts `strongbox serve --port 0 …` and waits for its banner.
 * @throws Error with the process output if it exits before listening.
 */
export async function serve(args: readonly string[] = [], env?: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const { child, out, exited } = launch(['serve', '--port', '0', ...args], env);
  const waitForStdout = (text: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        if (out.stdout.includes(text)) {
          child.stdout!.off('data', check);
          resolve();
        }
      };
      child.stdout!.on('data', check);
      check();
      void exited.then((exit) =>
        reject(new Error(`strongbox exited (${exit.code ?? exit.signal}) before printing ${JSON.stringify(text)}:\n${exit.stdout}${exit.stderr}`)),
      );
    });
  await waitForStdout('Stop with Ctrl-C.');
  const url = /listening on (http:\/\/\S+)/.exec(out.stdout)![1]!;
  return {
    child,
    url,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    exited,
    waitForStdout,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** A KMS client for `url` (`maxAttempts: 1`, so refused calls are not retried). */
export function kmsClient(
  url: string,
  credentials: { accessKeyId: string; secretAccessKey: string } = { accessKeyId: 'test', secretAccessKey: 'test' },
  region = 'us-east-1',
): KMSClient {
  return new KMSClient({ endpoint: url, region, credentials, maxAttempts: 1 });
}

/** A CloudTrail client for `url`. */
export function cloudTrailClient(url: string, region = 'us-east-1'): CloudTrailClient {
  return new CloudTrailClient({ endpoint: url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
}

/** An S3 client for `url` (path-style, one attempt), trusting the certificate `ca` (PEM) if given, for an HTTPS listener. */
export function s3Client(url: string, ca?: string): S3Client {
  return new S3Client({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    forcePathStyle: true,
    maxAttempts: 1,
    ...(ca === undefined ? {} : { requestHandler: { httpsAgent: new Agent({ ca }) } }),
  });
}

/** A fresh temporary directory, removed by the returned `cleanup`. */
export async function tempDir(): Promise<{ path: string; file(name: string, content: string): Promise<string>; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'strongbox-test-'));
  return {
    path,
    async file(name, content) {
      const target = join(path, name);
      await writeFile(target, content);
      return target;
    },
    cleanup: () => rm(path, { recursive: true, force: true }),
  };
}

/** A temporary directory: `path` and `file` of `tempDir`. */
export type TempDir = Omit<Awaited<ReturnType<typeof tempDir>>, 'cleanup'>;

/**
 * One temporary directory for the whole file: made before its first test (`beforeAll`), removed
 * after its last (`afterAll`). Read `path` or call `file` inside tests and hooks only.
 * @throws Error when read before the directory is made.
 * @example const dir = useTempDir(); it('writes', async () => { await dir.file('users.json', '{}'); });
 */
export function useTempDir(): TempDir {
  let current: Awaited<ReturnType<typeof tempDir>> | undefined;
  beforeAll(async () => {
    current = await tempDir();
  });
  afterAll(async () => {
    await current?.cleanup();
  });
  const made = (): Awaited<ReturnType<typeof tempDir>> => {
    if (current === undefined) throw new Error('useTempDir: the directory exists only from beforeAll to afterAll');
    return current;
  };
  return {
    get path() {
      return made().path;
    },
    file: (name, content) => made().file(name, content),
  };
}

/** The error a rejected promise carries. */
export async function failureOf(promise: Promise<unknown>): Promise<{ name: string; message: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
