/**
 * @module
 * Child process of section 3 (peak memory of a streaming seal + open). Run it on its own, so that
 * nothing else the benchmark holds counts towards its peak RSS:
 *
 * ```
 * node --import tsx bench/envelope/stream-rss.ts idle            # imports the package, nothing else
 * node --import tsx bench/envelope/stream-rss.ts stream 1073741824
 * node --import tsx bench/envelope/stream-rss.ts identity 1073741824   # the same pipeline, no crypto
 * ```
 *
 * `stream` generates the plaintext on the fly (64 KiB chunks, each a fresh copy of a window into a
 * 1 MiB random pool at a moving offset, so no two neighbouring chunks are equal), pipes it through
 * `createSealStream` then `createOpenStream` with the default backend, and counts and hashes what
 * comes out; the producer hashes what it sent. Both must agree. It prints one line of JSON with
 * `process.resourceUsage().maxRSS` (KiB; on Linux also VmHWM from /proc as a cross-check) and exits
 * non-zero on any mismatch. `identity` runs the same source, sink and pipeline shape with two
 * TransformStreams that only copy each chunk into a new buffer (as a cipher returns a new buffer):
 * the peak that web streams and V8's collection of dead buffers reach with no Strongbox at all. Start it from a small process (a shell): see `child` in `rss.ts` for why.
 */

import { createHash, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createOpenStream, createSealStream, defaultBackend, RawAesKeyring } from '@strongbox/envelope';

const CHUNK = 64 * 1024;
const POOL = 1024 * 1024;

/** Linux: the peak RSS of this process image from /proc (a cross-check of maxRSS); else undefined. */
function vmHWM(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

function report(fields: Record<string, unknown>): void {
  const usage = process.resourceUsage();
  process.stdout.write(`${JSON.stringify({ ...fields, maxRSSKiB: usage.maxRSS, vmHWMKiB: vmHWM(), backend: defaultBackend.name })}\n`);
}

type Stage = () => TransformStream<Uint8Array, Uint8Array>;

/** A stage that copies each chunk into a buffer of its own, the allocation a cipher makes. */
const copyStage: Stage = () => new TransformStream<Uint8Array, Uint8Array>({ transform: (chunk, controller) => controller.enqueue(chunk.slice()) });

async function stream(mode: 'stream' | 'identity', totalBytes: number): Promise<void> {
  const keyring = new RawAesKeyring({ name: 'rss', key: randomFillSync(new Uint8Array(32)) });
  const context = { purpose: 'strongbox-bench-rss' };
  const pool = randomFillSync(new Uint8Array(POOL + CHUNK));
  const sent = createHash('sha256');
  const received = createHash('sha256');
  let produced = 0;
  let chunkIndex = 0;
  let consumed = 0;
  let sealedBytes = 0;

  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (produced >= totalBytes) {
        controller.close();
        return;
      }
      const length = Math.min(CHUNK, totalBytes - produced);
      const offset = (chunkIndex++ * 4111) % POOL;
      const chunk = pool.slice(offset, offset + length);
      sent.update(chunk);
      produced += length;
      controller.enqueue(chunk);
    },
  });
  const countSealed = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      sealedBytes += chunk.length;
      controller.enqueue(chunk);
    },
  });
  const sink = new WritableStream<Uint8Array>({
    write(chunk) {
      received.update(chunk);
      consumed += chunk.length;
    },
  });

  const start = process.hrtime.bigint();
  const sealStage: Stage = mode === 'stream' ? () => createSealStream({ keyring, context }) : copyStage;
  const openStage: Stage = mode === 'stream' ? () => createOpenStream({ keyring, context }) : copyStage;
  await source.pipeThrough(sealStage()).pipeThrough(countSealed).pipeThrough(openStage()).pipeTo(sink);
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  const ok = consumed === totalBytes && produced === totalBytes && sent.digest('hex') === received.digest('hex');
  report({ mode, bytes: totalBytes, consumed, sealedBytes, ok, wallMs });
  if (!ok) process.exitCode = 1;
}

const [mode, size] = process.argv.slice(2);
if (mode === 'idle') {
  report({ mode: 'idle' });
} else if ((mode === 'stream' || mode === 'identity') && size !== undefined && /^\d+$/.test(size)) {
  await stream(mode, Number(size));
} else {
  process.stderr.write('usage: stream-rss.ts idle | stream <bytes> | identity <bytes>\n');
  process.exitCode = 2;
}
