/**
 * @module
 * The data-directory store (the default of `strongbox serve --data`): the shared
 * `IndexedObjectStore` over files laid out as in ./layout.ts. Bodies are streamed to disk chunk by
 * chunk and read back in 64 KiB chunks; every write is acknowledged only once durable (blob fsync
 * and directory fsync before the manifest; manifest by temporary file, fsync, rename, directory
 * fsync); a crash leaves no half object visible, since an object exists only through its manifest;
 * and opening the directory again brings everything back, removing what a crash left over. A
 * commit whose directory fsync fails after its rename or unlink (the kernel's `NotDurableError`)
 * took effect all the same: it fails with `CommitOutcomeUnknown`, which tells the index to show
 * the change (its blobs counted as after a success) and to keep the blobs of the record it
 * replaced until the next open (`../commit-outcome.ts`).
 *
 * The directory lock is a lease (`lock.ts`, the service kernel's `lease.ts`): every write first
 * confirms it, and every commit (a manifest written or removed, a bucket made or removed) confirms
 * it again once durable, before the store acknowledges it. Once another process took the
 * directory over (this one was paused past its lease), every write fails with 500 InternalError
 * and no further step starts; the store still reads (the S3 engine refuses every call, and
 * `strongbox serve` exits); `onError` hears the `LeaseLostError` once. A blob the store would
 * delete then is left for the next open to remove.
 *
 * What the checks cannot exclude (`lease.ts`) is a step already past its first check when the
 * process was paused: it completes when the process resumes. So every open starts a generation
 * (`#startGeneration`): the directory holding every bucket is renamed, in one step, from
 * `gen-<n>` to `gen-<n+1>` before anything is loaded, and every path the store writes goes through
 * it. A previous holder's late step (a manifest's rename, an unlink, a bucket directory's removal,
 * a new bucket) then finds its paths gone and fails, instead of replacing or removing what the new
 * holder acknowledged, or naming a blob the new holder removed as an orphan (which would stop the
 * next open). Only a blob file it had already opened can still receive bytes: an orphan, removed
 * at the next open. Every open, not only a takeover, as KMS's generation leap (the lease epoch
 * alone does not tell a takeover).
 */

import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type DirectoryLease,
  type DirectoryLockOptions,
  LeaseLostError,
  NotDurableError,
  replaceFileDurably,
  syncDirectory,
  syncDirectoryAfter,
  TEMPORARY_MARK,
} from '@strongbox/service-kernel';
import { S3Error } from '../../errors.ts';
import { IndexedObjectStore, type StoreEnvironment } from '../indexed-store.ts';
import type { BucketRecord, LoadedBucket, ObjectRecord, PartRecord, Persistence, UploadRecord } from '../persistence.ts';
import type { BodySource, ObjectStore } from '../types.ts';
import { type BlobStorage, ignoreMissing, localBlobStorage } from './blobs.ts';
import {
  BLOBS,
  BUCKET_FILE,
  bucketDirectoryName,
  bucketFromDirectoryName,
  generationDirectoryName,
  generationFromDirectoryName,
  isBlobFileName,
  OBJECTS,
  objectFileName,
  partFileName,
  UPLOAD_FILE,
  UPLOADS,
  uploadDirectoryName,
} from './layout.ts';
import { lockDirectory } from './lock.ts';
import { decodeBucket, decodeObject, decodePart, decodeUpload, encodeRecord } from './records.ts';

const DELETED_MARK = 'deleted-';

/** What a data-directory store (local or upstream blobs) is opened with, beyond clock and ids. */
export interface DataDirectoryEnvironment extends StoreEnvironment {
  /**
   * Told once when another process took the directory over after this one's lease lapsed (a
   * `LeaseLostError`): every write fails from then on (the store still reads; the S3 engine
   * refuses every call).
   */
  readonly onError?: (error: Error) => void;
  /** The lease's clock and renewal schedule; for tests only (default: `Date.now`, every 3 s). */
  readonly lease?: Pick<DirectoryLockOptions, 'now' | 'scheduleRenewal'>;
}

/** Options of `openFileSystemObjectStore`. */
export interface FileSystemStoreOptions extends DataDirectoryEnvironment {
  /** The data directory (created if missing). */
  readonly directory: string;
}

