/**
 * @module
 * The servers of the wire benchmark (`wire.ts`) in its two layouts:
 *
 * - `startChildProcesses` (the default): each server in its own process, the SDK client alone in
 *   the benchmark's. Strongbox is the product command as a user runs it, `node
 *   --conditions=strongbox-dist packages/strongbox/bin/strongbox.js serve --port 0 --https-port 0
 *   --tls-cert … --tls-key … --quiet` (the build, what `pnpm start` runs; `--quiet` turns off the
 *   request log line, as anyone benchmarking it would); the canned server and s3rver are
 *   `wire-server.ts` children.
 * - `startInProcess` (`--same-process`): every server inside the benchmark's own process
 *   (`startServer` for Strongbox), sharing its one JavaScript thread with the client.
 *
 * Children are killed when the benchmark exits, fails or is interrupted.
 */

import { type ChildProcess, fork, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, get, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import S3rver from 's3rver';
import { startServer } from 'strongbox';
import { cannedListener } from './wire-canned.ts';
import type { WireServerReady } from './wire-server.ts';

/** The endpoints one run measures, and how to stop them. */
export interface WireServers {
  readonly cannedHttp: string;
  readonly cannedHttps: string;
  readonly strongboxHttp: string;
  readonly strongboxHttps: string;
  readonly s3rver: string;
  /** How the servers run, for the table's heading. */
  readonly layout: string;
  close(): Promise<void>;
}

/** Where the run's files are: the GET bodies (`body-<size>`), the certificate, s3rver's store. */
export interface WireFiles {
  readonly directory: string;
  readonly certPath: string;
  readonly keyPath: string;
  readonly bodies: ReadonlyMap<number, Uint8Array>;
}

const ROOT = join(import.meta.dirname, '..', '..');
const STRONGBOX_BIN = join(ROOT, 'packages', 'strongbox', 'bin', 'strongbox.js');
const SERVER_SCRIPT = fileURLToPath(new URL('./wire-server.ts', import.meta.url));
const TSX_LOADER = import.meta.resolve('tsx');

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const child of children) child.kill('SIGKILL');
    process.exit(130);
  });
}

function track(child: ChildProcess): ChildProcess {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Stops a child: SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function healthy(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = get(`${url}/_strongbox/health`, { agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode === 200));
    });
    request.on('error', () => resolve(false));
  });
}

/** `strongbox serve` from the build, ready once its banner names both URLs and health answers 200. */
async function startStrongboxServe(files: WireFiles): Promise<{ http: string; https: string; child: ChildProcess }> {
  if (!existsSync(join(ROOT, 'packages', 'strongbox', 'dist', 'bundle'))) {
    throw new Error('packages/strongbox/dist/bundle is missing: run `npx --yes pnpm@12.25.1 build` first');
  }
  const args = [
    '--conditions=strongbox-dist',
    STRONGBOX_BIN,
    'serve',
    '--port',
    '0',
    '--https-port',
    '0',
    '--tls-cert',
    files.certPath,
    '--tls-key',
    files.keyPath,
    '--quiet',
  ];
  const child = track(spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] }));
  let out = '';
  const urls = await new Promise<{ http: string; https: string }>((resolve, reject) => {
    const onData = (chunk: string): void => {
      out += chunk;
      const found = /listening on (http:\/\/\S+) and (https:\/\/\S+)/.exec(out);
      if (found?.[1] === undefined || found[2] === undefined) return;
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      child.stdout!.resume(); // keep draining stdout (quiet, but never let the pipe fill)
      resolve({ http: found[1], https: found[2] });
    };
    const onExit = (code: number | null): void => reject(new Error(`strongbox serve exited (${code}) before listening: ${out}`));
    child.stdout!.setEncoding('utf8').on('data', onData);
    child.once('exit', onExit);
    child.once('error', reject);
  });
  while (!(await healthy(urls.http))) await new Promise((resolve) => setTimeout(resolve, 10));
  return { ...urls, child };
}

/** A `wire-server.ts` child, ready once it has sent its URLs. */
async function startChild(kind: 'canned' | 's3rver', args: readonly string[]): Promise<{ ready: WireServerReady; child: ChildProcess }> {
  const child = track(fork(SERVER_SCRIPT, [kind, ...args], { execArgv: ['--import', TSX_LOADER], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }));
  const ready = await new Promise<WireServerReady>((resolve, reject) => {
    const onExit = (code: number | null, signal: string | null): void =>
      reject(new Error(`server child (${kind}) exited before listening (code ${code}, signal ${signal})`));
    child.once('exit', onExit);
    child.once('error', reject);
    child.once('message', (message: WireServerReady) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
  return { ready, child };
}

/**
 * Starts `strongbox serve`, the canned server and s3rver, each in its own child process.
 *
 * @throws Error when a child exits before it is ready (its stderr is inherited), or the build is missing.
 */
export async function startChildProcesses(files: WireFiles): Promise<WireServers> {
  const started: ChildProcess[] = [];
  try {
    const strongbox = await startStrongboxServe(files);
    started.push(strongbox.child);
    const canned = await startChild('canned', [files.directory, files.certPath, files.keyPath]);
    started.push(canned.child);
    const s3rver = await startChild('s3rver', [join(files.directory, 's3rver')]);
    started.push(s3rver.child);
    if (canned.ready.https === undefined) throw new Error('the canned child did not report its HTTPS URL');
    return {
      cannedHttp: canned.ready.http,
      cannedHttps: canned.ready.https,
      strongboxHttp: strongbox.http,
      strongboxHttps: strongbox.https,
      s3rver: s3rver.ready.http,
      layout: 'each server in its own process (strongbox serve --quiet from the build)',
      close: async () => {
        await Promise.all(started.map(stop));
      },
    };
  } catch (error) {
    await Promise.all(started.map(stop));
    throw error;
  }
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Starts every server inside this process (`--same-process`): `startServer`, the canned server on
 * `node:http` and `node:https`, s3rver.
 *
 * @throws Error when a server cannot listen.
 */
export async function startInProcess(files: WireFiles): Promise<WireServers> {
  const strongbox = await startServer({ port: 0, https: { port: 0, certificate: { certPath: files.certPath, keyPath: files.keyPath } } });
  const cannedHttp = createServer(cannedListener(files.bodies));
  const cannedHttps = createHttpsServer(
    { cert: await readFile(files.certPath, 'utf8'), key: await readFile(files.keyPath, 'utf8') },
    cannedListener(files.bodies),
  );
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: join(files.directory, 's3rver') });
  return {
    cannedHttp: `http://127.0.0.1:${await listen(cannedHttp)}`,
    cannedHttps: `https://127.0.0.1:${await listen(cannedHttps)}`,
    strongboxHttp: strongbox.url,
    strongboxHttps: strongbox.https!.url,
    s3rver: `http://127.0.0.1:${((await s3rver.run()) as AddressInfo).port}`,
    layout: 'every server in the client process (--same-process: client and servers share one thread)',
    close: async () => {
      await strongbox.close();
      await s3rver.close();
      cannedHttp.close();
      cannedHttps.close();
    },
  };
}
