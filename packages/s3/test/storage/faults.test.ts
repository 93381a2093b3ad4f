/**
 * A data directory under injected disk faults (`FileSystemStoreOptions.io`, the kernel's `FileIo`):
 * a file's open, a write, fsync, close, rename, unlink, mkdir or directory fsync that fails with ENOSPC (a full disk, which takes half a
 * write first) or EIO, at any step of PutObject, UploadPart, CompleteMultipartUpload or
 * DeleteObject. The rule: the request answers 500 InternalError; the object is then wholly the old
 * one or wholly the new one, never a part, and reopening the directory shows exactly what the store
 * showed (nothing acknowledged is lost); no temporary file is left behind, and after the reopen no
 * blob that nothing names.
 */

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMPORARY_MARK } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore, toS3Error } from '../../src/index.ts';
import { type FaultyIo, faultyIo, type IoCall } from '../helpers/faulty-io.ts';
import { bucketPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';

const BUCKET = 'b';
const KEYS = ['a', 'b'] as const;

type Operation =
  | { readonly kind: 'put'; readonly key: string; readonly fill: number; readonly size: number }
  | { readonly kind: 'multipart'; readonly key: string; readonly fills: readonly number[] }
  | { readonly kind: 'delete'; readonly key: string };

interface Fault {
  /** The number of the file-layer call that fails, counted from the operation's start. */
  readonly at: number;
  readonly code: 'ENOSPC' | 'EIO';
}

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('put' as const),
    key: fc.constantFrom(...KEYS),
    fill: fc.integer({ min: 1, max: 255 }),
    size: fc.integer({ min: 0, max: 3000 }),
  }),
  fc.record({
    kind: fc.constant('multipart' as const),
    key: fc.constantFrom(...KEYS),
    fills: fc.array(fc.integer({ min: 1, max: 255 }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom(...KEYS) }),
);

/** Most steps carry a fault; a PUT makes 11 file-layer calls, a 3-part upload about 40. */
const step = fc.record({
  operation,
  fault: fc.option(fc.record({ at: fc.nat({ max: 42 }), code: fc.constantFrom('ENOSPC' as const, 'EIO' as const) }), { freq: 4 }),
});

const PART = 700;
const partBytes = (fill: number): Uint8Array => new Uint8Array(PART).fill(fill);

/** What the operation leaves under its key if it succeeds. */
function outcome(op: Operation): Uint8Array | undefined {
  if (op.kind === 'put') return new Uint8Array(op.size).fill(op.fill);
  if (op.kind === 'delete') return undefined;
  return new Uint8Array(op.fills.flatMap((fill) => [...partBytes(fill)]));
}

async function run(store: ObjectStore, op: Operation): Promise<void> {
  if (op.kind === 'put') {
    await store.putObject(BUCKET, op.key, [new Uint8Array(op.size).fill(op.fill)], {});
  } else if (op.kind === 'delete') {
    await store.deleteObject(BUCKET, op.key);
  } else {
    const { uploadId } = await store.createUpload(BUCKET, op.key, {});
    for (const [index, fill] of op.fills.entries()) await store.putPart(BUCKET, uploadId, index + 1, [partBytes(fill)], {});
    await store.completeUpload(
      BUCKET,
      uploadId,
      op.fills.map((_, index) => index + 1),
      {},
    );
  }
}

async function read(store: ObjectStore, key: string): Promise<Uint8Array | undefined> {
  const reader = await store.openObject(BUCKET, key);
  if (reader === undefined) return undefined;
  try {
    return await reader.read(0, reader.info.size);
  } finally {
    await reader.close();
  }
}

/** Every file under `directory` whose name marks it temporary (`replaceFileDurably`'s, `createFileExclusivelyDurably`'s). */
async function temporaries(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true });
  return entries.filter((name) => name.includes(TEMPORARY_MARK) || name.endsWith('.tmp'));
}

/** How many blobs the objects and open uploads name. */
async function namedBlobs(store: ObjectStore): Promise<number> {
  let count = 0;
  for (const object of (await store.listObjects(BUCKET, { maxKeys: 1000 })).objects) count += (await store.headObject(BUCKET, object.key))!.segments.length;
  for (const upload of (await store.listUploads(BUCKET, { maxUploads: 1000 })).uploads)
    count += (await store.listParts(BUCKET, upload.uploadId, { maxParts: 1000 })).parts.length;
  return count;
}

const same = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a === undefined || b === undefined ? a === b : Buffer.from(a).equals(Buffer.from(b));

