/**
 * @module
 * `strongbox serve`: reads the files the flags name (users, seed), opens the store, starts the
 * endpoint, prints how to use it, and on SIGINT/SIGTERM stops accepting, lets requests in flight
 * finish (for `--shutdown-timeout` seconds at most, then closes their connections) and closes the
 * store (so every acknowledged change is on disk) before exiting 0. A server whose data directory
 * another process took over (it was paused past its lease) says so in one line and stops the same
 * way, exiting 1: its services refuse every call from then on, so clients fail over to the
 * directory's new holder rather than wait on a server that no longer serves.
 * Every failure is one line on stderr: exit 2 for the command line, 1 for the run time.
 */

import { readFile } from 'node:fs/promises';
import { isStoreFailureCode, KmsError, parseSeed, parseUsers, type SeedDocument, type UserDirectory } from '@strongbox/kms';
import { isServiceError } from '@strongbox/service-kernel';
import { startBanner } from './banner.ts';
import { EXIT_FAILURE, StrongboxError } from './errors.ts';
import type { RunningServer } from './listener.ts';
import { parseServeArgs, SERVE_USAGE, type ServeArgs } from './options.ts';
import { formatRequestLine, type RequestLogEntry } from './request-log.ts';
import { startServer } from './server.ts';
import { VERSION } from './version.ts';
import { printOwnWarnings } from './warnings.ts';

/** Where the CLI writes (the process streams, or buffers in tests). */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /**
   * Where stop signals come from: calls its listener with each SIGINT or SIGTERM. Default: the
   * process's own (tests that run the CLI in-process pass a source they control).
   */
  readonly signals?: (listener: (signal: NodeJS.Signals) => void) => void;
}

/** The process's SIGINT and SIGTERM. */
function processSignals(listener: (signal: NodeJS.Signals) => void): void {
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
}

/**
 * Runs `strongbox serve` until SIGINT or SIGTERM.
 * @returns the exit code (0 after a clean shutdown).
 * @throws StrongboxError USAGE (exit 2: flags) or another code (exit 1: files, port, store, data
 *   directory, certificate).
 */
export async function runServe(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseServeArgs(args);
  if (flags.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  // `pnpm start -- --version` reaches here: answer it as `strongbox --version` does.
  if (flags.version) {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  const users = flags.users === undefined ? undefined : parseFile(flags.users, 'users file', await readText(flags.users, 'users file'), parseUsers);
  const seed = flags.seed === undefined ? undefined : parseFile(flags.seed, 'seed file', await readText(flags.seed, 'seed file'), parseSeed);
  // Before the store opens: a data directory's warnings (STRONGBOX_DIRECTORY_FSYNC) are said in
  // one line, as every other line of the server.
  const restoreWarnings = printOwnWarnings(io);
  try {
    return await serveUntilStopped(flags, users, seed, io);
  } finally {
    restoreWarnings();
  }
}

async function serveUntilStopped(flags: ServeArgs, users: UserDirectory | undefined, seed: SeedDocument | undefined, io: CliIo): Promise<number> {
  // Handlers first: a signal that arrives while the store opens, or right after the banner,
  // must still shut down cleanly rather than kill the process with the default action.
  const signalled = nextSignal(io);
  let fenced!: () => void;
  const takenOver = new Promise<'taken over'>((resolve) => (fenced = () => resolve('taken over')));
  const server = await start(flags, users, seed, io, fenced);
  io.stdout(
    startBanner({
      url: server.url,
      ...(server.https === undefined
        ? {}
        : {
            https: {
              url: server.https.url,
              certPath: server.https.certificate.path,
              origin: server.https.certificate.origin,
              fingerprint256: server.https.certificate.fingerprint256,
            },
          }),
      region: flags.region,
      account: flags.account,
      strictAuth: flags.strictAuth,
      s3DataEvents: flags.s3DataEvents,
      ...optional(flags),
      ...(users ? { users } : {}),
    }),
  );
  const signal = await Promise.race([signalled, takenOver]);
  if (signal === 'taken over') {
    // Already said (one line); the stores refuse every call, so closing them cannot lose anything
    // acknowledged, and a failure to close them cleanly is no news.
    await server.close().catch(() => undefined);
    return EXIT_FAILURE;
  }
  const inFlight = server.inFlight();
  io.stdout(`strongbox: ${signal} received, stopping${inFlight > 0 ? ` after ${inFlight} request${inFlight === 1 ? '' : 's'} in flight` : ''}\n`);
  try {
    await server.close();
  } catch (error) {
    throw new StrongboxError('RUN_FAILED', `could not close the store cleanly: ${(error as Error).message}`);
  }
  return 0;
}

async function start(
  flags: ServeArgs,
  users: UserDirectory | undefined,
  seed: SeedDocument | undefined,
  io: CliIo,
  fenced: () => void,
): Promise<RunningServer> {
  try {
    return await startServer({
      port: flags.port,
      host: flags.host,
      ...(flags.httpsPort === undefined
        ? {}
        : {
            https: {
              port: flags.httpsPort,
              ...(flags.tlsCert !== undefined && flags.tlsKey !== undefined ? { certificate: { certPath: flags.tlsCert, keyPath: flags.tlsKey } } : {}),
            },
          }),
      region: flags.region,
      account: flags.account,
      strictAuth: flags.strictAuth,
      s3DataEvents: flags.s3DataEvents,
      ...(flags.quiet ? {} : { onRequest: (entry: RequestLogEntry) => io.stdout(formatRequestLine(entry)) }),
      shutdownTimeoutMs: flags.shutdownTimeoutSeconds * 1000,
      onShutdownTimeout: (requests: number) =>
        io.stdout(
          `strongbox: ${requests} request${requests === 1 ? '' : 's'} still in flight after ${flags.shutdownTimeoutSeconds} s; closing ${requests === 1 ? 'its connection' : 'their connections'}\n`,
        ),
      ...(users === undefined ? {} : { users }),
      ...(seed === undefined ? {} : { seed }),
      ...(flags.quotas === undefined ? {} : { quotas: flags.quotas }),
      ...(flags.upstream === undefined ? {} : { s3Upstream: flags.upstream }),
      ...(flags.data === undefined
        ? {}
        : {
            dataDirectory: flags.data,
            // Say why changes are refused (callers get KMSInternalException): for good after a write
            // failure, until there is room again on a full disk (once per episode); a takeover
            // also stops the server.
            onStoreError: storeErrorLine(flags.data, io, fenced),
          }),
    });
  } catch (error) {
    throw startFailure(error, flags);
  }
}

/**
 * The line a store failure prints. A lost lease is said once, though KMS's and S3's stores (each
 * with its own lock) both report it, and then `fenced` is called.
 */
function storeErrorLine(data: string, io: CliIo, fenced: () => void): (error: Error) => void {
  let lost = false;
  return (error) => {
    const code = (error as { code?: string }).code;
    if (code === 'LEASE_LOST') {
      if (lost) return;
      lost = true;
      // Names the directory, the new holder's pid and both epochs, and says that this one stops.
      io.stderr(`strongbox: ${error.message}\n`);
      fenced();
      return;
    }
    io.stderr(
      code === 'DISK_FULL'
        ? `strongbox: ${data} is out of space; changes are refused (reads go on) until there is room again\n`
        : `strongbox: writing to ${data} failed, no further changes are accepted: ${error.message}\n`,
    );
  };
}

function optional(flags: ServeArgs) {
  return {
    ...(flags.data === undefined ? {} : { data: flags.data }),
    ...(flags.quotas === undefined ? {} : { quotas: flags.quotas }),
  };
}

async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new StrongboxError('RUN_FAILED', `cannot read ${what} '${path}': ${describeFsError(error)}`);
  }
}

