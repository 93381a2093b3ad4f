/**
 * The blobs of a record that a write whose outcome is unknown replaced or removed (its directory
 * fsync failed after the rename or unlink, `NOT_DURABLE`): kept until the next open, even after
 * later writes whose fsyncs of that directory succeed. Linux may report a failed write-back once
 * and then clear the error, so such a success does not prove the change reached the disk; the
 * tests stand for a change lost so by putting the old file back before the reopen, which must then
 * serve the old record whole. Faults are injected through the store's file layer (`io`).
 */

import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore, toS3Error } from '../../src/index.ts';
import { objectFileName, partFileName, UPLOAD_FILE, uploadDirectoryName } from '../../src/storage/filesystem/layout.ts';
import { type FaultyIo, faultyIo } from '../helpers/faulty-io.ts';
import { bucketPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';

const BUCKET = 'b';
const body = (fill: number): Uint8Array[] => [new Uint8Array(100).fill(fill)];

interface Opened {
  readonly directory: string;
  readonly store: ObjectStore;
  readonly faults: FaultyIo;
}

async function opened(label: string): Promise<Opened> {
  const directory = tempDirectory(label);
  const faults = faultyIo();
  const store = await openFileSystemObjectStore({ directory, io: faults.io });
  await store.createBucket(BUCKET, {});
  return { directory, store, faults };
}

const blobs = async (directory: string): Promise<number> => (await readdir(join(bucketPath(directory, BUCKET), 'blobs'))).length;
const objects = (directory: string): string => join(bucketPath(directory, BUCKET), 'objects');
const uploadDirectory = (directory: string, uploadId: string): string => join(bucketPath(directory, BUCKET), 'uploads', uploadDirectoryName(uploadId));

/** Runs `action` with the fsync of `directory` failing once with EIO; expects the 500 it answers. */
async function notDurable(faults: FaultyIo, directory: string, action: () => Promise<unknown>): Promise<void> {
  faults.arm((call) => call.step === 'syncDirectory' && call.directory === directory, 'EIO');
  const error = await action().then(
    () => undefined,
    (thrown: unknown) => toS3Error(thrown),
  );
  expect(faults.disarm().fired, 'the injected fsync failure fired').toBeDefined();
  expect(error).toMatchObject({ code: 'InternalError', status: 500, reason: 'CommitOutcomeUnknown' });
}

/** The file at `path` now, and a function that puts it back (a change the disk lost). */
async function saved(path: string): Promise<() => Promise<void>> {
  const content = await readFile(path);
  return () => writeFile(path, content);
}

async function text(store: ObjectStore, key: string): Promise<number[] | undefined> {
  const reader = await store.openObject(BUCKET, key);
  if (reader === undefined) return undefined;
  try {
    return [...(await reader.read(0, reader.info.size))];
  } finally {
    await reader.close();
  }
}

/** Closes `store` and checks that the directory opens with `expected` under `key` and `count` blobs. */
async function reopens(opened: Opened, key: string, expected: number[] | undefined, count: number, lost?: () => Promise<void>): Promise<void> {
  await opened.store.close();
  await lost?.();
  const store = await openFileSystemObjectStore({ directory: opened.directory });
  try {
    expect(await text(store, key)).toEqual(expected);
    expect(await blobs(opened.directory)).toBe(count);
  } finally {
    await store.close();
  }
}

describe('the blobs a write whose outcome is unknown would have released', () => {
  it('PutObject over a key: the old blob stays after later writes fsync objects/, and a reopen serves the old object if the replace was lost', async () => {
    const open = await opened('deferred-put');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const lost = await saved(join(objects(open.directory), objectFileName('k')));
    await notDurable(open.faults, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    expect(await blobs(open.directory)).toBe(2);
    // Fsyncs objects/ and succeeds: not proof that the replace reached the disk.
    await open.store.putObject(BUCKET, 'other', body(3), {});
    await open.store.updateBucket(BUCKET, () => ({ policy: '{}' }));
    expect(await blobs(open.directory)).toBe(3);
    expect(await text(open.store, 'k')).toEqual([...body(2)[0]!]);
    await reopens(open, 'k', [...body(1)[0]!], 2, lost);
  });

  it('PutObject over a key: a reopen that finds the new manifest removes the old blob', async () => {
    const open = await opened('deferred-put-kept');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    await notDurable(open.faults, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect(await blobs(open.directory)).toBe(3);
    await reopens(open, 'k', [...body(2)[0]!], 2);
  });

  it('DeleteObject: the blob stays after later writes, and a reopen serves the object if the removal was lost', async () => {
    const open = await opened('deferred-delete');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const lost = await saved(join(objects(open.directory), objectFileName('k')));
    await notDurable(open.faults, objects(open.directory), () => open.store.deleteObject(BUCKET, 'k'));
    await open.store.putObject(BUCKET, 'other', body(3), {});
    await open.store.updateBucket(BUCKET, () => ({ policy: '{}' }));
    expect(await blobs(open.directory)).toBe(2);
    expect(await text(open.store, 'k')).toBeUndefined();
    await reopens(open, 'k', [...body(1)[0]!], 2, lost);
  });

  it('UploadPart over a part: the old part’s blob stays, and a completion after a reopen that lost the replace has the old part', async () => {
    const open = await opened('deferred-part');
    const { uploadId } = await open.store.createUpload(BUCKET, 'm', {});
    await open.store.putPart(BUCKET, uploadId, 1, body(1), {});
    const lost = await saved(join(uploadDirectory(open.directory, uploadId), partFileName(1)));
    await notDurable(open.faults, uploadDirectory(open.directory, uploadId), () => open.store.putPart(BUCKET, uploadId, 1, body(2), {}));
    await open.store.putPart(BUCKET, uploadId, 2, body(3), {});
    await open.store.putObject(BUCKET, 'other', body(4), {});
    expect(await blobs(open.directory)).toBe(4);
    await open.store.close();
    await lost();
    const store = await openFileSystemObjectStore({ directory: open.directory });
    try {
      await store.completeUpload(BUCKET, uploadId, [1, 2], {});
      expect(await text(store, 'm')).toEqual([...body(1)[0]!, ...body(3)[0]!]);
    } finally {
      await store.close();
    }
  });

  it('AbortMultipartUpload: the parts’ blobs stay, and the upload completes after a reopen that lost the removal', async () => {
    const open = await opened('deferred-abort');
    const { uploadId } = await open.store.createUpload(BUCKET, 'm', {});
    await open.store.putPart(BUCKET, uploadId, 1, body(1), {});
    await open.store.putPart(BUCKET, uploadId, 2, body(2), {});
    const lost = await saved(join(uploadDirectory(open.directory, uploadId), UPLOAD_FILE));
    await notDurable(open.faults, uploadDirectory(open.directory, uploadId), () => open.store.abortUpload(BUCKET, uploadId));
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect(await blobs(open.directory)).toBe(3);
    await open.store.close();
    // The fsync failed before the upload's directory was removed: its parts are still there.
    await lost();
    const store = await openFileSystemObjectStore({ directory: open.directory });
    try {
      await store.completeUpload(BUCKET, uploadId, [1, 2], {});
      expect(await text(store, 'm')).toEqual([...body(1)[0]!, ...body(2)[0]!]);
    } finally {
      await store.close();
    }
  });

  it('a reader of the replaced object keeps reading it; its blob stays after the reader closes, until the next open', async () => {
    const open = await opened('deferred-reader');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const reader = (await open.store.openObject(BUCKET, 'k'))!;
    await notDurable(open.faults, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect([...(await reader.read(0, 100))]).toEqual([...body(1)[0]!]);
    await reader.close();
    expect(await blobs(open.directory)).toBe(3);
    await reopens(open, 'k', [...body(2)[0]!], 2);
  });
});
