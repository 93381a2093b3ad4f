/**
 * @module
 * [info] Server CPU per PUT+GET pair of the wire benchmark's HTTPS rows (`wire.ts`), for work on
 * the byte path on a shared machine, where pairs/s are noisy and a server's CPU time per pair is
 * not: `strongbox serve` from the build (SSE-KMS) and the canned HTTPS server each in a child
 * process, the SDK client (default settings) in this one; per round and server, warm-up pairs,
 * then N pairs one at a time, and the child's user + system CPU over them (`/proc/<pid>/stat`),
 * with the client's CPU and the wall time per pair beside it. Every GET must return the PUT's
 * bytes. Not a target: the targets are `wire.ts`'s.
 *
 * ```
 * npx tsx bench/s3/wire-cpu.ts [--pairs 150] [--rounds 3] [--size 1048576] [--kms-only]
 *                              [--node-arg=<flag>]...
 * ```
 *
 * `--node-arg=<flag>` passes a flag to the `strongbox serve` child: `--node-arg=--trace-gc`
 * (its output then goes to stderr), `--node-arg=--cpu-prof --node-arg=--cpu-prof-dir=<dir>`
 * (written when the child exits). `WIRE_PERF=<prefix>` records `perf record -e cpu-clock -g` on
 * each server during the measured pairs (`<prefix>.<server>.<round>`; with
 * `--node-arg=--perf-basic-prof` for JavaScript frame names). `WIRE_CLI=<path>` runs another
 * build's `cli.js` in place of `packages/strongbox/bin/strongbox.js` (a copy of
 * `packages/strongbox/dist/bundle/` kept under `packages/strongbox/dist/`, for before/after runs
 * back to back).
 */

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { numberOption } from '../lib/args.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const STRONGBOX_BIN = join(ROOT, 'packages', 'strongbox', 'bin', 'strongbox.js');
const args = process.argv.slice(2);
const PAIRS = numberOption('--pairs', 150);
const ROUNDS = numberOption('--rounds', 3);
const SIZE = numberOption('--size', 1024 * 1024);
const WARMUP_PAIRS = 20;
const NODE_ARGS = args.filter((arg) => arg.startsWith('--node-arg=')).map((arg) => arg.slice('--node-arg='.length));
const SERVERS = args.includes('--kms-only') ? (['strongbox'] as const) : (['canned', 'strongbox'] as const);
/** `/proc/<pid>/stat` counts CPU time in clock ticks of 10 ms (USER_HZ on Linux). */
const MS_PER_TICK = 10;

/** User + system CPU of a process so far, ms. */
async function cpuMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * MS_PER_TICK;
}

/** A child that prints its URL line on stdout; resolves with the first match of `pattern`. */
async function urlOf(child: ChildProcess, pattern: RegExp): Promise<string> {
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      if (out.includes('\n') && NODE_ARGS.length > 0) process.stderr.write(chunk); // e.g. --trace-gc
      out += chunk;
      const found = pattern.exec(out)?.[1];
      if (found !== undefined) resolve(found);
    });
    child.once('exit', (code) => reject(new Error(`server child exited (${code}) before listening: ${out}`)));
  });
}

function cannedChildSource(bodyPath: string, certPath: string, keyPath: string): string {
  return `
    const { readFileSync } = require('node:fs');
    const { createServer } = require('node:https');
    const { cannedListener } = require(${JSON.stringify(join(import.meta.dirname, 'wire-canned.ts'))});
    const bodies = new Map([[${SIZE}, readFileSync(${JSON.stringify(bodyPath)})]]);
    const server = createServer({ cert: readFileSync(${JSON.stringify(certPath)}), key: readFileSync(${JSON.stringify(keyPath)}) }, cannedListener(bodies));
    server.listen(0, '127.0.0.1', () => process.stdout.write('https://127.0.0.1:' + server.address().port + '\\n'));
  `;
}

