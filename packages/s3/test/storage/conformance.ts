/**
 * The ObjectStore conformance suite, run against every backend (memory.test.ts,
 * filesystem.test.ts). A backend factory returns a fresh store and, for durable backends, a way
 * to close and reopen it, so persistence is checked by the same assertions.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, S3Error } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';

/** What a backend factory opens its store with (the store's `now`, for the tests that move time). */
export interface StoreFixtureEnvironment {
  readonly now?: () => number;
}

/** A fresh store; `reopen` (durable backends) closes it and opens the same state again. */
export interface StoreFixture {
  readonly store: ObjectStore;
  readonly reopen?: () => Promise<ObjectStore>;
}

const text = (value: string): Uint8Array => new TextEncoder().encode(value);

/** Splits bytes into chunks of the given sizes (cycling), as a streamed body. */
function chunked(bytes: Uint8Array, sizes: readonly number[] = [7]): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    const size = Math.max(1, sizes[index % sizes.length] ?? 1);
    chunks.push(bytes.slice(offset, offset + size));
    offset += size;
  }
  return chunks;
}

async function readAll(store: ObjectStore, bucket: string, key: string): Promise<Uint8Array | undefined> {
  const reader = await store.openObject(bucket, key);
  if (reader === undefined) return undefined;
  try {
    const parts: Uint8Array[] = [];
    for await (const chunk of reader.stream()) parts.push(chunk);
    const streamed = Buffer.concat(parts);
    const read = await reader.read(0, reader.info.size);
    expect(Buffer.from(read)).toEqual(streamed);
    return new Uint8Array(streamed);
  } finally {
    await reader.close();
  }
}

/** A body that sends its first half, then waits for `release` before sending the rest. */
export interface GatedBody {
  readonly chunks: AsyncIterable<Uint8Array>;
  /** Resolves once the first half is sent (the write is under way). */
  readonly started: Promise<void>;
  release(): void;
}

/** A body held open halfway, so a test can act while a write streams in. */
export function gatedBody(): GatedBody {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let started!: () => void;
  const underWay = new Promise<void>((resolve) => (started = resolve));
  async function* chunks(): AsyncIterable<Uint8Array> {
    yield text('first half ');
    started();
    await gate;
    yield text('second half');
  }
  return { chunks: chunks(), started: underWay, release };
}

/** Reference ListObjectsV2 over a plain key list, without paging. */
function referenceList(keys: readonly string[], prefix: string, delimiter: string | undefined): { keys: string[]; prefixes: string[] } {
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const out: string[] = [];
  const prefixes: string[] = [];
  for (const key of sorted) {
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    if (cut === -1) out.push(key);
    else {
      const common = key.slice(0, cut + (delimiter ?? '').length);
      if (!prefixes.includes(common)) prefixes.push(common);
    }
  }
  return { keys: out, prefixes };
}

