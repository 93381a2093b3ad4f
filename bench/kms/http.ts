/**
 * @module
 * KMS section 2: GenerateDataKey over HTTP with the official `@aws-sdk/client-kms`, one call at a
 * time and with `concurrency` calls in flight, against three servers, each in its own child
 * process (forked once, reused; see `server.ts`), measured the same way and interleaved sample by
 * sample:
 *
 * - `strongbox`: `startServer({ port: 0 })`, what `strongbox serve` runs by default (test/test is
 *   accepted without verifying its signature; default quotas and audit trail; in-memory state);
 * - `strongbox-strict`: `strongbox serve --strict-auth`, every signature verified (the SigV4 cost);
 * - `handler` [info]: the KMS JSON 1.1 handler alone, no router, no SigV4;
 * - `canned`: a fixed GenerateDataKey response from a minimal `node:http` server: the protocol
 *   limit (client, HTTP stack and loopback, no KMS work).
 *
 * Each server runs in a child process because that is how it is used (a separate `strongbox serve`
 * process next to the application), and so that the client's garbage stays out of the server's
 * heap; client and server still share the machine's two cores, as they do on a developer's laptop.
 * Around every timed sample the harness reads the server's CPU time (over IPC) and the client's
 * (this process), so the tables show where the time of one call goes.
 */

import { randomBytes } from 'node:crypto';
import { CreateKeyCommand, DecryptCommand, GenerateDataKeyCommand, type GenerateDataKeyCommandOutput } from '@aws-sdk/client-kms';
import { Kms } from '@strongbox/kms';
import { toWire } from '@strongbox/kms/http';
import { type Checks, sameBytes } from '../lib/checks.ts';
import { type BenchCase, type GroupOptions, type Measurement, measureGroup, median } from '../lib/harness.ts';
import { CLIENT_SETTINGS, type Client, kmsClient, openSockets, ServerProcess } from './fixtures.ts';
import type { ServerKind } from './server.ts';

/** Settings of section 2. */
export interface HttpConfig {
  readonly serial: GroupOptions;
  readonly concurrent: GroupOptions;
  /** Calls in flight in the concurrent group. */
  readonly concurrency: number;
}

/** One measured row, with the CPU time per call of the server and of the client. */
export interface HttpRow extends Measurement {
  readonly server: ServerKind;
  readonly info: boolean;
  /** Median over samples of the server process's CPU time per call, µs. */
  readonly serverCpuUsPerOp?: number;
  /** Median over samples of this (client) process's CPU time per call, µs. */
  readonly clientCpuUsPerOp?: number;
}

/** The rows of one mode. */
export interface HttpGroup {
  readonly mode: 'serial' | 'concurrent';
  readonly concurrency: number;
  readonly rows: readonly HttpRow[];
}

/** A server as it ran. */
export interface HttpServerInfo {
  readonly id: ServerKind;
  readonly label: string;
  readonly info: boolean;
  readonly command: string;
  readonly url: string;
  /** RSS of the server process at the end of the section. */
  readonly rssMiBAfter?: number;
}

/** Everything section 2 produced. */
export interface HttpResults {
  readonly client: typeof CLIENT_SETTINGS;
  readonly servers: readonly HttpServerInfo[];
  /** The canned response body (a real GenerateDataKey response of the emulator). */
  readonly cannedBodyBytes: number;
  readonly groups: readonly HttpGroup[];
}

const LABELS: Record<ServerKind, string> = {
  strongbox: 'strongbox serve (default: router + SigV4 checks + JSON 1.1 + Kms)',
  'strongbox-strict': 'strongbox serve --strict-auth (every signature verified)',
  handler: 'KMS JSON 1.1 handler alone, no SigV4, no router [info]',
  'handler-unthrottled': 'KMS JSON 1.1 handler alone, Kms({ quotas: false })',
  canned: 'canned response, node:http (the protocol limit)',
};

