/**
 * @module
 * [info] CPU per S3 PutObject + GetObject pair (1 KiB, the SSE-S3 bucket default) through the
 * official SDK with the in-process request handler (`createStrongbox({ quotas: false })`), one
 * pair at a time, `process.cpuUsage()` per round: the in-process row of
 * `in-process-vs-http.ts` in CPU time, for comparing a change back to back on a shared machine.
 *
 * ```
 * npx tsx bench/product/handler-cpu.ts [--pairs 1500] [--rounds 6] [--replay]
 * ```
 *
 * It runs on the built packages (bench/lib/built.ts): build after each change you compare.
 *
 * With `--replay`, the SDK's PUT and GET requests are recorded once and served again through the
 * in-process handler alone (each answer read whole), as `in-process-vs-http.ts` does for its
 * "handler + engine" row: what our side costs, with no SDK work.
 */

import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { numberOption } from '../lib/args.ts';
import { runOnBuiltPackages } from '../lib/built.ts';
import { Recorder, recordedS3Pair, s3Pair } from '../lib/s3-pair.ts';

runOnBuiltPackages(import.meta.url);
const { createStrongbox } = await import('strongbox');

const PAIRS = numberOption('--pairs', 1500);
const ROUNDS = numberOption('--rounds', 6);
const WARMUP_ROUNDS = 2;
const REPLAY = process.argv.includes('--replay');

const sb = await createStrongbox({ quotas: false });
const recorder = new Recorder(sb.clientConfig.requestHandler);
const s3 = new S3Client({ ...sb.clientConfig, requestHandler: recorder as never, forcePathStyle: true });
const BODY = randomBytes(1024);
await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
// With --replay, the recorded PUT and GET served again through the handler alone, each answer read whole.
const run = REPLAY ? await recordedS3Pair(recorder, s3, { bucket: 'bench', body: BODY }) : s3Pair(s3, { bucket: 'bench', body: BODY, keyPrefix: 'object-' });

const warm: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const before = process.cpuUsage();
  for (let index = 0; index < PAIRS; index++) await run();
  const used = process.cpuUsage(before);
  const micros = (used.user + used.system) / PAIRS;
  if (round > WARMUP_ROUNDS) warm.push(micros);
  process.stdout.write(`round ${round}${round <= WARMUP_ROUNDS ? ' (warm-up)' : ''}: ${micros.toFixed(1)} µs CPU/pair\n`);
}
warm.sort((a, b) => a - b);
process.stdout.write(`warm rounds min ${warm[0]?.toFixed(1)}, median ${warm[Math.floor(warm.length / 2)]?.toFixed(1)} µs CPU/pair\n`);
s3.destroy();
await sb.close();
