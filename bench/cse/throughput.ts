/**
 * @module
 * The S3 Encryption Client's benchmark (issue 12): client-side encryption PUT+GET throughput
 * against the Strongbox endpoint, every figure beside its peers from the same run.
 *
 * ```
 * npx tsx bench/cse/throughput.ts                      # default: 1 KiB, 1 MiB, 64 MiB, few samples (about a minute)
 * CSE_BENCH_SAMPLES=9 npx tsx bench/cse/throughput.ts  # the full run: more samples per row
 * CSE_BENCH_BIG=256MiB npx tsx bench/cse/throughput.ts # another big size
 * npx tsx bench/cse/throughput.ts --quick              # smoke run (16 MiB): figures not meaningful
 * ```
 *
 * The endpoint is Strongbox **in process** (`startInProcess`: the real S3 REST protocol, SigV4
 * and KMS JSON through the kernel's in-process handler; no socket), in memory, quotas off. Every
 * row drives the official `@aws-sdk/client-s3` `S3Client` (`forcePathStyle`) on that endpoint, and
 * one pair is one PutObject of the body then one GetObject read whole, at each size:
 *
 * | row | PUT | GET |
 * | --- | --- | --- |
 * | CSE-KMS | `S3EncryptionClient.putObject` (V3, kms+context keyring calling Strongbox's KMS through `@aws-sdk/client-kms` on the same endpoint: GenerateDataKey) | `getObject` (KMS Decrypt, whole body authenticated before release) |
 * | CSE-C | the same with the raw `AesKeyring` (a customer-held AES-256 key, wrap `AES/GCM`, no KMS) | the same |
 * | SSE-KMS | `PutObject` with `ServerSideEncryption: aws:kms` under a customer managed key (the engine calls KMS GenerateDataKey) | `GetObject` (the engine calls KMS Decrypt) |
 * | raw AES-256-GCM | node:crypto seal of the same bytes (`createCipheriv`, `update`, `final`, `getAuthTag`) | open (`createDecipheriv`, `setAuthTag`, `update`, `final`): the machine's limit for one GCM pass each way, no S3 |
 *
 * The endpoint encrypts every object at rest (the bucket default, SSE-S3, as S3 has since January
 * 2023), so the CSE rows pay for two GCM passes each way (client and server), SSE-KMS for one.
 * The CSE rows use `bufferSize` = the big size + 16 (the client's default, 64 MiB as Java's, is
 * one tag too small for a 64 MiB plaintext); their GET therefore authenticates before releasing.
 * Ratios are paired (bench/lib/targets.ts). Target: at 64 MiB, CSE PUT+GET ≥ 0.8x SSE-KMS PUT+GET.
 *
 * The CSE PUT of an in-memory body streams its ciphertext (4 MiB per GCM call), so the SDK sends
 * it aws-chunked with a CRC32 trailer (STREAMING-UNSIGNED-PAYLOAD-TRAILER) where the SSE-KMS row's
 * byte body is sent with a signed SHA-256 of the payload: part of the CSE rows' PUT cost that the
 * SSE-KMS row pays and they do not is that hash (client and server side).
 *
 * Last, the issue's memory target: the peak RSS of a 1 GiB streaming CSE upload (a Readable body
 * with ContentLength), run in a child process by packages/s3-encryption-client/bench/streaming-rss.ts
 * (its S3 client's request handler reads and discards the body, so the figure is the encryption
 * client's and the SDK's, not a store's). `CSE_BENCH_RSS_MIB` sets the size (default 1024; 0 skips).
 * Not measured here: sockets (see the kms http rows for their cost).
 */

import { execFileSync } from 'node:child_process';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AesKeyring, KmsKeyring, S3EncryptionClient } from '@strongbox/s3-encryption-client';
import { kmsClientAdapter } from '@strongbox/s3-encryption-client/kms-sdk';
import { startInProcess } from 'strongbox';
import { Checks, sameBytes } from '../lib/checks.ts';
import { type BenchCase, type GroupOptions, type Measurement, measureGroup } from '../lib/harness.ts';
import { formatRate, formatRatio, formatSize, renderTable } from '../lib/table.ts';
import { pairedRatio, type Target, target, verdict } from '../lib/targets.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const quick = process.argv.includes('--quick');
const BIG = parseSize(process.env['CSE_BENCH_BIG'] ?? (quick ? '16MiB' : '64MiB'));
const SAMPLES = Number(process.env['CSE_BENCH_SAMPLES'] ?? (quick ? 2 : 5));
const TARGET_SIZE = 64 * MiB;
const TARGET_RATIO = 0.8;
const BUCKET = 'cse-bench';
const RSS_MIB = Number(process.env['CSE_BENCH_RSS_MIB'] ?? (quick ? 64 : 1024));
const RSS_LIMIT_MIB = 200;

