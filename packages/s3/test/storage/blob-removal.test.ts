/**
 * The removal of a blob's file goes through the store's `FileIo`, fenced by its lease, as every
 * other removal in the data directory does (leftover-removal.test.ts): the bytes of an object
 * replaced or deleted, a blob no manifest names (removed at open), the file a failed streamed
 * write left. So fault injection sees each of them, and a holder whose lease is lost removes no
 * blob file, whoever's it is, and fails no request for it (a reader's close included). The
 * takeover is the second open standing for another process (the kernel's
 * `__TESTS.asAnotherProcess`, Linux only), as in fencing.test.ts.
 */

import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { __TESTS, type FileIo, nodeFileIo } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { openFileSystemObjectStore } from '../../src/index.ts';
import { faultyIo } from '../helpers/faulty-io.ts';
import { bucketPath } from '../helpers/layout.ts';
import { storedBytes } from '../helpers/stored.ts';
import { tempDirectory } from '../helpers/temp.ts';

const bytes = (...values: number[]): Uint8Array[] => [new Uint8Array(values)];

/** An io that records every unlink reaching it. */
function unlinkRecordingIo(): { io: FileIo; unlinked: string[] } {
  const unlinked: string[] = [];
  const io: FileIo = {
    ...nodeFileIo,
    async unlink(path) {
      unlinked.push(path);
      await nodeFileIo.unlink!(path);
    },
  };
  return { io, unlinked };
}

/** The blob files of bucket `b`, as paths. */
async function blobFiles(directory: string): Promise<string[]> {
  const blobs = join(bucketPath(directory, 'b'), 'blobs');
  return (await readdir(blobs)).map((name) => join(blobs, name)).sort();
}

describe('the removal of a blob file', () => {
  it('of an object replaced, then deleted, goes through the store’s FileIo, and leaves no blob behind', async () => {
    const directory = tempDirectory('blob-removal');
    const { io, unlinked } = unlinkRecordingIo();
    const store = await openFileSystemObjectStore({ directory, io });
    await store.createBucket('b', {});
    await store.putObject('b', 'k', bytes(1), {});
    const [first] = await blobFiles(directory);
    await store.putObject('b', 'k', bytes(2), {});
    const [second] = await blobFiles(directory);
    expect(unlinked.filter((path) => path.includes('/blobs/'))).toEqual([first]);
    expect(await store.deleteObject('b', 'k')).toBe(true);
    expect(unlinked.filter((path) => path.includes('/blobs/'))).toEqual([first, second]);
    expect(await blobFiles(directory)).toEqual([]);
    await store.close();
  });

  it('no manifest names is removed at the next open through the store’s FileIo', async () => {
    const directory = tempDirectory('blob-removal-orphan');
    const first = await openFileSystemObjectStore({ directory });
    await first.createBucket('b', {});
    await first.putObject('b', 'kept', bytes(1, 2), {});
    await first.close();
    const [kept] = await blobFiles(directory);
    // What a crash between a blob's write and its manifest's leaves.
    await writeFile(join(bucketPath(directory, 'b'), 'blobs', 'orphan0123456789'), new Uint8Array([9]));
    const { io, unlinked } = unlinkRecordingIo();
    const store = await openFileSystemObjectStore({ directory, io });
    expect(unlinked).toEqual([join(bucketPath(directory, 'b'), 'blobs', 'orphan0123456789')]);
    expect((await blobFiles(directory)).map((path) => path.split('/').pop())).toEqual([kept!.split('/').pop()]);
    expect(await storedBytes(store, 'b', 'kept')).toEqual([1, 2]);
    await store.close();
  });

  it('a failed streamed write left is removed through the store’s FileIo', async () => {
    const directory = tempDirectory('blob-removal-failed-write');
    const faulty = faultyIo();
    const store = await openFileSystemObjectStore({ directory, io: faulty.io });
    await store.createBucket('b', {});
    faulty.arm((call) => call.step === 'sync', 'EIO');
    await expect(store.putObject('b', 'k', bytes(1, 2, 3), {})).rejects.toMatchObject({ code: 'EIO' });
    const { fired, calls } = faulty.disarm();
    expect(fired?.step).toBe('sync');
    const opened = calls.find((call) => call.step === 'open' && call.path?.includes('/blobs/') === true);
    expect(opened).toBeDefined();
    expect(calls.filter((call) => call.step === 'unlink')).toEqual([expect.objectContaining({ path: opened!.path })]);
    expect(await blobFiles(directory)).toEqual([]);
    await store.close();
  });
});

describe.skipIf(process.platform !== 'linux')('a holder whose directory was taken over', () => {
  it('lets a reader of an object it deleted before close without error, and removes no blob file: the new holder’s blob stays, and reads back', async () => {
    const directory = tempDirectory('blob-removal-fenced');
    const { io, unlinked } = unlinkRecordingIo();
    const a = await openFileSystemObjectStore({ directory, io });
    await a.createBucket('b', {});
    await a.putObject('b', 'kept', bytes(1, 2, 3), {});
    await a.putObject('b', 'gone', bytes(4), {});
    // The reader holds the deleted object's blob: it is removed when the reader closes.
    const reader = await a.openObject('b', 'gone');
    expect(await a.deleteObject('b', 'gone')).toBe(true);
    expect(unlinked.filter((path) => path.includes('/blobs/'))).toEqual([]);

    await __TESTS.asAnotherProcess(directory);
    const b = await openFileSystemObjectStore({ directory });
    const blobsOfB = await blobFiles(directory);
    expect(blobsOfB).toHaveLength(1);

    // The delete was acknowledged before the takeover; the blob is the new holder's to remove.
    await expect(reader!.close()).resolves.toBeUndefined();
    expect(unlinked.filter((path) => path.includes('/blobs/'))).toEqual([]);
    expect(await blobFiles(directory)).toEqual(blobsOfB);
    expect(await storedBytes(b, 'b', 'kept')).toEqual([1, 2, 3]);
    await a.close();
    await b.close();
  });
});
