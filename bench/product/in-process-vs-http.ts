/**
 * @module
 * The same workloads through the official AWS SDK v3 clients, in process and over HTTP, side by
 * side (issue 13): what a test suite gains by `new S3Client(sb.clientConfig)` over a local port.
 *
 * ```
 * npx tsx bench/product/in-process-vs-http.ts           # about a minute
 * npx tsx bench/product/in-process-vs-http.ts --quick   # smoke run: figures not meaningful
 * ```
 *
 * Rows, interleaved sample by sample (bench/lib/harness.ts), each workload one call at a time
 * (how a test awaits its calls) and with 8 in flight:
 *
 * | row | what the client is given |
 * | --- | --- |
 * | in process | `createStrongbox({ quotas: false }).clientConfig`: the kernel's in-process request handler, no socket |
 * | HTTP | `endpoint: <url>` of `strongbox serve --port 0 --quiet --no-quotas`, the built binary run as `pnpm start` runs it, in its own process (keep-alive sockets, the SDK's default Node.js handler) |
 *
 * Workloads: KMS `GenerateDataKey` (AES_256, a customer managed key); S3 `PutObject` of 1 KiB
 * then `GetObject` read whole (SSE-S3, the bucket default), one pair per operation. Both run the
 * SDK's whole middleware (signing, checksums, retries, parsing). The server side is the same code
 * either way; only the transport differs. Target: in process ≥ 2x HTTP for both workloads
 * (judged on the one-at-a-time rows; paired ratios, bench/lib/targets.ts).
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { CreateKeyCommand, GenerateDataKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createStrongbox } from 'strongbox';
import { type BenchCase, type GroupOptions, measureGroup } from '../lib/harness.ts';
import { formatNumber, formatRatio, renderTable } from '../lib/table.ts';
import { pairedRatio, target, verdict } from '../lib/targets.ts';

const quick = process.argv.includes('--quick');
const ROOT = join(import.meta.dirname, '..', '..');
const BODY = randomBytes(1024);
const CONCURRENCY = 8;
const OPTIONS: GroupOptions = quick
  ? { samples: 2, minSampleMs: 100, minSampleOps: 5, warmupMs: 100, warmupOps: 5, settleMs: 20, maxSettleOpMs: 50, forceGc: false }
  : { samples: 7, minSampleMs: 700, minSampleOps: 50, warmupMs: 1000, warmupOps: 50, settleMs: 150, maxSettleOpMs: 50, forceGc: false };

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

const sb = await createStrongbox({ quotas: false });
const server = await startServe();
const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
const clients = {
  'in process': { kms: new KMSClient(sb.clientConfig), s3: new S3Client({ ...sb.clientConfig, forcePathStyle: true }) },
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
        let n = 0;
        const pair = async (): Promise<void> => {
          const key = `o/${n++ % 64}`;
          await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: BODY }));
          const got = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
          const bytes = await got.Body!.transformToByteArray();
          if (bytes.length !== BODY.length) throw new Error('GetObject returned another body');
        };
        await pair();
        return pair;
      },
    },
  ];
  const rows: string[][] = [];
  const targets: ReturnType<typeof target>[] = [];
  for (const workload of workloads) {
    const runs = {
      'in process': await workload.make(clients['in process'].kms, clients['in process'].s3),
      HTTP: await workload.make(clients.HTTP.kms, clients.HTTP.s3),
    };
    for (const concurrency of [1, CONCURRENCY]) {
      const cases: BenchCase[] = (['in process', 'HTTP'] as const).map((transport) => ({
        id: `${workload.id}/${transport}/${concurrency}`,
        label: transport,
        bytesPerOp: 0,
        run: runs[transport],
        concurrency,
      }));
      process.stderr.write(`${workload.label}, ${concurrency} in flight…\n`);
      const [inProcess, http] = await measureGroup(cases, OPTIONS);
      const ratio = pairedRatio(inProcess!, http!);
      for (const m of [inProcess!, http!]) {
        rows.push([
          workload.label,
          String(concurrency),
          m.label,
          formatNumber(m.opsPerSec),
          `±${formatNumber(m.spreadPct, 0)}%`,
          m === inProcess ? formatRatio(ratio) : '',
        ]);
      }
      rows.push(['', '', '', '', '', '']);
      if (concurrency === 1) targets.push(target(workload.id, `${workload.label}: in process ÷ HTTP`, ratio, '>=', 2, 'x', !quick));
    }
  }
  process.stdout.write(
    `Strongbox in process vs HTTP through the official SDK — node ${process.version}${quick ? ' (QUICK: not meaningful)' : ''}\n\n${renderTable(
      [
        { header: 'workload' },
        { header: 'in flight', align: 'right' },
        { header: 'transport' },
        { header: 'ops/s', align: 'right' },
        { header: 'spread', align: 'right' },
        { header: 'in-process ÷ HTTP', align: 'right' },
      ],
      rows.slice(0, -1),
    )}\n\n${targets.map((t) => `target ${t.description}: ${formatRatio(t.measured)} ${verdict(t)}`).join('\n')}\n`,
  );
} finally {
  server.child.kill('SIGTERM');
  await sb.close();
}
