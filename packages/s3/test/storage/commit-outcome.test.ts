/**
 * A commit whose lease check after the step fails with the file system's error (a transient
 * `stat` failure of the lock file, as a network file system can give): the manifest may be
 * durable, so the write answers 500 but keeps the blobs it names; the next open finds the manifest
 * and its blob, or removes the blob as an orphan. Deleting the blob would leave a durable manifest
 * naming a missing blob, and the directory would refuse to open. The failing `stat` is injected:
 * it fails for the lock file once the record the test watches exists on disk, i.e. exactly at the
 * check after the step.
 */

import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { openFileSystemObjectStore } from '../../src/index.ts';
import { objectFileName, partFileName, uploadDirectoryName } from '../../src/storage/filesystem/layout.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { bucketPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';

/** While set: the path whose existence makes a `stat` of a lock file fail with EIO. */
const failLockStatOnce: { after: string | undefined } = { after: undefined };

vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const stat = (async (path: Parameters<typeof original.stat>[0], options?: Parameters<typeof original.stat>[1]) => {
    const after = failLockStatOnce.after;
    if (after !== undefined && String(path).endsWith('LOCK') && existsSync(after)) {
      failLockStatOnce.after = undefined;
      throw Object.assign(new Error(`EIO: i/o error, stat '${String(path)}'`), { code: 'EIO', syscall: 'stat', path: String(path) });
    }
    return original.stat(path, options);
  }) as typeof original.stat;
  return { ...original, stat, default: { ...original, stat } };
});

const BUCKET = 'b';
const body = (fill: number): Uint8Array[] => [new Uint8Array(100).fill(fill)];

async function blobs(directory: string): Promise<string[]> {
  return (await readdir(join(bucketPath(directory, BUCKET), 'blobs'))).sort();
}

describe('a commit whose lease check after the step fails with the file system’s error', () => {
  it('PutObject answers 500, keeps the blob its durable manifest names, and the directory opens with the new object', async () => {
    const directory = tempDirectory('outcome-put');
    let store = await openFileSystemObjectStore({ directory });
    await store.createBucket(BUCKET, {});
    // The manifest of k is written by this PUT; the check after it fails.
    failLockStatOnce.after = join(bucketPath(directory, BUCKET), 'objects', objectFileName('k'));
    const error = await catchS3Async(() => store.putObject(BUCKET, 'k', body(2), {}));
    expect(failLockStatOnce.after).toBeUndefined();
    expect(error).toMatchObject({ code: 'InternalError', status: 500, reason: 'CommitOutcomeUnknown' });
    expect((error.cause as NodeJS.ErrnoException).code).toBe('EIO');
    expect(await blobs(directory)).toHaveLength(1);
    // The manifest is in place: the index shows it as the files do.
    expect((await store.headObject(BUCKET, 'k'))?.size).toBe(100);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    const reader = await store.openObject(BUCKET, 'k');
    expect([...(await reader!.read(0, 100))]).toEqual([...body(2)[0]!]);
    await reader!.close();
    await store.close();
  });

  it('UploadPart answers 500, keeps the blob its durable part record names, and the directory opens with the part', async () => {
    const directory = tempDirectory('outcome-part');
    let store = await openFileSystemObjectStore({ directory });
    await store.createBucket(BUCKET, {});
    const { uploadId } = await store.createUpload(BUCKET, 'm', {});
    failLockStatOnce.after = join(bucketPath(directory, BUCKET), 'uploads', uploadDirectoryName(uploadId), partFileName(1));
    const error = await catchS3Async(() => store.putPart(BUCKET, uploadId, 1, body(3), {}));
    expect(failLockStatOnce.after).toBeUndefined();
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await blobs(directory)).toHaveLength(1);
    expect((await store.listParts(BUCKET, uploadId, { maxParts: 10 })).parts.map((part) => part.partNumber)).toEqual([1]);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    const reader = await store.openPart(BUCKET, uploadId, 1);
    expect([...(await reader!.read(0, 100))]).toEqual([...body(3)[0]!]);
    await reader!.close();
    await store.close();
  });
});
