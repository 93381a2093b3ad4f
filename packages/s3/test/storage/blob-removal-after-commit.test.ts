/**
 * The removal of a blob nothing names any more comes after the commit that let go of it (the
 * manifest written or removed durably, and the lease confirmed after it): the change is durable
 * and any later holder of the directory sees it. A removal that then fails (EIO from the unlink,
 * or the lease found lost at the check right before it) leaves the blob as an orphan, which the
 * next open removes (`restore.ts`); it must not turn the committed request into a failure (a
 * retried AbortMultipartUpload would then find NoSuchUpload), nor stop the request's own later
 * steps (a completion's removal of its upload), as `syncDirectoryAfterRemoval` does not fail an
 * acknowledged write for the fsync after garbage was removed. Nor may it replace the error of a
 * write refused before its commit (a precondition's 412), whose fresh blob is removed on the way
 * out.
 */

import { once } from 'node:events';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type DirectoryLease, type FileIo, nodeFileIo, ServiceError } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { openFileSystemObjectStore, S3Error } from '../../src/index.ts';
import { localBlobStorage } from '../../src/storage/filesystem/blobs.ts';
import { FileSystemPersistence } from '../../src/storage/filesystem/persistence.ts';
import { IndexedObjectStore } from '../../src/storage/indexed-store.ts';
import { faultyIo } from '../helpers/faulty-io.ts';
import { bucketPath } from '../helpers/layout.ts';
import { storedBytes } from '../helpers/stored.ts';
import { tempDirectory } from '../helpers/temp.ts';

const bytes = (...values: number[]): Uint8Array[] => [new Uint8Array(values)];

async function blobNames(directory: string): Promise<string[]> {
  return (await readdir(join(bucketPath(directory, 'b'), 'blobs'))).sort();
}

describe('a blob whose removal fails with EIO after the commit that let go of it', () => {
  const unlinkOfBlob = (call: { step: string; path?: string }): boolean => call.step === 'unlink' && call.path?.includes('/blobs/') === true;

  it('an overwrite still succeeds; the new object reads back and the old blob is left for the next open', async () => {
    const directory = tempDirectory('blob-removal-eio-put');
    const faulty = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faulty.io });
    await store.createBucket('b', {});
    await store.putObject('b', 'k', bytes(1), {});
    faulty.arm(unlinkOfBlob, 'EIO');
    const written = await store.putObject('b', 'k', bytes(2, 3), {}).catch((error: unknown) => error);
    expect(faulty.disarm().fired?.step).toBe('unlink');
    expect(written).toMatchObject({ size: 2 });
    expect(await storedBytes(store, 'b', 'k')).toEqual([2, 3]);
    expect(await blobNames(directory)).toHaveLength(2);
    await store.close();
    const reopened = await openFileSystemObjectStore({ directory });
    expect(await blobNames(directory)).toHaveLength(1);
    expect(await storedBytes(reopened, 'b', 'k')).toEqual([2, 3]);
    await reopened.close();
  });

  it('an overwrite of a two-part object removes the second part’s blob, and warns of the first', async () => {
    const directory = tempDirectory('blob-removal-eio-parts');
    const faulty = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faulty.io });
    await store.createBucket('b', {});
    const { uploadId } = await store.createUpload('b', 'k', {});
    await store.putPart('b', uploadId, 1, bytes(7), {});
    await store.putPart('b', uploadId, 2, bytes(8), {});
    await store.completeUpload('b', uploadId, [1, 2], {});
    expect(await blobNames(directory)).toHaveLength(2);
    const warned = once(process, 'warning') as Promise<[Error & { code?: string }]>;
    faulty.arm(unlinkOfBlob, 'EIO');
    const written = await store.putObject('b', 'k', bytes(2, 3), {}).catch((error: unknown) => error);
    expect(faulty.disarm().fired?.step).toBe('unlink');
    expect(written).toMatchObject({ size: 2 });
    // The new blob and the first part's, left for the next open; the second part's is gone.
    expect(await blobNames(directory)).toHaveLength(2);
    const [warning] = await warned;
    expect(warning).toMatchObject({ code: 'STRONGBOX_BLOB_REMOVAL', message: expect.stringContaining('(EIO)') });
    await store.close();
  });

  it('a DeleteObject still answers deleted', async () => {
    const directory = tempDirectory('blob-removal-eio-delete');
    const faulty = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faulty.io });
    await store.createBucket('b', {});
    await store.putObject('b', 'k', bytes(1), {});
    faulty.arm(unlinkOfBlob, 'EIO');
    const deleted = await store.deleteObject('b', 'k').catch((error: unknown) => error);
    expect(faulty.disarm().fired?.step).toBe('unlink');
    expect(deleted).toBe(true);
    expect(await store.headObject('b', 'k')).toBeUndefined();
    await store.close();
  });

  it('a CompleteMultipartUpload that replaces an object still succeeds, and its upload is gone', async () => {
    const directory = tempDirectory('blob-removal-eio-complete');
    const faulty = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faulty.io });
    await store.createBucket('b', {});
    await store.putObject('b', 'k', bytes(1), {});
    const { uploadId } = await store.createUpload('b', 'k', {});
    await store.putPart('b', uploadId, 1, bytes(7, 8), {});
    faulty.arm(unlinkOfBlob, 'EIO');
    const completed = await store.completeUpload('b', uploadId, [1], {}).catch((error: unknown) => error);
    expect(faulty.disarm().fired?.step).toBe('unlink');
    expect(completed).toMatchObject({ size: 2 });
    expect((await store.listUploads('b', { maxUploads: 10 })).uploads).toEqual([]);
    expect(await storedBytes(store, 'b', 'k')).toEqual([7, 8]);
    await store.close();
  });

  it('a conditional PUT its precondition refuses still answers PreconditionFailed (412), not the removal’s error', async () => {
    const directory = tempDirectory('blob-removal-eio-precondition');
    const faulty = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faulty.io });
    await store.createBucket('b', {});
    await store.putObject('b', 'k', bytes(1), {});
    faulty.arm(unlinkOfBlob, 'EIO');
    const refused = await store
      .putObject('b', 'k', bytes(2), {}, (current) => {
        if (current !== undefined) throw new S3Error('PreconditionFailed');
      })
      .catch((error: unknown) => error);
    expect(faulty.disarm().fired?.step).toBe('unlink');
    expect(refused).toMatchObject({ code: 'PreconditionFailed', status: 412 });
    expect(await storedBytes(store, 'b', 'k')).toEqual([1]);
    await store.close();
  });

  it('an AbortMultipartUpload still answers aborted (a retry would find NoSuchUpload)', async () => {
    const directory = tempDirectory('blob-removal-eio-abort');
    const faulty = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faulty.io });
    await store.createBucket('b', {});
    const { uploadId } = await store.createUpload('b', 'k', {});
    await store.putPart('b', uploadId, 1, bytes(7, 8), {});
    faulty.arm(unlinkOfBlob, 'EIO');
    const aborted = await store.abortUpload('b', uploadId).catch((error: unknown) => error);
    expect(faulty.disarm().fired?.step).toBe('unlink');
    expect(aborted).toBe(true);
    expect(await store.getUpload('b', uploadId)).toBeUndefined();
    await store.close();
  });
});

