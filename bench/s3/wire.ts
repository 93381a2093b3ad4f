/**
 * @module
 * S3 on the wire (issue 11): PUT+GET pairs/s through the official `@aws-sdk/client-s3` over a
 * real socket, at 1 KiB and 1 MiB, every row beside its limit from the same run.
 *
 * ```
 * npx tsx bench/s3/wire.ts                   # about two minutes; each server in its own process
 * npx tsx bench/s3/wire.ts --same-process    # every server inside the client's process
 * npx tsx bench/s3/wire.ts --quick           # smoke run: figures not meaningful
 * ```
 *
 * - **canned**: a minimal `node:http(s)` server answering the same SDK calls with fixed responses
 *   (`wire-canned.ts`: reads the PUT body, answers 200 with an ETag; answers the GET with the
 *   bytes the benchmark PUTs): the protocol limit, SDK and socket included.
 * - **strongbox**: the endpoint with in-memory state (SigV4 not verified: the `test` key is unknown
 *   outside `--strict-auth`), SSE-S3, SSE-KMS (the endpoint's own KMS, `aws/s3`) and SSE-C.
 * - **s3rver**: a peer that does not encrypt (npm `s3rver`, on a temporary directory; the SDK set to
 *   checksums only when required, which s3rver needs).
 *
 * Layout (`wire-servers.ts`). By default each server runs in its own child process and the SDK
 * client alone in this one: Strongbox as the product command, `strongbox serve --port 0
 * --https-port 0 --tls-cert … --tls-key … --quiet` from the build (`--quiet`: no request log line
 * per request, as a user benchmarking the endpoint would run it), the canned server and s3rver as
 * `wire-server.ts` children. That is how the endpoint is used and how the issue's canned limit was
 * measured. `--same-process` keeps the former layout, every server (`startServer` for Strongbox)
 * inside this process: its figures charge the client's and the server's CPU to one thread, so
 * they are lower and not comparable with the issue's limit.
 *
 * Every GET is read whole and must return the bytes the PUT sent (on every row: the canned server
 * answers with the same bytes); every Strongbox PUT and GET must name the encryption asked for
 * (`ServerSideEncryption`, or `SSECustomerAlgorithm` for SSE-C).
 *
 * Every row runs untimed for 3 s before the first sample (`warmupMs`): the figures are each
 * server's steady state. A fresh `strongbox serve` spends its first few thousand 1 KiB requests
 * with V8 still compiling its hot paths (its CPU per pair falls by about half over them, see
 * `wire-cpu.ts`), which a test suite pays once per run and a benchmark of pairs/s should not mix
 * into its samples; the canned server and s3rver get the same warm-up.
 *
 * SSE-S3 runs over HTTP. SSE-KMS and SSE-C run over HTTPS beside a canned HTTPS server: S3
 * refuses both over plain HTTP, and so does Strongbox (the issue asks for HTTP; the TLS rows are
 * the honest form of it). Target: SSE-KMS ≥ 0.7x the canned limit at 1 KiB and 1 MiB.
 */

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CreateBucketCommand, GetObjectCommand, PutBucketEncryptionCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { type BenchCase, type GroupOptions, measureGroup } from '../lib/harness.ts';
import { formatNumber, formatRatio, formatSize, renderTable } from '../lib/table.ts';
import { pairedRatio, type Target, target, verdict } from '../lib/targets.ts';
import { startChildProcesses, startInProcess, type WireFiles, type WireServers } from './wire-servers.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const quick = process.argv.includes('--quick');
const sameProcess = process.argv.includes('--same-process');
const SIZES = [KiB, MiB];
const OPTIONS: GroupOptions = quick
  ? { samples: 2, minSampleMs: 50, minSampleOps: 1, warmupMs: 20, warmupOps: 1, settleMs: 10, maxSettleOpMs: 50 }
  : { samples: 5, minSampleMs: 500, minSampleOps: 3, warmupMs: 3000, warmupOps: 3, settleMs: 50, maxSettleOpMs: 50 };
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

function client(endpoint: string, extra: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({ endpoint, region: 'us-east-1', credentials: CREDENTIALS, forcePathStyle: true, ...extra });
}

/** What a PUT or GET answer must say about the encryption asked for (nothing for the peers). */
interface Expected {
  readonly ServerSideEncryption?: string | undefined;
  readonly SSECustomerAlgorithm?: string | undefined;
}

function checkEncryption(what: string, answer: Expected, expected: Expected): void {
  for (const name of ['ServerSideEncryption', 'SSECustomerAlgorithm'] as const) {
    if (expected[name] !== undefined && answer[name] !== expected[name]) {
      throw new Error(`${what} answered ${name} ${JSON.stringify(answer[name])}, not ${expected[name]}`);
    }
  }
}

/** One PUT of `body`, then one GET read whole and compared with `body`. */
function pair(s3: S3Client, bucket: string, size: number, body: Uint8Array, sse: Record<string, string>, expected: Expected): () => Promise<void> {
  let round = 0;
  const sent = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return async () => {
    // A fresh key per pair: s3rver can answer a GET of a key it is still replacing with an empty
    // body, which would measure its race instead of its speed; every server gets the same keys.
    const key = `size-${size}-${round++}`;
    checkEncryption('PUT', await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...sse })), expected);
    const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...sse }));
    checkEncryption('GET', got, expected);
    const bytes = await got.Body!.transformToByteArray();
    if (bytes.length !== size) throw new Error(`GET returned ${bytes.length} bytes, not ${size}`);
    if (!sent.equals(bytes)) throw new Error(`GET returned other bytes than the PUT of ${key} sent`);
  };
}

