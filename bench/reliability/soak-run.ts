/**
 * @module
 * The loopback soak (issue 14): `strongbox serve --data` as a child process, N concurrent clients
 * (the official `@aws-sdk/client-kms` and `@aws-sdk/client-s3`, over HTTPS with keep-alive) for T
 * seconds of mixed KMS and S3 traffic, then it stops by itself. Each client loops over a weighted
 * mix: KMS Encrypt, Decrypt, GenerateDataKey; S3 PutObject (1–64 KiB, SSE-S3 or SSE-KMS with a
 * bucket key), GetObject, HeadObject, ListObjectsV2, DeleteObject, on a bounded key space (so the
 * stored state stays bounded and RSS can settle). Reports requests, errors by name (throttling
 * counted apart: it is what the default quotas are for), latency percentiles, and the server's
 * RSS (from /proc) after warm-up and at the end. Used by `bench/reliability/soak.ts` (full size)
 * and `test/reliability/soak-loopback.test.ts` (CI size).
 */

import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, DecryptCommand, EncryptCommand, GenerateDataKeyCommand, type KMSClient } from '@aws-sdk/client-kms';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { kmsClient, s3Client, serveChild } from '../../test/reliability/helpers/serve.ts';

/** The soak's size. */
export interface SoakOptions {
  readonly clients: number;
  readonly seconds: number;
  /** Fraction of the run before the "after warm-up" RSS sample (default 0.2). */
  readonly warmUp?: number;
  /** Extra `serve` flags (default none: AWS's shared cryptographic quotas apply). */
  readonly serveArgs?: readonly string[];
}

/** What a soak measured. */
export interface SoakResult {
  readonly clients: number;
  readonly seconds: number;
  readonly requests: number;
  /** Failed requests other than throttling, by operation and error name. */
  readonly errors: Record<string, number>;
  /** The first message of each of those errors (what a socket error says is in its message). */
  readonly errorMessages: Record<string, string>;
  readonly throttled: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly p99Ms: number;
  /** The server's resident set size after warm-up and at the end, MiB. */
  readonly rssAfterWarmUpMiB: number;
  readonly rssEndMiB: number;
  /** Requests per operation. */
  readonly operations: Record<string, number>;
}

const BUCKET = 'soak';
const KEY_SPACE = 256;

/** The server's RSS in MiB, from /proc (Linux), or NaN elsewhere. */
function rssMiB(pid: number): number {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((entry) => entry.startsWith('VmRSS:'));
    return line === undefined ? Number.NaN : Number.parseInt(line.replace(/\D+/g, ''), 10) / 1024;
  } catch {
    return Number.NaN;
  }
}

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

type Operation = (s3: S3Client, kms: KMSClient, keyId: string, ciphertext: Uint8Array) => Promise<unknown>;

const objectKey = (): string => `o-${Math.floor(Math.random() * KEY_SPACE)}`;
const body = (): Uint8Array => new Uint8Array(randomBytes(1024 + Math.floor(Math.random() * 63 * 1024)));

/** The mix, by weight. */
const MIX: readonly [string, number, Operation][] = [
  ['KMS Encrypt', 2, (_s3, kms, keyId) => kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: randomBytes(64) }))],
  ['KMS Decrypt', 2, (_s3, kms, _keyId, ciphertext) => kms.send(new DecryptCommand({ CiphertextBlob: ciphertext }))],
  ['KMS GenerateDataKey', 2, (_s3, kms, keyId) => kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }))],
  ['S3 PutObject SSE-S3', 2, (s3) => s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: objectKey(), Body: body() }))],
  [
    'S3 PutObject SSE-KMS',
    1,
    (s3, _kms, keyId) =>
      s3.send(
        new PutObjectCommand({ Bucket: BUCKET, Key: objectKey(), Body: body(), ServerSideEncryption: 'aws:kms', SSEKMSKeyId: keyId, BucketKeyEnabled: true }),
      ),
  ],
  [
    'S3 GetObject',
    4,
    async (s3) => {
      try {
        const got = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: objectKey() }));
        await got.Body!.transformToByteArray();
      } catch (error) {
        // A key not written yet (or just deleted) is part of the mix, not a failure.
        if ((error as Error).name !== 'NoSuchKey') throw error;
      }
    },
  ],
  [
    'S3 HeadObject',
    1,
    async (s3) => {
      try {
        await s3.send(new HeadObjectCommand({ Bucket: BUCKET, Key: objectKey() }));
      } catch (error) {
        if ((error as Error).name !== 'NotFound') throw error;
      }
    },
  ],
  ['S3 ListObjectsV2', 1, (s3) => s3.send(new ListObjectsV2Command({ Bucket: BUCKET, MaxKeys: 50 }))],
  ['S3 DeleteObject', 1, (s3) => s3.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: objectKey() }))],
];
const TOTAL_WEIGHT = MIX.reduce((sum, [, weight]) => sum + weight, 0);

