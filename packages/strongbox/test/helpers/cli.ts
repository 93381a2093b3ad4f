/**
 * Test harness: the `strongbox` CLI as a child process (`node --import tsx src/cli.ts …`, the way
 * `pnpm start` runs it), with its output collected, and SDK clients pointed at it.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';

const ROOT = join(import.meta.dirname, '..', '..', '..', '..');
const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli.ts');

/** How a CLI run ended. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A running `strongbox serve`. */
export interface ServeProcess {
  readonly child: ChildProcess;
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
      void exited.then((exit) => reject(new Error(`strongbox exited (${exit.code ?? exit.signal}) before printing ${JSON.stringify(text)}:\n${exit.stdout}${exit.stderr}`)));
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
export function kmsClient(url: string, credentials: { accessKeyId: string; secretAccessKey: string } = { accessKeyId: 'test', secretAccessKey: 'test' }, region = 'us-east-1'): KMSClient {
  return new KMSClient({ endpoint: url, region, credentials, maxAttempts: 1 });
}

/** A CloudTrail client for `url`. */
export function cloudTrailClient(url: string, region = 'us-east-1'): CloudTrailClient {
  return new CloudTrailClient({ endpoint: url, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
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
