/**
 * @module
 * [info] CPU per SSE-KMS PUT+GET pair through the endpoint's S3 protocol handler without a socket:
 * the byte path (SigV4 payload hash, checksum, sealing, storing, opening) and the engine, with no
 * TLS or HTTP parsing. One PUT and one GET signed by the official SDK (through the in-process
 * handler) are captured, then replayed to the handler with fresh keys among 8 (so the store does
 * not grow), the PUT body as chunks of 16 KiB, each a fresh buffer, as node:http hands a TLS
 * request body over; every GET must return the PUT's bytes. The process's CPU per pair
 * (`process.cpuUsage()`, every thread) is the figure; not a target.
 *
 * ```
 * npx tsx bench/s3/body-path.ts [--pairs 300] [--size 1048576] [--chunk 16384]
 * node --cpu-prof --import tsx bench/s3/body-path.ts   # where the time goes
 * ```
 */

import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { type BodyStream, InProcessHandler, type StreamingRequest, type StreamingResponse } from '@strongbox/service-kernel';
import { startInProcess } from 'strongbox';
import { numberOption } from '../lib/args.ts';

const PAIRS = numberOption('--pairs', 300);
const SIZE = numberOption('--size', 1024 * 1024);
const CHUNK = numberOption('--chunk', 16 * 1024);
const WARMUP_PAIRS = 50;
const ROUNDS = 3;

async function* chunksOf(chunks: Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

const strongbox = await startInProcess();
const handler = strongbox.handler;
const body = new Uint8Array(randomBytes(SIZE));
const sent = Buffer.from(body);

// One signed PutObject and GetObject head, as the SDK sends them.
const heads: StreamingRequest[] = [];
const capture = async (request: StreamingRequest): Promise<StreamingResponse> => {
  const chunks: Uint8Array[] = [];
  for await (const chunk of request.body) chunks.push(chunk);
  heads.push({ ...request, body: chunksOf([]) });
  return handler({ ...request, body: chunksOf(chunks) });
};
const s3 = new S3Client({ ...strongbox.clientConfig, requestHandler: new InProcessHandler(capture, { streaming: true }), forcePathStyle: true });
await s3.send(new CreateBucketCommand({ Bucket: 'bench' }));
await s3.send(new PutObjectCommand({ Bucket: 'bench', Key: 'captured', Body: body, ServerSideEncryption: 'aws:kms' }));
const got = await s3.send(new GetObjectCommand({ Bucket: 'bench', Key: 'captured' }));
await got.Body!.transformToByteArray();
s3.destroy();
const [putHead, getHead] = heads.slice(-2) as [StreamingRequest, StreamingRequest];

/** The PUT body as node:http hands it over: fresh buffers of `CHUNK` bytes. */
function requestBody(): BodyStream {
  return chunksOf(
    (function* () {
      for (let offset = 0; offset < SIZE; offset += CHUNK) yield Buffer.from(body.subarray(offset, offset + CHUNK));
    })(),
  );
}

let serial = 0;
async function pair(): Promise<void> {
  const path = `/bench/size-${serial++ % 8}`;
  const put = await handler({ ...putHead, path, body: requestBody() });
  if (put.status !== 200) throw new Error(`PUT answered ${put.status}`);
  const get = await handler({ ...getHead, path, body: chunksOf([]) });
  if (get.status !== 200 || typeof get.body === 'string' || get.body instanceof Uint8Array) throw new Error(`GET answered ${get.status}`);
  const parts: Uint8Array[] = [];
  for await (const chunk of get.body) parts.push(chunk);
  if (!sent.equals(Buffer.concat(parts))) throw new Error('GET returned other bytes than the PUT sent');
}

for (let i = 0; i < WARMUP_PAIRS; i++) await pair();
for (let round = 0; round < ROUNDS; round++) {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  for (let i = 0; i < PAIRS; i++) await pair();
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - wall0) / 1e6;
  process.stdout.write(`body-path ${SIZE} B: ${((cpu.user + cpu.system) / 1000 / PAIRS).toFixed(2)} ms CPU/pair, wall ${(wall / PAIRS).toFixed(2)} ms/pair\n`);
}
await strongbox.close();
