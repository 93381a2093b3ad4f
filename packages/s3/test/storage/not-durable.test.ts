/**
 * A commit whose directory fsync fails after its rename or unlink (the kernel's `NOT_DURABLE`):
 * the manifest (or its removal) is in place, so every later read sees it, and a restart too if the
 * change reached the disk. The request answers 500 InternalError, as S3 answers a request that may
 * or may not have taken effect, but the store keeps its state consistent with the files: it never
 * deletes a blob a manifest in place names (which made the next open refuse the directory:
 * "named by a manifest but missing"), and its index shows what the files hold, so a later read,
 * retry or delete acts on the object that is really there. The failing fsync is injected: the
 * next `open` of the watched directory for reading (the kernel's `syncDirectory`) gets a handle
 * whose `sync` fails with EIO.
 */

import type { FileHandle } from 'node:fs/promises';
import { readdir } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { describe, expect, it, vi } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore, toS3Error } from '../../src/index.ts';
import { uploadDirectoryName } from '../../src/storage/filesystem/layout.ts';
import { bucketPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { inProcessClient, sdkError, wireEngine } from '../helpers/wire.ts';

/** While set: which directory's next fsync fails with EIO. */
const failSync: { matches: ((directory: string) => boolean) | undefined; fired: number } = { matches: undefined, fired: 0 };
/** While set: which file's next unlink fails with EIO (a failure before the change is in place). */
const failUnlink: { path: string | undefined; fired: number } = { path: undefined, fired: 0 };

vi.mock('node:fs/promises', async (importOriginal) => {
  const original = await importOriginal<typeof import('node:fs/promises')>();
  const open = (async (path: Parameters<typeof original.open>[0], flags?: Parameters<typeof original.open>[1], mode?: Parameters<typeof original.open>[2]) => {
    const handle: FileHandle = await original.open(path, flags, mode);
    if (flags === 'r' && failSync.matches?.(String(path)) === true) {
      failSync.matches = undefined;
      failSync.fired += 1;
      const eio = Object.assign(new Error(`EIO: i/o error, fsync '${String(path)}'`), { code: 'EIO', syscall: 'fsync' });
      Object.defineProperty(handle, 'sync', { value: async () => Promise.reject(eio) });
    }
    return handle;
  }) as typeof original.open;
  const unlink = (async (path: Parameters<typeof original.unlink>[0]) => {
    if (failUnlink.path !== undefined && String(path) === failUnlink.path) {
      failUnlink.path = undefined;
      failUnlink.fired += 1;
      throw Object.assign(new Error(`EIO: i/o error, unlink '${String(path)}'`), { code: 'EIO', syscall: 'unlink' });
    }
    return original.unlink(path);
  }) as typeof original.unlink;
  return { ...original, open, unlink, default: { ...original, open, unlink } };
});

const BUCKET = 'b';
const body = (fill: number, size = 100): Uint8Array[] => [new Uint8Array(size).fill(fill)];

/** Arms the failure for `directory` (or those it accepts) and runs `action`; returns what it threw, as the wire would answer it. */
async function failing(directory: string | ((path: string) => boolean), action: () => Promise<unknown>): Promise<ReturnType<typeof toS3Error>> {
  failSync.matches = typeof directory === 'string' ? (path) => path === directory : directory;
  failSync.fired = 0;
  const thrown = await action().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failSync.fired, 'the injected fsync failure fired').toBe(1);
  expect(thrown, 'the call failed').toBeDefined();
  return toS3Error(thrown);
}

async function read(store: ObjectStore, key: string): Promise<number[] | undefined> {
  const reader = await store.openObject(BUCKET, key);
  if (reader === undefined) return undefined;
  try {
    return [...(await reader.read(0, reader.info.size))];
  } finally {
    await reader.close();
  }
}

async function blobs(directory: string): Promise<string[]> {
  return (await readdir(join(bucketPath(directory, BUCKET), 'blobs'))).sort();
}

const objects = (directory: string, bucket = BUCKET): string => join(bucketPath(directory, bucket), 'objects');

async function opened(directory: string): Promise<ObjectStore> {
  const store = await openFileSystemObjectStore({ directory });
  await store.createBucket(BUCKET, {});
  return store;
}

