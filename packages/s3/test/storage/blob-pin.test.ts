/**
 * Blob rollback (issue #14): a blob swapped on disk for another one (an older version of the same
 * object) is never served; the read fails with 500 InternalError. A manifest of version 1 (before
 * pins) is still read, unchecked. Storage-level: raw bytes, the filesystem store.
 */

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore } from '../../src/index.ts';
import { type BlobStorage, localBlobStorage } from '../../src/storage/filesystem/blobs.ts';
import { objectFileName } from '../../src/storage/filesystem/layout.ts';
import { openDataDirectoryStore } from '../../src/storage/filesystem/store.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { bucketPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';

const BUCKET = 'b';

function body(fill: number, size: number): Uint8Array {
  return new Uint8Array(size).map((_, index) => (fill + index) & 0xff);
}

function manifestPath(directory: string, key: string): string {
  return join(bucketPath(directory, BUCKET), 'objects', objectFileName(key));
}

async function manifest(directory: string, key: string): Promise<{ version: number; segments: { blobId: string; size: number; pin?: string }[] }> {
  return JSON.parse(await readFile(manifestPath(directory, key), 'utf8'));
}

function blobPath(directory: string, blobId: string): string {
  return join(bucketPath(directory, BUCKET), 'blobs', blobId);
}

async function readAll(store: ObjectStore, key: string): Promise<Uint8Array> {
  const reader = await store.openObject(BUCKET, key);
  try {
    return await reader!.read(0, reader!.info.size);
  } finally {
    await reader!.close();
  }
}

/** Stores `older` then `newer` under `key`, then puts `older`'s blob bytes where `newer`'s are. */
async function rollBack(directory: string, key: string, older: Uint8Array, newer: Uint8Array): Promise<void> {
  const store = await openFileSystemObjectStore({ directory });
  if ((await store.getBucket(BUCKET)) === undefined) await store.createBucket(BUCKET, {});
  await store.putObject(BUCKET, key, [older], {});
  const old = await readFile(blobPath(directory, (await manifest(directory, key)).segments[0]!.blobId));
  await store.putObject(BUCKET, key, [newer], {});
  await store.close();
  await writeFile(blobPath(directory, (await manifest(directory, key)).segments[0]!.blobId), old);
}

describe('blob pins', () => {
  it('a manifest pins each blob: version 2, the hex SHA-256 of its first 4 KiB', async () => {
    const directory = tempDirectory('pin-format');
    const store = await openFileSystemObjectStore({ directory });
    await store.createBucket(BUCKET, {});
    await store.putObject(BUCKET, 'k', [body(1, 3000), body(2, 3000)], {});
    await store.close();
    const { createHash } = await import('node:crypto');
    const written = await manifest(directory, 'k');
    expect(written.version).toBe(2);
    const stored = await readFile(blobPath(directory, written.segments[0]!.blobId));
    expect(written.segments[0]!.pin).toBe(createHash('sha256').update(stored.subarray(0, 4096)).digest('hex'));
  });

  it('a blob rolled back on disk is never served: read, stream and ranged reads fail with 500 InternalError before any byte', async () => {
    const directory = tempDirectory('pin-rollback');
    const older = body(7, 10_000);
    await rollBack(directory, 'k', older, body(9, 10_000));
    const store = await openFileSystemObjectStore({ directory });
    const reader = await store.openObject(BUCKET, 'k');
    for (const attempt of [() => reader!.read(0, 10_000), () => reader!.read(6000, 100), () => reader!.read(0, 10)]) {
      expect(await catchS3Async(attempt)).toMatchObject({ code: 'InternalError', status: 500 });
    }
    const served: Uint8Array[] = [];
    const streamed = await catchS3Async(async () => {
      for await (const chunk of reader!.stream()) served.push(chunk);
    });
    expect(streamed).toMatchObject({ code: 'InternalError' });
    expect((streamed.cause as Error).message).toMatch(/is not the blob its manifest names/);
    expect(served).toEqual([]);
    await reader!.close();
    await store.close();
  });

  it('pins every part of a multipart object: a swapped part fails only reads that reach it', async () => {
    const directory = tempDirectory('pin-parts');
    let store = await openFileSystemObjectStore({ directory });
    await store.createBucket(BUCKET, {});
    const upload = await store.createUpload(BUCKET, 'm', {});
    await store.putPart(BUCKET, upload.uploadId, 1, [body(1, 6000)], {});
    await store.putPart(BUCKET, upload.uploadId, 2, [body(2, 6000)], {});
    await store.completeUpload(BUCKET, upload.uploadId, [1, 2], {});
    await store.close();
    const [first, second] = (await manifest(directory, 'm')).segments;
    expect(first!.pin).toMatch(/^[0-9a-f]{64}$/);
    // The second part's blob swapped for the first's (a valid blob of the same object, another position).
    await writeFile(blobPath(directory, second!.blobId), await readFile(blobPath(directory, first!.blobId)));
    store = await openFileSystemObjectStore({ directory });
    const reader = await store.openObject(BUCKET, 'm');
    expect([...(await reader!.read(0, 6000))]).toEqual([...body(1, 6000)]);
    expect(await catchS3Async(() => reader!.read(5000, 2000))).toMatchObject({ code: 'InternalError' });
    await reader!.close();
    await store.close();
  });

  it('a version 1 manifest (before pins) is still read, unchecked: the rollback the pins stop', async () => {
    const directory = tempDirectory('pin-legacy');
    const older = body(7, 10_000);
    await rollBack(directory, 'k', older, body(9, 10_000));
    const written = await manifest(directory, 'k');
    const legacy = { ...written, version: 1, segments: written.segments.map(({ pin: _pin, ...segment }) => segment) };
    await writeFile(manifestPath(directory, 'k'), JSON.stringify(legacy));
    const store = await openFileSystemObjectStore({ directory });
    expect([...(await readAll(store, 'k'))]).toEqual([...older]);
    // Rewritten (a metadata change) as version 2, its segment still has no pin: none is invented.
    await store.updateObjectMetadata(BUCKET, 'k', { tag: 'x' });
    await store.close();
    expect(await manifest(directory, 'k')).toMatchObject({ version: 2, segments: [{ size: 10_000 }] });
    expect((await manifest(directory, 'k')).segments[0]!.pin).toBeUndefined();
    expect((await readdir(join(bucketPath(directory, BUCKET), 'blobs'))).length).toBe(1);
  });
});

