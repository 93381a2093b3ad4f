/**
 * @module
 * The same workloads through the official AWS SDK v3 clients, in process and over HTTP, side by
 * side (issue 13): what a test suite gains by `new S3Client(sb.clientConfig)` over a local port.
 *
 * ```
 * npx tsx bench/product/in-process-vs-http.ts           # about a minute; needs the build (`pnpm build`)
 * npx tsx bench/product/in-process-vs-http.ts --quick   # smoke run: figures not meaningful
 * npx tsx bench/product/in-process-vs-http.ts --warmup-ops 6000   # each row warmed to V8's steady state
 * ```
 *
 * Both sides run the built packages (bench/lib/built.ts: the script runs itself again under the
 * `strongbox-dist` condition), so the in-process handler and the engine behind it are the same
 * JavaScript the served binary runs, and what users who install the packages run.
 *
 * Rows, interleaved sample by sample (bench/lib/harness.ts), each workload one call at a time
 * (how a test awaits its calls) and with 8 in flight:
 *
 * | row | what the client is given |
 * | --- | --- |
 * | in process | `createStrongbox({ quotas: false }).clientConfig`: the kernel's in-process request handler, no socket |
 * | HTTP | `endpoint: <url>` of `strongbox serve --port 0 --quiet --no-quotas`, the built binary run as `pnpm start` runs it, in its own process (keep-alive sockets, the SDK's default Node.js handler) |
 * | canned answers [info] | a request handler that answers each request with a copy of the answer Strongbox gave it once (status, headers, body): the SDK's own work alone, the floor under the in-process row, and so the highest ratio any in-process service could reach |
 *
 * Workloads: KMS `GenerateDataKey` (AES_256, a customer managed key); S3 `PutObject` of 1 KiB
 * then `GetObject` read whole (SSE-S3, the bucket default), one pair per operation. Both run the
 * SDK's whole middleware (signing, checksums, retries, parsing). The server side is the same code
 * either way; only the transport differs. Target: in process ≥ 2x HTTP for both workloads
 * (judged on the one-at-a-time rows; paired ratios, bench/lib/targets.ts).
 *
 * Then, [info], where the CPU goes, one operation at a time (Linux: the server's from
 * `/proc/<pid>/stat`): per operation, the in-process process's CPU (SDK client, in-process handler
 * and engine in one), the same operations replayed through the in-process handler alone (the
 * SDK's requests recorded once, so no SDK work: what the handler and the engine cost), and over
 * HTTP the client's and the server's CPU. CPU time is less disturbed than ops/s by other load on
 * the machine, and shows which share of the in-process time is the SDK's own, which no transport
 * removes. Its last line per workload is the ratio the one-at-a-time rows would give if the
 * handler and engine cost nothing: their time subtracted from both rows, since they run on both
 * paths (in the server over HTTP), which bounds what any saving on Strongbox's side can reach.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateKeyCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { numberOption } from '../lib/args.ts';
import { runOnBuiltPackages } from '../lib/built.ts';
import { type BenchCase, type GroupOptions, measureGroup } from '../lib/harness.ts';
import { Canned, Recorder, s3Pair } from '../lib/s3-pair.ts';
import { formatNumber, formatRatio, renderTable } from '../lib/table.ts';
import { pairedRatio, target, verdict } from '../lib/targets.ts';

runOnBuiltPackages(import.meta.url);
const { createStrongbox } = await import('strongbox');

const quick = process.argv.includes('--quick');
const ROOT = join(import.meta.dirname, '..', '..');
const BODY = randomBytes(1024);
const CONCURRENCY = 8;
/**
 * Operations each row runs untimed before its samples (at least; and at least 1 s). The default
 * leaves V8 still optimising: its optimising compiler keeps working, on both sides of the HTTP
 * row too (the server process warms only through that row), for several thousand S3 pairs
 * (`--trace-opt`). `--warmup-ops 6000` measures both transports at steady state instead.
 */
const WARMUP_OPS = numberOption('--warmup-ops', 50);
const OPTIONS: GroupOptions = quick
  ? { samples: 2, minSampleMs: 100, minSampleOps: 5, warmupMs: 100, warmupOps: 5, settleMs: 20, maxSettleOpMs: 50, forceGc: false }
  : { samples: 7, minSampleMs: 700, minSampleOps: 50, warmupMs: 1000, warmupOps: WARMUP_OPS, settleMs: 150, maxSettleOpMs: 50, forceGc: false };

