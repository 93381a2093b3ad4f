/**
 * @module
 * The loopback soak (issue 14): `strongbox serve --data` as a child process, N concurrent clients
 * (the official `@aws-sdk/client-kms` and `@aws-sdk/client-s3`, over HTTPS with keep-alive, no
 * retries) for T seconds of mixed KMS and S3 traffic (`soak-mix.ts`), then it stops by itself.
 *
 * It measures requests, errors by kind (throttling counted apart: it is what the default quotas
 * are for), latency percentiles per workload, and the server's memory every `sampleSeconds`: the
 * child runs with `memory-probe.ts`, which on SIGUSR2 runs a full garbage collection and reports
 * RSS and heap, so a leak shows as steady growth of the heap that survives collection; the
 * plateau verdict compares the last third of the series with the earlier growth.
 *
 * What grows by design is bounded and reported: objects (a bounded key set, overwritten; their
 * bytes are counted at the end) and the audit trail, a ring of the last 100,000 events (KMS calls;
 * S3 records only management events by default). At the soak's rate the ring fills over minutes,
 * so with `prefill` the soak first makes that many KMS Encrypt calls on the data directory, in
 * process (`createStrongbox`, tens of times faster than over HTTPS), and `serve` restores them from
 * the directory's audit log at start: the measured server's ring is full from the first request,
 * and any growth left is not the trail filling.
 *
 * Used by `bench/reliability/soak.ts` (full size) and `test/reliability/soak-loopback.test.ts` (CI size).
 */

import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, EncryptCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { AuditTrail } from '@strongbox/kms';
import { createStrongbox } from 'strongbox';
import { kmsClient, type ServedChild, s3Client, serveChild } from '../../test/reliability/helpers/serve.ts';
import { MEMORY_LINE_PREFIX } from './memory-probe.ts';
import { BUCKET, encrypt, type MixContext, pickOperation, WORKLOADS } from './soak-mix.ts';
import { HEAP_SLACK_MIB, type MemorySample, plateauVerdict, RSS_SLACK_MIB, round, type SoakResult, summariseLatencies } from './soak-stats.ts';

/** The soak's size. */
export interface SoakOptions {
  readonly clients: number;
  readonly seconds: number;
  /** Seconds between memory samples (default: 10, or less so that a short run gets six). */
  readonly sampleSeconds?: number;
  /** KMS Encrypt calls to make (in process, on the data directory) before the server starts, to fill the audit trail's ring (default 0). */
  readonly prefill?: number;
  /** Extra `serve` flags (default none: AWS's shared cryptographic quotas apply). */
  readonly serveArgs?: readonly string[];
  /** Progress lines (prefill done, each memory sample), e.g. to stderr. */
  readonly progress?: (line: string) => void;
}

export type { SoakResult } from './soak-stats.ts';

const PROBE = join(import.meta.dirname, 'memory-probe.ts');
const MIB = 1024 * 1024;
/** How long a memory sample may take (a full GC of a large heap on a loaded machine) before it counts as missing. */
const SAMPLE_TIMEOUT_MS = 15_000;

const isThrottling = (name: string): boolean => name === 'ThrottlingException' || name === 'SlowDown';

/**
 * Runs the soak and returns its figures; the server is stopped (SIGTERM) at the end.
 * @throws Error when the server cannot start or does not stop cleanly.
 * @example const result = await runSoak({ clients: 8, seconds: 5 });
 */