/** Extra node flags for the server children, e.g. `BENCH_KMS_CPU_PROF=/tmp/prof` for CPU profiles. */
function serverExecArgv(): string[] {
  const dir = process.env['BENCH_KMS_CPU_PROF'];
  return dir ? ['--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}

/** A real GenerateDataKey response body, as the emulator's JSON 1.1 handler writes it. */
async function cannedResponse(): Promise<{ body: string; plaintext: Uint8Array; blob: Uint8Array; keyId: string; keyMaterialId: string }> {
  const kms = new Kms({ quotas: false });
  const { KeyMetadata } = await kms.createKey({ Description: 'strongbox-bench canned' });
  const out = await kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' });
  return { body: JSON.stringify(toWire(out)), plaintext: out.Plaintext, blob: out.CiphertextBlob, keyId: out.KeyId, keyMaterialId: out.KeyMaterialId };
}

function checkPlaintext(out: GenerateDataKeyCommandOutput): void {
  if (out.Plaintext?.length !== 32) throw new Error(`GenerateDataKey over HTTP returned ${out.Plaintext?.length ?? 'no'} plaintext bytes`);
}

async function errorName(run: () => Promise<unknown>): Promise<string> {
  try {
    await run();
    return '';
  } catch (error) {
    return (error as Error).name;
  }
}

interface Peer {
  readonly id: ServerKind;
  readonly server: ServerProcess;
  readonly client: Client;
  /** The key the calls name (a key id, as applications usually pass). */
  readonly keyId: string;
}

/** Validates one server through the SDK (see the README's list) and returns the peer to time. */
async function preparePeer(server: ServerProcess, checks: Checks, canned: Awaited<ReturnType<typeof cannedResponse>>, concurrency: number): Promise<Peer> {
  const id = server.kind;
  const name = {
    strongbox: 'strongbox serve',
    'strongbox-strict': 'strongbox serve --strict-auth',
    handler: 'JSON 1.1 handler',
    'handler-unthrottled': 'JSON 1.1 handler, no quotas',
    canned: 'canned server',
  }[id];
  const client = kmsClient(server.url);
  let keyId: string;
  if (id === 'canned') {
    keyId = canned.keyId.slice(canned.keyId.lastIndexOf('/') + 1);
    const out = await client.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    checks.assert(
      out.$metadata.httpStatusCode === 200 && /^[0-9a-f-]{36}$/.test(out.$metadata.requestId ?? ''),
      `${name}: the SDK accepts the response (status 200, x-amzn-RequestId read)`,
    );
    checks.assert(
      out.Plaintext !== undefined &&
        sameBytes(out.Plaintext, canned.plaintext) &&
        out.CiphertextBlob !== undefined &&
        sameBytes(out.CiphertextBlob, canned.blob),
      `${name}: the SDK parses the canned Plaintext (32 bytes) and CiphertextBlob`,
    );
    checks.assert(out.KeyId === canned.keyId && out.KeyMaterialId === canned.keyMaterialId, `${name}: the SDK parses KeyId and KeyMaterialId`);
  } else {
    const created = await client.client.send(new CreateKeyCommand({ Description: 'strongbox-bench' }));
    keyId = created.KeyMetadata?.KeyId ?? '';
    checks.assert(/^[0-9a-f-]{36}$/.test(keyId), `${name}: CreateKey through the SDK returns a key id`);
    const out = await client.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
    checks.assert(
      out.Plaintext?.length === 32 && (out.CiphertextBlob?.length ?? 0) > 32,
      `${name}: GenerateDataKey through the SDK returns 32 plaintext bytes and a blob`,
    );
    checks.assert(
      out.KeyId === created.KeyMetadata?.Arn && /^[0-9a-f]{64}$/.test(out.KeyMaterialId ?? ''),
      `${name}: GenerateDataKey names the key ARN and a KeyMaterialId`,
    );
    const back = await client.client.send(new DecryptCommand({ CiphertextBlob: out.CiphertextBlob }));
    checks.assert(
      back.Plaintext !== undefined && out.Plaintext !== undefined && sameBytes(back.Plaintext, out.Plaintext),
      `${name}: Decrypt of that blob through the SDK returns the same Plaintext`,
    );
    // Only --strict-auth verifies test/test's signature: a wrong secret is refused there, served elsewhere.
    const wrong = kmsClient(server.url, { accessKeyId: 'test', secretAccessKey: randomBytes(8).toString('hex') });
    const refused = await errorName(() => wrong.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' })));
    wrong.client.destroy();
    if (id === 'strongbox-strict')
      checks.assert(refused === 'InvalidSignatureException', `${name}: a call signed with a wrong secret for test is refused (SigV4 verified)`);
    else checks.assert(refused === '', `${name}: a call signed with a wrong secret for test is served (test/test is not verified here)`);
  }
  // Keep-alive and concurrency: `concurrency` calls at once succeed and leave that many sockets open.
  const outs = await Promise.all(
    Array.from({ length: concurrency }, () => client.client.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }))),
  );
  outs.forEach(checkPlaintext);
  checks.assert(openSockets(client.agent) >= concurrency, `${name}: ${concurrency} concurrent calls succeed over ${concurrency} kept-alive connections`);
  return { id, server, client, keyId };
}

