/**
 * @module
 * Child process of `engine.ts`'s peak-memory section: one operation on a data directory, then one
 * line of JSON with `process.resourceUsage().maxRSS` (KiB). Run alone, so nothing else counts
 * towards its peak:
 *
 * ```
 * node --import tsx bench/s3/engine-child.ts idle <dir>                # start the engine, one tiny PUT + GET
 * node --import tsx bench/s3/engine-child.ts put <dir> <bytes>         # PutObject SSE-S3 of <bytes>, streamed
 * node --import tsx bench/s3/engine-child.ts get <dir> <bytes>         # GetObject of it, streamed and hashed
 * node --import tsx bench/s3/engine-child.ts plain-put <dir> <bytes>   # the same bytes into the same kind of store, no engine, no encryption
 * node --import tsx bench/s3/engine-child.ts plain-get <dir> <bytes>
 * ```
 *
 * The body is generated on the fly: 64 KiB chunks, each a fresh copy of a window into a 1 MiB
 * patterned pool at a moving offset (as a socket hands over fresh buffers); its SHA-256 is printed
 * so the parent can check the GET returned exactly what the PUT sent.
 */

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openFileSystemObjectStore, S3 } from '@strongbox/s3';

const CHUNK = 64 * 1024;
const POOL = 1024 * 1024;
const BUCKET = 'rss-bench';

/** Linux: the peak RSS of this process image from /proc (a cross-check of maxRSS). */
function vmHWM(): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync('/proc/self/status', 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** The body, hashed as it is produced. */
function body(total: number, hash: ReturnType<typeof createHash>): AsyncIterable<Uint8Array> {
  const pool = new Uint8Array(POOL + CHUNK);
  // A fixed pattern, not random, so the GET child can regenerate the same hash without the PUT's.
  for (let i = 0; i < pool.length; i++) pool[i] = (i * 2654435761) >>> 24;
  return (async function* () {
    let produced = 0;
    let index = 0;
    while (produced < total) {
      const length = Math.min(CHUNK, total - produced);
      const offset = (index * 7919) % POOL;
      const chunk = pool.slice(offset, offset + length);
      hash.update(chunk);
      produced += length;
      index++;
      yield chunk;
    }
  })();
}

async function drain(source: AsyncIterable<Uint8Array>, hash: ReturnType<typeof createHash>): Promise<number> {
  let bytes = 0;
  for await (const chunk of source) {
    hash.update(chunk);
    bytes += chunk.length;
  }
  return bytes;
}

async function main(): Promise<void> {
  const [mode = '', directory = '', sizeText = '0'] = process.argv.slice(2);
  const bytes = Number(sizeText);
  const started = performance.now();
  const hash = createHash('sha256');
  let moved = 0;
  if (mode === 'plain-put' || mode === 'plain-get') {
    const store = await openFileSystemObjectStore({ directory });
    try {
      if (mode === 'plain-put') {
        await store.createBucket(BUCKET, {});
        moved = (await store.putObject(BUCKET, 'big', body(bytes, hash), {})).size;
      } else {
        const reader = await store.openObject(BUCKET, 'big');
        if (reader === undefined) throw new Error('no object to read: run plain-put first');
        try {
          moved = await drain(reader.stream(), hash);
        } finally {
          await reader.close();
        }
      }
    } finally {
      await store.close();
    }
  } else {
    const s3 = new S3({ storage: { directory } });
    try {
      if (mode === 'idle') {
        await s3.createBucket({ Bucket: BUCKET });
        await s3.putObject({ Bucket: BUCKET, Key: 'tiny', Body: 'tiny' });
        moved = (await (await s3.getObject({ Bucket: BUCKET, Key: 'tiny' })).Body.transformToByteArray()).length;
      } else if (mode === 'put') {
        await s3.createBucket({ Bucket: BUCKET });
        moved = (await s3.putObject({ Bucket: BUCKET, Key: 'big', Body: body(bytes, hash) })).Size;
      } else if (mode === 'get') {
        moved = await drain((await s3.getObject({ Bucket: BUCKET, Key: 'big' })).Body, hash);
      } else throw new Error(`unknown mode ${mode}`);
    } finally {
      await s3.close();
    }
  }
  const usage = process.resourceUsage();
  process.stdout.write(
    `${JSON.stringify({ mode, bytes: moved, sha256: hash.digest('hex'), maxRSSKiB: usage.maxRSS, vmHWMKiB: vmHWM(), wallMs: Math.round(performance.now() - started) })}\n`,
  );
}

await main();
