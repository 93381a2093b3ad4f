import { createHash, randomBytes } from 'node:crypto';
import { FORMAT_VERSION_1, readHeader, seal } from '@strongbox/envelope';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Keyring, rawAesKeyring } from '../../src/crypto/envelope-adapter.ts';
import {
  createMemoryObjectStore,
  OBJECT_FRAME_LENGTH,
  type ObjectKeys,
  type ObjectReader,
  type ObjectStore,
  openObject,
  openObjectRange,
  type SealedSegment,
  SseS3Provider,
  SseS3RootKeys,
  sealObject,
} from '../../src/index.ts';

/** Keys of one or two raw-AES layers (two stands in for DSSE-KMS's two independent layers). */
function rawLayers(count: 1 | 2, context: Record<string, string> = { 'aws:s3:arn': 'arn:aws:s3:::b/k' }): ObjectKeys & { unwraps: () => number } {
  let unwraps = 0;
  const layers = Array.from({ length: count }, (_, index) => {
    const inner = rawAesKeyring(`layer-${index}`, new Uint8Array(randomBytes(32)));
    const keyring: Keyring = {
      wrapDataKey: (key, ctx) => inner.wrapDataKey(key, ctx),
      unwrapDataKey: (wrapped, ctx) => {
        unwraps++;
        return inner.unwrapDataKey(wrapped, ctx);
      },
    };
    return { keyring, context };
  });
  return { layers, fields: {}, dispose: () => undefined, unwraps: () => unwraps };
}

function chunks(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0; offset < bytes.length; offset += size) out.push(bytes.slice(offset, offset + size));
  return out;
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const chunk of source) parts.push(chunk);
  return Buffer.concat(parts);
}

/** Seals `parts` (one = a PUT, more = a multipart upload) into `store`; returns the segments. */
async function storeSealed(
  store: ObjectStore,
  key: string,
  parts: readonly Uint8Array[],
  keys: ObjectKeys,
  frameLength: number,
  chunkSize = 1000,
): Promise<SealedSegment[]> {
  if (parts.length === 1) {
    const { segment } = await sealObject(chunks(parts[0]!, chunkSize), keys, (sealed) => store.putObject('b', key, sealed, {}), { frameLength });
    return [segment];
  }
  const upload = await store.createUpload('b', key, {});
  const segments: SealedSegment[] = [];
  for (const [index, part] of parts.entries()) {
    const { segment } = await sealObject(chunks(part, chunkSize), keys, (sealed) => store.putPart('b', upload.uploadId, index + 1, sealed, {}), {
      frameLength,
    });
    segments.push(segment);
  }
  await store.completeUpload(
    'b',
    upload.uploadId,
    parts.map((_, index) => index + 1),
    {},
  );
  return segments;
}

async function open(store: ObjectStore, key: string): Promise<ObjectReader> {
  const reader = await store.openObject('b', key);
  if (reader === undefined) throw new Error(`${key} missing`);
  return reader;
}