describe('a manifest renamed into place whose directory fsync fails', () => {
  it('PutObject of a new key answers 500, keeps the blob, serves the new object whole, and the directory opens again', async () => {
    const directory = tempDirectory('not-durable-put');
    let store = await opened(directory);
    const error = await failing(objects(directory), () => store.putObject(BUCKET, 'k', body(2), {}));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    // The manifest in place names the blob: deleting it left a manifest without its blob.
    expect(await blobs(directory)).toHaveLength(1);
    expect(await read(store, 'k')).toEqual([...body(2)[0]!]);
    expect((await store.listObjects(BUCKET, { maxKeys: 10 })).objects.map((object) => object.key)).toEqual(['k']);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    expect(await read(store, 'k')).toEqual([...body(2)[0]!]);
    await store.close();
  });

  it('PutObject over an existing key answers 500 and serves the new object whole; the old blob goes once the manifest is written anew durably', async () => {
    const directory = tempDirectory('not-durable-replace');
    let store = await opened(directory);
    await store.putObject(BUCKET, 'k', body(1), {});
    const error = await failing(objects(directory), () => store.putObject(BUCKET, 'k', body(2, 50), {}));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await read(store, 'k')).toEqual([...body(2, 50)[0]!]);
    // The old manifest could come back after a crash (the rename may not be durable), until the
    // manifest was written anew and that fsync succeeded (deferred-release.test.ts): then its blob goes.
    expect(await blobs(directory)).toHaveLength(1);
    // A later write and delete act on the object in place.
    await store.putObject(BUCKET, 'k', body(3), {});
    expect(await read(store, 'k')).toEqual([...body(3)[0]!]);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    expect(await read(store, 'k')).toEqual([...body(3)[0]!]);
    expect(await blobs(directory)).toHaveLength(1);
    await store.close();
  });

  it('an object metadata update answers 500 and shows the new metadata', async () => {
    const directory = tempDirectory('not-durable-metadata');
    let store = await opened(directory);
    await store.putObject(BUCKET, 'k', body(1), { 'x-amz-meta-a': '1' });
    const error = await failing(objects(directory), () => store.updateObjectMetadata(BUCKET, 'k', { 'x-amz-meta-a': '2' }));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect((await store.headObject(BUCKET, 'k'))?.metadata).toEqual({ 'x-amz-meta-a': '2' });
    await store.close();
    store = await openFileSystemObjectStore({ directory });
    expect((await store.headObject(BUCKET, 'k'))?.metadata).toEqual({ 'x-amz-meta-a': '2' });
    expect(await read(store, 'k')).toEqual([...body(1)[0]!]);
    await store.close();
  });

  it('UploadPart answers 500, keeps the part and its blob, and CompleteMultipartUpload then succeeds', async () => {
    const directory = tempDirectory('not-durable-part');
    let store = await opened(directory);
    const { uploadId } = await store.createUpload(BUCKET, 'm', {});
    const uploadDirectory = join(bucketPath(directory, BUCKET), 'uploads', uploadDirectoryName(uploadId));
    const error = await failing(uploadDirectory, () => store.putPart(BUCKET, uploadId, 1, body(4), {}));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await blobs(directory)).toHaveLength(1);
    expect((await store.listParts(BUCKET, uploadId, { maxParts: 10 })).parts.map((part) => part.partNumber)).toEqual([1]);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    await store.completeUpload(BUCKET, uploadId, [1], {});
    expect(await read(store, 'm')).toEqual([...body(4)[0]!]);
    await store.close();
  });

  it('CompleteMultipartUpload answers 500, serves the object whole, and a retry completes it', async () => {
    const directory = tempDirectory('not-durable-complete');
    let store = await opened(directory);
    const { uploadId } = await store.createUpload(BUCKET, 'm', {});
    await store.putPart(BUCKET, uploadId, 1, body(5), {});
    const error = await failing(objects(directory), () => store.completeUpload(BUCKET, uploadId, [1], {}));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await read(store, 'm')).toEqual([...body(5)[0]!]);
    // A client retries the 500; the upload is still there to complete.
    await store.completeUpload(BUCKET, uploadId, [1], {});
    expect(await store.getUpload(BUCKET, uploadId)).toBeUndefined();
    expect(await read(store, 'm')).toEqual([...body(5)[0]!]);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    expect(await read(store, 'm')).toEqual([...body(5)[0]!]);
    expect(await blobs(directory)).toHaveLength(1);
    await store.close();
  });

  it('CreateMultipartUpload answers 500 and the upload it wrote is listed', async () => {
    const directory = tempDirectory('not-durable-upload');
    let store = await opened(directory);
    const uploads = join(bucketPath(directory, BUCKET), 'uploads');
    // The new upload's own directory, synced after upload.json is renamed into it.
    const error = await failing(
      (path) => path.startsWith(`${uploads}${sep}`),
      () => store.createUpload(BUCKET, 'u', {}),
    );
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    const listed = (await store.listUploads(BUCKET, { maxUploads: 10 })).uploads;
    expect(listed.map((upload) => upload.key)).toEqual(['u']);
    await store.close();
    store = await openFileSystemObjectStore({ directory });
    expect((await store.listUploads(BUCKET, { maxUploads: 10 })).uploads).toEqual(listed);
    await store.close();
  });

  it('PutBucket* (the bucket record) answers 500 and shows the new record', async () => {
    const directory = tempDirectory('not-durable-bucket');
    let store = await opened(directory);
    const error = await failing(bucketPath(directory, BUCKET), () => store.updateBucket(BUCKET, () => ({ policy: '{}' })));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect((await store.getBucket(BUCKET))?.metadata).toEqual({ policy: '{}' });
    await store.close();
    store = await openFileSystemObjectStore({ directory });
    expect((await store.getBucket(BUCKET))?.metadata).toEqual({ policy: '{}' });
    await store.close();
  });
});

