/**
 * Fencing (issue #14): a data-directory store whose lease lapsed while it was paused, and whose
 * directory another store then took over, writes nothing more: every write fails with 500
 * InternalError, and `onError` hears the loss once; the S3 engine over it then refuses every call,
 * reads included. A step already past its lease check when the takeover happened lands nowhere:
 * the new holder renamed the generation directory it writes to. Both stores live in this process:
 * the second open stands for another process (the service kernel's `__TESTS.asAnotherProcess`),
 * so it judges the lock file as another process would and takes a lock naming this very pid in
 * this PID namespace over at once (Linux only). Renewals run on
 * demand; no test waits.
 */

import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { __TESTS, isServiceError } from '@strongbox/service-kernel';
import { describe, expect, it, vi } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore, ROOT_KEYS_DIRECTORY, S3, SseS3RootKeys } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';
import { generationPath } from '../helpers/layout.ts';
import { storedBytes } from '../helpers/stored.ts';
import { tempDirectory } from '../helpers/temp.ts';

const bytes = (...values: number[]): Uint8Array[] => [new Uint8Array(values)];

async function holder(directory: string): Promise<{ store: ObjectStore; errors: Error[]; renew: () => Promise<void> }> {
  const errors: Error[] = [];
  let renew: (() => Promise<void>) | undefined;
  const store = await openFileSystemObjectStore({
    directory,
    onError: (error) => errors.push(error),
    lease: {
      scheduleRenewal: (run) => {
        renew = run;
        return () => undefined;
      },
    },
  });
  return { store, errors, renew: () => renew!() };
}

async function blobCount(directory: string): Promise<number> {
  let count = 0;
  const base = generationPath(directory);
  for (const name of await readdir(base)) if (name.startsWith('b-')) count += (await readdir(join(base, name, 'blobs'))).length;
  return count;
}

const internalError = {
  name: 'S3Error',
  code: 'InternalError',
  status: 500,
  message: "We encountered an internal error: this server's data directory was taken over by another process, so this server no longer answers requests.",
};

describe.skipIf(process.platform !== 'linux')('a data-directory store whose directory was taken over', () => {
  it('refuses every write with 500 InternalError, reports the loss once, reads no file any more, and nothing it tried lands in the new holder’s state', async () => {
    const directory = tempDirectory('fence');
    const a = await holder(directory);
    await a.store.createBucket('b', {});
    await a.store.putObject('b', 'kept', bytes(1, 2, 3), { tag: 'kept' });
    const upload = await a.store.createUpload('b', 'multi', {});

    await __TESTS.asAnotherProcess(directory);
    const b = await holder(directory);
    const blobsAtTakeover = await blobCount(directory);

    await expect(a.store.putObject('b', 'kept', bytes(9), {})).rejects.toMatchObject(internalError);
    await expect(a.store.putObject('b', 'new', bytes(9), {})).rejects.toMatchObject(internalError);
    await expect(a.store.updateObjectMetadata('b', 'kept', { tag: 'changed' })).rejects.toMatchObject(internalError);
    await expect(a.store.deleteObject('b', 'kept')).rejects.toMatchObject(internalError);
    await expect(a.store.createBucket('other', {})).rejects.toMatchObject(internalError);
    await expect(a.store.putPart('b', upload.uploadId, 1, bytes(4), {})).rejects.toMatchObject(internalError);
    await expect(a.store.abortUpload('b', upload.uploadId)).rejects.toMatchObject(internalError);
    const refused = await a.store.putObject('b', 'x', bytes(1), {}).catch((error: unknown) => error);
    expect(isServiceError((refused as Error).cause, 'LEASE_LOST')).toBe(true);
    // The store's index still answers from memory (the engine refuses every call, below), but its
    // files moved on with the new holder's generation: nothing of A's reaches them, reads included.
    await expect(storedBytes(a.store, 'b', 'kept')).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await a.store.headObject('b', 'kept'))?.metadata).toEqual({ tag: 'kept' });
    expect((await a.store.listObjects('b', { maxKeys: 10 })).objects.map((object) => object.key)).toEqual(['kept']);
    await a.renew();
    expect(a.errors).toHaveLength(1);
    expect(isServiceError(a.errors[0], 'LEASE_LOST')).toBe(true);
    expect(a.errors[0]!.message).toMatch(/was taken over by process \d+ \(lease epoch 2\) after this process's lease \(epoch 1\) lapsed/);
    expect(await blobCount(directory)).toBe(blobsAtTakeover);

    await b.store.putObject('b', 'from-b', bytes(7), {});
    await a.store.close();
    await b.store.close();
    expect(b.errors).toEqual([]);

    const reopened = await holder(directory);
    expect((await reopened.store.listBuckets()).map((bucket) => bucket.name)).toEqual(['b']);
    expect((await reopened.store.listObjects('b', { maxKeys: 10 })).objects.map((object) => object.key)).toEqual(['from-b', 'kept']);
    expect(await storedBytes(reopened.store, 'b', 'kept')).toEqual([1, 2, 3]);
    expect((await reopened.store.headObject('b', 'kept'))?.metadata).toEqual({ tag: 'kept' });
    expect((await reopened.store.getUpload('b', upload.uploadId))?.key).toBe('multi');
    await reopened.store.close();
  });

  it('a renewal finds the takeover while the store is idle and reports it once', async () => {
    const directory = tempDirectory('fence-idle');
    const a = await holder(directory);
    await __TESTS.asAnotherProcess(directory);
    const b = await holder(directory);
    await a.renew();
    await a.renew();
    expect(a.errors.map((error) => (error as { code?: string }).code)).toEqual(['LEASE_LOST']);
    await expect(a.store.createBucket('b', {})).rejects.toMatchObject(internalError);
    expect(a.errors).toHaveLength(1);
    await a.store.close();
    await b.store.close();
  });
});

