/**
 * The blobs of a record that a write whose outcome is unknown replaced or removed (its directory
 * fsync failed after the rename or unlink, `NOT_DURABLE`). A later fsync of that directory that
 * succeeds proves nothing (Linux may report a failed write-back once and then clear the error), so
 * such a success never releases them; the tests stand for a change lost so by putting the old file
 * back before the reopen, which must then serve the old record whole. What does release them: the
 * write itself, once its lock is released, takes the name's lock again and writes the record the
 * index holds for the name anew (a new file renamed over the name, the directory fsynced again);
 * when every step of that succeeds, the name durably holds that record, so the replaced one cannot
 * come back. A removal has nothing to write anew: its blobs stay until the next open. Faults are
 * injected through the store's file layer (`io`).
 */

import type { FileHandle } from 'node:fs/promises';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileIo } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore, toS3Error } from '../../src/index.ts';
import { objectFileName, partFileName, UPLOAD_FILE, uploadDirectoryName } from '../../src/storage/filesystem/layout.ts';
import { type FaultyIo, faultyIo, type IoCall } from '../helpers/faulty-io.ts';
import { bucketPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';

const BUCKET = 'b';
const body = (fill: number): Uint8Array[] => [new Uint8Array(100).fill(fill)];

interface Opened {
  readonly directory: string;
  readonly store: ObjectStore;
  readonly faults: FaultyIo;
  /** Fails every call `fails` accepts with EIO, until called again with `undefined`. */
  failEvery(fails: ((call: Omit<IoCall, 'index'>) => boolean) | undefined): void;
  /** Holds the first call `holds` accepts (before it runs) until `open()`; `reached` settles once it waits. */
  hold(holds: (call: Omit<IoCall, 'index'>) => boolean): { reached: Promise<void>; open: () => void };
  /** Settles once the first call `matches` accepts has completed. */
  passed(matches: (call: Omit<IoCall, 'index'>) => boolean): Promise<void>;
}

async function opened(label: string): Promise<Opened> {
  const directory = tempDirectory(label);
  const faults = faultyIo();
  let sticky: ((call: Omit<IoCall, 'index'>) => boolean) | undefined;
  let held: { holds: (call: Omit<IoCall, 'index'>) => boolean; gate: Promise<void>; reached: () => void } | undefined;
  const before = async (call: Omit<IoCall, 'index'>): Promise<void> => {
    if (held?.holds(call) === true) {
      const { gate, reached } = held;
      held = undefined;
      reached();
      await gate;
    }
    if (sticky?.(call) === true) throw Object.assign(new Error(`EIO: injected failure, ${call.step}`), { code: 'EIO' });
  };
  let watched: { matches: (call: Omit<IoCall, 'index'>) => boolean; done: () => void } | undefined;
  const step = async <T>(call: Omit<IoCall, 'index'>, run: () => Promise<T>): Promise<T> => {
    await before(call);
    const result = await run();
    if (watched?.matches(call) === true) {
      watched.done();
      watched = undefined;
    }
    return result;
  };
  const inner = faults.io;
  const io: FileIo = {
    write: (handle: FileHandle, bytes: Uint8Array) => step({ step: 'write' }, () => inner.write(handle, bytes)),
    sync: (handle: FileHandle) => step({ step: 'sync' }, () => inner.sync(handle)),
    close: (handle: FileHandle) => inner.close!(handle),
    syncDirectory: (path: string) => step({ step: 'syncDirectory', directory: path }, () => inner.syncDirectory!(path)),
    open: (path: string, flags: string, mode?: number) => step({ step: 'open', path }, () => inner.open!(path, flags, mode)),
    rename: (from: string, to: string) => step({ step: 'rename', path: from }, () => inner.rename!(from, to)),
    unlink: (path: string) => step({ step: 'unlink', path }, () => inner.unlink!(path)),
    mkdir: (path: string, mode?: number) => step({ step: 'mkdir', path }, () => inner.mkdir!(path, mode)),
  };
  const store = await openFileSystemObjectStore({ directory, io });
  await store.createBucket(BUCKET, {});
  return {
    directory,
    store,
    faults,
    failEvery: (fails) => void (sticky = fails),
    hold(holds) {
      let open!: () => void;
      let reached!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const waiting = new Promise<void>((resolve) => (reached = resolve));
      held = { holds, gate, reached };
      return { reached: waiting, open };
    },
    passed: (matches) => new Promise<void>((done) => (watched = { matches, done })),
  };
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

/** Runs `action` with every fsync of `directory` failing (the write's and its rewrite's); expects the 500. */
async function neverDurable(open: Opened, directory: string, action: () => Promise<unknown>): Promise<void> {
  open.failEvery((call) => call.step === 'syncDirectory' && call.directory === directory);
  const error = await action().then(
    () => undefined,
    (thrown: unknown) => toS3Error(thrown),
  );
  open.failEvery(undefined);
  expect(error).toMatchObject({ code: 'InternalError', status: 500, reason: 'CommitOutcomeUnknown' });
}

describe('a write whose outcome is unknown writes its record anew, then releases what it replaced', () => {
  it('PutObject over a key: the manifest is renamed over the name again and its directory fsynced, then the old blob is released', async () => {
    const open = await opened('rewrite-put');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const directory = objects(open.directory);
    open.faults.arm((call) => call.step === 'syncDirectory' && call.directory === directory, 'EIO');
    const error = await open.store.putObject(BUCKET, 'k', body(2), {}).then(
      () => undefined,
      (thrown: unknown) => toS3Error(thrown),
    );
    const { calls } = open.faults.disarm();
    // The request still answers 500: when it failed, nothing was known.
    expect(error).toMatchObject({ code: 'InternalError', status: 500, reason: 'CommitOutcomeUnknown' });
    const renames = calls.filter((call) => call.step === 'rename' && call.path?.startsWith(`${directory}`));
    const fsyncs = calls.filter((call) => call.step === 'syncDirectory' && call.directory === directory);
    expect(renames).toHaveLength(2);
    expect(fsyncs).toHaveLength(2);
    // The old blob went once the second fsync succeeded, not before.
    expect(renames[1]!.index).toBeLessThan(fsyncs[1]!.index);
    expect(await blobs(open.directory)).toBe(1);
    expect(await text(open.store, 'k')).toEqual([...body(2)[0]!]);
    await reopens(open, 'k', [...body(2)[0]!], 1);
  });

  it('PutObject over a key: a later write of the key waiting for the lock goes first, and the rewrite writes that newer record, not its own', async () => {
    const open = await opened('rewrite-race');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const directory = objects(open.directory);
    // The first PUT's manifest fsync fails, after a second PUT of the key is queued behind its lock.
    const { reached, open: resume } = open.hold((call) => call.step === 'syncDirectory' && call.directory === directory);
    open.faults.arm((call) => call.step === 'syncDirectory' && call.directory === directory, 'EIO');
    const first = open.store.putObject(BUCKET, 'k', body(2), {}).then(
      () => undefined,
      (thrown: unknown) => toS3Error(thrown),
    );
    await reached;
    const blobSynced = open.passed((call) => call.step === 'syncDirectory' && call.directory !== directory);
    const second = open.store.putObject(BUCKET, 'k', body(3), {});
    await blobSynced;
    // The second PUT's blob is durable; it reaches the key's lock without touching the disk again.
    await new Promise((resolve) => setImmediate(resolve));
    resume();
    expect(await first).toMatchObject({ reason: 'CommitOutcomeUnknown' });
    await second;
    const { fired, calls } = open.faults.disarm();
    expect(fired, 'the first PUT’s fsync failed').toBeDefined();
    // The second PUT's manifest came before the rewrite's: the rewrite wrote the record the index held then.
    const manifests = calls.filter((call) => call.step === 'syncDirectory' && call.directory === directory);
    expect(manifests).toHaveLength(3);
    expect(await text(open.store, 'k')).toEqual([...body(3)[0]!]);
    expect(await blobs(open.directory)).toBe(1);
    await reopens(open, 'k', [...body(3)[0]!], 1);
  });

  it.each([
    ['its directory fsync', (directory: string) => (call: Omit<IoCall, 'index'>) => call.step === 'syncDirectory' && call.directory === directory],
    ['its rename', (directory: string) => (call: Omit<IoCall, 'index'>) => call.step === 'rename' && call.path?.startsWith(directory) === true],
  ])(
    'PutObject over a key: when the rewrite fails too (at %s), the old blob stays, even after later writes fsync objects/, and a reopen serves the old object if the replace was lost',
    async (_, failsAt) => {
      const open = await opened('deferred-put');
      await open.store.putObject(BUCKET, 'k', body(1), {});
      const directory = objects(open.directory);
      const lost = await saved(join(directory, objectFileName('k')));
      const rewriteFails = failsAt(directory);
      let fsyncFailed = false;
      open.failEvery((call) => {
        // The write's own fsync fails; then the chosen step of the rewrite.
        if (!fsyncFailed && call.step === 'syncDirectory' && call.directory === directory) return (fsyncFailed = true);
        return fsyncFailed && rewriteFails(call);
      });
      const error = await open.store.putObject(BUCKET, 'k', body(2), {}).then(
        () => undefined,
        (thrown: unknown) => toS3Error(thrown),
      );
      open.failEvery(undefined);
      expect(error).toMatchObject({ reason: 'CommitOutcomeUnknown' });
      expect(await blobs(open.directory)).toBe(2);
      // Fsyncs objects/ and succeeds: not proof that the replace reached the disk.
      await open.store.putObject(BUCKET, 'other', body(3), {});
      await open.store.updateBucket(BUCKET, () => ({ policy: '{}' }));
      expect(await blobs(open.directory)).toBe(3);
      expect(await text(open.store, 'k')).toEqual([...body(2)[0]!]);
      await reopens(open, 'k', [...body(1)[0]!], 2, lost);
    },
  );

  it('PutObject over a key: when the rewrite fails too, a reopen that finds the new manifest removes the old blob', async () => {
    const open = await opened('deferred-put-kept');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    await neverDurable(open, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect(await blobs(open.directory)).toBe(3);
    await reopens(open, 'k', [...body(2)[0]!], 2);
  });

  it('CompleteMultipartUpload over a key: the old object’s blob is released once the rewrite is durable', async () => {
    const open = await opened('rewrite-complete');
    await open.store.putObject(BUCKET, 'm', body(1), {});
    const { uploadId } = await open.store.createUpload(BUCKET, 'm', {});
    await open.store.putPart(BUCKET, uploadId, 1, body(2), {});
    await notDurable(open.faults, objects(open.directory), () => open.store.completeUpload(BUCKET, uploadId, [1], {}));
    expect(await blobs(open.directory)).toBe(1);
    expect(await text(open.store, 'm')).toEqual([...body(2)[0]!]);
    await reopens(open, 'm', [...body(2)[0]!], 1);
  });

  it('a reader of the replaced object keeps reading it after the rewrite; its blob goes when the reader closes', async () => {
    const open = await opened('rewrite-reader');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const reader = (await open.store.openObject(BUCKET, 'k'))!;
    await notDurable(open.faults, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    expect(await blobs(open.directory)).toBe(2);
    expect([...(await reader.read(0, 100))]).toEqual([...body(1)[0]!]);
    await reader.close();
    expect(await blobs(open.directory)).toBe(1);
    await reopens(open, 'k', [...body(2)[0]!], 1);
  });

  it('UploadPart over a part: the part record is written anew under the upload’s lock, then the old part’s blob is released', async () => {
    const open = await opened('rewrite-part');
    const { uploadId } = await open.store.createUpload(BUCKET, 'm', {});
    await open.store.putPart(BUCKET, uploadId, 1, body(1), {});
    await notDurable(open.faults, uploadDirectory(open.directory, uploadId), () => open.store.putPart(BUCKET, uploadId, 1, body(2), {}));
    expect(await blobs(open.directory)).toBe(1);
    await open.store.close();
    const store = await openFileSystemObjectStore({ directory: open.directory });
    try {
      await store.completeUpload(BUCKET, uploadId, [1], {});
      expect(await text(store, 'm')).toEqual([...body(2)[0]!]);
    } finally {
      await store.close();
    }
  });
});

describe('the blobs a write whose outcome is unknown would have released, when nothing confirms it', () => {
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

  it('UploadPart over a part whose rewrite fails too: the old part’s blob stays, and a completion after a reopen that lost the replace has the old part', async () => {
    const open = await opened('deferred-part');
    const { uploadId } = await open.store.createUpload(BUCKET, 'm', {});
    await open.store.putPart(BUCKET, uploadId, 1, body(1), {});
    const lost = await saved(join(uploadDirectory(open.directory, uploadId), partFileName(1)));
    await neverDurable(open, uploadDirectory(open.directory, uploadId), () => open.store.putPart(BUCKET, uploadId, 1, body(2), {}));
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

  it('a reader of the replaced object whose rewrite fails too keeps reading it; its blob stays after the reader closes, until the next open', async () => {
    const open = await opened('deferred-reader');
    await open.store.putObject(BUCKET, 'k', body(1), {});
    const reader = (await open.store.openObject(BUCKET, 'k'))!;
    await neverDurable(open, objects(open.directory), () => open.store.putObject(BUCKET, 'k', body(2), {}));
    await open.store.putObject(BUCKET, 'other', body(3), {});
    expect([...(await reader.read(0, 100))]).toEqual([...body(1)[0]!]);
    await reader.close();
    expect(await blobs(open.directory)).toBe(3);
    await reopens(open, 'k', [...body(2)[0]!], 2);
  });
});