describe('object cipher: sealing into storage and opening whole or by range', () => {
  it('property: any body, part layout, frame length, chunking and range round-trips exactly, through one or two layers', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 5000 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 700 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom(1 as const, 2 as const),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 1, max: 2000 }),
        async (parts, frameLength, chunkSize, layerCount, a, b, window) => {
          const keys = rawLayers(layerCount);
          const segments = await storeSealed(store, 'k', parts, keys, frameLength, chunkSize);
          const plaintext = Buffer.concat(parts);
          expect(segments.map((s) => s.plaintextSize)).toEqual(parts.map((p) => p.length));
          const reader = await open(store, 'k');
          try {
            expect(await collect(openObject(reader, segments, keys))).toEqual(plaintext);
            const start = plaintext.length === 0 ? 0 : a % (plaintext.length + 1);
            const end = start + (plaintext.length === 0 ? 0 : b % (plaintext.length - start + 1));
            expect(await collect(openObjectRange(reader, segments, keys, start, end, window))).toEqual(plaintext.subarray(start, end));
          } finally {
            await reader.close();
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it('measures the plaintext MD5 of a body in any number of chunks, none and one included (property)', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const keys = rawLayers(1);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 4 }), async (pieces) => {
        const { md5, segment } = await sealObject(pieces, keys, (sealed) => store.putObject('b', 'k', sealed, {}));
        expect(Buffer.from(md5!).toString('hex')).toBe(createHash('md5').update(Buffer.concat(pieces)).digest('hex'));
        expect(segment.plaintextSize).toBe(Buffer.concat(pieces).length);
      }),
      { numRuns: 60 },
    );
  });

  it('measures the plaintext MD5 and sizes, readable by the sink once the stream ended', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const body = new Uint8Array(randomBytes(100_000));
    const keys = rawLayers(2);
    const { result, segment, md5 } = await sealObject(chunks(body, 4096), keys, (sealed, progress) =>
      store.putObject('b', 'k', sealed, () => ({ md5: Buffer.from(progress.md5()).toString('hex'), size: String(progress.segment().plaintextSize) })),
    );
    expect(Buffer.from(md5!).toString('hex')).toBe(createHash('md5').update(body).digest('hex'));
    expect(result.metadata).toEqual({ md5: Buffer.from(md5!).toString('hex'), size: '100000' });
    expect(segment.plaintextSize).toBe(100_000);
    expect(segment.layerSizes[0]).toBeGreaterThan(100_000);
    expect(segment.layerSizes[1]).toBeGreaterThan(segment.layerSizes[0]!);
    expect(result.size).toBe(segment.layerSizes[1]);
    // Without MD5 (opaque-ETag modes with no Content-MD5 to check), asking for it is an error.
    const withoutMd5 = await sealObject(
      [body],
      keys,
      (sealed, progress) => store.putObject('b', 'k2', sealed, () => ({ size: String(progress.segment().plaintextSize) })),
      { md5: false },
    );
    expect(withoutMd5.md5).toBeUndefined();
    await expect(
      sealObject([body], keys, (sealed, progress) => store.putObject('b', 'k3', sealed, () => ({ md5: String(progress.md5()) })), { md5: false }),
    ).rejects.toThrow(/md5/);
    // Read too early, the measurements refuse rather than report a partial size.
    await expect(sealObject([body], keys, async (_sealed, progress) => progress.segment())).rejects.toThrow(/not ended/);
  });

  it('a ranged read reads and decrypts only the frames covering the range, unwrapping once', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const body = new Uint8Array(randomBytes(1 << 20));
    const keys = rawLayers(1);
    const frameLength = 4096;
    const segments = await storeSealed(store, 'big', [body], keys, frameLength, 65_536);
    const reader = await open(store, 'big');
    let bytesRead = 0;
    const counting: ObjectReader = { ...reader, read: (offset, length) => ((bytesRead += length), reader.read(offset, length)) };
    const unwrapsBefore = keys.unwraps();
    const range = await collect(openObjectRange(counting, segments, keys, 700_000, 700_100));
    expect(range).toEqual(Buffer.from(body.subarray(700_000, 700_100)));
    // The header (one 4 KiB read), at most two covering frames, and the final frame that proves
    // the length (here empty: 1 MiB is a multiple of the frame), each with its tag.
    expect(bytesRead).toBeLessThanOrEqual(4096 + 3 * (frameLength + 16));
    // Several windows of one message unwrap its data key once.
    bytesRead = 0;
    await collect(openObjectRange(counting, segments, keys, 0, body.length, 100_000));
    expect(keys.unwraps() - unwrapsBefore).toBe(2);
    await reader.close();
  });

  it('a flipped stored bit, or the sealed bytes of another object, fail authentication', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const body = new Uint8Array(randomBytes(10_000));
    const keys = rawLayers(1);
    const segments = await storeSealed(store, 'k', [body], keys, 1024);
    const reader = await open(store, 'k');
    const stored = await reader.read(0, reader.info.size);
    await reader.close();
    const tampered = stored.slice();
    tampered[stored.length - 100]! ^= 1;
    await store.putObject('b', 'tampered', [tampered], {});
    const bad = await open(store, 'tampered');
    await expect(collect(openObject(bad, segments, keys))).rejects.toMatchObject({ name: 'EnvelopeError', code: 'DECRYPT_FAILED' });
    await expect(collect(openObjectRange(bad, segments, keys, 9_900, 9_950))).rejects.toMatchObject({ name: 'EnvelopeError', code: 'DECRYPT_FAILED' });
    await bad.close();
    // The same sealed bytes opened as another object (another context) do not open.
    const elsewhere = { ...keys, layers: keys.layers.map((layer) => ({ ...layer, context: { 'aws:s3:arn': 'arn:aws:s3:::b/other' } })) };
    const original = await open(store, 'k');
    await expect(collect(openObject(original, segments, elsewhere))).rejects.toMatchObject({ name: 'EnvelopeError', code: 'DECRYPT_FAILED' });
    await original.close();
  });

  it('a stored message cut at a frame boundary serves no range, even one it still holds', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const keys = rawLayers(1);
    const [segment] = await storeSealed(store, 'k', [new Uint8Array(randomBytes(10_000))], keys, 1000);
    const reader = await open(store, 'k');
    // Drop the last 1016-byte frame (1000 bytes and its tag) and the final one.
    const cut = await reader.read(0, reader.info.size - (1016 + 16));
    await reader.close();
    await store.putObject('b', 'cut', [cut], {});
    const truncated = await open(store, 'cut');
    const claimed: SealedSegment = { plaintextSize: 9_000, layerSizes: [cut.length] };
    await expect(collect(openObjectRange(truncated, [claimed], keys, 0, 100))).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(collect(openObjectRange(truncated, [segment!], keys, 0, 100))).rejects.toThrow();
    await truncated.close();
  });

  it('only format version 2 opens: a version 1 message is refused before any keyring call', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const keys = rawLayers(1);
    const body = new Uint8Array(randomBytes(3000));
    const sealedV1 = await seal(body, {
      keyring: keys.layers[0]!.keyring,
      context: keys.layers[0]!.context,
      formatVersion: FORMAT_VERSION_1,
      frameLength: 1000,
    });
    await store.putObject('b', 'v1', [sealedV1], {});
    const reader = await open(store, 'v1');
    const segment: SealedSegment = { plaintextSize: 3000, layerSizes: [sealedV1.length] };
    const unwrapsBefore = keys.unwraps();
    await expect(collect(openObject(reader, [segment], keys))).rejects.toMatchObject({ code: 'UNSUPPORTED_VERSION' });
    await expect(collect(openObjectRange(reader, [segment], keys, 0, 10))).rejects.toMatchObject({ code: 'UNSUPPORTED_VERSION' });
    expect(keys.unwraps()).toBe(unwrapsBefore);
    await reader.close();
  });

  it('ranges outside the plaintext are RangeErrors', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const keys = rawLayers(1);
    const segments = await storeSealed(store, 'k', [new Uint8Array(10)], keys, 64);
    const reader = await open(store, 'k');
    await expect(collect(openObjectRange(reader, segments, keys, 5, 11))).rejects.toThrow(RangeError);
    await expect(collect(openObjectRange(reader, segments, keys, 6, 5))).rejects.toThrow(RangeError);
    await reader.close();
  });

  it('SSE-S3 through the provider: the stored bytes hold no plaintext', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const provider = new SseS3Provider(await SseS3RootKeys.inMemory());
    const body = new Uint8Array(randomBytes(50_000));
    const keys = await provider.forSealing({ bucket: 'b', key: 'k' }, undefined);
    const segments = await storeSealed(store, 'k', [body], keys, 4096);
    const reader = await open(store, 'k');
    const stored = Buffer.from(await reader.read(0, reader.info.size));
    expect(stored.indexOf(Buffer.from(body.subarray(0, 32)))).toBe(-1);
    expect(stored.indexOf(Buffer.from(body.subarray(25_000, 25_032)))).toBe(-1);
    const opening = await provider.forOpening({ bucket: 'b', key: 'k' }, undefined, {});
    expect(await collect(openObject(reader, segments, opening))).toEqual(Buffer.from(body));
    await reader.close();
  });

  it('seals in OBJECT_FRAME_LENGTH frames by default, and still opens objects stored in 64 KiB frames', async () => {
    const store = await createMemoryObjectStore();
    await store.createBucket('b', {});
    const body = new Uint8Array(randomBytes(OBJECT_FRAME_LENGTH * 2 + 1234));
    const keys = rawLayers(1);
    // Default frame length: the stored header says OBJECT_FRAME_LENGTH.
    const { segment } = await sealObject(chunks(body, 65_536), keys, (sealed) => store.putObject('b', 'new', sealed, {}));
    const fresh = await open(store, 'new');
    expect(readHeader(await fresh.read(0, Math.min(fresh.info.size, 4096))).frameLength).toBe(OBJECT_FRAME_LENGTH);
    expect(segment.layerSizes[0]).toBe(readHeader(await fresh.read(0, 4096)).length + body.length + 16 * 3);
    await fresh.close();
    // An object stored with the earlier 64 KiB frames reads whole and by range (the frame length is in its header).
    const older = await storeSealed(store, 'old', [body], keys, 64 * 1024, 65_536);
    const reader = await open(store, 'old');
    expect(readHeader(await reader.read(0, 4096)).frameLength).toBe(64 * 1024);
    // Buffer.equals: vitest's deep equality walks half a MiB element by element.
    expect((await collect(openObject(reader, older, keys))).equals(body)).toBe(true);
    const start = OBJECT_FRAME_LENGTH - 70_000;
    expect((await collect(openObjectRange(reader, older, keys, start, start + 200_000))).equals(body.subarray(start, start + 200_000))).toBe(true);
    await reader.close();
  });
});