describe('a manifest unlinked whose directory fsync fails', () => {
  it('DeleteObject answers 500, the object is gone, and a retried delete succeeds', async () => {
    const directory = tempDirectory('not-durable-delete');
    let store = await opened(directory);
    await store.putObject(BUCKET, 'k', body(1), {});
    const error = await failing(objects(directory), () => store.deleteObject(BUCKET, 'k'));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await read(store, 'k')).toBeUndefined();
    // The manifest may come back after a crash: its blob stays until the next open.
    expect(await blobs(directory)).toHaveLength(1);
    expect(await store.deleteObject(BUCKET, 'k')).toBe(false);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    expect(await read(store, 'k')).toBeUndefined();
    expect(await blobs(directory)).toEqual([]);
    await store.close();
  });
});

describe('a removal whose directory fsync fails', () => {
  it('CompleteMultipartUpload whose upload removal is not durable answers 200: the object is durable, the upload gone, also after a reopen', async () => {
    const directory = tempDirectory('not-durable-complete-drop');
    let store = await opened(directory);
    const { uploadId } = await store.createUpload(BUCKET, 'm', {});
    await store.putPart(BUCKET, uploadId, 1, body(5), {});
    const uploadDirectory = join(bucketPath(directory, BUCKET), 'uploads', uploadDirectoryName(uploadId));
    failSync.matches = (path) => path === uploadDirectory;
    failSync.fired = 0;
    // A 500 here would send the SDK's retry to NoSuchUpload although the object is whole.
    await store.completeUpload(BUCKET, uploadId, [1], {});
    expect(failSync.fired).toBe(1);
    expect(await read(store, 'm')).toEqual([...body(5)[0]!]);
    expect(await store.getUpload(BUCKET, uploadId)).toBeUndefined();
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    expect(await read(store, 'm')).toEqual([...body(5)[0]!]);
    expect((await store.listUploads(BUCKET, { maxUploads: 10 })).uploads).toEqual([]);
    await store.close();
  });

  it('CompleteMultipartUpload whose upload removal fails before the unlink took effect answers 500; the upload stays and a retry completes it', async () => {
    const directory = tempDirectory('not-durable-complete-unlink');
    const store = await opened(directory);
    const { uploadId } = await store.createUpload(BUCKET, 'm', {});
    await store.putPart(BUCKET, uploadId, 1, body(6), {});
    failUnlink.path = join(bucketPath(directory, BUCKET), 'uploads', uploadDirectoryName(uploadId), 'upload.json');
    failUnlink.fired = 0;
    const error = await store.completeUpload(BUCKET, uploadId, [1], {}).then(
      () => undefined,
      (thrown: unknown) => toS3Error(thrown),
    );
    expect(failUnlink.fired).toBe(1);
    // Only a removal whose outcome is unknown is a completion that took effect; this one did not.
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await store.getUpload(BUCKET, uploadId)).toBeDefined();
    await store.completeUpload(BUCKET, uploadId, [1], {});
    expect(await store.getUpload(BUCKET, uploadId)).toBeUndefined();
    expect(await read(store, 'm')).toEqual([...body(6)[0]!]);
    await store.close();
  });

  it('DeleteBucket answers 500; the bucket is gone from the index and after a reopen, and it can be made again', async () => {
    const directory = tempDirectory('not-durable-delete-bucket');
    let store = await opened(directory);
    const base = join(bucketPath(directory, BUCKET), '..');
    const error = await failing(base, () => store.deleteBucket(BUCKET));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await store.getBucket(BUCKET)).toBeUndefined();
    expect(await store.createBucket(BUCKET, {})).toBe(true);
    await store.putObject(BUCKET, 'k', body(1), {});
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    expect(await read(store, 'k')).toEqual([...body(1)[0]!]);
    await store.close();
  });

  it('AbortMultipartUpload answers 500; the upload is gone, its part blob stays until the reopen, then nothing is left', async () => {
    const directory = tempDirectory('not-durable-abort');
    let store = await opened(directory);
    const { uploadId } = await store.createUpload(BUCKET, 'm', {});
    await store.putPart(BUCKET, uploadId, 1, body(4), {});
    const uploadDirectory = join(bucketPath(directory, BUCKET), 'uploads', uploadDirectoryName(uploadId));
    const error = await failing(uploadDirectory, () => store.abortUpload(BUCKET, uploadId));
    expect(error).toMatchObject({ code: 'InternalError', status: 500 });
    expect(await store.getUpload(BUCKET, uploadId)).toBeUndefined();
    expect(await store.abortUpload(BUCKET, uploadId)).toBe(false);
    expect(await blobs(directory)).toHaveLength(1);
    await store.close();

    store = await openFileSystemObjectStore({ directory });
    expect((await store.listUploads(BUCKET, { maxUploads: 10 })).uploads).toEqual([]);
    expect(await blobs(directory)).toEqual([]);
    await store.close();
  });
});