/**
 * A lease whose loss the test places: after `lose(n)`, `n` more checks pass, then every check
 * fails with `LEASE_LOST` (and `lost` tells it, as the real lease once a check found the loss).
 */
function placedLease(directory: string): DirectoryLease & { lose(after: number): void } {
  let passes = Number.POSITIVE_INFINITY;
  let lost: ServiceError | undefined;
  return {
    directory,
    path: join(directory, 'strongbox.lock'),
    epoch: 1,
    get lost() {
      return lost as DirectoryLease['lost'];
    },
    async confirm() {
      if (lost !== undefined) throw lost;
      if (passes-- > 0) return;
      lost = new ServiceError('LEASE_LOST', 'the data directory was taken over', []);
      throw lost;
    },
    async release() {},
    lose(after) {
      passes = after;
    },
  };
}

/** Real io whose manifest step (a rename into, or an unlink from, `objects/`) runs `after` once done. */
function manifestHookIo(after: () => void): { io: FileIo; arm(): void } {
  let armed = false;
  const fire = (path: string): void => {
    if (!armed || !path.includes('/objects/')) return;
    armed = false;
    after();
  };
  const io: FileIo = {
    ...nodeFileIo,
    async rename(from, to) {
      await nodeFileIo.rename!(from, to);
      fire(to);
    },
    async unlink(path) {
      await nodeFileIo.unlink!(path);
      fire(path);
    },
  };
  return { io, arm: () => (armed = true) };
}

// The first check after the manifest step is the commit's own (it passes: the commit is durable
// and confirmed); the loss is then found at the check before the blob's removal (1) or at the
// fenced unlink's own check (2).
describe.each([1, 2])('the lease found lost after a confirmed commit, %i check(s) after the manifest step', (passing) => {
  async function open(directory: string): Promise<{ store: IndexedObjectStore; arm(): void }> {
    const lease = placedLease(directory);
    const hook = manifestHookIo(() => lease.lose(passing));
    const persistence = new FileSystemPersistence(directory, lease, localBlobStorage(), hook.io);
    return { store: await IndexedObjectStore.open(persistence), arm: hook.arm };
  }

  it('an overwrite still succeeds, and the replaced blob is left for the next open', async () => {
    const directory = tempDirectory('blob-removal-lost-put');
    const { store, arm } = await open(directory);
    await store.createBucket('b', {});
    await store.putObject('b', 'k', bytes(1), {});
    arm();
    const written = await store.putObject('b', 'k', bytes(2, 3), {}).catch((error: unknown) => error);
    expect(written).toMatchObject({ size: 2 });
    expect(await blobNames(directory)).toHaveLength(2);
    expect(await storedBytes(store, 'b', 'k')).toEqual([2, 3]);
    await store.close();
  });

  it('a DeleteObject still answers deleted, and the blob is left for the next open', async () => {
    const directory = tempDirectory('blob-removal-lost-delete');
    const { store, arm } = await open(directory);
    await store.createBucket('b', {});
    await store.putObject('b', 'k', bytes(1), {});
    arm();
    const deleted = await store.deleteObject('b', 'k').catch((error: unknown) => error);
    expect(deleted).toBe(true);
    expect(await blobNames(directory)).toHaveLength(1);
    await store.close();
  });
});
