/**
 * Peak RSS of a streaming CSE upload, against the limit (200 MiB for 1 GiB), in one run:
 * `npx tsx packages/s3-encryption-client/bench/streaming-rss.ts [MiB]` (default 1024).
 *
 * The S3Client's requestHandler reads and discards the request body (counting its bytes), so the
 * figure is the encryption client's and the SDK's own memory, not a store's. Generated plaintext
 * comes in 1 MiB chunks; RSS is sampled every 20 ms.
 */

import { Readable } from 'node:stream';
import { S3Client } from '@aws-sdk/client-s3';
import { AesKeyring, S3EncryptionClient } from '../src/index.ts';

const MIB = 1024 * 1024;
const LIMIT_MIB = 200;
const sizeMiB = Number(process.argv[2] ?? 1024);

let received = 0;
const s3 = new S3Client({
  region: 'us-east-1',
  endpoint: 'http://discard.test',
  forcePathStyle: true,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  maxAttempts: 1,
  requestHandler: {
    handle: async (request: { body?: unknown }) => {
      if (request.body !== undefined && typeof (request.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function')
        for await (const chunk of request.body as AsyncIterable<Uint8Array>) received += chunk.length;
      return { response: { statusCode: 200, headers: { etag: '"0"' }, body: Readable.from([]) } };
    },
  } as never,
});

const client = new S3EncryptionClient({ s3, keyring: new AesKeyring({ wrappingKey: new Uint8Array(32).fill(1) }) });
const chunk = Buffer.alloc(MIB, 7);
const source = Readable.from(
  (function* () {
    for (let i = 0; i < sizeMiB; i++) yield chunk;
  })(),
);

const before = process.memoryUsage().rss;
let peak = before;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 20);
const started = performance.now();
await client.putObject({ Bucket: 'b', Key: 'k', Body: source, ContentLength: sizeMiB * MIB });
const seconds = (performance.now() - started) / 1000;
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

console.log(`plaintext ${sizeMiB} MiB; sent ${(received / MIB).toFixed(2)} MiB (aws-chunked framing included) in ${seconds.toFixed(1)} s`);
console.log(
  `RSS before ${(before / MIB).toFixed(0)} MiB, peak ${(peak / MIB).toFixed(0)} MiB (limit ${LIMIT_MIB} MiB): ${peak / MIB <= LIMIT_MIB ? 'within' : 'OVER'} the limit`,
);