/** Runs `steps`, each under its fault, checking each answer; returns what the store showed last. */
async function runSteps(
  store: ObjectStore,
  faults: FaultyIo,
  directory: string,
  steps: readonly { operation: Operation; fault: Fault | null }[],
): Promise<Map<string, Uint8Array>> {
  const shown = new Map<string, Uint8Array>();
  for (const { operation: op, fault } of steps) {
    const before = shown.get(op.key);
    const after = outcome(op);
    faults.arm((call) => fault !== null && call.index === fault.at, fault?.code ?? 'EIO');
    const failure = await run(store, op).then(
      () => undefined,
      (error: unknown) => ({ error }),
    );
    const { fired, calls } = faults.disarm();
    // Every write goes through the injected layer (a delete of nothing writes nothing).
    if (op.kind !== 'delete' || before !== undefined) expect(calls.length, `${op.kind} went through the file layer`).toBeGreaterThan(0);
    const now = await read(store, op.key);
    if (failure === undefined) {
      // Acknowledged (a fault may have hit a step that is not part of the answer: the removal of
      // a completed upload, see `completeUpload`).
      expect(same(now, after), `${op.kind} ${op.key} acknowledged shows the new object`).toBe(true);
    } else {
      expect(fired, `${op.kind} failed only because of the injected fault`).toBeDefined();
      expect(toS3Error(failure.error)).toMatchObject({ code: 'InternalError', status: 500 });
      expect(same(now, before) || same(now, after), `${op.kind} ${op.key} after a fault at ${fired?.step} is the old or the new object, whole`).toBe(true);
    }
    if (now === undefined) shown.delete(op.key);
    else shown.set(op.key, now);
    expect(await temporaries(bucketPath(directory, BUCKET)), 'no temporary file is left behind').toEqual([]);
  }
  return shown;
}

/** Opens a fresh directory, runs `steps` with their faults, reopens it and checks what it holds. */
async function check(steps: readonly { operation: Operation; fault: Fault | null }[]): Promise<void> {
  const directory = tempDirectory('faults');
  const faults = faultyIo();
  let store = await openFileSystemObjectStore({ directory, io: faults.io });
  try {
    await store.createBucket(BUCKET, {});
    const shown = await runSteps(store, faults, directory, steps);
    await store.close();
    store = await openFileSystemObjectStore({ directory });
    for (const key of KEYS) expect(same(await read(store, key), shown.get(key)), `${key} after the reopen`).toBe(true);
    // The reopen removed every blob nothing names, and kept every one something does.
    const blobs = await readdir(join(bucketPath(directory, BUCKET), 'blobs'));
    expect(blobs.length).toBe(await namedBlobs(store));
    expect(await temporaries(directory)).toEqual([]);
  } finally {
    await store.close();
  }
}

/** How many file-layer calls `op` makes on a store holding an object under its key. */
async function callsOf(op: Operation): Promise<number> {
  const directory = tempDirectory('faults-count');
  const faults = faultyIo();
  const store = await openFileSystemObjectStore({ directory, io: faults.io });
  try {
    await store.createBucket(BUCKET, {});
    await store.putObject(BUCKET, op.key, [new Uint8Array([9])], {});
    faults.arm(() => false, 'EIO');
    await run(store, op);
    return faults.disarm().calls.length;
  } finally {
    await store.close();
  }
}

const EVERY_OPERATION: readonly [string, Operation][] = [
  ['PutObject', { kind: 'put', key: 'a', fill: 2, size: 1000 }],
  ['UploadPart and CompleteMultipartUpload', { kind: 'multipart', key: 'a', fills: [3, 4] }],
  ['DeleteObject', { kind: 'delete', key: 'a' }],
];

describe('a data directory whose disk fails at each step of one request', () => {
  it.each(EVERY_OPERATION)('%s: every step, ENOSPC or EIO, answers 500 or lands whole, and the reopen agrees', async (_name, op) => {
    const count = await callsOf(op);
    expect(count).toBeGreaterThan(0);
    const existing: Operation = { kind: 'put', key: op.key, fill: 1, size: 500 };
    for (let at = 0; at < count; at++) {
      for (const code of ['ENOSPC', 'EIO'] as const)
        await check([
          { operation: existing, fault: null },
          { operation: op, fault: { at, code } },
        ]);
    }
  });
});

describe('a data directory whose disk fails at a random step', () => {
  it('answers 500 for the failed request, shows the old or the new object whole, and reopens with exactly what it showed', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), (steps) => check(steps)),
      { numRuns: 40 },
    );
  });
});

describe('a blob write that fails', () => {
  it.each(['open', 'write', 'sync', 'close', 'syncDirectory'] as const)('at its first %s leaves no blob file behind, before any reopen', async (failing) => {
    const directory = tempDirectory('faults-blob');
    const faults = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faults.io });
    try {
      await store.createBucket(BUCKET, {});
      faults.arm((call) => call.step === failing, 'ENOSPC');
      const error = await store.putObject(BUCKET, 'k', [new Uint8Array(2000).fill(7)], {}).then(
        () => undefined,
        (thrown: unknown) => toS3Error(thrown),
      );
      // The blob's steps come first: the fault hit the blob, not the manifest.
      expect(faults.disarm().fired).toMatchObject({ step: failing, index: ['open', 'write', 'sync', 'close', 'syncDirectory'].indexOf(failing) });
      expect(error).toMatchObject({ code: 'InternalError', status: 500 });
      expect(await store.headObject(BUCKET, 'k')).toBeUndefined();
      // A full disk gets its space back now, not at the next open.
      expect(await readdir(join(bucketPath(directory, BUCKET), 'blobs'))).toEqual([]);
    } finally {
      await store.close();
    }
  });
});