async function main(): Promise<void> {
  const directory = await mkdtemp(join(tmpdir(), 's3-wire-cpu-'));
  const children: ChildProcess[] = [];
  try {
    const certPath = join(directory, 'cert.pem');
    const keyPath = join(directory, 'key.pem');
    // biome-ignore format: one openssl command line
    await promisify(execFile)('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath]);
    const body = new Uint8Array(randomBytes(SIZE));
    const sent = Buffer.from(body);
    const bodyPath = join(directory, `body-${SIZE}`);
    await writeFile(bodyPath, body);
    // biome-ignore format: one command line
    const strongbox = spawn(process.execPath, [...NODE_ARGS, '--conditions=strongbox-dist', process.env['WIRE_CLI'] ?? STRONGBOX_BIN, 'serve', '--port', '0', '--https-port', '0', '--tls-cert', certPath, '--tls-key', keyPath, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    children.push(strongbox);
    const perfBasicProf = NODE_ARGS.filter((arg) => arg === '--perf-basic-prof');
    const canned = spawn(process.execPath, [...perfBasicProf, '--import', import.meta.resolve('tsx'), '-e', cannedChildSource(bodyPath, certPath, keyPath)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(canned);
    const urls = {
      strongbox: await urlOf(strongbox, /listening on http:\/\/\S+ and (https:\/\/\S+)/),
      canned: await urlOf(canned, /(https:\/\/\S+)\n/),
    };
    const pids = { strongbox: strongbox.pid!, canned: canned.pid! };
    const sse = { strongbox: { ServerSideEncryption: 'aws:kms' as const }, canned: {} };
    const ca = await readFile(certPath, 'utf8');
    const clients = Object.fromEntries(
      SERVERS.map((name) => [
        name,
        new S3Client({
          endpoint: urls[name],
          region: 'us-east-1',
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          forcePathStyle: true,
          requestHandler: { httpsAgent: new Agent({ ca, keepAlive: true }) },
        }),
      ]),
    ) as Record<(typeof SERVERS)[number], S3Client>;
    if (clients.strongbox !== undefined) await clients.strongbox.send(new CreateBucketCommand({ Bucket: 'bench' }));
    let serial = 0;
    for (let round = 0; round < ROUNDS; round++) {
      for (const name of SERVERS) {
        const s3 = clients[name];
        const pair = async (): Promise<void> => {
          const key = `size-${SIZE}-${serial++}`;
          await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: body, ...sse[name] }));
          const got = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: key, ...sse[name] }));
          if (!sent.equals(await got.Body!.transformToByteArray())) throw new Error(`${name}: GET returned other bytes than the PUT sent`);
        };
        for (let i = 0; i < WARMUP_PAIRS; i++) await pair();
        const perfPrefix = process.env['WIRE_PERF'];
        const perf =
          perfPrefix === undefined
            ? undefined
            : spawn('perf', ['record', '-e', 'cpu-clock', '-F', '1999', '-g', '-p', String(pids[name]), '-o', `${perfPrefix}.${name}.${round}`], {
                stdio: 'ignore',
              });
        if (perf !== undefined) await new Promise((resolve) => setTimeout(resolve, 500)); // perf attaching
        const server0 = await cpuMs(pids[name]);
        const client0 = process.cpuUsage();
        const wall0 = process.hrtime.bigint();
        for (let i = 0; i < PAIRS; i++) await pair();
        const wall = Number(process.hrtime.bigint() - wall0) / 1e6;
        const client = process.cpuUsage(client0);
        const server = (await cpuMs(pids[name])) - server0;
        if (perf !== undefined) {
          perf.kill('SIGINT');
          await new Promise((resolve) => perf.once('exit', resolve));
        }
        process.stdout.write(
          `${name.padEnd(9)} ${SIZE} B: server ${(server / PAIRS).toFixed(2)} ms CPU/pair, client ${((client.user + client.system) / 1000 / PAIRS).toFixed(2)} ms CPU/pair, wall ${(wall / PAIRS).toFixed(2)} ms/pair\n`,
        );
      }
    }
    for (const s3 of Object.values(clients)) s3.destroy();
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode === null ? child.once('exit', resolve) : resolve(undefined)))));
    await rm(directory, { recursive: true, force: true });
  }
}

await main();