describe('through the SDK, on a data directory', () => {
  const NAME = 'data';
  async function text(client: S3Client, key: string): Promise<string> {
    const got = await client.send(new GetObjectCommand({ Bucket: NAME, Key: key }));
    return got.Body!.transformToString();
  }

  it('a PutObject whose manifest fsync fails answers 500 InternalError; GET and a restart give the new object whole, and a retry succeeds', async () => {
    const directory = tempDirectory('not-durable-sdk');
    let engine = wireEngine({ engine: { storage: { directory } } });
    // One attempt (the helper's default): the SDK retries a 500 InternalError by default (as S3's
    // guidance says to).
    let client = inProcessClient(engine.handler);
    await client.send(new CreateBucketCommand({ Bucket: NAME }));
    await client.send(new PutObjectCommand({ Bucket: NAME, Key: 'k', Body: 'old object' }));
    failSync.matches = (path) => path === objects(directory, NAME);
    failSync.fired = 0;
    const error = await sdkError(client.send(new PutObjectCommand({ Bucket: NAME, Key: 'k', Body: 'new object' })));
    expect(failSync.fired).toBe(1);
    expect(error).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 500 } });
    expect(await text(client, 'k')).toBe('new object');
    // With the SDK's default retries (three attempts) the same failure is invisible: the retry is
    // acknowledged.
    const retrying = inProcessClient(engine.handler, { maxAttempts: 3 });
    failSync.matches = (path) => path === objects(directory, NAME);
    failSync.fired = 0;
    await retrying.send(new PutObjectCommand({ Bucket: NAME, Key: 'k', Body: 'retried object' }));
    expect(failSync.fired).toBe(1);
    expect(await text(client, 'k')).toBe('retried object');
    retrying.destroy();
    client.destroy();
    await engine.close();

    engine = wireEngine({ engine: { storage: { directory } } });
    client = inProcessClient(engine.handler);
    expect(await text(client, 'k')).toBe('retried object');
    client.destroy();
    await engine.close();
  });
});
