import { readdirSync } from 'node:fs';
import { cp, readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { acquireDirectoryLock, isServiceError } from '@strongbox/service-kernel';
import { describe, expect, it } from 'vitest';
import { type ObjectStore, openFileSystemObjectStore, S3Error } from '../../src/index.ts';
import { toWireError } from '../../src/protocol/errors.ts';
import { generationPath } from '../helpers/layout.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { runObjectStoreConformance } from './conformance.ts';

runObjectStoreConformance(
  'filesystem',
  async (environment) => {
    const directory = tempDirectory('fs-store');
    let store: ObjectStore = await openFileSystemObjectStore({ directory, ...environment });
    return {
      store: { ...bind(store), close: () => store.close() },
      reopen: async () => {
        await store.close();
        store = await openFileSystemObjectStore({ directory, ...environment });
        return store;
      },
    };
  },
  // Every write fsyncs a few times; a handful of runs still covers the listing logic, which the
  // memory backend's 60 runs exercise at length.
  8,
);

/** The store's methods bound to it, so the fixture object can be spread. */
function bind(store: ObjectStore): ObjectStore {
  const bound = Object.create(null) as Record<string, unknown>;
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(store)) as (keyof ObjectStore)[]) {
    const member = store[name];
    if (typeof member === 'function') bound[name] = (member as (...args: unknown[]) => unknown).bind(store);
  }
  return bound as unknown as ObjectStore;
}

/** The one bucket's directory, relative to the data directory, as its last open laid it out. */
function bucketIn(directory: string): string {
  const generation = generationPath(directory);
  const bucket = readdirSync(generation).find((name) => name.startsWith('b-'))!;
  return relative(directory, join(generation, bucket));
}