describe.skipIf(process.platform !== 'linux')('the S3 engine on a data directory taken over', () => {
  it('refuses every call with 500 InternalError once the loss is found, reads included, and tells `onError` once', async () => {
    const directory = tempDirectory('fence-engine');
    const errors: Error[] = [];
    const s3 = new S3({ storage: { directory, onError: (error) => errors.push(error) } });
    try {
      await s3.createBucket({ Bucket: 'fenced' });
      await s3.putObject({ Bucket: 'fenced', Key: 'kept', Body: 'kept body' });
      expect(await (await s3.getObject({ Bucket: 'fenced', Key: 'kept' })).Body.transformToString()).toBe('kept body');

      await __TESTS.asAnotherProcess(directory);
      const b = await holder(directory);
      // The first write finds the loss.
      expect(await catchS3Async(() => s3.putObject({ Bucket: 'fenced', Key: 'new', Body: 'x' }))).toMatchObject(internalError);
      expect(errors.map((error) => (error as { code?: string }).code)).toEqual(['LEASE_LOST']);
      for (const call of [
        () => s3.getObject({ Bucket: 'fenced', Key: 'kept' }),
        () => s3.headObject({ Bucket: 'fenced', Key: 'kept' }),
        () => s3.listObjectsV2({ Bucket: 'fenced' }),
        () => s3.listBuckets({}),
        () => s3.getObject({ Bucket: 'fenced', Key: 'missing' }),
        () => s3.deleteObject({ Bucket: 'fenced', Key: 'kept' }),
      ]) {
        expect(await catchS3Async(call)).toMatchObject(internalError);
      }
      expect(errors).toHaveLength(1);
      await b.store.close();
    } finally {
      await s3.close();
    }
  });

  it('creates no SSE-S3 root key file once taken over: its root keys go through the store’s fenced io', async () => {
    const directory = tempDirectory('fence-root-keys');
    const opens = vi.spyOn(SseS3RootKeys, 'openDirectory');
    const s3 = new S3({ storage: { directory } });
    try {
      await s3.createBucket({ Bucket: 'fenced' });
      expect(opens).toHaveBeenCalledTimes(1);
      const roots = await (opens.mock.results[0]!.value as Promise<SseS3RootKeys>);
      await roots.rotate();
      expect(roots.generations).toEqual([1, 2]);

      await __TESTS.asAnotherProcess(directory);
      const b = await holder(directory);
      const refused = await roots.rotate().catch((error: unknown) => error);
      expect(isServiceError(refused, 'LEASE_LOST')).toBe(true);
      expect(roots.generations).toEqual([1, 2]);
      expect((await readdir(join(directory, ROOT_KEYS_DIRECTORY))).sort()).toEqual(['root-00000001.key', 'root-00000002.key']);
      await b.store.close();
    } finally {
      opens.mockRestore();
      await s3.close();
    }
  });
});