/**
 * Opens (or creates) a data directory as an object store, taking its lock.
 *
 * @throws Error if another live process holds the directory, or a manifest is damaged.
 * @example
 * ```ts
 * import { openFileSystemObjectStore } from '@strongbox/s3';
 * const store = await openFileSystemObjectStore({ directory: '/var/lib/strongbox/s3' });
 * await store.createBucket('demo', {});
 * await store.close();
 * ```
 */
export async function openFileSystemObjectStore(options: FileSystemStoreOptions): Promise<ObjectStore> {
  return openDataDirectoryStore(options.directory, localBlobStorage(), options);
}

/**
 * Opens a data directory whose blob bytes live in `blobs` (local files, or an upstream endpoint),
 * taking its lock; `blobs` is closed with the store, or here if opening fails.
 * @throws Error if another live process holds the directory, or a manifest is damaged.
 * @example const store = await openDataDirectoryStore(directory, localBlobStorage(), {});
 */
export async function openDataDirectoryStore(directory: string, blobs: BlobStorage, environment: DataDirectoryEnvironment): Promise<ObjectStore> {
  try {
    await mkdir(directory, { recursive: true, mode: 0o700 });
  } catch (error) {
    await blobs.close();
    throw error;
  }
  let lease: DirectoryLease;
  try {
    lease = await lockDirectory(directory, {
      ...environment.lease,
      onLost: (error) => {
        try {
          environment.onError?.(error);
        } catch {
          // A failing callback must not keep the store from being fenced.
        }
      },
    });
  } catch (error) {
    await blobs.close();
    throw error;
  }
  const persistence = new FileSystemPersistence(directory, lease, blobs);
  try {
    return await IndexedObjectStore.open(persistence, environment);
  } catch (error) {
    await persistence.close();
    throw error;
  }
}

class FileSystemPersistence implements Persistence {
  /** Blobs in the data directory (or an upstream bucket) are pinned to their manifests. */
  readonly atRest = true;
  readonly #root: string;
  readonly #lease: DirectoryLease;
  readonly #blobs: BlobStorage;
  /** This holder's generation directory, where the buckets are (set by `load`). */
  #generation: string | undefined;

  constructor(root: string, lease: DirectoryLease, blobs: BlobStorage) {
    this.#root = root;
    this.#lease = lease;
    this.#blobs = blobs;
  }

