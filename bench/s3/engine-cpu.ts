/**
 * @module
 * [info] The engine's CPU per PUT+GET pair in process, for work on what a request costs behind the
 * protocol (issues 11 and 13) on a shared machine, where pairs/s are noisy and CPU time per pair is
 * less so: `new S3({ kms })` over an in-memory store and an in-process `Kms`, as `strongbox serve`
 * wires them, one PutObject then one GetObject read whole per pair, one pair at a time, with this
 * process's user + system CPU (`process.cpuUsage`) over each round. Modes alternate round by round,
 * so a burst of load elsewhere falls on each alike. Every GET must return the PUT's bytes. Not a
 * target: the targets are `wire.ts`'s and `bench/product/in-process-vs-http.ts`'s.
 *
 * ```
 * npx tsx bench/s3/engine-cpu.ts [--pairs 1000] [--rounds 8] [--size 1024] [--modes sse-kms,sse-s3]
 * ```
 *
 * Modes: `sse-kms` (the AWS managed key `aws/s3`, no bucket key: a GenerateDataKey per PUT and a
 * Decrypt per GET, as wire.ts's SSE-KMS rows), `sse-kms-bucket-key`, `sse-s3` (the bucket default of
 * the in-process benchmark). The first two rounds are JIT warm-up: compare the later ones, and a
 * before/after back to back.
 */

import { randomBytes } from 'node:crypto';
import { Kms } from '@strongbox/kms';
import { type RequestOf, S3 } from '@strongbox/s3';

const args = process.argv.slice(2);
const PAIRS = numberOption('--pairs', 1000);
const ROUNDS = numberOption('--rounds', 8);
const SIZE = numberOption('--size', 1024);
const WARMUP_ROUNDS = 2;
const MODES: Readonly<Record<string, Partial<RequestOf<'PutObject'>>>> = {
  'sse-kms': { ServerSideEncryption: 'aws:kms' },
  'sse-kms-bucket-key': { ServerSideEncryption: 'aws:kms', BucketKeyEnabled: true },
  'sse-s3': { ServerSideEncryption: 'AES256' },
};
const modes = (stringOption('--modes') ?? 'sse-kms,sse-s3').split(',');
for (const mode of modes) if (!(mode in MODES)) throw new Error(`--modes: unknown mode ${mode} (known: ${Object.keys(MODES).join(', ')})`);

function numberOption(name: string, fallback: number): number {
  const value = stringOption(name);
  return value === undefined ? fallback : Number(value);
}

function stringOption(name: string): string | undefined {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
}

const kms = new Kms();
const s3 = new S3({ kms, auditTrail: kms.auditTrail });
await s3.createBucket({ Bucket: 'bench' });
const body = new Uint8Array(randomBytes(SIZE));
let next = 0;

async function pair(members: Partial<RequestOf<'PutObject'>>): Promise<void> {
  // A few keys in turn: each PUT replaces an object, as a steady workload does.
  const key = `object-${next++ % 64}`;
  await s3.putObject({ Bucket: 'bench', Key: key, Body: body, ...members });
  const got = await (await s3.getObject({ Bucket: 'bench', Key: key })).Body.transformToByteArray();
  if (!Buffer.from(got).equals(body)) throw new Error('GET returned other bytes than the PUT sent');
}

const perMode = new Map<string, number[]>(modes.map((mode) => [mode, []]));
for (let round = 1; round <= ROUNDS; round++) {
  const line: string[] = [];
  for (const mode of round % 2 === 0 ? [...modes].reverse() : modes) {
    const members = MODES[mode] ?? {};
    const before = process.cpuUsage();
    for (let index = 0; index < PAIRS; index++) await pair(members);
    const used = process.cpuUsage(before);
    const micros = (used.user + used.system) / PAIRS;
    perMode.get(mode)?.push(micros);
    line.push(`${mode} ${micros.toFixed(1)}`);
  }
  process.stdout.write(`round ${round}${round <= WARMUP_ROUNDS ? ' (warm-up)' : ''}: ${line.join(', ')} µs CPU/pair (${SIZE} B)\n`);
}
for (const [mode, rounds] of perMode) {
  const warm = rounds.slice(WARMUP_ROUNDS).sort((a, b) => a - b);
  if (warm.length === 0) continue;
  process.stdout.write(`${mode}: warm rounds min ${warm[0]?.toFixed(1)}, median ${warm[Math.floor(warm.length / 2)]?.toFixed(1)} µs CPU/pair\n`);
}
await s3.close();
await kms.close();