function cpuPerOp(m: Measurement, key: 'serverCpuUs' | 'clientCpuUs'): number | undefined {
  const values = m.samples.filter((s) => s.probe?.[key] !== undefined).map((s) => s.probe![key]! / s.ops);
  return values.length > 0 ? median(values) : undefined;
}

/** Runs section 2. */
export async function runHttp(config: HttpConfig, checks: Checks, progress: (message: string) => void): Promise<HttpResults> {
  progress('kms http: starting the server processes');
  const canned = await cannedResponse();
  const servers: ServerProcess[] = [];
  const peers: Peer[] = [];
  try {
    const execArgv = serverExecArgv();
    for (const kind of ['strongbox', 'strongbox-strict', 'handler', 'canned'] as const) {
      servers.push(await ServerProcess.start(kind, kind === 'canned' ? canned.body : undefined, execArgv));
    }
    progress('kms http: validating every server through the SDK');
    for (const server of servers) peers.push(await preparePeer(server, checks, canned, config.concurrency));

    const groups: HttpGroup[] = [];
    for (const [mode, concurrency, options] of [
      ['serial', 1, config.serial],
      ['concurrent', config.concurrency, config.concurrent],
    ] as const) {
      const cases: BenchCase[] = peers.map((p) => ({
        id: p.id,
        label: LABELS[p.id],
        bytesPerOp: 0,
        concurrency,
        probe: p.server.probe(),
        run: () => p.client.client.send(new GenerateDataKeyCommand({ KeyId: p.keyId, KeySpec: 'AES_256' })).then(checkPlaintext),
      }));
      const measured = await measureGroup(cases, options, (m) => progress(`kms http ${mode}: ${m}`));
      groups.push({
        mode,
        concurrency,
        rows: measured.map((m) => {
          const server = m.id as ServerKind;
          const serverCpu = cpuPerOp(m, 'serverCpuUs');
          const clientCpu = cpuPerOp(m, 'clientCpuUs');
          return {
            ...m,
            server,
            info: server === 'handler',
            ...(serverCpu === undefined ? {} : { serverCpuUsPerOp: serverCpu }),
            ...(clientCpu === undefined ? {} : { clientCpuUsPerOp: clientCpu }),
          };
        }),
      });
    }
    const info: HttpServerInfo[] = [];
    for (const p of peers) {
      const { rssBytes } = await p.server.usage();
      info.push({
        id: p.id,
        label: LABELS[p.id],
        info: p.id === 'handler',
        command: p.server.command,
        url: p.server.url,
        rssMiBAfter: Math.round((rssBytes / 2 ** 20) * 10) / 10,
      });
    }
    return { client: CLIENT_SETTINGS, servers: info, cannedBodyBytes: Buffer.byteLength(canned.body), groups };
  } finally {
    for (const p of peers) p.client.client.destroy();
    await Promise.all(servers.map((s) => s.stop()));
  }
}