/** Peak RSS (MiB) of a streaming CSE upload of `mib` MiB, measured in a fresh child process. */
function streamingUploadPeakRss(mib: number): number {
  const script = fileURLToPath(new URL('../../packages/s3-encryption-client/bench/streaming-rss.ts', import.meta.url));
  const output = execFileSync(process.execPath, ['--import', 'tsx', script, String(mib)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const match = /peak (\d+) MiB/.exec(output);
  if (match === null) throw new Error(`streaming-rss.ts printed no peak: ${output}`);
  return Number(match[1]);
}

/** `64MiB`, `1GiB`, `1048576`. */
function parseSize(text: string): number {
  const match = /^(\d+)\s*(B|KiB|MiB|GiB)?$/i.exec(text.trim());
  if (!match) throw new Error(`CSE_BENCH_BIG: expected a size such as 64MiB or 1GiB, got ${text}`);
  const unit = { b: 1, kib: KiB, mib: MiB, gib: GiB }[(match[2] ?? 'B').toLowerCase() as 'b'];
  return Number(match[1]) * unit;
}

/** Small objects: many pairs per sample, no forced GC (it slows the SDK client for a second after). */
function optionsFor(size: number): GroupOptions {
  if (quick) return { samples: SAMPLES, minSampleMs: 50, minSampleOps: 1, warmupMs: 20, warmupOps: 1, settleMs: 0, maxSettleOpMs: 0, forceGc: false };
  if (size >= 16 * MiB) return { samples: SAMPLES, minSampleMs: 0, minSampleOps: 1, warmupMs: 0, warmupOps: 1, settleMs: 0, maxSettleOpMs: 0 };
  return { samples: SAMPLES, minSampleMs: 400, minSampleOps: 2, warmupMs: 300, warmupOps: 2, settleMs: 0, maxSettleOpMs: 0, forceGc: false };
}

const print = (text: string): void => void process.stdout.write(`${text}\n`);
const progress = (message: string): void => void (process.stderr.isTTY && process.stderr.write(`\r\x1b[K… ${message}`));

async function main(): Promise<void> {
  print(
    `S3 Encryption Client benchmark${quick ? ' (QUICK: figures not meaningful)' : ''} — ${new Date().toISOString()}; node ${process.version}; ` +
      `Strongbox endpoint in process; sizes 1 KiB, 1 MiB, ${formatSize(BIG)}; ${SAMPLES} samples per row`,
  );
  print('Shared cores: compare figures only within this run; peers are interleaved sample by sample.');
  const checks = new Checks();
  const targets: Target[] = [];
  const strongbox = await startInProcess({ quotas: false });
  // An https endpoint: the in-process handler then marks requests as over TLS, as S3 requires for
  // SSE-KMS (a GET of an aws:kms object over plain HTTP is refused with InvalidArgument). No TLS
  // is run in process, for every row alike.
  const s3 = new S3Client({ ...strongbox.clientConfig, endpoint: 'https://strongbox.localhost', forcePathStyle: true, maxAttempts: 1 });
  const kms = new KMSClient({ ...strongbox.clientConfig, maxAttempts: 1 });
  try {
    const keyId = (await strongbox.kms.createKey({})).KeyMetadata.KeyId;
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const bufferSize = BIG + 16;
    const cseKms = new S3EncryptionClient({ s3, keyring: new KmsKeyring({ kms: kmsClientAdapter(kms), kmsKeyId: keyId }), bufferSize });
    const cseC = new S3EncryptionClient({ s3, keyring: new AesKeyring({ wrappingKey: randomBytes(32) }), bufferSize });
    const rawKey = randomBytes(32);

    const rows: (readonly string[] | '-')[] = [];
    for (const size of [KiB, MiB, BIG]) {
      const body = new Uint8Array(randomBytes(size));
      const csePair = async (client: S3EncryptionClient, key: string): Promise<Uint8Array> => {
        await client.putObject({ Bucket: BUCKET, Key: key, Body: body });
        return (await (await client.getObject({ Bucket: BUCKET, Key: key })).Body?.transformToByteArray()) ?? new Uint8Array();
      };
      const sseKmsPair = async (): Promise<Uint8Array> => {
        await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'sse-kms', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId }));
        return (await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'sse-kms' }))).Body?.transformToByteArray()) ?? new Uint8Array();
      };
      const rawPair = (): Uint8Array => {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', rawKey, iv);
        const sealed = Buffer.concat([cipher.update(body), cipher.final()]);
        const tag = cipher.getAuthTag();
        const decipher = createDecipheriv('aes-256-gcm', rawKey, iv).setAuthTag(tag);
        return Buffer.concat([decipher.update(sealed), decipher.final()]);
      };

      // Correctness before timing: every row round-trips the body; the CSE objects the endpoint
      // holds are V3 ciphertext, the SSE-KMS one is aws:kms under the key.
      for (const [client, key] of [
        [cseKms, 'cse-kms'],
        [cseC, 'cse-c'],
      ] as const) {
        checks.assert(sameBytes(await csePair(client, key), body), `${key} round-trips ${formatSize(size)}`);
        const stored = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }));
        const ciphertext = await stored.Body!.transformToByteArray();
        checks.assert(
          stored.Metadata?.['x-amz-c'] === '115' && ciphertext.length === size + 16 && !sameBytes(ciphertext.subarray(0, size), body),
          `${key} is stored as V3 ciphertext`,
        );
      }
      checks.assert(sameBytes(await sseKmsPair(), body), `SSE-KMS round-trips ${formatSize(size)}`);
      const head = await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'sse-kms' }));
      checks.assert(head.ServerSideEncryption === 'aws:kms' && head.SSEKMSKeyId?.endsWith(keyId) === true, 'the SSE-KMS object is under the key');
      checks.assert(sameBytes(rawPair(), body), `raw GCM round-trips ${formatSize(size)}`);

      const cases: BenchCase[] = [
        { id: `cse-kms/${size}`, label: 'CSE-KMS (V3, KMS keyring)', bytesPerOp: size, run: () => csePair(cseKms, 'cse-kms') },
        { id: `cse-c/${size}`, label: 'CSE-C (V3, AES keyring)', bytesPerOp: size, run: () => csePair(cseC, 'cse-c') },
        { id: `sse-kms/${size}`, label: 'SSE-KMS', bytesPerOp: size, run: sseKmsPair },
        { id: `raw-gcm/${size}`, label: 'raw node:crypto AES-256-GCM', bytesPerOp: size, run: rawPair },
      ];
      const measured: Measurement[] = await measureGroup(cases, optionsFor(size), progress);
      const [cseKmsM, cseCM, sseKmsM, rawM] = measured as [Measurement, Measurement, Measurement, Measurement];
      for (const m of measured) {
        rows.push([
          formatSize(size),
          m.label,
          formatRate(m.opsPerSec),
          formatRate(m.mbPerSec),
          `±${m.spreadPct.toFixed(0)}%`,
          m === sseKmsM || m === rawM ? '' : formatRatio(pairedRatio(m, sseKmsM)),
          m === rawM ? '' : formatRatio(pairedRatio(m, rawM)),
        ]);
      }
      rows.push('-');
      if (size === BIG) {
        const conclusive = !quick && BIG >= TARGET_SIZE;
        for (const [m, name] of [
          [cseKmsM, 'CSE-KMS'],
          [cseCM, 'CSE-C'],
        ] as const)
          targets.push(
            target(
              `${name}/sse-kms/${size}`,
              `${name} PUT+GET ÷ SSE-KMS PUT+GET at ${formatSize(size)}`,
              pairedRatio(m, sseKmsM),
              '>=',
              TARGET_RATIO,
              'x',
              conclusive,
            ),
          );
      }
    }
    if (RSS_MIB > 0) {
      progress(`streaming upload RSS (${RSS_MIB} MiB)`);
      const peak = streamingUploadPeakRss(RSS_MIB);
      targets.push(
        target(
          `cse/streaming-rss/${RSS_MIB}MiB`,
          `peak RSS of a ${RSS_MIB} MiB streaming CSE upload`,
          peak,
          '<=',
          RSS_LIMIT_MIB,
          'MiB',
          !quick && RSS_MIB >= 1024,
        ),
      );
    }
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    print('');
    print(
      renderTable(
        [
          { header: 'size' },
          { header: 'PUT+GET of' },
          { header: 'pairs/s', align: 'right' },
          { header: 'MB/s', align: 'right' },
          { header: 'spread', align: 'right' },
          { header: 'vs SSE-KMS', align: 'right' },
          { header: 'vs raw GCM', align: 'right' },
        ],
        rows.slice(0, -1),
      ),
    );
    print('MB/s: 10⁶ plaintext bytes per second of PUT+GET pairs; ratios are paired medians (same round, back to back).');
    print(
      [
        '',
        '== Targets ==',
        '',
        ...targets.map((t) => `${t.description}: ${t.unit === 'x' ? formatRatio(t.measured) : `${t.measured} ${t.unit}`} ${verdict(t)}`),
      ].join('\n'),
    );
    print(`\n${checks.records.length} validation checks passed before timing.`);
  } finally {
    s3.destroy();
    kms.destroy();
    await strongbox.close();
  }
}

await main();
