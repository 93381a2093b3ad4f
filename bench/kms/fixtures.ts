/**
 * @module
 * What the KMS measurements share: the SDK client settings, the server child processes (forked
 * once per server, reused for the whole section) and their CPU probes.
 */

import { type ChildProcess, fork } from 'node:child_process';
import { Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import { KMSClient } from '@aws-sdk/client-kms';
import type { SampleProbe } from '../lib/harness.ts';
import type { FromServer, ServerKind, ToServer } from './server.ts';

// The SDK warns once per process, on stderr, that releases after January 2027 need Node 22;
// the benchmark runs on Node 20 on purpose (the repository's engine floor).
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/** The default access key every `strongbox serve` knows (`withDefaultUser`). */
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;
export const REGION = 'us-east-1';
/** Sockets the client's keep-alive agent may open per server. */
export const MAX_SOCKETS = 64;

/** The SDK client settings of every HTTP row, for the results. */
export const CLIENT_SETTINGS = {
  package: '@aws-sdk/client-kms',
  region: REGION,
  credentials: `${CREDENTIALS.accessKeyId}/${CREDENTIALS.secretAccessKey}`,
  maxAttempts: 1,
  requestHandler: `NodeHttpHandler with http.Agent({ keepAlive: true, maxSockets: ${MAX_SOCKETS} })`,
} as const;

/** A client of one server, with its own keep-alive agent (so servers never share sockets). */
export interface Client {
  readonly client: KMSClient;
  readonly agent: Agent;
}

/** An official SDK client of `endpoint`: test/test, us-east-1, no retries, keep-alive sockets. */
export function kmsClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string } = CREDENTIALS): Client {
  const agent = new Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const client = new KMSClient({ endpoint, region: REGION, credentials, maxAttempts: 1, requestHandler: { httpAgent: agent } });
  return { client, agent };
}

/** Open sockets of `agent` (busy and idle). */
export function openSockets(agent: Agent): number {
  let count = 0;
  for (const list of [...Object.values(agent.sockets), ...Object.values(agent.freeSockets)]) count += list?.length ?? 0;
  return count;
}

const SERVER_SCRIPT = fileURLToPath(new URL('./server.ts', import.meta.url));
/** tsx's loader entry, resolved from here (tsx is a root devDependency). */
const TSX_LOADER = import.meta.resolve('tsx');

/** CPU time and RSS of a server process, as it reported them. */
export interface ServerUsage {
  readonly cpuUs: number;
  readonly rssBytes: number;
}

/** One server child process (see `server.ts`). */
export class ServerProcess {
  readonly kind: ServerKind;
  readonly url: string;
  readonly pid: number;
  /** How it was started, for the results. */
  readonly command: string;
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, (usage: ServerUsage) => void>();
  #nextId = 0;
  readonly #exited: Promise<void>;

  private constructor(kind: ServerKind, child: ChildProcess, ready: Extract<FromServer, { type: 'ready' }>, command: string, exited: Promise<void>) {
    this.kind = kind;
    this.#child = child;
    this.url = ready.url;
    this.pid = ready.pid;
    this.command = command;
    this.#exited = exited;
    child.on('message', (message: FromServer) => {
      if (message.type !== 'usage') return;
      this.#pending.get(message.id)?.({ cpuUs: message.cpuUs, rssBytes: message.rssBytes });
      this.#pending.delete(message.id);
    });
  }

  /**
   * Forks `node --import tsx bench/kms/server.ts <kind> [body]` and waits until it listens.
   * `extraExecArgv` (e.g. `--cpu-prof`) goes to node before the script.
   */
  static async start(kind: ServerKind, body?: string, extraExecArgv: readonly string[] = []): Promise<ServerProcess> {
    const args = body === undefined ? [kind] : [kind, body];
    const child = fork(SERVER_SCRIPT, args, { execArgv: ['--import', TSX_LOADER, ...extraExecArgv], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const ready = await new Promise<Extract<FromServer, { type: 'ready' }>>((resolve, reject) => {
      const onExit = (code: number | null, signal: string | null): void =>
        reject(new Error(`server child (${kind}) exited before listening (code ${code}, signal ${signal})`));
      child.once('exit', onExit);
      child.once('error', reject);
      child.on('message', (message: FromServer) => {
        if (message.type !== 'ready') return;
        child.off('exit', onExit);
        resolve(message);
      });
    });
    const shown = [
      'node',
      ...(extraExecArgv.length > 0 ? extraExecArgv : []),
      '--import tsx bench/kms/server.ts',
      kind,
      ...(body === undefined ? [] : ['<body>']),
    ].join(' ');
    return new ServerProcess(kind, child, ready, shown, exited);
  }

  /** The server's own CPU time (user + system, all its threads) and RSS. */
  usage(): Promise<ServerUsage> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, resolve);
      const message: ToServer = { type: 'usage', id };
      this.#child.send(message, (error) => {
        if (error) reject(error);
      });
    });
  }

  /**
   * A probe for the harness: the server's and this process's CPU time over each timed sample
   * (`serverCpuUs`, `clientCpuUs`, microseconds) and the server's RSS after it (`serverRssBytes`).
   */
  probe(): SampleProbe {
    let server = 0;
    let client: NodeJS.CpuUsage | undefined;
    return {
      begin: async () => {
        server = (await this.usage()).cpuUs;
        client = process.cpuUsage();
      },
      end: async () => {
        const own = process.cpuUsage(client);
        const after = await this.usage();
        return { serverCpuUs: after.cpuUs - server, clientCpuUs: own.user + own.system, serverRssBytes: after.rssBytes };
      },
    };
  }

  /** Asks the server to close and exit; kills it if it has not within 5 s. Waits for the exit. */
  async stop(): Promise<void> {
    if (this.#child.exitCode !== null || this.#child.signalCode !== null) return;
    const message: ToServer = { type: 'exit' };
    if (this.#child.connected) this.#child.send(message);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
  }
}
