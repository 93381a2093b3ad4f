/**
 * @module
 * [info] Where the in-process S3 PutObject + GetObject pair (1 KiB, SSE-S3) spends the CPU time
 * that neither the SDK alone nor the handler alone accounts for: the same two halves run in one
 * process, measured alone, alternated pair by pair, and in blocks, in CPU µs per pair
 * (`process.cpuUsage()`, rounds interleaved mode by mode).
 *
 * ```
 * npx tsx bench/product/interleave-cpu.ts [--pairs 600] [--rounds 9]   # about three minutes
 * ```
 *
 * | row | what runs per pair |
 * | --- | --- |
 * | in process | the SDK with the in-process handler (`createStrongbox({ quotas: false }).clientConfig`) |
 * | SDK alone | the SDK with a handler that answers with copies of Strongbox's answers (bench/lib/s3-pair.ts's `Canned`, as `in-process-vs-http.ts`'s canned row) |
 * | handler alone | the SDK's recorded PUT and GET served again through the in-process handler, each answer read whole (`handler-cpu.ts --replay`) |
 * | alternated | one "SDK alone" pair, then one "handler alone" pair: the same work as in process, uncoupled |
 * | blocks of N | N "SDK alone" pairs, then N "handler alone" pairs |
 *
 * "alternated" costs what "in process" costs, and more than "SDK alone" + "handler alone"; the
 * same work in blocks costs their sum. The difference is not the handing over between the SDK and
 * the handler (alternated has none), nor allocation or V8's optimisation (the same code and
 * objects in every row), but switching between two large working sets on every request: each
 * half finds the processor's caches and predictors holding the other's.
 *
 * It runs on the built packages (bench/lib/built.ts): build after each change you compare.
 */

import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { numberOption } from '../lib/args.ts';
import { runOnBuiltPackages } from '../lib/built.ts';
import { Canned, Recorder, recordedS3Pair, s3Pair } from '../lib/s3-pair.ts';
import { formatNumber, renderTable } from '../lib/table.ts';

runOnBuiltPackages(import.meta.url);
const { createStrongbox } = await import('strongbox');

const PAIRS = numberOption('--pairs', 600);
const ROUNDS = numberOption('--rounds', 9);
const WARMUP_ROUNDS = 2;
const BLOCK = 200;

const sb = await createStrongbox({ quotas: false });
const recorder = new Recorder(sb.clientConfig.requestHandler);
const BODY = randomBytes(1024);
const clientOptions = { ...sb.clientConfig, forcePathStyle: true };
const inProcessClient = new S3Client(clientOptions);
const sdkAloneClient = new S3Client({ ...clientOptions, requestHandler: new Canned(sb.clientConfig.requestHandler) as never });
const recordingClient = new S3Client({ ...clientOptions, requestHandler: recorder as never });
await inProcessClient.send(new CreateBucketCommand({ Bucket: 'bench' }));

/** A PUT + GET pair through `client`. @throws Error when the GET returns other bytes. */
const pairThrough = (client: S3Client): (() => Promise<void>) => s3Pair(client, { bucket: 'bench', body: BODY, keyPrefix: 'object-' });
/** The recorded PUT and GET through the in-process handler alone. @throws Error on a short GET. */
const handlerAlone = await recordedS3Pair(recorder, recordingClient, { bucket: 'bench', body: BODY });

const sdkAlone = pairThrough(sdkAloneClient);
let pending = 0;
const modes: { label: string; run: () => Promise<void> }[] = [
  { label: 'in process', run: pairThrough(inProcessClient) },
  { label: 'SDK alone (canned answers)', run: sdkAlone },
  { label: 'handler alone (replayed)', run: handlerAlone },
  {
    label: 'alternated pair by pair',
    run: async () => {
      await sdkAlone();
      await handlerAlone();
    },
  },
  {
    label: `blocks of ${BLOCK}`,
    run: async () => {
      await sdkAlone();
      if (++pending === BLOCK) for (; pending > 0; pending--) await handlerAlone();
    },
  },
];
for (const mode of modes) await mode.run();

const samples = modes.map((): number[] => []);
for (let round = 1; round <= ROUNDS; round++) {
  for (const [index, mode] of modes.entries()) {
    const before = process.cpuUsage();
    for (let pair = 0; pair < PAIRS; pair++) await mode.run();
    const used = process.cpuUsage(before);
    if (round > WARMUP_ROUNDS) samples[index]!.push((used.user + used.system) / PAIRS);
  }
  process.stderr.write(`round ${round} of ${ROUNDS}${round <= WARMUP_ROUNDS ? ' (warm-up)' : ''}\n`);
}
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const medians = samples.map(median);
const [, sdkUs = 0, handlerUs = 0] = medians;
process.stdout.write(
  `CPU per PutObject + GetObject pair (1 KiB), medians of ${ROUNDS - WARMUP_ROUNDS} rounds of ${PAIRS} — node ${process.version}\n\n${renderTable(
    [{ header: 'what runs' }, { header: 'CPU µs/pair', align: 'right' }, { header: 'over SDK alone + handler alone', align: 'right' }],
    [
      ...modes.map((mode, index) => [
        mode.label,
        formatNumber(medians[index] ?? Number.NaN),
        index === 1 || index === 2 ? '' : formatNumber((medians[index] ?? Number.NaN) - sdkUs - handlerUs),
      ]),
    ],
  )}\n`,
);
for (const client of [inProcessClient, sdkAloneClient, recordingClient]) client.destroy();
await sb.close();