  async load(): Promise<readonly LoadedBucket[]> {
    const base = await this.#startGeneration();
    this.#generation = base;
    const loaded: LoadedBucket[] = [];
    for (const name of await readdir(base)) {
      const path = join(base, name);
      // An interrupted bucket creation or deletion: never acknowledged, or already acknowledged gone.
      if (name.includes(TEMPORARY_MARK) || name.startsWith(DELETED_MARK)) {
        if (name.startsWith(DELETED_MARK)) await this.#blobs.drop(join(path, BLOBS));
        await rm(path, { recursive: true, force: true });
        continue;
      }
      const bucket = bucketFromDirectoryName(name);
      if (bucket !== undefined) loaded.push(await this.#loadBucket(path));
    }
    return loaded;
  }

  async writeBlob(bucket: string, blobId: string, body: BodySource): Promise<number> {
    // Not a commit (nothing names the blob yet): confirmed before only, so a fenced store leaves no garbage.
    await this.#confirm();
    return this.#blobs.write(this.#in(bucket, BLOBS), bucket, blobId, body);
  }

  async readBlob(bucket: string, blobId: string, offset: number, length: number): Promise<Uint8Array> {
    return this.#blobs.read(this.#in(bucket, BLOBS), bucket, blobId, offset, length);
  }

  streamBlob(bucket: string, blobId: string, offset: number, length: number): AsyncIterable<Uint8Array> {
    return this.#blobs.stream(this.#in(bucket, BLOBS), bucket, blobId, offset, length);
  }

  async deleteBlob(bucket: string, blobId: string): Promise<void> {
    // Once fenced, a blob nothing names any more is left for the next open to remove: failing
    // here would fail a reader's close, and reads go on.
    if (this.#lease.lost !== undefined) return;
    await this.#confirm();
    await this.#blobs.delete(this.#in(bucket, BLOBS), bucket, blobId);
  }

  writeBucket(record: BucketRecord): Promise<void> {
    return this.#commit(() => this.#writeBucket(record));
  }

  async #writeBucket(record: BucketRecord): Promise<void> {
    const directory = join(this.#base, bucketDirectoryName(record.name));
    if (await exists(directory)) return replaceFileDurably(directory, BUCKET_FILE, encodeRecord(record));
    // A new bucket appears whole: built under a temporary name, then renamed into place.
    const temporary = `${directory}${TEMPORARY_MARK}${randomBytes(6).toString('hex')}`;
    await mkdir(temporary, { mode: 0o700 });
    for (const sub of [OBJECTS, BLOBS, UPLOADS]) await mkdir(join(temporary, sub), { mode: 0o700 });
    await replaceFileDurably(temporary, BUCKET_FILE, encodeRecord(record)).catch((error: unknown) => {
      // In a directory nothing reads (removed at the next open): the bucket is not in place.
      throw error instanceof NotDurableError ? error.cause : error;
    });
    await rename(temporary, directory);
    await syncDirectoryAfter(this.#base, directory);
  }

  deleteBucket(name: string): Promise<void> {
    return this.#commit(() => this.#deleteBucket(name));
  }

  async #deleteBucket(name: string): Promise<void> {
    const directory = join(this.#base, bucketDirectoryName(name));
    // Blobs still listed (only those of readers still open: the bucket is empty) go first, while
    // the bucket still exists: a crash meanwhile leaves them as orphans of a live bucket.
    await this.#blobs.drop(join(directory, BLOBS));
    const doomed = join(this.#base, `${DELETED_MARK}${randomBytes(6).toString('hex')}`);
    await rename(directory, doomed);
    await syncDirectoryAfter(this.#base, directory);
    // The bucket is gone once renamed: what is left of it now is removed at the next open.
    await rm(doomed, { recursive: true, force: true }).catch(() => undefined);
  }

  writeObject(bucket: string, record: ObjectRecord): Promise<void> {
    return this.#commit(() => replaceFileDurably(this.#in(bucket, OBJECTS), objectFileName(record.key), encodeRecord(record)));
  }

  deleteObject(bucket: string, key: string): Promise<void> {
    return this.#commit(async () => {
      const directory = this.#in(bucket, OBJECTS);
      const path = join(directory, objectFileName(key));
      await unlink(path);
      await syncDirectoryAfter(directory, path);
    });
  }

  writeUpload(bucket: string, record: UploadRecord): Promise<void> {
    return this.#commit(async () => {
      const uploads = this.#in(bucket, UPLOADS);
      const directory = join(uploads, uploadDirectoryName(record.uploadId));
      await mkdir(directory, { mode: 0o700 });
      await syncDirectory(uploads);
      await replaceFileDurably(directory, UPLOAD_FILE, encodeRecord(record));
    });
  }

  writePart(bucket: string, uploadId: string, record: PartRecord): Promise<void> {
    return this.#commit(() =>
      replaceFileDurably(join(this.#in(bucket, UPLOADS), uploadDirectoryName(uploadId)), partFileName(record.partNumber), encodeRecord(record)),
    );
  }

  deleteUpload(bucket: string, uploadId: string): Promise<void> {
    return this.#commit(async () => {
      const directory = join(this.#in(bucket, UPLOADS), uploadDirectoryName(uploadId));
      // Removing upload.json is the commit: a directory without it is removed at open (so is
      // what a failing `rm` leaves).
      const path = join(directory, UPLOAD_FILE);
      await unlink(path).catch(ignoreMissing);
      await syncDirectoryAfter(directory, path);
      await rm(directory, { recursive: true, force: true }).catch(() => undefined);
    });
  }

  async close(): Promise<void> {
    try {
      await this.#blobs.close();
    } finally {
      await this.#lease.release();
    }
  }

  /**
   * Runs a commit step between two lease checks: before, so a fenced store writes nothing; after
   * it is durable, so it is acknowledged only if it landed before any takeover.
   * @throws S3Error InternalError (`DataDirectoryTakenOver`) once the lease is lost; S3Error
   *   `CommitOutcomeUnknown` when the step's change is in place but not confirmed: its directory
   *   fsync failed after its rename or unlink (`NotDurableError`), or the check after the step
   *   failed otherwise (the lock file could not be read: a network file system's transient error).
   */
  async #commit<T>(step: () => Promise<T>): Promise<T> {
    await this.#confirm();
    let result: T;
    try {
      result = await step();
    } catch (error) {
      if (error instanceof NotDurableError) throw new S3Error('CommitOutcomeUnknown', { cause: error });
      throw error;
    }
    try {
      await this.#confirm();
    } catch (error) {
      if (error instanceof S3Error) throw error;
      throw new S3Error('CommitOutcomeUnknown', { cause: error });
    }
    return result;
  }