/** Counts the file-layer calls `action` makes on a fresh store, or runs it with the call numbered `at` failing. */
async function faulted(
  label: string,
  prepare: (store: ObjectStore) => Promise<string | undefined>,
  action: (store: ObjectStore, uploadId: string | undefined) => Promise<unknown>,
  fault: Fault | null,
): Promise<{ directory: string; calls: number; error: unknown; fired: IoCall | undefined; store: ObjectStore }> {
  const directory = tempDirectory(label);
  const faults = faultyIo();
  const store = await openFileSystemObjectStore({ directory, io: faults.io });
  const uploadId = await prepare(store);
  faults.arm((call) => fault !== null && call.index === fault.at, fault?.code ?? 'EIO');
  const error = await action(store, uploadId).then(
    () => undefined,
    (thrown: unknown) => toS3Error(thrown),
  );
  const { fired, calls } = faults.disarm();
  if (fault !== null) expect(fired, 'the fault fired').toBeDefined();
  return { directory, calls: calls.length, error, fired, store };
}

describe('a data directory whose disk fails at each step of a bucket or upload change', () => {
  it('CreateBucket: every step (mkdir, manifest, rename, directory fsync) answers 500 or creates it, and the reopen agrees', async () => {
    const none = async (): Promise<undefined> => undefined;
    const create = (store: ObjectStore): Promise<unknown> => store.createBucket(BUCKET, {});
    const counted = await faulted('faults-bucket-count', none, create, null);
    await counted.store.close();
    expect(counted.calls).toBeGreaterThanOrEqual(8);
    for (let at = 0; at < counted.calls; at++) {
      for (const code of ['ENOSPC', 'EIO'] as const) {
        const { directory, error, store } = await faulted('faults-bucket', none, create, { at, code });
        expect(error, `step ${at}`).toMatchObject({ code: 'InternalError', status: 500 });
        const shown = (await store.getBucket(BUCKET)) !== undefined;
        await store.close();
        const reopened = await openFileSystemObjectStore({ directory });
        try {
          expect((await reopened.getBucket(BUCKET)) !== undefined, `step ${at}: the reopen shows what the store showed`).toBe(shown);
          expect(await temporaries(directory)).toEqual([]);
        } finally {
          await reopened.close();
        }
      }
    }
  });

  it('AbortMultipartUpload: every step (unlink of upload.json, directory fsync, a part’s blob) answers 500 or aborts it, and the reopen agrees', async () => {
    const prepare = async (store: ObjectStore): Promise<string> => {
      await store.createBucket(BUCKET, {});
      const { uploadId } = await store.createUpload(BUCKET, 'm', {});
      await store.putPart(BUCKET, uploadId, 1, [partBytes(5)], {});
      return uploadId;
    };
    const abort = (store: ObjectStore, uploadId: string | undefined): Promise<unknown> => store.abortUpload(BUCKET, uploadId!);
    const counted = await faulted('faults-abort-count', prepare, abort, null);
    await counted.store.close();
    expect(counted.calls).toBeGreaterThanOrEqual(2);
    let blobSteps = 0;
    for (let at = 0; at < counted.calls; at++) {
      for (const code of ['ENOSPC', 'EIO'] as const) {
        const { directory, error, fired, store } = await faulted('faults-abort', prepare, abort, { at, code });
        // A part's blob is removed after the abort is durable: its failure leaves an orphan for
        // the reopen, and the abort answers as done (a retry would find NoSuchUpload).
        if (fired?.step === 'unlink' && fired.path?.includes('/blobs/') === true) {
          blobSteps += 1;
          expect(error, `step ${at}`).toBeUndefined();
          expect((await store.listUploads(BUCKET, { maxUploads: 10 })).uploads, `step ${at}`).toEqual([]);
        } else expect(error, `step ${at}`).toMatchObject({ code: 'InternalError', status: 500 });
        const shown = (await store.listUploads(BUCKET, { maxUploads: 10 })).uploads.length;
        await store.close();
        const reopened = await openFileSystemObjectStore({ directory });
        try {
          expect((await reopened.listUploads(BUCKET, { maxUploads: 10 })).uploads.length, `step ${at}: the reopen shows what the store showed`).toBe(shown);
          const blobs = await readdir(join(bucketPath(directory, BUCKET), 'blobs'));
          expect(blobs.length).toBe(await namedBlobs(reopened));
        } finally {
          await reopened.close();
        }
      }
    }
    expect(blobSteps, 'the sweep reached the blob’s removal').toBe(2);
  });
});