/** `strongbox serve` from dist (as `pnpm start` runs it), on a free port. */
async function startServe(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['--conditions=strongbox-dist', join(ROOT, 'packages', 'strongbox', 'bin', 'strongbox.js'), 'serve', '--port', '0', '--quiet', '--no-quotas'],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found?.[1] !== undefined) resolve(found[1]);
    });
    child.on('exit', (code) => reject(new Error(`strongbox serve exited (${code}) before listening: ${out}`)));
  });
  return { child, url };
}

/** CPU time of process `pid` in microseconds (Linux `/proc/<pid>/stat`, 100 clock ticks a second), or undefined. */
function processCpuMicros(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return undefined;
  }
}

/** CPU microseconds per call of `run` (this process's, and `pid`'s when given), `n` calls one at a time. */
async function cpuPerOp(run: () => Promise<unknown>, n: number, pid?: number): Promise<{ self: number; other: number | undefined }> {
  const other = processCpuMicros(pid);
  const self = process.cpuUsage();
  for (let i = 0; i < n; i++) await run();
  const used = process.cpuUsage(self);
  const otherAfter = processCpuMicros(pid);
  return { self: (used.user + used.system) / n, other: other === undefined || otherAfter === undefined ? undefined : (otherAfter - other) / n };
}

const sb = await createStrongbox({ quotas: false });
const server = await startServe();
const recorder = new Recorder(sb.clientConfig.requestHandler);
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const clients = {
  'in process': { kms: new KMSClient(sb.clientConfig), s3: new S3Client({ ...sb.clientConfig, forcePathStyle: true }) },
  recorded: {
    kms: new KMSClient({ ...sb.clientConfig, requestHandler: recorder as never }),
    s3: new S3Client({ ...sb.clientConfig, requestHandler: recorder as never, forcePathStyle: true }),
  },
  canned: {
    kms: new KMSClient({ ...sb.clientConfig, requestHandler: new Canned(sb.clientConfig.requestHandler) as never }),
    s3: new S3Client({ ...sb.clientConfig, requestHandler: new Canned(sb.clientConfig.requestHandler) as never, forcePathStyle: true }),
  },
  HTTP: {
    kms: new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials }),
    s3: new S3Client({ endpoint: server.url, region: 'us-east-1', credentials, forcePathStyle: true }),
  },
};
try {
  // The same set-up on both: a key, a bucket; and a check that each path really works.
  const workloads: { id: string; label: string; make: (kms: KMSClient, s3: S3Client) => Promise<() => Promise<unknown>> }[] = [
    {
      id: 'kms-generate-data-key',
      label: 'KMS GenerateDataKey (AES_256)',
      make: async (kms) => {
        const { KeyMetadata } = await kms.send(new CreateKeyCommand({ Description: 'bench' }));
        const command = new GenerateDataKeyCommand({ KeyId: KeyMetadata!.KeyId!, KeySpec: 'AES_256' });
        const check = await kms.send(command);
        if (check.Plaintext?.length !== 32) throw new Error('GenerateDataKey returned no 32-byte key');
        return () => kms.send(command);
      },
    },
    {
      id: 's3-put-get-1kib',
      label: 'S3 PutObject + GetObject, 1 KiB (SSE-S3)',
      make: async (_kms, s3) => {
        const bucket = `bench-${randomBytes(4).toString('hex')}`;
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        const pair = s3Pair(s3, { bucket, body: BODY, keyPrefix: 'o/' });
        await pair();
        return pair;
      },
    },
  ];
  const rows: string[][] = [];
  const cpuRows: string[][] = [];
  const targets: ReturnType<typeof target>[] = [];
  for (const workload of workloads) {
    // One operation through the SDK, recorded, to replay through the handler alone (its key or
    // object names stay the same on every replay: the same work as the SDK's calls).
    const once = await workload.make(clients.recorded.kms, clients.recorded.s3);
    await recorder.record(once);
    const replay = { requests: [...recorder.requests] };
    /** The one-at-a-time rows' time per operation (µs), for the free-engine bound below. */
    let serialUs: { inProcess: number; http: number } | undefined;
    const runs = {
      'in process': await workload.make(clients['in process'].kms, clients['in process'].s3),
      HTTP: await workload.make(clients.HTTP.kms, clients.HTTP.s3),
      'canned answers [info]': await workload.make(clients.canned.kms, clients.canned.s3),
    };
    for (const concurrency of [1, CONCURRENCY]) {
      // The canned row one at a time only: the ceiling of the judged ratio.
      const transports = concurrency === 1 ? (['in process', 'HTTP', 'canned answers [info]'] as const) : (['in process', 'HTTP'] as const);
      const cases: BenchCase[] = transports.map((transport) => ({
        id: `${workload.id}/${transport}/${concurrency}`,
        label: transport,
        bytesPerOp: 0,
        run: runs[transport],
        concurrency,
      }));
      process.stderr.write(`${workload.label}, ${concurrency} in flight…\n`);
      const [inProcess, http, canned] = await measureGroup(cases, OPTIONS);
      const ratio = pairedRatio(inProcess!, http!);
      for (const m of [inProcess!, http!, ...(canned === undefined ? [] : [canned])]) {
        rows.push([
          workload.label,
          String(concurrency),
          m.label,
          formatNumber(m.opsPerSec),
          `±${formatNumber(m.spreadPct, 0)}%`,
          m === inProcess ? formatRatio(ratio) : m === canned ? `${formatRatio(pairedRatio(canned, http!))} (ceiling)` : '',
        ]);
      }
      rows.push(['', '', '', '', '', '']);
      if (concurrency === 1) serialUs = { inProcess: 1e6 / inProcess!.opsPerSec, http: 1e6 / http!.opsPerSec };
      if (concurrency === 1) targets.push(target(workload.id, `${workload.label}: in process ÷ HTTP`, ratio, '>=', 2, 'x', !quick));
    }
    const n = quick ? 20 : 400;
    recorder.requests.splice(0, recorder.requests.length, ...replay.requests);
    const inProcess = await cpuPerOp(runs['in process'], n);
    const handlerOnly = await cpuPerOp(() => recorder.replay(), n);
    const sdkAlone = await cpuPerOp(runs['canned answers [info]'], n);
    const overHttp = await cpuPerOp(runs.HTTP, n, server.child.pid);
    const httpTotal = overHttp.other === undefined ? undefined : overHttp.self + overHttp.other;
    cpuRows.push(
      [workload.label, 'in process (SDK + handler + engine)', formatNumber(inProcess.self), '100%'],
      ['', '  of which handler + engine (replayed, no SDK)', formatNumber(handlerOnly.self), `${formatNumber((100 * handlerOnly.self) / inProcess.self, 0)}%`],
      ['', 'SDK alone (canned answers)', formatNumber(sdkAlone.self), `${formatNumber((100 * sdkAlone.self) / inProcess.self, 0)}%`],
      ['', 'HTTP client (SDK + node:http)', formatNumber(overHttp.self), ''],
      ['', 'HTTP server process', overHttp.other === undefined ? 'n/a' : formatNumber(overHttp.other), ''],
      [
        '',
        'HTTP, both',
        httpTotal === undefined ? 'n/a' : formatNumber(httpTotal),
        httpTotal === undefined ? '' : `${formatRatio(httpTotal / inProcess.self)} of in process`,
      ],
      // Handler and engine run on both paths (in the server process over HTTP), so making them
      // cheaper lowers both rows by the same time: the ratio they would give if they cost nothing
      // at all bounds what any work on Strongbox's side can reach.
      [
        '',
        'ratio if handler + engine cost nothing',
        '',
        serialUs === undefined ? 'n/a' : formatRatio((serialUs.http - handlerOnly.self) / (serialUs.inProcess - handlerOnly.self)),
      ],
      ['', '', '', ''],
    );
  }
  process.stdout.write(
    `Strongbox in process vs HTTP through the official SDK — node ${process.version}${quick ? ' (QUICK: not meaningful)' : `, each row warmed ≥ ${OPTIONS.warmupOps} operations`}\n\n${renderTable(
      [
        { header: 'workload' },
        { header: 'in flight', align: 'right' },
        { header: 'transport' },
        { header: 'ops/s', align: 'right' },
        { header: 'spread', align: 'right' },
        { header: 'in-process ÷ HTTP', align: 'right' },
      ],
      rows.slice(0, -1),
    )}\n\n${targets.map((t) => `target ${t.description}: ${formatRatio(t.measured)} ${verdict(t)}`).join('\n')}\n\n[info] CPU per operation, one at a time (µs):\n\n${renderTable(
      [{ header: 'workload' }, { header: 'where' }, { header: 'CPU µs/op', align: 'right' }, { header: 'share', align: 'right' }],
      cpuRows.slice(0, -1),
    )}\n`,
  );
} finally {
  server.child.kill('SIGTERM');
  await sb.close();
}
