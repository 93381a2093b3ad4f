/**
 * @module
 * `strongbox serve` as a child process for the reliability tests: started from the CLI sources
 * (`node --import tsx packages/strongbox/src/cli.ts serve --port 0 --https-port 0 ...`, as
 * `pnpm start` runs it), optionally wrapped (e.g. in `unshare -m` with a tmpfs mounted first), with
 * its output captured, and the official SDK clients pointed at its HTTPS listener (S3 refuses SSE-C
 * and SSE-KMS over plain HTTP, as AWS does), trusting the certificate it made.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';

/** The repository root (the child runs there, so `--import tsx` resolves). */
export const REPOSITORY_ROOT: string = join(import.meta.dirname, '..', '..', '..');
/** The CLI's source entry point. */
export const CLI: string = join(REPOSITORY_ROOT, 'packages', 'strongbox', 'src', 'cli.ts');

/** Access key credentials. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** A running `strongbox serve` child. */
export interface ServedChild {
  readonly child: ChildProcess;
  /** The plain HTTP endpoint and the HTTPS one. */
  readonly http: string;
  readonly https: string;
  /** The HTTPS listener's certificate (PEM), for clients to trust. */
  readonly ca: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the signal or exit code when the process has ended. */
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** Sends `signal` (SIGTERM by default) unless the process already ended, and waits for the end. */
  stop(signal?: NodeJS.Signals): Promise<NodeJS.Signals | number | null>;
}

/** How to start the child. */
export interface ServeChildOptions {
  /** Extra `serve` flags (`--data DIR`, `--users FILE`, ...). `--port 0 --https-port 0` come first. */
  readonly args: readonly string[];
  /**
   * Wraps the node command line: receives it as one shell command (`cd <root> && exec node ...`)
   * and returns the argv to spawn instead (e.g. `['unshare', '-m', 'sh', '-c', 'mount ... && ' + command]`).
   */
  readonly wrap?: (command: string) => readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  /** Node options put before the CLI (after `--import tsx`), e.g. `['--expose-gc', '--import', probe]`. */
  readonly nodeArgs?: readonly string[];
  /** Reads the certificate the banner names (default: this process's file system). */
  readonly readFile?: (path: string) => string;
}

const quote = (word: string): string => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * Starts `strongbox serve` and waits for its banner.
 * @throws Error with the process output when it ends before listening.
 * @example const served = await serveChild({ args: ['--data', dir] });
 */
export async function serveChild(options: ServeChildOptions): Promise<ServedChild> {
  const argv = [process.execPath, '--import', 'tsx', ...(options.nodeArgs ?? []), CLI, 'serve', '--port', '0', '--https-port', '0', ...options.args];
  // A wrapper may enter another mount namespace, which starts in `/`: the command changes back.
  const [command, ...rest] = options.wrap?.(`cd ${quote(REPOSITORY_ROOT)} && exec ${argv.map(quote).join(' ')}`) ?? argv;
  const child = spawn(command!, rest, {
    cwd: REPOSITORY_ROOT,
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));
  await new Promise<void>((resolve, reject) => {
    const check = (): void => {
      if (!stdout.includes('Stop with Ctrl-C.')) return;
      child.stdout!.off('data', check);
      resolve();
    };
    child.stdout!.on('data', check);
    void exited.then((how) => reject(new Error(`strongbox serve ended (${how}) before listening:\n${stdout}${stderr}`)));
  });
  const urls = /listening on (http:\/\/\S+) and (https:\/\/\S+)/.exec(stdout);
  const certificate = /Certificate: (\S+)/.exec(stdout);
  if (urls === null || certificate === null) throw new Error(`unexpected banner:\n${stdout}`);
  return {
    child,
    http: urls[1]!,
    https: urls[2]!,
    ca: (options.readFile ?? ((path: string) => readFileSync(path, 'utf8')))(certificate[1]!),
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

const DEFAULT_CREDENTIALS: Credentials = { accessKeyId: 'test', secretAccessKey: 'test' };

/** The client settings every test uses: the HTTPS listener, its certificate trusted, no retries. */
function clientConfig(served: Pick<ServedChild, 'https' | 'ca'>, credentials: Credentials) {
  return {
    endpoint: served.https,
    region: 'us-east-1',
    credentials,
    // A refused or cut request is seen once: a retry would hide what the test looks at.
    maxAttempts: 1,
    requestHandler: { httpsAgent: new Agent({ ca: served.ca, keepAlive: true, maxSockets: 64 }) },
  };
}

/** An S3 client on the child's HTTPS listener (path-style: the endpoint is an IP address). */
export function s3Client(served: Pick<ServedChild, 'https' | 'ca'>, credentials: Credentials = DEFAULT_CREDENTIALS): S3Client {
  return new S3Client({ ...clientConfig(served, credentials), forcePathStyle: true });
}

/** A KMS client on the child's HTTPS listener. */
export function kmsClient(served: Pick<ServedChild, 'https' | 'ca'>, credentials: Credentials = DEFAULT_CREDENTIALS): KMSClient {
  return new KMSClient(clientConfig(served, credentials));
}

/** A CloudTrail client on the child's HTTPS listener. */
export function cloudTrailClient(served: Pick<ServedChild, 'https' | 'ca'>, credentials: Credentials = DEFAULT_CREDENTIALS): CloudTrailClient {
  return new CloudTrailClient(clientConfig(served, credentials));
}

/** The error a rejected SDK call carries: its name, message and HTTP status. */
export interface CallFailure {
  readonly name: string;
  readonly message: string;
  readonly status: number | undefined;
}

/**
 * The failure of `promise`, or undefined when it succeeded.
 * @example const failure = await failureOf(s3.send(command));
 */
export async function failureOf(promise: Promise<unknown>): Promise<CallFailure | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    const e = error as { name: string; message: string; $metadata?: { httpStatusCode?: number } };
    return { name: e.name, message: e.message, status: e.$metadata?.httpStatusCode };
  }
}
