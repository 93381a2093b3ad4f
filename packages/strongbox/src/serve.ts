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
import { startBanner } from './banner.ts';
import { CertificateError } from './certificate.ts';
import { DataDirectoryError } from './data-directory.ts';
import { CliError, EXIT_FAILURE } from './errors.ts';
import type { RunningServer } from './listener.ts';
import { parseServeArgs, SERVE_USAGE, type ServeArgs } from './options.ts';
import { formatRequestLine, type RequestLogEntry } from './request-log.ts';
import { startServer } from './server.ts';

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
 * @throws CliError with exit code 2 (flags) or 1 (files, port, store).
 */
export async function runServe(args: readonly string[], io: CliIo): Promise<number> {
  const flags = parseServeArgs(args);
  if (flags.help) {
    io.stdout(SERVE_USAGE);
    return 0;
  }
  const users = flags.users === undefined ? undefined : parseFile(flags.users, 'users file', await readText(flags.users, 'users file'), parseUsers);
  const seed = flags.seed === undefined ? undefined : parseFile(flags.seed, 'seed file', await readText(flags.seed, 'seed file'), parseSeed);
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
    throw new CliError(`could not close the store cleanly: ${(error as Error).message}`, EXIT_FAILURE);
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
    throw new CliError(`cannot read ${what} '${path}': ${describeFsError(error)}`, EXIT_FAILURE);
  }
}

function parseFile<T>(path: string, what: string, text: string, parse: (text: string) => T): T {
  try {
    return parse(text);
  } catch (error) {
    throw new CliError(`${what} '${path}': ${withoutPrefix((error as Error).message)}`, EXIT_FAILURE);
  }
}

/** Parsers prefix their messages with what they parse (`seed: …`); the CLI names the file instead. */
function withoutPrefix(message: string): string {
  return message.replace(/^(seed|users file): /, '');
}

/** A start-up failure (store, seed, listen) as one line; anything unexpected passes through unchanged (the CLI prints it as one line too). */
function startFailure(error: unknown, flags: ServeArgs): unknown {
  if (error instanceof DataDirectoryError) return new CliError(error.message, EXIT_FAILURE);
  if (error instanceof KmsError && isStoreFailureCode(error.code)) return new CliError(`data directory '${flags.data}': ${error.message}`, EXIT_FAILURE);
  if (error instanceof CertificateError) return new CliError(error.message, EXIT_FAILURE);
  const code = (error as NodeJS.ErrnoException).code;
  // A listen error names its port: the HTTPS one has its own flag.
  if (code === 'EADDRINUSE' && flags.httpsPort !== undefined && (error as { port?: number }).port === flags.httpsPort && flags.httpsPort !== 0) {
    return new CliError(`port ${flags.httpsPort} is already in use (choose another with --https-port, or --https-port 0 for any free port)`, EXIT_FAILURE);
  }
  if (code === 'EADDRINUSE')
    return new CliError(`port ${flags.port} is already in use (choose another with --port, or --port 0 for any free port)`, EXIT_FAILURE);
  if (code === 'EACCES' && (error as NodeJS.ErrnoException).syscall === 'listen') {
    return new CliError(`permission denied to listen on port ${flags.port} (ports below 1024 need privileges)`, EXIT_FAILURE);
  }
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new CliError(`cannot listen on ${flags.host}: no such local address`, EXIT_FAILURE);
  // Other name-resolution failures for --host (EAI_AGAIN: DNS unreachable, EAI_FAIL, ...).
  if ((error as NodeJS.ErrnoException).syscall === 'getaddrinfo' || (typeof code === 'string' && code.startsWith('EAI_'))) {
    return new CliError(`cannot listen on ${flags.host}: the name could not be resolved (${code ?? 'getaddrinfo'})`, EXIT_FAILURE);
  }
  // File-system errors come from the data directory (mkdir, lock, read).
  if (typeof code === 'string' && flags.data !== undefined && (error as NodeJS.ErrnoException).path !== undefined) {
    return new CliError(`data directory '${flags.data}': ${describeFsError(error)} (${(error as NodeJS.ErrnoException).path})`, EXIT_FAILURE);
  }
  // Seeds that do not fit the stored state (a seeded key id in another account).
  if (error instanceof TypeError && flags.seed !== undefined) return new CliError(`seed file '${flags.seed}': ${withoutPrefix(error.message)}`, EXIT_FAILURE);
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
