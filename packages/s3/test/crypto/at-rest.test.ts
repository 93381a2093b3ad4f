/**
 * End to end below the operations: SSE-S3 and SSE-C objects (single PUT and multipart) sealed
 * into a filesystem data directory with the root keys beside them, read back whole and by range
 * after a restart and a root-key rotation, then the whole directory scanned byte by byte: no
 * plaintext body and no SSE-C key in any form.
 */

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DataKeyProvider,
  type ObjectStore,
  openFileSystemObjectStore,
  openObject,
  openObjectRange,
  type SealedSegment,
  SseCProvider,
  SseS3Provider,
  SseS3RootKeys,
  sealObject,
} from '../../src/index.ts';
import { assertNoSecretsOnDisk } from '../helpers/scan.ts';
import { tempDirectory } from '../helpers/temp.ts';

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Stores parts as the engine will: each sealed with its own identity; segments in metadata. */
async function put<R>(store: ObjectStore, provider: DataKeyProvider<R>, request: R, key: string, parts: readonly Uint8Array[]): Promise<void> {
  const upload = await store.createUpload('data', key, {});
  let fields = {};
  for (const [index, part] of parts.entries()) {
    const keys = await provider.forSealing({ bucket: 'data', key, partNumber: parts.length > 1 ? index + 1 : undefined }, request);
    fields = keys.fields;
    await sealObject([part.subarray(0, 1000), part.subarray(1000)], keys, (sealed, progress) =>
      store.putPart('data', upload.uploadId, index + 1, sealed, () => ({ segment: JSON.stringify(progress.segment()) })),
    );
    keys.dispose();
  }
  const segments = (await store.listParts('data', upload.uploadId, { maxParts: 1000 })).parts.map((part) => part.metadata['segment']);
  await store.completeUpload(
    'data',
    upload.uploadId,
    parts.map((_, index) => index + 1),
    { ...fields, segments: `[${segments.join(',')}]` },
  );
}

async function read<R>(store: ObjectStore, provider: DataKeyProvider<R>, request: R, key: string, range?: [number, number]): Promise<Buffer> {
  const reader = await store.openObject('data', key);
  if (reader === undefined) throw new Error(`${key} missing`);
  const segments = JSON.parse(reader.info.metadata['segments'] ?? '[]') as SealedSegment[];
  // Each part opens under its own identity (its part number is in its context).
  const keys = (index: number) =>
    provider.forOpening({ bucket: 'data', key, partNumber: segments.length > 1 ? index + 1 : undefined }, request, reader.info.metadata);
  try {
    return await collect(range === undefined ? openObject(reader, segments, keys) : openObjectRange(reader, segments, keys, range[0], range[1]));
  } finally {
    await reader.close();
  }
}