export function runObjectStoreConformance(backend: string, create: (environment?: StoreFixtureEnvironment) => Promise<StoreFixture>, runs: number): void {
  describe(`ObjectStore conformance: ${backend}`, () => {
    it('buckets: create once, list by name, delete only when empty', async () => {
      const { store } = await create();
      expect(await store.createBucket('zeta', { owner: 'a' })).toBe(true);
      expect(await store.createBucket('alpha', {})).toBe(true);
      expect(await store.createBucket('zeta', {})).toBe(false);
      expect((await store.listBuckets()).map((b) => b.name)).toEqual(['alpha', 'zeta']);
      expect((await store.getBucket('zeta'))?.metadata).toEqual({ owner: 'a' });
      expect((await store.updateBucket('zeta', () => ({ owner: 'b' }))).metadata).toEqual({ owner: 'b' });
      await store.putObject('zeta', 'k', [text('v')], {});
      expect(await store.deleteBucket('zeta')).toBe('not-empty');
      await store.deleteObject('zeta', 'k');
      const upload = await store.createUpload('zeta', 'k', {});
      expect(await store.deleteBucket('zeta')).toBe('not-empty');
      await store.abortUpload('zeta', upload.uploadId);
      expect(await store.deleteBucket('zeta')).toBe('deleted');
      expect(await store.deleteBucket('zeta')).toBe('missing');
      expect(await store.getBucket('zeta')).toBeUndefined();
      await store.close();
    });

    it('concurrent bucket updates each apply to the bucket as the one before left it', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 12 }), async (count) => {
          const { store } = await create();
          await store.createBucket('b', { owner: 'a' });
          const updates: Promise<unknown>[] = [];
          for (let i = 0; i < count; i++) updates.push(store.updateBucket('b', (current) => ({ ...current.metadata, [`f${i}`]: String(i) })));
          await Promise.all(updates);
          const expected: Record<string, string> = { owner: 'a' };
          for (let i = 0; i < count; i++) expected[`f${i}`] = String(i);
          expect((await store.getBucket('b'))?.metadata).toEqual(expected);
          await store.close();
        }),
        { numRuns: runs },
      );
    });

    it('a bucket update that declines or throws leaves the bucket as it was', async () => {
      const { store } = await create();
      await store.createBucket('b', { owner: 'a' });
      expect((await store.updateBucket('b', () => undefined)).metadata).toEqual({ owner: 'a' });
      await expect(
        store.updateBucket('b', () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect((await store.getBucket('b'))?.metadata).toEqual({ owner: 'a' });
      await store.close();
    });

    it('a missing bucket is NoSuchBucket for every object operation', async () => {
      const { store } = await create();
      for (const action of [
        () => store.putObject('nope', 'k', [], {}),
        () => store.headObject('nope', 'k'),
        () => store.openObject('nope', 'k'),
        () => store.deleteObject('nope', 'k'),
        () => store.listObjects('nope', { maxKeys: 10 }),
        () => store.createUpload('nope', 'k', {}),
        () => store.updateBucket('nope', () => ({})),
      ]) {
        const error = await catchS3Async(action);
        expect([error.code, error.status, error.fields]).toEqual(['NoSuchBucket', 404, [['BucketName', 'nope']]]);
      }
      await store.close();
    });

    it('a bucket keeps its id until deleted; one created again under its name has another, as do its updates', async () => {
      const fixture = await create();
      const { store } = fixture;
      await store.createBucket('b', { owner: 'a' });
      const first = (await store.getBucket('b'))!;
      expect(first.id).toMatch(/\S/);
      expect((await store.updateBucket(first, () => ({ owner: 'b' }))).id).toBe(first.id);
      expect((await store.listBuckets()).map((bucket) => bucket.id)).toEqual([first.id]);
      expect(await store.deleteBucket(first)).toBe('deleted');
      await store.createBucket('b', {});
      const second = (await store.getBucket('b'))!;
      expect(second.id).not.toBe(first.id);
      if (fixture.reopen !== undefined) {
        const again = await fixture.reopen();
        expect((await again.getBucket('b'))?.id).toBe(second.id);
        await again.close();
      } else await store.close();
    });

    // S3: a bucket deleted and created again under its name is another resource. A call naming the
    // first bucket's identity (a request that read it, then paused) must not act on the second.
    it("every call naming a deleted bucket's identity is NoSuchBucket when a bucket of its name exists again, and changes nothing", async () => {
      const { store } = await create();
      await store.createBucket('b', { generation: 'first' });
      const old = (await store.getBucket('b'))!;
      expect(await store.deleteBucket(old)).toBe('deleted');
      await store.createBucket('b', { generation: 'second' });
      await store.putObject('b', 'k', [text('kept')], { kept: 'yes' });
      const upload = await store.createUpload('b', 'k', {});
      await store.putPart('b', upload.uploadId, 1, [text('part')], {});
      const stale = { name: 'b', id: old.id };
      for (const action of [
        () => store.putObject(stale, 'k', [text('lost')], {}),
        () => store.putObject(stale, 'new', [text('lost')], {}),
        () => store.headObject(stale, 'k'),
        () => store.openObject(stale, 'k'),
        () => store.updateObjectMetadata(stale, 'k', { kept: 'no' }),
        () => store.deleteObject(stale, 'k'),
        () => store.listObjects(stale, { maxKeys: 10 }),
        () => store.createUpload(stale, 'k', {}),
        () => store.getUpload(stale, upload.uploadId),
        () => store.listUploads(stale, { maxUploads: 10 }),
        () => store.putPart(stale, upload.uploadId, 2, [text('lost')], {}),
        () => store.listParts(stale, upload.uploadId, { maxParts: 10 }),
        () => store.openPart(stale, upload.uploadId, 1),
        () => store.completeUpload(stale, upload.uploadId, [1], {}),
        () => store.abortUpload(stale, upload.uploadId),
        () => store.updateBucket(stale, () => ({ generation: 'overwritten' })),
      ]) {
        const error = await catchS3Async(action);
        expect([error.code, error.status, error.fields]).toEqual(['NoSuchBucket', 404, [['BucketName', 'b']]]);
      }
      expect(await store.deleteBucket(stale)).toBe('missing');
      // The bucket of the name now is as it was: its metadata, its one object, its upload and part.
      const current = (await store.getBucket('b'))!;
      expect([current.metadata, current.id === old.id]).toEqual([{ generation: 'second' }, false]);
      expect((await store.listObjects(current, { maxKeys: 10 })).objects.map((object) => [object.key, object.metadata])).toEqual([['k', { kept: 'yes' }]]);
      expect(new TextDecoder().decode(await readAll(store, 'b', 'k'))).toBe('kept');
      expect((await store.listUploads(current, { maxUploads: 10 })).uploads.map((entry) => entry.uploadId)).toEqual([upload.uploadId]);
      expect((await store.listParts(current, upload.uploadId, { maxParts: 10 })).parts.map((part) => part.partNumber)).toEqual([1]);
      await store.close();
    });

    it("a PUT naming a bucket's identity whose bucket is deleted and created again while its body streams fails NoSuchBucket, the new bucket untouched", async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const old = (await store.getBucket('b'))!;
      const body = gatedBody();
      const put = catchS3Async(() => store.putObject(old, 'k', body.chunks, {}));
      await body.started;
      expect(await store.deleteBucket('b')).toBe('deleted');
      expect(await store.createBucket('b', {})).toBe(true);
      body.release();
      expect((await put).code).toBe('NoSuchBucket');
      expect((await store.listObjects('b', { maxKeys: 10 })).objects).toEqual([]);
      await store.close();
    });

    // S3 never acknowledges a write it cannot read back: a PUT whose bucket is deleted while its
    // body streams fails as a write into a missing bucket does, even when a bucket of the same
    // name exists again by the time the body ends (its bytes went with the old one).
    for (const recreated of [false, true]) {
      it(`a PUT whose bucket is deleted while its body streams fails NoSuchBucket${recreated ? ', the name taken again meanwhile' : ''}`, async () => {
        const { store } = await create();
        await store.createBucket('b', {});
        const body = gatedBody();
        const put = catchS3Async(() => store.putObject('b', 'k', body.chunks, {}));
        await body.started;
        expect(await store.deleteBucket('b')).toBe('deleted');
        if (recreated) expect(await store.createBucket('b', {})).toBe(true);
        body.release();
        const error = await put;
        expect([error.code, error.status, error.fields]).toEqual(['NoSuchBucket', 404, [['BucketName', 'b']]]);
        if (recreated) {
          expect(await store.headObject('b', 'k')).toBeUndefined();
          expect((await store.listObjects('b', { maxKeys: 10 })).objects).toEqual([]);
          expect(await store.deleteBucket('b')).toBe('deleted');
        }
        await store.close();
      });
    }

    // The part's upload is aborted first (DeleteBucket refuses while one is open); the part is then
    // answered as it would be once it ends: no such bucket, or no such upload in the new one.
    for (const [recreated, code] of [
      [false, 'NoSuchBucket'],
      [true, 'NoSuchUpload'],
    ] as const) {
      it(`multipart: a part whose bucket is deleted while it streams in fails ${code}${recreated ? ', the name taken again meanwhile' : ''}`, async () => {
        const { store } = await create();
        await store.createBucket('b', {});
        const upload = await store.createUpload('b', 'k', {});
        const body = gatedBody();
        const part = catchS3Async(() => store.putPart('b', upload.uploadId, 1, body.chunks, {}));
        await body.started;
        expect(await store.abortUpload('b', upload.uploadId)).toBe(true);
        expect(await store.deleteBucket('b')).toBe('deleted');
        if (recreated) expect(await store.createBucket('b', {})).toBe(true);
        body.release();
        expect((await part).code).toBe(code);
        if (recreated) {
          expect((await store.listUploads('b', { maxUploads: 10 })).uploads).toEqual([]);
          expect(await store.deleteBucket('b')).toBe('deleted');
        }
        await store.close();
      });
    }

    it('stores a streamed body and its metadata, reads any byte range, replaces atomically', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const body = new Uint8Array(200_000).map((_, i) => (i * 31) % 251);
      const info = await store.putObject('b', 'dir/file', chunked(body, [1, 1000, 65_536, 3]), { mode: 'SSE-S3', __proto__: 'x' } as Record<string, string>);
      expect(info).toMatchObject({ key: 'dir/file', size: 200_000, segments: [200_000] });
      const head = await store.headObject('b', 'dir/file');
      expect(head?.metadata['mode']).toBe('SSE-S3');
      expect(Object.getPrototypeOf(head?.metadata)).toBeNull();
      expect(Buffer.from((await readAll(store, 'b', 'dir/file')) ?? [])).toEqual(Buffer.from(body));
      const reader = await store.openObject('b', 'dir/file');
      expect(Buffer.from(await reader!.read(65_530, 20))).toEqual(Buffer.from(body.subarray(65_530, 65_550)));
      await expect(reader!.read(199_990, 11)).rejects.toThrow(RangeError);
      // The reader keeps the old bytes while the key is replaced and deleted.
      await store.putObject('b', 'dir/file', [text('new')], {});
      await store.deleteObject('b', 'dir/file');
      expect(Buffer.from(await reader!.read(0, 10))).toEqual(Buffer.from(body.subarray(0, 10)));
      await reader!.close();
      expect(await store.headObject('b', 'dir/file')).toBeUndefined();
      expect(await store.deleteObject('b', 'dir/file')).toBe(false);
      await store.close();
    });

    it('a metadata update function sees the object as it is under the lock; keepLastModified keeps its time; throwing writes nothing', async () => {
      // The store's clock moves between the write and each update, so an update that stamped a new
      // time could not pass for one that kept it.
      let now = Date.UTC(2026, 0, 1);
      const { store } = await create({ now: () => now });
      await store.createBucket('b', {});
      const put = await store.putObject('b', 'k', [text('bytes')], { tags: 'old' });
      expect(put.lastModified).toBe(Date.UTC(2026, 0, 1));
      now += 60_000;
      const seen: string[] = [];
      const updated = await store.updateObjectMetadata(
        'b',
        'k',
        (current) => {
          seen.push(current.metadata['tags'] ?? '');
          return { ...current.metadata, tags: 'new' };
        },
        { keepLastModified: true },
      );
      expect(seen).toEqual(['old']);
      expect([updated.lastModified, updated.segments]).toEqual([put.lastModified, put.segments]);
      expect((await store.headObject('b', 'k'))?.metadata).toEqual({ tags: 'new' });
      await expect(
        store.updateObjectMetadata('b', 'k', () => {
          throw new Error('refused');
        }),
      ).rejects.toThrow('refused');
      expect((await store.headObject('b', 'k'))?.metadata).toEqual({ tags: 'new' });
      expect((await store.headObject('b', 'k'))?.lastModified).toBe(put.lastModified);
      // Without keepLastModified, the update is stamped with the store's time.
      now += 60_000;
      expect((await store.updateObjectMetadata('b', 'k', (current) => current.metadata)).lastModified).toBe(now);
      await expect(store.updateObjectMetadata('b', 'missing', (current) => current.metadata)).rejects.toMatchObject({ reason: 'NoSuchKey' });
      expect(new TextDecoder().decode(await readAll(store, 'b', 'k'))).toBe('bytes');
      await store.close();
    });

    it('empty bodies, and keys that look like paths, NULs or are 1024 bytes, are plain keys', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const keys = ['../../escape', '%2e%2e/%2e%2e/x', 'a\0b', '/', 'é'.repeat(512), '😀/../😀', '.', '..', 'CON'];
      for (const [index, key] of keys.entries()) await store.putObject('b', key, [text(`body ${index}`)], {});
      await store.putObject('b', 'empty', [], {});
      for (const [index, key] of keys.entries()) expect(new TextDecoder().decode(await readAll(store, 'b', key))).toBe(`body ${index}`);
      expect((await readAll(store, 'b', 'empty'))?.length).toBe(0);
      const listed = await store.listObjects('b', { maxKeys: 1000 });
      expect(listed.objects.map((o) => o.key).sort()).toEqual([...keys, 'empty'].sort());
      await store.close();
    });

    it('a body stream that fails stores nothing and leaves the old object as it was', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      await store.putObject('b', 'k', [text('old')], {});
      async function* failing(): AsyncIterable<Uint8Array> {
        yield text('partial new bytes');
        throw new Error('client went away');
      }
      await expect(store.putObject('b', 'k', failing(), {})).rejects.toThrow('client went away');
      await expect(store.putObject('b', 'k', ['not bytes' as unknown as Uint8Array], {})).rejects.toThrow(TypeError);
      expect(new TextDecoder().decode(await readAll(store, 'b', 'k'))).toBe('old');
      expect((await store.listObjects('b', { maxKeys: 10 })).objects).toHaveLength(1);
      await store.close();
    });

    it('listings of an empty bucket, with MaxKeys 0, and past the last key are empty', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      expect(await store.listObjects('b', { maxKeys: 1000 })).toEqual({ objects: [], commonPrefixes: [], isTruncated: false });
      await store.putObject('b', 'a', [text('x')], {});
      expect((await store.listObjects('b', { maxKeys: 0 })).objects).toEqual([]);
      expect(await store.listObjects('b', { maxKeys: 10, startAfter: 'z' })).toEqual({ objects: [], commonPrefixes: [], isTruncated: false });
      await store.close();
    });

    it('metadata computed after the body sees it whole; if computing it fails, nothing is stored', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      let seen = 0;
      async function* counted(): AsyncIterable<Uint8Array> {
        for (let index = 0; index < 10; index++) {
          seen += 100;
          yield new Uint8Array(100);
        }
      }
      const info = await store.putObject('b', 'k', counted(), () => ({ size: String(seen) }));
      expect(info.metadata).toEqual({ size: '1000' });
      await expect(
        store.putObject('b', 'k', [text('new')], () => {
          throw new Error('digest mismatch');
        }),
      ).rejects.toThrow('digest mismatch');
      expect((await store.headObject('b', 'k'))?.size).toBe(1000);
      await store.close();
    });

    it('property: listings page through keys in UTF-8 order with prefixes and delimiters, as a reference does', async () => {
      const { store } = await create();
      await store.createBucket('list', {});
      const alphabet = fc.constantFrom('a', 'b', '/', '-', 'é', '\u{1F600}', '\uFFFD', 'z');
      const keyArb = fc.array(alphabet, { minLength: 1, maxLength: 6 }).map((chars) => chars.join(''));
      await fc.assert(
        fc.asyncProperty(
          fc.uniqueArray(keyArb, { maxLength: 25 }),
          fc.constantFrom('', 'a', 'a/', 'é'),
          fc.constantFrom(undefined, '/', '-'),
          fc.integer({ min: 1, max: 7 }),
          async (keys, prefix, delimiter, maxKeys) => {
            for (const existing of (await store.listObjects('list', { maxKeys: 1000 })).objects) await store.deleteObject('list', existing.key);
            for (const key of keys) await store.putObject('list', key, [text(key)], {});
            const expected = referenceList(keys, prefix, delimiter);
            const seenKeys: string[] = [];
            const seenPrefixes: string[] = [];
            let startAfter: string | undefined;
            for (let page = 0; page < 100; page++) {
              const result = await store.listObjects('list', { prefix, delimiter, startAfter, maxKeys });
              expect(result.objects.length + result.commonPrefixes.length).toBeLessThanOrEqual(maxKeys);
              seenKeys.push(...result.objects.map((o) => o.key));
              seenPrefixes.push(...result.commonPrefixes);
              if (!result.isTruncated) break;
              startAfter = result.nextStartAfter;
            }
            expect(seenKeys).toEqual(expected.keys);
            expect(seenPrefixes).toEqual(expected.prefixes);
          },
        ),
        { numRuns: runs },
      );
      await store.close();
    });

    it('property: after any sequence of puts and deletes, every key reads back its last body', async () => {
      const { store } = await create();
      await store.createBucket('model', {});
      const operation = fc.oneof(
        fc.record({
          kind: fc.constant('put' as const),
          key: fc.constantFrom('a', 'b', 'c/d', '../e'),
          body: fc.uint8Array({ maxLength: 3000 }),
          chunk: fc.integer({ min: 1, max: 1500 }),
        }),
        fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c/d', '../e') }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { maxLength: 12 }), async (operations) => {
          const reference = new Map<string, Uint8Array>();
          for (const key of ['a', 'b', 'c/d', '../e']) await store.deleteObject('model', key);
          for (const op of operations) {
            if (op.kind === 'put') {
              await store.putObject('model', op.key, chunked(op.body, [op.chunk]), { length: String(op.body.length) });
              reference.set(op.key, op.body);
            } else {
              expect(await store.deleteObject('model', op.key)).toBe(reference.delete(op.key));
            }
          }
          for (const key of ['a', 'b', 'c/d', '../e']) {
            const stored = await readAll(store, 'model', key);
            const expected = reference.get(key);
            expect(stored === undefined ? undefined : Buffer.from(stored)).toEqual(expected === undefined ? undefined : Buffer.from(expected));
          }
        }),
        { numRuns: runs },
      );
      await store.close();
    });

    it('concurrent writes and deletes of one key leave one whole body, and readers keep theirs', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const bodies = Array.from({ length: 8 }, (_, index) => new Uint8Array(20_000 + index).fill(index + 1));
      await store.putObject('b', 'k', [bodies[0]!], {});
      const early = await store.openObject('b', 'k');
      await Promise.all([
        ...bodies.map((body) => store.putObject('b', 'k', chunked(body, [333]), {})),
        store.deleteObject('b', 'k'),
        store.deleteObject('b', 'k'),
      ]);
      const final = await readAll(store, 'b', 'k');
      if (final !== undefined) expect(bodies.some((body) => Buffer.from(body).equals(Buffer.from(final)))).toBe(true);
      expect(Buffer.from(await early!.read(0, 20_000))).toEqual(Buffer.from(bodies[0]!));
      await early!.close();
      await store.close();
    });

    it('multipart: parts replace by number, completion keeps the listed parts as segments in order', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const upload = await store.createUpload('b', 'big', { mode: 'SSE-C' });
      expect((await store.getUpload('b', upload.uploadId))?.key).toBe('big');
      await store.putPart('b', upload.uploadId, 1, [text('one-')], { etag: '1' });
      await store.putPart('b', upload.uploadId, 3, [text('three')], {});
      await store.putPart('b', upload.uploadId, 2, [text('TWO')], {});
      await store.putPart('b', upload.uploadId, 2, chunked(text('two-'), [1]), {});
      await store.putPart('b', upload.uploadId, 4, [text('discarded')], {});
      expect((await store.listParts('b', upload.uploadId, { maxParts: 1000 })).parts.map((p) => [p.partNumber, p.size])).toEqual([
        [1, 4],
        [2, 4],
        [3, 5],
        [4, 9],
      ]);
      const part = await store.openPart('b', upload.uploadId, 2);
      expect(new TextDecoder().decode(await part!.read(0, 4))).toBe('two-');
      await part!.close();
      expect((await catchS3Async(() => store.completeUpload('b', upload.uploadId, [1, 5], {}))).code).toBe('InvalidPart');
      const info = await store.completeUpload('b', upload.uploadId, [1, 2, 3], { parts: '3' });
      expect(info).toMatchObject({ key: 'big', size: 13, segments: [4, 4, 5] });
      expect(new TextDecoder().decode(await readAll(store, 'b', 'big'))).toBe('one-two-three');
      const reader = await store.openObject('b', 'big');
      expect(new TextDecoder().decode(await reader!.read(3, 6))).toBe('-two-t');
      const streamed: string[] = [];
      for await (const chunk of reader!.stream(2, 9)) streamed.push(new TextDecoder().decode(chunk));
      expect(streamed.join('')).toBe('e-two-thr');
      await reader!.close();
      expect(await store.getUpload('b', upload.uploadId)).toBeUndefined();
      for (const action of [
        () => store.listParts('b', upload.uploadId, { maxParts: 1000 }),
        () => store.putPart('b', upload.uploadId, 1, [], {}),
        () => store.completeUpload('b', upload.uploadId, [1], {}),
      ]) {
        expect((await catchS3Async(action)).code).toBe('NoSuchUpload');
      }
      expect(await store.abortUpload('b', upload.uploadId)).toBe(false);
      await store.close();
    });

    it('multipart: abort discards the parts; uploads list by key', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const second = await store.createUpload('b', 'y', {});
      const first = await store.createUpload('b', 'x', {});
      await store.putPart('b', first.uploadId, 1, [text('p')], {});
      expect((await store.listUploads('b', { maxUploads: 1000 })).uploads.map((u) => u.key)).toEqual(['x', 'y']);
      expect(await store.abortUpload('b', first.uploadId)).toBe(true);
      expect((await store.listUploads('b', { maxUploads: 1000 })).uploads.map((u) => u.uploadId)).toEqual([second.uploadId]);
      await store.close();
    });

    it('multipart: completion metadata sees the listed parts under the upload; throwing there changes nothing', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      await store.putObject('b', 'k', [text('old')], {});
      const upload = await store.createUpload('b', 'k', {});
      await store.putPart('b', upload.uploadId, 2, [text('bb')], { etag: 'two' });
      await store.putPart('b', upload.uploadId, 1, [text('a')], { etag: 'one' });
      const refused = await catchS3Async(() =>
        store.completeUpload('b', upload.uploadId, [1, 2], () => {
          throw new S3Error('EntityTooSmall');
        }),
      );
      expect(refused.code).toBe('EntityTooSmall');
      expect(new TextDecoder().decode(await readAll(store, 'b', 'k'))).toBe('old');
      expect((await store.listParts('b', upload.uploadId, { maxParts: 10 })).parts).toHaveLength(2);
      let seen: string[] = [];
      const info = await store.completeUpload('b', upload.uploadId, [2, 1], (parts) => {
        seen = parts.map((part) => `${part.partNumber}:${part.size}:${part.metadata['etag']}`);
        return { parts: String(parts.length) };
      });
      expect(seen).toEqual(['2:2:two', '1:1:one']);
      expect(info).toMatchObject({ size: 3, segments: [2, 1], metadata: { parts: '2' } });
      expect(new TextDecoder().decode(await readAll(store, 'b', 'k'))).toBe('bba');
      await store.close();
    });

    it('multipart: a part whose upload ends while it streams in is refused and kept nowhere', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const upload = await store.createUpload('b', 'k', {});
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      async function* slow(): AsyncIterable<Uint8Array> {
        yield text('first half ');
        await gate;
        yield text('second half');
      }
      const pending = catchS3Async(() => store.putPart('b', upload.uploadId, 1, slow(), {}));
      expect(await store.abortUpload('b', upload.uploadId)).toBe(true);
      release();
      expect((await pending).code).toBe('NoSuchUpload');
      expect((await store.listUploads('b', { maxUploads: 10 })).uploads).toEqual([]);
      expect(await store.deleteBucket('b')).toBe('deleted');
      await store.close();
    });

    it('multipart: parts page by number after a marker', async () => {
      const { store } = await create();
      await store.createBucket('b', {});
      const upload = await store.createUpload('b', 'k', {});
      for (const number of [9, 1, 5, 3, 10_000]) await store.putPart('b', upload.uploadId, number, [text(String(number))], {});
      const first = await store.listParts('b', upload.uploadId, { maxParts: 2 });
      expect([first.parts.map((p) => p.partNumber), first.isTruncated, first.nextPartNumberMarker]).toEqual([[1, 3], true, 3]);
      const second = await store.listParts('b', upload.uploadId, { maxParts: 2, partNumberMarker: 3 });
      expect([second.parts.map((p) => p.partNumber), second.isTruncated, second.nextPartNumberMarker]).toEqual([[5, 9], true, 9]);
      const last = await store.listParts('b', upload.uploadId, { maxParts: 2, partNumberMarker: 9 });
      expect(last).toMatchObject({ isTruncated: false });
      expect(last.parts.map((p) => p.partNumber)).toEqual([10_000]);
      expect((await store.listParts('b', upload.uploadId, { maxParts: 5, partNumberMarker: 10_000 })).parts).toEqual([]);
      await store.close();
    });

    it('property: uploads page by key then initiation, with prefixes, delimiters and both markers, as a reference does', async () => {
      const { store } = await create();
      await store.createBucket('uploads', {});
      const alphabet = fc.constantFrom('a', 'b', '/', 'é', '\u{1F600}');
      const keyArb = fc.array(alphabet, { minLength: 1, maxLength: 4 }).map((chars) => chars.join(''));
      await fc.assert(
        fc.asyncProperty(
          fc.array(keyArb, { maxLength: 14 }),
          fc.constantFrom('', 'a', 'a/'),
          fc.constantFrom(undefined, '/'),
          fc.integer({ min: 1, max: 5 }),
          async (keys, prefix, delimiter, maxUploads) => {
            const existing = await store.listUploads('uploads', { maxUploads: 1000 });
            for (const upload of existing.uploads) await store.abortUpload('uploads', upload.uploadId);
            const made: { key: string; uploadId: string; initiated: number }[] = [];
            for (const key of keys) made.push(await store.createUpload('uploads', key, {}));
            // Reference: key order by UTF-8 bytes, then initiation (S3 leaves ties unspecified:
            // here the id breaks them); roll-up by delimiter.
            const bytes = (value: string): Buffer => Buffer.from(value);
            const sorted = [...made].sort(
              (x, y) => Buffer.compare(bytes(x.key), bytes(y.key)) || x.initiated - y.initiated || Buffer.compare(bytes(x.uploadId), bytes(y.uploadId)),
            );
            const expectedUploads: string[] = [];
            const expectedPrefixes: string[] = [];
            for (const upload of sorted) {
              if (!upload.key.startsWith(prefix)) continue;
              const cut = delimiter ? upload.key.indexOf(delimiter, prefix.length) : -1;
              if (cut === -1) expectedUploads.push(upload.uploadId);
              else {
                const common = upload.key.slice(0, cut + 1);
                if (!expectedPrefixes.includes(common)) expectedPrefixes.push(common);
              }
            }
            const seenUploads: string[] = [];
            const seenPrefixes: string[] = [];
            let keyMarker: string | undefined;
            let uploadIdMarker: string | undefined;
            for (let page = 0; page < 100; page++) {
              const result = await store.listUploads('uploads', { prefix, delimiter, keyMarker, uploadIdMarker, maxUploads });
              expect(result.uploads.length + result.commonPrefixes.length).toBeLessThanOrEqual(maxUploads);
              seenUploads.push(...result.uploads.map((u) => u.uploadId));
              seenPrefixes.push(...result.commonPrefixes);
              if (!result.isTruncated) break;
              keyMarker = result.nextKeyMarker;
              uploadIdMarker = result.nextUploadIdMarker;
            }
            expect(seenUploads).toEqual(expectedUploads);
            expect(seenPrefixes).toEqual(expectedPrefixes);
          },
        ),
        { numRuns: Math.max(4, Math.floor(runs / 2)) },
      );
      await store.close();
    });

    it('property: any sequence of uploads, parts, completions, aborts, puts and deletes matches a reference', async () => {
      const { store } = await create();
      await store.createBucket('mp', {});
      const keys = ['a', 'b/c'] as const;
      const operation = fc.oneof(
        fc.record({ kind: fc.constant('create' as const), key: fc.constantFrom(...keys) }),
        fc.record({
          kind: fc.constant('part' as const),
          upload: fc.nat(),
          partNumber: fc.integer({ min: 1, max: 4 }),
          body: fc.uint8Array({ maxLength: 300 }),
        }),
        fc.record({ kind: fc.constant('complete' as const), upload: fc.nat(), parts: fc.subarray([1, 2, 3, 4], { minLength: 1 }) }),
        fc.record({ kind: fc.constant('abort' as const), upload: fc.nat() }),
        fc.record({ kind: fc.constant('put' as const), key: fc.constantFrom(...keys), body: fc.uint8Array({ maxLength: 300 }) }),
        fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...keys) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(operation, { maxLength: 14 }), async (operations) => {
          for (const upload of (await store.listUploads('mp', { maxUploads: 1000 })).uploads) await store.abortUpload('mp', upload.uploadId);
          for (const key of keys) await store.deleteObject('mp', key);
          const objects = new Map<string, Uint8Array>();
          /** Every upload made in this run (ended ones stay, to be named by later operations). */
          const made: { uploadId: string; key: string; parts: Map<number, Uint8Array>; open: boolean }[] = [];
          for (const op of operations) {
            const upload = op.kind === 'part' || op.kind === 'complete' || op.kind === 'abort' ? made[op.upload % Math.max(1, made.length)] : undefined;
            if (op.kind === 'create') {
              made.push({ uploadId: (await store.createUpload('mp', op.key, {})).uploadId, key: op.key, parts: new Map(), open: true });
            } else if (op.kind === 'put') {
              await store.putObject('mp', op.key, chunked(op.body, [50]), {});
              objects.set(op.key, op.body);
            } else if (op.kind === 'delete') {
              expect(await store.deleteObject('mp', op.key)).toBe(objects.delete(op.key));
            } else if (upload === undefined) {
            } else if (op.kind === 'part') {
              const put = store.putPart('mp', upload.uploadId, op.partNumber, chunked(op.body, [70]), {});
              if (!upload.open) expect((await catchS3Async(() => put)).code).toBe('NoSuchUpload');
              else {
                await put;
                upload.parts.set(op.partNumber, op.body);
              }
            } else if (op.kind === 'abort') {
              expect(await store.abortUpload('mp', upload.uploadId)).toBe(upload.open);
              upload.open = false;
            } else {
              const complete = store.completeUpload('mp', upload.uploadId, op.parts, {});
              const missing = op.parts.some((number) => !upload.parts.has(number));
              if (!upload.open || missing) {
                expect((await catchS3Async(() => complete)).code).toBe(upload.open ? 'InvalidPart' : 'NoSuchUpload');
                continue;
              }
              const info = await complete;
              expect(info.segments).toEqual(op.parts.map((number) => upload.parts.get(number)?.length));
              objects.set(upload.key, Buffer.concat(op.parts.map((number) => upload.parts.get(number) ?? new Uint8Array())));
              upload.open = false;
            }
          }
          for (const key of keys) {
            const stored = await readAll(store, 'mp', key);
            const expected = objects.get(key);
            expect(stored === undefined ? undefined : Buffer.from(stored)).toEqual(expected === undefined ? undefined : Buffer.from(expected));
          }
          const open = made.filter((upload) => upload.open);
          expect((await store.listUploads('mp', { maxUploads: 1000 })).uploads.map((upload) => upload.uploadId).sort()).toEqual(
            open.map((upload) => upload.uploadId).sort(),
          );
          for (const upload of open) {
            const listed = (await store.listParts('mp', upload.uploadId, { maxParts: 1000 })).parts;
            expect(listed.map((part) => [part.partNumber, part.size])).toEqual(
              [...upload.parts.entries()].sort(([a], [b]) => a - b).map(([number, body]) => [number, body.length]),
            );
            for (const [number, body] of upload.parts) {
              const reader = await store.openPart('mp', upload.uploadId, number);
              expect(Buffer.from(await reader!.read(0, body.length))).toEqual(Buffer.from(body));
              await reader!.close();
            }
          }
        }),
        { numRuns: runs },
      );
      await store.close();
    });

    it('restarting keeps every bucket, object, upload and part', async () => {
      const fixture = await create();
      if (fixture.reopen === undefined) {
        await fixture.store.close();
        return;
      }
      const { store } = fixture;
      await store.createBucket('keep', { config: '{"algorithm":"AES256"}' });
      await store.putObject('keep', 'a/b', [text('hello'), text(' world')], { etag: 'x' });
      await store.putObject('keep', 'gone', [text('bye')], {});
      await store.deleteObject('keep', 'gone');
      const upload = await store.createUpload('keep', 'mp', { mode: 'SSE-S3' });
      await store.putPart('keep', upload.uploadId, 1, [text('part one')], {});
      const done = await store.createUpload('keep', 'done', {});
      await store.putPart('keep', done.uploadId, 1, [text('A')], {});
      await store.putPart('keep', done.uploadId, 2, [text('B')], {});
      await store.completeUpload('keep', done.uploadId, [1, 2], {});
      const again = await fixture.reopen();
      expect((await again.getBucket('keep'))?.metadata).toEqual({ config: '{"algorithm":"AES256"}' });
      expect(new TextDecoder().decode(await readAll(again, 'keep', 'a/b'))).toBe('hello world');
      expect((await again.headObject('keep', 'a/b'))?.metadata).toEqual({ etag: 'x' });
      expect(await again.headObject('keep', 'gone')).toBeUndefined();
      expect(new TextDecoder().decode(await readAll(again, 'keep', 'done'))).toBe('AB');
      expect((await again.headObject('keep', 'done'))?.segments).toEqual([1, 1]);
      expect((await again.listUploads('keep', { maxUploads: 1000 })).uploads.map((u) => u.uploadId)).toEqual([upload.uploadId]);
      expect((await again.listParts('keep', upload.uploadId, { maxParts: 1000 })).parts.map((p) => p.size)).toEqual([8]);
      await again.close();
    });
  });
}