/** Every file under a directory, relative. */
async function files(directory: string): Promise<string[]> {
  return (await readdir(directory, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(directory.length + 1));
}

describe('filesystem store: the data directory', () => {
  it('maps keys to hashed file names: nothing is created outside the bucket, and no name comes from a key', async () => {
    const parent = tempDirectory('fs-traversal');
    const directory = join(parent, 'data');
    const store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    for (const key of ['../../../outside', '..%2f..%2foutside', 'a\0b', 'x'.repeat(1024), '/abs/path'])
      await store.putObject('b', key, [new Uint8Array([1])], {});
    await store.close();
    expect(await readdir(parent)).toEqual(['data']);
    for (const file of await files(directory)) {
      expect(file).toMatch(/^(LOCK$|gen-00000001\/b-[0-9a-f]+\/(bucket\.json|objects\/[0-9a-f]{64}\.json|blobs\/[A-Za-z0-9_-]+)$)/);
    }
  });

  it('a second process-level open of a directory in use is refused while the first holds it', async () => {
    const directory = tempDirectory('fs-lock');
    const store = await openFileSystemObjectStore({ directory });
    await expect(openFileSystemObjectStore({ directory })).rejects.toThrow(/in use by process/);
    await store.close();
    const again = await openFileSystemObjectStore({ directory });
    await again.close();
  });

  it("a directory in use is the package's S3Error DataDirectoryLocked: the holder for the operator, nothing of it on the wire", async () => {
    const directory = tempDirectory('fs-lock-error');
    const store = await openFileSystemObjectStore({ directory });
    try {
      const error = await openFileSystemObjectStore({ directory }).then(
        () => undefined,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(S3Error);
      expect(error).toMatchObject({ reason: 'DataDirectoryLocked', code: 'InternalError', status: 500 });
      expect((error as S3Error).message).toBe(
        `The data directory ${directory} is in use by process ${process.pid} (${join(directory, 'LOCK')}); stop it first, or use another directory.`,
      );
      expect(isServiceError((error as S3Error).cause, 'DIRECTORY_LOCKED')).toBe(true);
      const wire = toWireError(error);
      expect([wire.code, wire.status, wire.message]).toEqual(['InternalError', 500, 'We encountered an internal error. Please try again.']);
    } finally {
      await store.close();
    }
  });

  it('a stale lock of a dead process is taken over', async () => {
    const directory = tempDirectory('fs-stale');
    // What a killed server of this machine leaves: its pid (none has 999999999), host and PID
    // namespace, as this process writes them.
    const scratch = tempDirectory('fs-stale-scratch');
    const release = await acquireDirectoryLock(scratch, 'LOCK');
    const ours = await readFile(join(scratch, 'LOCK'), 'utf8');
    await release();
    await writeFile(join(directory, 'LOCK'), ours.replace(/^\d+/, '999999999'));
    const store = await openFileSystemObjectStore({ directory });
    // This process's lock, with the epoch after the one taken over.
    expect(await readFile(join(directory, 'LOCK'), 'utf8')).toBe(ours.replace(/\n1\n$/, '\n2\n'));
    await store.close();
  });

  it('opening removes what a crash leaves: orphan blobs, temporary manifests, half-made uploads and buckets', async () => {
    const directory = tempDirectory('fs-repair');
    const store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    await store.putObject('b', 'kept', [new Uint8Array([7])], {});
    await store.close();
    const bucket = bucketIn(directory);
    await writeFile(join(directory, bucket, 'blobs', 'orphanblob0123'), 'half a body');
    await writeFile(join(directory, bucket, 'objects', `${'0'.repeat(64)}.json.tmp-abc`), '{"half":');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(directory, bucket, 'uploads', 'u-halfmadeupload'));
    await mkdir(join(directory, `${bucket}.tmp-123456`));
    const reopened = await openFileSystemObjectStore({ directory });
    const left = await files(directory);
    expect(left).toHaveLength(4);
    // The reopen renamed the generation directory (gen-00000001 to gen-00000002).
    expect(left).toEqual(expect.arrayContaining(['LOCK', `${bucketIn(directory)}/bucket.json`]));
    expect(left.filter((file) => /\/blobs\/[A-Za-z0-9_-]{24}$/.test(file))).toHaveLength(1);
    expect(left.filter((file) => /\/objects\/[0-9a-f]{64}\.json$/.test(file))).toHaveLength(1);
    expect(await readdir(generationPath(directory))).toEqual([bucketIn(directory).split('/')[1]]);
    expect((await reopened.headObject('b', 'kept'))?.size).toBe(1);
    await reopened.close();
  });

  it('a crash between a completion’s commit and its clean-up: the upload never comes back and its other parts go', async () => {
    const directory = tempDirectory('fs-completion-crash');
    let store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    const upload = await store.createUpload('b', 'k', {});
    await store.putPart('b', upload.uploadId, 1, [new Uint8Array([1, 2, 3])], {});
    await store.putPart('b', upload.uploadId, 2, [new Uint8Array([4, 5])], {});
    await store.close();
    const bucket = bucketIn(directory);
    // What the directory held before the completion: the upload's manifests and both part blobs.
    const before = join(tempDirectory('fs-completion-copy'), 'bucket');
    await cp(join(directory, bucket), before, { recursive: true });
    store = await openFileSystemObjectStore({ directory });
    await store.completeUpload('b', upload.uploadId, [1], {});
    await store.close();
    // The crash: the object manifest is written, but neither the upload nor part 2 was removed.
    await cp(join(before, 'uploads'), join(directory, bucketIn(directory), 'uploads'), { recursive: true });
    await cp(join(before, 'blobs'), join(directory, bucketIn(directory), 'blobs'), { recursive: true });
    const reopened = await openFileSystemObjectStore({ directory });
    expect(await reopened.getUpload('b', upload.uploadId)).toBeUndefined();
    expect((await reopened.listUploads('b', { maxUploads: 10 })).uploads).toEqual([]);
    const reader = await reopened.openObject('b', 'k');
    expect([...(await reader!.read(0, 3))]).toEqual([1, 2, 3]);
    await reader!.close();
    expect((await files(directory)).filter((file) => file.includes('/blobs/'))).toHaveLength(1);
    expect((await files(directory)).filter((file) => file.includes('/uploads/'))).toEqual([]);
    await reopened.close();
  });

  it('leaves no blob behind that nothing names: replaced, deleted, aborted and discarded parts are removed', async () => {
    const directory = tempDirectory('fs-leaks');
    const store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    await Promise.all(Array.from({ length: 6 }, (_, index) => store.putObject('b', 'hot', [new Uint8Array(100).fill(index)], {})));
    await store.putObject('b', 'gone', [new Uint8Array(5)], {});
    await store.deleteObject('b', 'gone');
    const reader = await store.openObject('b', 'hot');
    await store.putObject('b', 'hot', [new Uint8Array(7)], {});
    const aborted = await store.createUpload('b', 'x', {});
    await store.putPart('b', aborted.uploadId, 1, [new Uint8Array(3)], {});
    await store.abortUpload('b', aborted.uploadId);
    const completed = await store.createUpload('b', 'y', {});
    await store.putPart('b', completed.uploadId, 1, [new Uint8Array(3)], {});
    await store.putPart('b', completed.uploadId, 1, [new Uint8Array(4)], {});
    await store.putPart('b', completed.uploadId, 2, [new Uint8Array(3)], {});
    await store.completeUpload('b', completed.uploadId, [1], {});
    const blobs = async (): Promise<number> => (await files(directory)).filter((file) => file.includes('/blobs/')).length;
    // The open reader still pins the replaced body of 'hot'.
    expect(await blobs()).toBe(3);
    await reader!.close();
    expect(await blobs()).toBe(2);
    await store.close();
  });

  it('streams a large body in and out in bounded chunks (never one buffer)', async () => {
    const directory = tempDirectory('fs-large');
    const store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    const size = 32 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).map((_, index) => index % 251);
    async function* body(): AsyncIterable<Uint8Array> {
      for (let offset = 0; offset < size; offset += chunk.length) yield chunk;
    }
    expect((await store.putObject('b', 'big', body(), {})).size).toBe(size);
    const reader = await store.openObject('b', 'big');
    let total = 0;
    let largest = 0;
    let matches = true;
    for await (const piece of reader!.stream()) {
      for (let index = 0; index < piece.length; index += 4099) matches &&= piece[index] === chunk[(total + index) % chunk.length];
      total += piece.length;
      largest = Math.max(largest, piece.length);
    }
    await reader!.close();
    await store.close();
    expect([total, matches]).toEqual([size, true]);
    expect(largest).toBeLessThanOrEqual(64 * 1024);
  });

  it('every open renames the generation directory that holds the buckets; buckets of a directory from before generations are moved in', async () => {
    const directory = tempDirectory('fs-generations');
    let store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    await store.putObject('b', 'k', [new Uint8Array([5])], {});
    await store.close();
    expect(bucketIn(directory)).toBe(`gen-00000001/b-62`);
    store = await openFileSystemObjectStore({ directory });
    expect(bucketIn(directory)).toBe(`gen-00000002/b-62`);
    await store.close();
    // The layout before generations: the bucket directly in the root.
    const { rename, rmdir } = await import('node:fs/promises');
    await rename(join(directory, 'gen-00000002', 'b-62'), join(directory, 'b-62'));
    await rmdir(join(directory, 'gen-00000002'));
    store = await openFileSystemObjectStore({ directory });
    expect((await readdir(directory)).sort()).toEqual(['LOCK', 'gen-00000001']);
    expect(bucketIn(directory)).toBe(`gen-00000001/b-62`);
    expect((await store.headObject('b', 'k'))?.size).toBe(1);
    await store.close();
  });

  it('a damaged manifest is reported, not skipped', async () => {
    const directory = tempDirectory('fs-damaged');
    const store = await openFileSystemObjectStore({ directory });
    await store.createBucket('b', {});
    await store.putObject('b', 'k', [new Uint8Array([7])], {});
    await store.close();
    const bucket = bucketIn(directory);
    const [manifest] = await readdir(join(directory, bucket, 'objects'));
    await writeFile(join(directory, bucket, 'objects', manifest!), '{"version":1,"key":"k"}');
    await expect(openFileSystemObjectStore({ directory })).rejects.toThrow(/damaged: segments/);
  });
});