function parseFile<T>(path: string, what: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    throw new StrongboxError('RUN_FAILED', `${what} '${path}': ${withoutPrefix((error as Error).message)}`);
  }
}

/** Parsers prefix their messages with what they parse (`seed: …`); the CLI names the file instead. */
function withoutPrefix(message: string): string {
  return message.replace(/^(seed|users file): /, '');
}

/** A start-up failure (store, seed, listen) as one line; anything unexpected passes through unchanged (the CLI prints it as one line too). */
function startFailure(error: unknown, flags: ServeArgs): unknown {
  // A refused data directory or certificate is one line already.
  if (error instanceof StrongboxError) return error;
  if (error instanceof KmsError && isStoreFailureCode(error.code)) return new StrongboxError('RUN_FAILED', `data directory '${flags.data}': ${error.message}`);
  // Finishing an interrupted reset, taken over partway: the message says so and names the new holder.
  if (isServiceError(error, 'LEASE_LOST')) return new StrongboxError('RUN_FAILED', `data directory '${flags.data}': ${error.message}`, { cause: error });
  const code = (error as NodeJS.ErrnoException).code;
  // A listen error names its port: the HTTPS one has its own flag.
  if (code === 'EADDRINUSE' && flags.httpsPort !== undefined && (error as { port?: number }).port === flags.httpsPort && flags.httpsPort !== 0) {
    return new StrongboxError(
      'RUN_FAILED',
      `port ${flags.httpsPort} is already in use (choose another with --https-port, or --https-port 0 for any free port)`,
    );
  }
  if (code === 'EADDRINUSE')
    return new StrongboxError('RUN_FAILED', `port ${flags.port} is already in use (choose another with --port, or --port 0 for any free port)`);
  if (code === 'EACCES' && (error as NodeJS.ErrnoException).syscall === 'listen') {
    return new StrongboxError('RUN_FAILED', `permission denied to listen on port ${flags.port} (ports below 1024 need privileges)`);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new StrongboxError('RUN_FAILED', `cannot listen on ${flags.host}: no such local address`);
  // Other name-resolution failures for --host (EAI_AGAIN: DNS unreachable, EAI_FAIL, ...).
  if ((error as NodeJS.ErrnoException).syscall === 'getaddrinfo' || (typeof code === 'string' && code.startsWith('EAI_'))) {
    return new StrongboxError('RUN_FAILED', `cannot listen on ${flags.host}: the name could not be resolved (${code ?? 'getaddrinfo'})`);
  }
  // File-system errors come from the data directory (mkdir, lock, read).
  if (typeof code === 'string' && flags.data !== undefined && (error as NodeJS.ErrnoException).path !== undefined) {
    return new StrongboxError('RUN_FAILED', `data directory '${flags.data}': ${describeFsError(error)} (${(error as NodeJS.ErrnoException).path})`);
  }
  // Seeds that do not fit the stored state (a seeded key id in another account).
  if (error instanceof TypeError && flags.seed !== undefined)
    return new StrongboxError('RUN_FAILED', `seed file '${flags.seed}': ${withoutPrefix(error.message)}`);
  return error;
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return (error as Error).message;
}

/** Resolves with the first SIGINT/SIGTERM; a second one while stopping exits at once. */
function nextSignal(io: CliIo): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (received) {
        io.stderr(`strongbox: ${signal} received again, exiting without waiting\n`);
        process.exit(EXIT_FAILURE);
      }
      received = true;
      resolve(signal);
    };
    (io.signals ?? processSignals)(handler);
  });
}
