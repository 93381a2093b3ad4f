/**
 * The blobs of a record that a write whose outcome is unknown replaced or removed (its directory
 * fsync failed after the rename or unlink, `NOT_DURABLE`): kept while a crash may bring that
 * record back, and released as soon as the store can confirm the write durable, which the next
 * successful write asks of it (the failed directory fsync is retried), rather than at the next
 * open. A blob a record in place names is never deleted, so the directory always opens. Faults
 * are injected through the store's file layer (`io`).
 */

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore, toS3Error } from '../../src/index.ts';
import { uploadDirectoryName } from '../../src/storage/filesystem/layout.ts';
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
async function reopens(opened: Opened, key: string, expected: number[] | undefined, count: number): Promise<void> {
  await opened.store.close();
  const store = await openFileSystemObjectStore({ directory: opened.directory });
  try {
    expect(await text(store, key)).toEqual(expected);
    expect(await blobs(opened.directory)).toBe(count);
  } finally {
    await store.close();
  }
}

describe('the blobs a write whose outcome is unknown would have released', () => {
  it('PutObject over a key: the old blob stays, and goes once the next write confirms the replace', async () => {
    const open = await opened('deferred-put');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    await notDurable(open.faults, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    // A crash now may bring the old manifest back: its blob stays.
    expect(await blobs(open.directory)).toBe(2);
    await open.store.putObject(BUCKET, 'other', body(3), {});
    // The retried fsync of objects/ succeeded: the old manifest cannot come back; its blob went.
    expect(await blobs(open.directory)).toBe(2);
    expect(await text(open.store, 'k')).toEqual([...body(2)[0]!]);
    await reopens(open, 'k', [...body(2)[0]!], 2);
  });

  it('DeleteObject: the blob stays, and goes once a later write (another bucket directory) confirms the removal', async () => {
    const open = await opened('deferred-delete');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    await notDurable(open.faults, objects(open.directory), () => open.store.deleteObject(BUCKET, 'k'));
    expect(await blobs(open.directory)).toBe(1);
    // A write that touches neither objects/ nor a blob: the bucket's record.
    await open.store.updateBucket(BUCKET, () => ({ policy: '{}' }));
    expect(await blobs(open.directory)).toBe(0);
    await reopens(open, 'k', undefined, 0);
  });

  it('UploadPart over a part: the old part’s blob goes once a later write confirms the replace', async () => {
    const open = await opened('deferred-part');
    const { uploadId } = await open.store.createUpload(BUCKET, 'm', {});
    await open.store.putPart(BUCKET, uploadId, 1, body(1), {});
    await notDurable(open.faults, uploadDirectory(open.directory, uploadId), () => open.store.putPart(BUCKET, uploadId, 1, body(2), {}));
    expect(await blobs(open.directory)).toBe(2);
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect(await blobs(open.directory)).toBe(2);
    await open.store.completeUpload(BUCKET, uploadId, [1], {});
    await reopens(open, 'm', [...body(2)[0]!], 2);
  });

  it('AbortMultipartUpload: the parts’ blobs go once a later write confirms the removal', async () => {
    const open = await opened('deferred-abort');
    const { uploadId } = await open.store.createUpload(BUCKET, 'm', {});
    await open.store.putPart(BUCKET, uploadId, 1, body(1), {});
    await open.store.putPart(BUCKET, uploadId, 2, body(2), {});
    await notDurable(open.faults, uploadDirectory(open.directory, uploadId), () => open.store.abortUpload(BUCKET, uploadId));
    expect(await blobs(open.directory)).toBe(2);
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect(await blobs(open.directory)).toBe(1);
    await reopens(open, 'other', [...body(3)[0]!], 1);
  });

  it('stay while the retried fsync fails too, and a write that succeeds meanwhile is acknowledged', async () => {
    const open = await opened('deferred-retry');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    await notDurable(open.faults, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    // CreateMultipartUpload syncs uploads/ and its own directory, never objects/: the only fsync of
    // objects/ is the retry, and it fails.
    open.faults.arm((call) => call.step === 'syncDirectory' && call.directory === objects(open.directory), 'EIO');
    await open.store.createUpload(BUCKET, 'u', {});
    expect(open.faults.disarm().fired, 'the retry ran and failed').toMatchObject({ step: 'syncDirectory' });
    expect(await blobs(open.directory)).toBe(2);
    // The next write retries again, and it succeeds.
    await open.store.updateBucket(BUCKET, () => ({ policy: '{}' }));
    expect(await blobs(open.directory)).toBe(1);
    await reopens(open, 'k', [...body(2)[0]!], 1);
  });

  it('a reader of the replaced object keeps reading it after the release, until it closes', async () => {
    const open = await opened('deferred-reader');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const reader = (await open.store.openObject(BUCKET, 'k'))!;
    await notDurable(open.faults, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect(await blobs(open.directory)).toBe(3);
    expect([...(await reader.read(0, 100))]).toEqual([...body(1)[0]!]);
    await reader.close();
    expect(await blobs(open.directory)).toBe(2);
    await reopens(open, 'k', [...body(2)[0]!], 2);
  });

  it('a change whose fsync fails while a retry of its directory is under way stays unconfirmed until a later retry succeeds', async () => {
    const directory = tempDirectory('deferred-race');
    const faults = faultyIo();
    // The next fsync of objects/ waits for `release` once `held` is set.
    let held: { arrived: () => void; release: Promise<void> } | undefined;
    const io = {
      ...faults.io,
      async syncDirectory(path: string): Promise<void> {
        const hold = path === objects(directory) ? held : undefined;
        if (hold !== undefined) {
          held = undefined;
          hold.arrived();
          await hold.release;
        }
        return faults.io.syncDirectory!(path);
      },
    };
    const store = await openFileSystemObjectStore({ directory, io });
    const open: Opened = { directory, store, faults };
    await store.createBucket(BUCKET, {});
    await store.putObject(BUCKET, 'k', body(1), {});
    await notDurable(faults, objects(directory), () => store.putObject(BUCKET, 'k', body(2), {}));
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    let release!: () => void;
    held = { arrived, release: new Promise<void>((resolve) => (release = resolve)) };
    // A write elsewhere settles: its retry of objects/ starts, and waits.
    const settling = store.updateBucket(BUCKET, () => ({ policy: '{}' }));
    await reached;
    // Meanwhile another replace of k lands and its fsync fails: the retry under way may have
    // started before its rename.
    await notDurable(faults, objects(directory), () => store.putObject(BUCKET, 'k', body(3), {}));
    release();
    await settling;
    // The first replace is confirmed (its old blob went); the second is not.
    expect(await blobs(directory)).toBe(2);
    // So the next settle retries objects/ again; it fails, and the second replace's old blob stays.
    faults.arm((call) => call.step === 'syncDirectory' && call.directory === objects(directory), 'EIO');
    await store.updateBucket(BUCKET, () => ({ policy: '{"a":1}' }));
    expect(faults.disarm().fired, 'the retry of objects/ ran').toBeDefined();
    expect(await blobs(directory)).toBe(2);
    await store.updateBucket(BUCKET, () => ({}));
    expect(await blobs(directory)).toBe(1);
    await reopens(open, 'k', [...body(3)[0]!], 1);
  });
});