export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const directory = await mkdtemp(join(tmpdir(), 'strongbox-soak-'));
  const data = join(directory, 'data');
  let served: ServedChild;
  let setup: Awaited<ReturnType<typeof prepare>>;
  try {
    setup = await prepare(data, options.prefill ?? 0, options.clients);
    if (setup.prefilled > 0) options.progress?.(`prefilled the trail with ${setup.prefilled} KMS Encrypt calls (in process)`);
    served = await serveChild({ args: ['--data', data, '--quiet', ...(options.serveArgs ?? [])], nodeArgs: ['--expose-gc', '--import', PROBE] });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  const memory = memoryProbe(served);
  const s3 = s3Client(served);
  const kms = kmsClient(served);
  let result: SoakResult;
  let stopped: NodeJS.Signals | number | null = null;
  try {
    const context: MixContext = { s3, kms, keyId: setup.keyId, ciphertext: setup.ciphertext };
    const { prefilled } = setup;

    const latencies = new Map<string, number[]>(WORKLOADS.map((name) => [name, []]));
    const throttledBy = new Map<string, number>();
    const failedBy = new Map<string, number>();
    const errors: Record<string, number> = Object.create(null) as Record<string, number>;
    const errorMessages: Record<string, string> = Object.create(null) as Record<string, string>;
    const samples: MemorySample[] = [];
    const started = performance.now();
    const endAt = started + options.seconds * 1000;
    const take = async (): Promise<void> => {
      const seconds = Math.round((performance.now() - started) / 1000);
      const sample = await memory.sample();
      samples.push({ seconds, ...sample });
      options.progress?.(`t=${seconds}s RSS ${sample.rssMiB} MiB, heap after GC ${sample.heapUsedMiB} MiB`);
    };
    await take();
    const every = options.sampleSeconds ?? Math.min(10, Math.max(1, options.seconds / 6));
    let sampling = Promise.resolve();
    const sampler = setInterval(() => {
      sampling = sampling.then(take);
    }, every * 1000);
    await Promise.all(
      Array.from({ length: options.clients }, async () => {
        while (performance.now() < endAt) {
          const [name, operation] = pickOperation();
          const begin = performance.now();
          try {
            await operation(context);
          } catch (error) {
            const errorName = (error as Error).name;
            if (isThrottling(errorName)) throttledBy.set(name, (throttledBy.get(name) ?? 0) + 1);
            else {
              failedBy.set(name, (failedBy.get(name) ?? 0) + 1);
              const label = `${name}: ${errorName}`;
              errors[label] = (errors[label] ?? 0) + 1;
              errorMessages[label] ??= (error as Error).message;
            }
          }
          latencies.get(name)!.push(performance.now() - begin);
        }
      }),
    );
    clearInterval(sampler);
    await sampling;
    await take();
    let storedObjects = 0;
    let storedBytes = 0;
    for (const object of (await s3.send(new ListObjectsV2Command({ Bucket: BUCKET }))).Contents ?? []) {
      storedObjects += 1;
      storedBytes += object.Size ?? 0;
    }
    const all = [...latencies.values()].flat();
    const series = (pick: (sample: MemorySample) => number): number[] => samples.map(pick);
    result = {
      clients: options.clients,
      seconds: options.seconds,
      prefilled,
      // `strongbox serve` keeps the kernel's default ring.
      trailCapacity: new AuditTrail().capacity,
      requests: all.length,
      errors: { ...errors },
      errorMessages: { ...errorMessages },
      throttled: [...throttledBy.values()].reduce((sum, count) => sum + count, 0),
      latency: summariseLatencies(all),
      workloads: Object.fromEntries(
        [...latencies].map(([name, values]) => [
          name,
          { ...summariseLatencies(values), throttled: throttledBy.get(name) ?? 0, errors: failedBy.get(name) ?? 0 },
        ]),
      ),
      memory: samples,
      heapVerdict: plateauVerdict(
        series((sample) => sample.heapUsedMiB),
        HEAP_SLACK_MIB,
      ),
      rssVerdict: plateauVerdict(
        series((sample) => sample.rssMiB),
        RSS_SLACK_MIB,
      ),
      storedObjects,
      storedBytes,
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

/**
 * Prepares the data directory in process: the bucket, the KMS key and a ciphertext under it, then
 * `prefill` KMS Encrypt calls, `clients` at a time (each records one event in the trail, which the
 * data directory's audit log keeps for the server to restore).
 */
async function prepare(data: string, prefill: number, clients: number): Promise<{ keyId: string; ciphertext: Uint8Array; prefilled: number }> {
  const sb = await createStrongbox({ dataDirectory: data });
  const s3 = new S3Client(sb.clientConfig);
  const kms = new KMSClient(sb.clientConfig);
  try {
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const keyId = (await kms.send(new CreateKeyCommand({ Description: 'soak' }))).KeyMetadata!.KeyId!;
    const ciphertext = (await kms.send(new EncryptCommand({ KeyId: keyId, Plaintext: randomBytes(32) }))).CiphertextBlob!;
    const context: MixContext = { s3, kms, keyId, ciphertext };
    let sent = 0;
    await Promise.all(
      Array.from({ length: Math.min(clients, prefill) }, async () => {
        while (sent < prefill) {
          sent += 1;
          try {
            await encrypt(context);
          } catch (error) {
            // A throttled call is recorded in the trail too; anything else is a failure of the run.
            if (!isThrottling((error as Error).name)) throw error;
          }
        }
      }),
    );
    return { keyId, ciphertext, prefilled: sent };
  } finally {
    s3.destroy();
    kms.destroy();
    await sb.close();
  }
}

/** Reads the memory lines `memory-probe.ts` writes to the child's stderr, one per SIGUSR2. */
function memoryProbe(served: ServedChild): { sample(): Promise<Omit<MemorySample, 'seconds'>> } {
  let pending = '';
  const waiting: ((line: string) => void)[] = [];
  served.child.stderr!.on('data', (chunk: string) => {
    pending += chunk;
    let end = pending.indexOf('\n');
    while (end !== -1) {
      const line = pending.slice(0, end);
      pending = pending.slice(end + 1);
      if (line.startsWith(MEMORY_LINE_PREFIX)) waiting.shift()?.(line.slice(MEMORY_LINE_PREFIX.length));
      end = pending.indexOf('\n');
    }
  });
  const missing = { rssMiB: Number.NaN, heapUsedMiB: Number.NaN, heapTotalMiB: Number.NaN, externalMiB: Number.NaN };
  return {
    async sample() {
      let timer: NodeJS.Timeout | undefined;
      let answer: ((line: string) => void) | undefined;
      const line = await Promise.race([
        new Promise<string>((resolve) => {
          answer = resolve;
          waiting.push(resolve);
          served.child.kill('SIGUSR2');
        }),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), SAMPLE_TIMEOUT_MS);
        }),
      ]);
      clearTimeout(timer);
      if (line === undefined) {
        // No answer in time: this sample is missing (and a late line must not answer the next one).
        waiting.splice(waiting.indexOf(answer!), 1);
        return missing;
      }
      const m = JSON.parse(line) as { rss: number; heapUsed: number; heapTotal: number; external: number };
      return { rssMiB: round(m.rss / MIB), heapUsedMiB: round(m.heapUsed / MIB), heapTotalMiB: round(m.heapTotal / MIB), externalMiB: round(m.external / MIB) };
    },
  };
}
