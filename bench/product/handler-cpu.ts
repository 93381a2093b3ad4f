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
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { numberOption } from '../lib/args.ts';
import { runOnBuiltPackages } from '../lib/built.ts';

runOnBuiltPackages(import.meta.url);
const { createStrongbox } = await import('strongbox');

const PAIRS = numberOption('--pairs', 1500);
const ROUNDS = numberOption('--rounds', 6);
const WARMUP_ROUNDS = 2;
const REPLAY = process.argv.includes('--replay');

const sb = await createStrongbox({ quotas: false });
type Handler = typeof sb.clientConfig.requestHandler;
type SdkRequest = Parameters<Handler['handle']>[0];
const handler: Handler = sb.clientConfig.requestHandler;
const recorded: SdkRequest[] = [];
const recorder = {
  metadata: { handlerProtocol: 'http/1.1' },
  handle(request: SdkRequest, options?: Parameters<Handler['handle']>[1]): ReturnType<Handler['handle']> {
    if (recording) recorded.push({ ...request, headers: { ...request.headers } } as SdkRequest);
    return handler.handle(request, options);
  },
  updateHttpClientConfig(): void {},
  httpHandlerConfigs: (): Record<string, never> => ({}),
  destroy(): void {},
};
let recording = false;
const s3 = new S3Client({ ...sb.clientConfig, requestHandler: recorder as never, forcePathStyle: true });
const BODY = randomBytes(1024);
await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
let next = 0;
if (REPLAY) {
  recording = true;
  await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'replayed', Body: BODY }));
  await (await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'replayed' }))).Body?.transformToByteArray();
  recording = false;
}

/** The recorded PUT and GET served again through the handler alone, each answer read whole. */
async function replayed(): Promise<void> {
  let length = 0;
  for (const request of recorded) {
    const { response } = await handler.handle({ ...request, headers: { ...request.headers } } as SdkRequest);
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) length += chunk.length;
  }
  if (length !== BODY.length) throw new Error(`replayed GET returned ${length} bytes`);
}

async function pair(): Promise<void> {
  const key = `object-${next++ % 64}`;
  await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: BODY }));
  const got = await (await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: key }))).Body?.transformToByteArray();
  if (got === undefined || !BODY.equals(got)) throw new Error('GET returned other bytes than the PUT sent');
}

const warm: number[] = [];
for (let round = 1; round <= ROUNDS; round++) {
  const before = process.cpuUsage();
  for (let index = 0; index < PAIRS; index++) await (REPLAY ? replayed() : pair());
  const used = process.cpuUsage(before);
  const micros = (used.user + used.system) / PAIRS;
  if (round > WARMUP_ROUNDS) warm.push(micros);
  process.stdout.write(`round ${round}${round <= WARMUP_ROUNDS ? ' (warm-up)' : ''}: ${micros.toFixed(1)} µs CPU/pair\n`);
}
warm.sort((a, b) => a - b);
process.stdout.write(`warm rounds min ${warm[0]?.toFixed(1)}, median ${warm[Math.floor(warm.length / 2)]?.toFixed(1)} µs CPU/pair\n`);
s3.destroy();
await sb.close();
