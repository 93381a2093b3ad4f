/**
 * @module
 * Choosing the frame length of stored S3 objects: range granularity against throughput.
 *
 * ```
 * npx tsx bench/s3/frame-length.ts           # about a minute
 * npx tsx bench/s3/frame-length.ts --quick   # smoke run
 * ```
 *
 * For each candidate frame length, in one run, interleaved sample by sample (bench/lib/harness.ts):
 *
 * - PUT: sealing a 16 MiB body (64 KiB chunks, as a socket delivers them) with SSE-S3 into the
 *   in-memory store, next to the plain copy floor (the same store write without encryption);
 * - GET: streaming the whole object back through the open stream, next to the plain read;
 * - ranged GET of 4 KiB and of 1 MiB at random offsets: what a small range costs is about one or
 *   two whole frames decrypted, so it grows with the frame length.
 *
 * Measured: the engine's crypto and storage path in process (no HTTP, no disk: the memory store),
 * with `node:crypto` AES-GCM. Not measured: protocol framing, fsync, KMS calls.
 */

import { randomBytes } from 'node:crypto';
import {
  createMemoryObjectStore,
  type ObjectStore,
  openObject,
  openObjectRange,
  type SealedSegment,
  SseS3Provider,
  SseS3RootKeys,
  sealObject,
} from '@strongbox/s3';
import { type BenchCase, type GroupOptions, measureGroup } from '../lib/harness.ts';
import { formatNumber, renderTable } from '../lib/table.ts';

const KiB = 1024;
const MiB = 1024 * KiB;
const quick = process.argv.includes('--quick');
const OBJECT_SIZE = quick ? 2 * MiB : 16 * MiB;
const CHUNK = 64 * KiB;
const FRAME_LENGTHS = [4 * KiB, 16 * KiB, 64 * KiB, 256 * KiB, 1 * MiB];
const OPTIONS: GroupOptions = quick
  ? { samples: 2, minSampleMs: 50, minSampleOps: 1, warmupMs: 20, warmupOps: 1, settleMs: 10, maxSettleOpMs: 50 }
  : { samples: 7, minSampleMs: 400, minSampleOps: 2, warmupMs: 300, warmupOps: 2, settleMs: 50, maxSettleOpMs: 50 };

const body = new Uint8Array(randomBytes(OBJECT_SIZE));
const chunks = Array.from({ length: Math.ceil(OBJECT_SIZE / CHUNK) }, (_, index) => body.subarray(index * CHUNK, (index + 1) * CHUNK));

async function drain(source: AsyncIterable<Uint8Array>): Promise<number> {
  let bytes = 0;
  for await (const chunk of source) bytes += chunk.length;
  return bytes;
}

async function main(): Promise<void> {
  const store: ObjectStore = await createMemoryObjectStore();
  await store.createBucket('bench', {});
  const provider = new SseS3Provider(await SseS3RootKeys.inMemory());
  const identity = { bucket: 'bench', key: 'object' };
  const sealing = await provider.forSealing(identity, undefined);
  const opening = await provider.forOpening(identity, undefined, {});

  await store.putObject('bench', 'plain', chunks, {});
  const segments = new Map<number, SealedSegment[]>();
  for (const frameLength of FRAME_LENGTHS) {
    const { segment } = await sealObject(chunks, sealing, (sealed) => store.putObject('bench', `f${frameLength}`, sealed, {}), { frameLength });
    segments.set(frameLength, [segment]);
    // Cross-check before timing: every candidate round-trips the body exactly.
    const reader = (await store.openObject('bench', `f${frameLength}`))!;
    const parts: Uint8Array[] = [];
    for await (const chunk of openObject(reader, [segment], opening)) parts.push(chunk);
    if (!Buffer.concat(parts).equals(Buffer.from(body))) throw new Error(`frame length ${frameLength} does not round-trip`);
    await reader.close();
  }

  const randomOffset = (length: number): number => Math.floor(Math.random() * (OBJECT_SIZE - length));
  const withReader = async (key: string, use: (reader: NonNullable<Awaited<ReturnType<ObjectStore['openObject']>>>) => Promise<unknown>): Promise<void> => {
    const reader = (await store.openObject('bench', key))!;
    try {
      await use(reader);
    } finally {
      await reader.close();
    }
  };
  const label = (frameLength: number): string => (frameLength >= MiB ? `${frameLength / MiB} MiB` : `${frameLength / KiB} KiB`);

  const put: BenchCase[] = [
    { id: 'put/plain', label: 'PUT plain copy (floor)', bytesPerOp: OBJECT_SIZE, run: () => store.putObject('bench', 'scratch', chunks, {}) },
    ...FRAME_LENGTHS.map((frameLength) => ({
      id: `put/${frameLength}`,
      label: `PUT SSE-S3, frames ${label(frameLength)}`,
      bytesPerOp: OBJECT_SIZE,
      run: () => sealObject(chunks, sealing, (sealed) => store.putObject('bench', 'scratch', sealed, {}), { frameLength, md5: false }),
    })),
  ];
  const get: BenchCase[] = [
    { id: 'get/plain', label: 'GET plain read (floor)', bytesPerOp: OBJECT_SIZE, run: () => withReader('plain', (reader) => drain(reader.stream())) },
    ...FRAME_LENGTHS.map((frameLength) => ({
      id: `get/${frameLength}`,
      label: `GET SSE-S3, frames ${label(frameLength)}`,
      bytesPerOp: OBJECT_SIZE,
      run: () => withReader(`f${frameLength}`, (reader) => drain(openObject(reader, segments.get(frameLength)!, opening))),
    })),
  ];
  const ranged = (length: number): BenchCase[] =>
    FRAME_LENGTHS.map((frameLength) => ({
      id: `range${length}/${frameLength}`,
      label: `GET ${length / KiB} KiB range, frames ${label(frameLength)}`,
      bytesPerOp: length,
      run: () =>
        withReader(`f${frameLength}`, (reader) => {
          const start = randomOffset(length);
          return drain(openObjectRange(reader, segments.get(frameLength)!, opening, start, start + length));
        }),
    }));

  const progress = (message: string): void => void (process.stderr.isTTY && process.stderr.write(`\r\x1b[K${message}`));
  const rows: string[][] = [];
  for (const [title, cases] of [
    ['PUT 16 MiB', put],
    ['GET 16 MiB', get],
    ['GET 4 KiB range', ranged(4 * KiB)],
    ['GET 1 MiB range', ranged(MiB)],
  ] as const) {
    progress(title);
    const results = await measureGroup(cases, OPTIONS, progress);
    for (const result of results)
      rows.push([result.label, formatNumber(result.opsPerSec, 1), formatNumber(result.mbPerSec, 1), `±${formatNumber(result.spreadPct)}%`]);
    rows.push(['', '', '', '']);
  }
  progress('');
  process.stdout.write(
    `Frame length of stored objects (${quick ? 'quick: not meaningful' : 'full run'}; object ${OBJECT_SIZE / MiB} MiB; node ${process.version})\n`,
  );
  process.stdout.write(
    `${renderTable([{ header: 'case' }, { header: 'ops/s', align: 'right' }, { header: 'MB/s', align: 'right' }, { header: 'spread', align: 'right' }], rows.slice(0, -1))}\n`,
  );
}

await main();