describe('encryption at rest in a data directory', () => {
  it('SSE-S3 and SSE-C objects survive a restart and a rotation, and the directory holds no plaintext and no SSE-C key', async () => {
    const directory = tempDirectory('at-rest');
    const customerKey = new Uint8Array(randomBytes(32));
    const bodies = {
      s3: new Uint8Array(randomBytes(300_000)),
      c: new Uint8Array(randomBytes(200_000)),
      mp: [new Uint8Array(randomBytes(70_000)), new Uint8Array(randomBytes(33_333))],
    };

    let store = await openFileSystemObjectStore({ directory });
    let roots = await SseS3RootKeys.openDirectory(directory);
    await store.createBucket('data', {});
    await put(store, new SseS3Provider(roots), undefined, 'sse-s3', [bodies.s3]);
    await put(store, new SseCProvider(), { customerKey }, 'sse-c', [bodies.c]);
    await put(store, new SseCProvider(), { customerKey }, 'sse-c-multipart', bodies.mp);
    await roots.rotate();
    await put(store, new SseS3Provider(roots), undefined, 'after-rotation', [bodies.c]);
    await store.close();
    roots.destroy();

    store = await openFileSystemObjectStore({ directory });
    roots = await SseS3RootKeys.openDirectory(directory);
    const sseS3 = new SseS3Provider(roots);
    expect(await read(store, sseS3, undefined, 'sse-s3')).toEqual(Buffer.from(bodies.s3));
    expect(await read(store, sseS3, undefined, 'sse-s3', [123_456, 200_001])).toEqual(Buffer.from(bodies.s3.subarray(123_456, 200_001)));
    expect(await read(store, sseS3, undefined, 'after-rotation')).toEqual(Buffer.from(bodies.c));
    expect(await read(store, new SseCProvider(), { customerKey }, 'sse-c', [199_990, 200_000])).toEqual(Buffer.from(bodies.c.subarray(199_990)));
    expect(await read(store, new SseCProvider(), { customerKey }, 'sse-c-multipart')).toEqual(Buffer.concat(bodies.mp));
    expect(await read(store, new SseCProvider(), { customerKey }, 'sse-c-multipart', [69_990, 70_010])).toEqual(
      Buffer.concat(bodies.mp).subarray(69_990, 70_010),
    );
    await store.close();

    await assertNoSecretsOnDisk(directory, { plaintexts: [bodies.s3, bodies.c, ...bodies.mp], customerKeys: [customerKey] });
  });

  it('parts are bound to their positions: a multipart object completed in another order does not open', async () => {
    const store = await openFileSystemObjectStore({ directory: tempDirectory('part-order') });
    await store.createBucket('data', {});
    const provider = new SseS3Provider(await SseS3RootKeys.inMemory());
    const parts = [new Uint8Array(randomBytes(5000)), new Uint8Array(randomBytes(5000))];
    const upload = await store.createUpload('data', 'k', {});
    const segments: SealedSegment[] = [];
    for (const [index, part] of parts.entries()) {
      const keys = await provider.forSealing({ bucket: 'data', key: 'k', partNumber: index + 1 }, undefined);
      segments.push((await sealObject([part], keys, (sealed) => store.putPart('data', upload.uploadId, index + 1, sealed, {}))).segment);
    }
    // Stored in the wrong order, as a tampered manifest would list them.
    await store.completeUpload('data', upload.uploadId, [2, 1], {});
    const reader = (await store.openObject('data', 'k'))!;
    const keys = (index: number) => provider.forOpening({ bucket: 'data', key: 'k', partNumber: index + 1 }, undefined, {});
    await expect(collect(openObject(reader, [segments[1]!, segments[0]!], keys))).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(collect(openObjectRange(reader, [segments[1]!, segments[0]!], keys, 10, 20))).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await reader.close();
    await store.close();
  });

  it('property: whatever the body, mode and part layout, the data directory holds no plaintext and no SSE-C key', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 16, maxLength: 3000 }), { minLength: 1, maxLength: 3 }),
        fc.constantFrom('SSE-S3' as const, 'SSE-C' as const),
        async (parts, mode) => {
          const directory = tempDirectory('no-plaintext');
          const store = await openFileSystemObjectStore({ directory });
          await store.createBucket('data', {});
          const customerKey = new Uint8Array(randomBytes(32));
          const roots = await SseS3RootKeys.openDirectory(directory);
          if (mode === 'SSE-S3') await put(store, new SseS3Provider(roots), undefined, 'k', parts);
          else await put(store, new SseCProvider(), { customerKey }, 'k', parts);
          // The object reads back, so what is on disk really is it, sealed.
          const back =
            mode === 'SSE-S3' ? await read(store, new SseS3Provider(roots), undefined, 'k') : await read(store, new SseCProvider(), { customerKey }, 'k');
          expect(back).toEqual(Buffer.concat(parts));
          await store.close();
          roots.destroy();
          // Low-entropy bodies (all zeros, say) would match by chance in sealed bytes only with
          // negligible probability; the windows are 32 bytes.
          await assertNoSecretsOnDisk(directory, { plaintexts: parts, customerKeys: [customerKey] });
        },
      ),
      { numRuns: 6 },
    );
  });
});
