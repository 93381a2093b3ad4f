/**
 * Local blob files under a lease-fenced `FileIo` (the kernel's `fencedFileIo`, as the data
 * directory store passes it): a blob's deletion, and the removal of the file a failed streamed
 * write left, remove the file while the lease holds and nothing once it is lost. The lease here is
 * a stand-in whose loss the test decides (the real one: fencing.test.ts, blob-removal.test.ts).
 */

import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fencedFileIo, isServiceError, nodeFileIo, ServiceError } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { localBlobStorage } from '../../src/storage/filesystem/blobs.ts';
import { writeStreamDurably } from '../../src/storage/filesystem/durable.ts';
import { tempDirectory } from '../helpers/temp.ts';

/** A fenced io whose lease is lost once `lease.lost` is set. */
function fenced(): { io: ReturnType<typeof fencedFileIo>; lease: { lost: boolean } } {
  const lease = { lost: false };
  const io = fencedFileIo(nodeFileIo, {
    confirm: async () => {
      if (lease.lost) throw new ServiceError('LEASE_LOST', 'the data directory was taken over', []);
    },
  });
  return { io, lease };
}

/** A body that yields one chunk, then runs `before` and fails. */
async function* failingBody(before: () => void): AsyncIterable<Uint8Array> {
  yield new Uint8Array([1, 2, 3]);
  before();
  throw new Error('the client went away');
}

describe('a local blob’s deletion through a fenced io', () => {
  it('removes the file while the lease holds', async () => {
    const directory = tempDirectory('blob-fenced-delete');
    const { io } = fenced();
    await writeFile(join(directory, 'blob0001'), new Uint8Array([1]));
    await localBlobStorage().delete(directory, 'b', 'blob0001', io);
    expect(await readdir(directory)).toEqual([]);
  });

  it('removes nothing once the lease is lost, and says so (LEASE_LOST)', async () => {
    const directory = tempDirectory('blob-fenced-delete-lost');
    const { io, lease } = fenced();
    await writeFile(join(directory, 'blob0001'), new Uint8Array([1]));
    lease.lost = true;
    const refused = await localBlobStorage()
      .delete(directory, 'b', 'blob0001', io)
      .catch((error: unknown) => error);
    expect(isServiceError(refused, 'LEASE_LOST')).toBe(true);
    expect(await readdir(directory)).toEqual(['blob0001']);
  });
});

describe('a failed streamed write through a fenced io', () => {
  it('removes its file while the lease holds, and fails with the body’s error', async () => {
    const directory = tempDirectory('blob-fenced-write');
    const { io } = fenced();
    await expect(
      writeStreamDurably(
        directory,
        'blob0001',
        failingBody(() => undefined),
        nodeFileIo,
        io,
      ),
    ).rejects.toThrow('the client went away');
    expect(await readdir(directory)).toEqual([]);
  });

  it('leaves its file once the lease is lost (the next open removes it as an orphan), and fails with the body’s error', async () => {
    const directory = tempDirectory('blob-fenced-write-lost');
    const { io, lease } = fenced();
    const written = writeStreamDurably(
      directory,
      'blob0001',
      failingBody(() => (lease.lost = true)),
      nodeFileIo,
      io,
    );
    await expect(written).rejects.toThrow('the client went away');
    expect(await readdir(directory)).toEqual(['blob0001']);
  });
});