/** Local blobs, counting the blob reads (each holds one open file) in flight at once, and every stream's start. */
function countingBlobs(): { blobs: BlobStorage; reads: { inFlight: number; most: number; total: number }; streams: [string, number][] } {
  const local = localBlobStorage();
  const reads = { inFlight: 0, most: 0, total: 0 };
  const streams: [string, number][] = [];
  const blobs: BlobStorage = {
    ...local,
    read: async (...args) => {
      reads.inFlight += 1;
      reads.total += 1;
      reads.most = Math.max(reads.most, reads.inFlight);
      try {
        return await local.read(...args);
      } finally {
        reads.inFlight -= 1;
      }
    },
    stream: (directory, bucket, blobId, offset, length) => {
      streams.push([blobId, offset]);
      return local.stream(directory, bucket, blobId, offset, length);
    },
  };
  return { blobs, reads, streams };
}

/** A multipart object of `parts` parts of 100 bytes each (part n filled with n), straight through the store. */
async function manyParts(store: ObjectStore, key: string, parts: number): Promise<void> {
  await store.createBucket(BUCKET, {});
  const upload = await store.createUpload(BUCKET, key, {});
  for (let n = 1; n <= parts; n++) await store.putPart(BUCKET, upload.uploadId, n, [new Uint8Array(100).fill(n)], {});
  await store.completeUpload(
    BUCKET,
    upload.uploadId,
    Array.from({ length: parts }, (_, index) => index + 1),
    {},
  );
}

describe('blob pins of an object of many parts', () => {
  const PARTS = 60;

  it('check reads a few blobs at a time, and keeps only the first segment’s bytes: the rest are read again as the stream reaches them', async () => {
    const directory = tempDirectory('pin-many');
    const { blobs, reads, streams } = countingBlobs();
    const store = await openDataDirectoryStore(directory, blobs, {});
    await manyParts(store, 'm', PARTS);
    const reader = await store.openObject(BUCKET, 'm');
    await reader!.check!(Array.from({ length: PARTS }, (_, index) => index));
    expect(reads.total).toBe(PARTS);
    expect(reads.most).toBeGreaterThan(1);
    expect(reads.most).toBeLessThanOrEqual(8);
    const served: number[] = [];
    for await (const chunk of reader!.stream()) served.push(...chunk);
    expect(served).toEqual(Array.from({ length: PARTS * 100 }, (_, index) => Math.floor(index / 100) + 1));
    // Part 1 is served from the bytes its check read; every later part's were let go, and streamed.
    const { segments } = await manifest(directory, 'm');
    expect(streams).toEqual(segments.slice(1).map((segment) => [segment.blobId, 0]));
    await reader!.close();
    await store.close();
  });

  it('GetObject’s check (the first segment) passes with a later part swapped; the stream fails when it reaches that part, not before', async () => {
    const directory = tempDirectory('pin-many-swap');
    let store = await openFileSystemObjectStore({ directory });
    await manyParts(store, 'm', PARTS);
    await store.close();
    const { segments } = await manifest(directory, 'm');
    await writeFile(blobPath(directory, segments[40]!.blobId), await readFile(blobPath(directory, segments[39]!.blobId)));
    store = await openFileSystemObjectStore({ directory });
    const reader = await store.openObject(BUCKET, 'm');
    await reader!.check!([0]);
    let served = 0;
    const error = await catchS3Async(async () => {
      for await (const chunk of reader!.stream()) served += chunk.length;
    });
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect((error.cause as Error).message).toMatch(/is not the blob its manifest names/);
    expect(served).toBe(40 * 100);
    // The check of every segment (what GetObject did before) fails on the same part.
    expect(await catchS3Async(() => reader!.check!(Array.from({ length: PARTS }, (_, index) => index)))).toMatchObject({ code: 'InternalError' });
    await reader!.close();
    await store.close();
  });
});