function pickOperation(): [string, Operation] {
  let roll = Math.random() * TOTAL_WEIGHT;
  for (const [name, weight, operation] of MIX) {
    roll -= weight;
    if (roll < 0) return [name, operation];
  }
  const [name, , operation] = MIX[0]!;
  return [name, operation];
}

/**
 * Runs the soak and returns its figures; the server is stopped (SIGTERM) at the end.
 * @throws Error when the server cannot start or does not stop cleanly.
 * @example const result = await runSoak({ clients: 8, seconds: 5 });
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const directory = await mkdtemp(join(tmpdir(), 'strongbox-soak-'));
  const served = await serveChild({ args: ['--data', join(directory, 'data'), '--quiet', ...(options.serveArgs ?? [])] });
  const s3 = s3Client(served);
  const kms = kmsClient(served);
  let result: SoakResult;
  let stopped: NodeJS.Signals | number | null = null;
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'soak' }))).KeyMetadata!.KeyId!;
    const ciphertext = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: randomBytes(32) }))).CiphertextBlob!;
    const latencies: number[] = [];
    const errors: Record<string, number> = Object.create(null) as Record<string, number>;
    const operations: Record<string, number> = Object.create(null) as Record<string, number>;
    const errorMessages: Record<string, string> = Object.create(null) as Record<string, string>;
    let throttled = 0;
    const started = performance.now();
    const endAt = started + options.seconds * 1000;
    let rssAfterWarmUp = Number.NaN;
    const warmUpTimer = setTimeout(() => (rssAfterWarmUp = rssMiB(served.child.pid!)), options.seconds * 1000 * (options.warmUp ?? 0.2));
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (performance.now() < endAt) {
          const [name, operation] = pickOperation();
          const begin = performance.now();
          try {
            await operation(s3, kms, keyId, ciphertext);
          } catch (error) {
            const errorName = (error as Error).name;
            if (errorName === 'ThrottlingException' || errorName === 'SlowDown') throttled++;
            else {
              const label = `${name}: ${errorName}`;
              errors[label] = (errors[label] ?? 0) + 1;
              errorMessages[label] ??= (error as Error).message;
            }
          }
          latencies.push(performance.now() - begin);
          operations[name] = (operations[name] ?? 0) + 1;
        }
      }),
    );
    clearTimeout(warmUpTimer);
    const rssEnd = rssMiB(served.child.pid!);
    latencies.sort((a, b) => a - b);
    const round = (value: number): number => Math.round(value * 100) / 100;
    result = {
      clients: options.clients,
      seconds: options.seconds,
      requests: latencies.length,
      errors: { ...errors },
      errorMessages: { ...errorMessages },
      throttled,
      p50Ms: round(percentile(latencies, 0.5)),
      p95Ms: round(percentile(latencies, 0.95)),
      p99Ms: round(percentile(latencies, 0.99)),
      rssAfterWarmUpMiB: round(rssAfterWarmUp),
      rssEndMiB: round(rssEnd),
      operations: { ...operations },
    };
  } finally {
    s3.destroy();
    kms.destroy();
    const how = await served.stop('SIGTERM');
    await rm(directory, { recursive: true, force: true });
    stopped = how;
  }
  // The server must also stop cleanly after the load.
  if (stopped !== 0) throw new Error(`strongbox serve ended with ${stopped} after the soak:\n${served.stderr()}`);
  return result;
}

/** The result as a table row (Markdown). */
export function soakTable(result: SoakResult): string {
  const errors = Object.values(result.errors).reduce((sum, count) => sum + count, 0);
  return [
    '| clients | seconds | requests | errors | throttled | p50 ms | p95 ms | p99 ms | RSS after warm-up MiB | RSS end MiB |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${result.clients} | ${result.seconds} | ${result.requests} | ${errors} | ${result.throttled} | ${result.p50Ms} | ${result.p95Ms} | ${result.p99Ms} | ${result.rssAfterWarmUpMiB} | ${result.rssEndMiB} |`,
  ].join('\n');
}