  async #confirm(): Promise<void> {
    try {
      await this.#lease.confirm();
    } catch (error) {
      if (error instanceof LeaseLostError) throw new S3Error('DataDirectoryTakenOver', { cause: error });
      throw error;
    }
  }

  #in(bucket: string, sub: string): string {
    return join(this.#base, bucketDirectoryName(bucket), sub);
  }

  get #base(): string {
    if (this.#generation === undefined) throw new Error('the data directory is not loaded');
    return this.#generation;
  }

  /**
   * Starts this holder's generation before anything is read: the generation directory, which holds
   * every bucket, is renamed to the next number (or the first is made), so every path a previous
   * holder may still use (paused past its lease, its directory taken over) stops existing, and its
   * late steps fail (ENOENT) instead of landing in this holder's files. One rename, whatever the
   * number of buckets. Buckets of a directory from before generations (directly in the root) and
   * what a crash left of them are moved in.
   * @returns the new generation directory.
   * @throws Error if the root holds more than one generation (no open leaves two).
   */
  async #startGeneration(): Promise<string> {
    const names = await readdir(this.#root);
    const generations = names.flatMap((name) => generationFromDirectoryName(name) ?? []);
    if (generations.length > 1) {
      throw new Error(`The data directory ${this.#root} holds several generations (${generations.map(generationDirectoryName).join(', ')}); it is damaged.`);
    }
    const previous = generations[0];
    const next = join(this.#root, generationDirectoryName((previous ?? 0) + 1));
    if (previous === undefined) await mkdir(next, { mode: 0o700 });
    else await rename(join(this.#root, generationDirectoryName(previous)), next);
    for (const name of names) {
      if (bucketFromDirectoryName(name) !== undefined || name.includes(TEMPORARY_MARK) || name.startsWith(DELETED_MARK)) {
        await rename(join(this.#root, name), join(next, name));
      }
    }
    await syncDirectory(next);
    await syncDirectory(this.#root);
    return next;
  }

  async #loadBucket(directory: string): Promise<LoadedBucket> {
    const bucketPath = join(directory, BUCKET_FILE);
    const bucket = decodeBucket(await readFile(bucketPath), bucketPath);
    const objects: ObjectRecord[] = [];
    const objectsDirectory = join(directory, OBJECTS);
    for (const name of await readdir(objectsDirectory)) {
      const path = join(objectsDirectory, name);
      if (name.includes(TEMPORARY_MARK)) await unlink(path);
      else objects.push(decodeObject(await readFile(path), path));
    }
    const uploads: { upload: UploadRecord; parts: PartRecord[] }[] = [];
    const uploadsDirectory = join(directory, UPLOADS);
    for (const name of await readdir(uploadsDirectory)) {
      const uploadDirectory = join(uploadsDirectory, name);
      const names = await readdir(uploadDirectory);
      if (!names.includes(UPLOAD_FILE)) {
        await rm(uploadDirectory, { recursive: true, force: true });
        continue;
      }
      const uploadPath = join(uploadDirectory, UPLOAD_FILE);
      const upload = decodeUpload(await readFile(uploadPath), uploadPath);
      const parts: PartRecord[] = [];
      for (const partName of names) {
        const path = join(uploadDirectory, partName);
        if (partName.includes(TEMPORARY_MARK)) await unlink(path);
        else if (partName !== UPLOAD_FILE) parts.push(decodePart(await readFile(path), path));
      }
      uploads.push({ upload, parts });
    }
    const blobIds = (await readdir(join(directory, BLOBS))).filter(isBlobFileName);
    return { bucket, objects, uploads, blobIds };
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