async function main(): Promise<void> {
  const bodies = new Map(SIZES.map((size) => [size, new Uint8Array(randomBytes(size))]));
  const directory = await mkdtemp(join(tmpdir(), 's3-wire-bench-'));
  try {
    // One certificate for Strongbox's HTTPS listener and the canned HTTPS server (the same TLS cost).
    const certPath = join(directory, 'cert.pem');
    const keyPath = join(directory, 'key.pem');
    await promisify(execFile)('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ]);
    for (const [size, body] of bodies) await writeFile(join(directory, `body-${size}`), body);
    const files: WireFiles = { directory, certPath, keyPath, bodies };
    const servers = sameProcess ? await startInProcess(files) : await startChildProcesses(files);
    try {
      await measure(await readFile(certPath, 'utf8'), servers, bodies);
    } finally {
      await servers.close();
    }
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function measure(ca: string, servers: WireServers, bodies: ReadonlyMap<number, Uint8Array>): Promise<void> {
  const tls = { requestHandler: { httpsAgent: new Agent({ ca, keepAlive: true }) } };
  const plain = client(servers.strongboxHttp);
  const secure = client(servers.strongboxHttps, tls);
  const canned = client(servers.cannedHttp);
  const cannedTls = client(servers.cannedHttps, tls);
  const peer = client(servers.s3rver, {
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await plain.send(new CreateBucketCommand({ Bucket: 'bench' }));
    await plain.send(
      new PutBucketEncryptionCommand({
        Bucket: 'bench',
        ServerSideEncryptionConfiguration: {
          Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BlockedEncryptionTypes: { EncryptionType: ['NONE'] } }],
        },
      }),
    );
    await peer.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const customerKey = randomBytes(32).toString('base64');
    const rows: string[][] = [];
    const targets: Target[] = [];
    for (const size of SIZES) {
      const body = bodies.get(size)!;
      const cases: BenchCase[] = [
        { id: `canned-http-${size}`, label: 'canned, HTTP', bytesPerOp: size, run: pair(canned, 'bench', size, body, {}, {}) },
        {
          id: `sse-s3-${size}`,
          label: 'strongbox SSE-S3, HTTP',
          bytesPerOp: size,
          run: pair(plain, 'bench', size, body, { ServerSideEncryption: 'AES256' }, { ServerSideEncryption: 'AES256' }),
        },
        { id: `s3rver-${size}`, label: 's3rver (no encryption), HTTP', bytesPerOp: size, run: pair(peer, 'bench', size, body, {}, {}) },
        { id: `canned-https-${size}`, label: 'canned, HTTPS', bytesPerOp: size, run: pair(cannedTls, 'bench', size, body, {}, {}) },
        {
          id: `sse-kms-${size}`,
          label: 'strongbox SSE-KMS, HTTPS',
          bytesPerOp: size,
          run: pair(secure, 'bench', size, body, { ServerSideEncryption: 'aws:kms' }, { ServerSideEncryption: 'aws:kms' }),
        },
        {
          id: `sse-c-${size}`,
          label: 'strongbox SSE-C, HTTPS',
          bytesPerOp: size,
          run: pair(secure, 'bench', size, body, { SSECustomerAlgorithm: 'AES256', SSECustomerKey: customerKey }, { SSECustomerAlgorithm: 'AES256' }),
        },
      ];
      const measured = await measureGroup(cases, OPTIONS, (message) => process.stderr.write(`${formatSize(size)}: ${message}\n`));
      const byId = new Map(measured.map((m, index) => [cases[index]!.id, m]));
      const limitHttp = byId.get(`canned-http-${size}`)!;
      const limitHttps = byId.get(`canned-https-${size}`)!;
      for (const [index, m] of measured.entries()) {
        const id = cases[index]!.id;
        const limit = id.includes('https') || id.startsWith('sse-kms') || id.startsWith('sse-c') ? limitHttps : limitHttp;
        rows.push([formatSize(size), cases[index]!.label, formatNumber(m.opsPerSec, 0), formatRatio(pairedRatio(m, limit))]);
      }
      const kms = pairedRatio(byId.get(`sse-kms-${size}`)!, limitHttps);
      targets.push(target(`sse-kms-${size}`, `SSE-KMS x canned HTTPS at ${formatSize(size)}`, kms, '>=', 0.7, 'x', !quick));
    }
    process.stdout.write(
      `S3 PUT+GET pairs/s through @aws-sdk/client-s3 — ${servers.layout}${quick ? ' (QUICK: not meaningful)' : ''}\n\n${renderTable(
        [
          { header: 'size', align: 'right' },
          { header: 'server', align: 'left' },
          { header: 'pairs/s', align: 'right' },
          { header: 'x canned (same transport)', align: 'right' },
        ],
        rows,
      )}\n\n${targets.map((t) => `target ${t.description}: ${formatRatio(t.measured)} ${verdict(t)}\n`).join('')}`,
    );
  } finally {
    for (const s3 of [plain, secure, canned, peer, cannedTls]) s3.destroy();
  }
}

await main();
