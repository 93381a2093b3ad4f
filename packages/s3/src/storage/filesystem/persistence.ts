/**
 * @module
 * The `Persistence` of a data directory (layout: `layout.ts`): blobs through a `BlobStorage`
 * (local files, or an upstream bucket), and every manifest written or removed durably (blob fsync
 * and directory fsync before the manifest; manifest by temporary file, fsync, rename, directory
 * fsync). A commit whose directory fsync fails after its rename or unlink (the kernel's
 * `NOT_DURABLE`) took effect all the same: it fails with `CommitOutcomeUnknown`
 * (`../commit-outcome.ts`).
 *
 * The directory lock is a lease (`lock.ts`, the service kernel's `lease.ts`): every write first
 * confirms it, and every commit (a manifest written or removed, a bucket made or removed) confirms
 * it again once durable, before the store acknowledges it. Once another process took the
 * directory over, every write fails with 500 InternalError and no further step starts; a blob the
 * store would delete then is left for the next open to remove. A manifest's or `upload.json`'s
 * removal is a commit step, covered by the commit's checks before and after it; every other
 * removal (a blob's file or an upstream blob's marker, a leftover, an orphan at open) goes
 * through the fenced io (`dataDirectoryIo`), checked right before it. A blob's removal never
 * fails the request that let go of the blob (`deleteBlob`). Every path goes through this
 * holder's generation directory (`generation.ts`), set when the directory is loaded.
 */

import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createDirectoryDurably,
  type DirectoryLease,
  type FileIo,
  fencedFileIo,
  isServiceError,
  nodeFileIo,
  replaceFileDurably,
  syncDirectoryAfter,
  TEMPORARY_MARK,
} from '@strongbox/service-kernel';
import { S3Error } from '../../errors.ts';
import type { BucketRecord, LoadedBucket, ObjectRecord, PartRecord, Persistence, UploadRecord } from '../persistence.ts';
import type { BodySource } from '../types.ts';
import { type BlobStorage, blobLeftBehind, ignoreMissing } from './blobs.ts';
import { unlinkThrough } from './durable.ts';
import { startGeneration } from './generation.ts';
import {
  BLOBS,
  BUCKET_FILE,
  bucketDirectoryName,
  DELETED_MARK,
  OBJECTS,
  objectFileName,
  partFileName,
  UPLOAD_FILE,
  UPLOADS,
  uploadDirectoryName,
} from './layout.ts';
import { loadBuckets } from './load.ts';
import { encodeRecord } from './records.ts';

/** A data directory's `Persistence`, under `lease`, its blobs in `blobs`. */
export class FileSystemPersistence implements Persistence {
  /** Blobs in the data directory (or an upstream bucket) are pinned to their manifests. */
  readonly atRest = true;
  /**
   * `io` fenced by the lease: the load's steps (the new generation, the leftovers and orphans it
   * removes), every blob file's removal (`BlobStorage`'s `removal`), leftovers removed after a
   * commit, and the SSE-S3 root keys beside the buckets.
   */
  readonly dataDirectoryIo: FileIo;
  readonly #root: string;
  readonly #lease: DirectoryLease;
  readonly #blobs: BlobStorage;
  /** Manifests' and buckets' file steps (open, write, sync, rename, unlink, mkdir, directory fsync) go through it (tests inject failures). */
  readonly #io: FileIo;
  /** This holder's generation directory, where the buckets are (set by `load`). */
  #generation: string | undefined;

  constructor(root: string, lease: DirectoryLease, blobs: BlobStorage, io: FileIo = nodeFileIo) {
    this.#root = root;
    this.#lease = lease;
    this.#blobs = blobs;
    this.#io = io;
    this.dataDirectoryIo = fencedFileIo(io, lease);
  }

  async load(): Promise<readonly LoadedBucket[]> {
    const base = await startGeneration(this.#root, this.dataDirectoryIo);
    this.#generation = base;
    return loadBuckets(base, this.#blobs, this.dataDirectoryIo);
  }

  async writeBlob(bucket: string, blobId: string, body: BodySource): Promise<number> {
    // Not a commit (nothing names the blob yet): confirmed before only, so a fenced store leaves no garbage.
    await this.#confirm();
    return this.#blobs.write(this.#in(bucket, BLOBS), bucket, blobId, body, this.dataDirectoryIo);
  }

  async readBlob(bucket: string, blobId: string, offset: number, length: number): Promise<Uint8Array> {
    return this.#blobs.read(this.#in(bucket, BLOBS), bucket, blobId, offset, length);
  }

  streamBlob(bucket: string, blobId: string, offset: number, length: number): AsyncIterable<Uint8Array> {
    return this.#blobs.stream(this.#in(bucket, BLOBS), bucket, blobId, offset, length);
  }

  /**
   * Removes a blob nothing names any more; never throws (see `Persistence.deleteBlob`). A failure
   * leaves the blob for the next open (`blobLeftBehind`): quietly once the lease is lost, with a
   * warning otherwise.
   */
  async deleteBlob(bucket: string, blobId: string): Promise<void> {
    // Once fenced, a blob nothing names any more is left for the next open to remove: failing
    // here would fail a reader's close, and reads go on.
    if (this.#lease.lost !== undefined) return;
    try {
      // Confirmed here for what a blob storage removes outside the directory (an upstream object);
      // its files go through the fenced io, confirmed again right before each removal.
      await this.#lease.confirm();
      await this.#blobs.delete(this.#in(bucket, BLOBS), bucket, blobId, this.dataDirectoryIo);
    } catch (error) {
      // The commit that let go of the blob is durable and acknowledged, or the write that made it
      // failed with an error of its own: neither may turn into this removal's failure.
      blobLeftBehind(bucket, blobId, error);
    }
  }

  writeBucket(record: BucketRecord): Promise<void> {
    return this.#commit(() => this.#writeBucket(record));
  }

  async #writeBucket(record: BucketRecord): Promise<void> {
    const directory = join(this.#base, bucketDirectoryName(record.name));
    if (await exists(directory)) return replaceFileDurably(directory, BUCKET_FILE, encodeRecord(record), this.#io);
    // A new bucket appears whole: built under a temporary name, then renamed into place.
    const temporary = `${directory}${TEMPORARY_MARK}${randomBytes(6).toString('hex')}`;
    // Plain mkdirs, no parent fsync each: the fsync of `temporary` after bucket.json's rename
    // makes the three subdirectories' entries durable, and the fsync of the base after the rename
    // below the bucket's own, before it is acknowledged.
    await this.#mkdir(temporary, 0o700);
    for (const sub of [OBJECTS, BLOBS, UPLOADS]) await this.#mkdir(join(temporary, sub), 0o700);
    await replaceFileDurably(temporary, BUCKET_FILE, encodeRecord(record), this.#io).catch((error: unknown) => {
      // In a directory nothing reads (removed at the next open): the bucket is not in place.
      throw isServiceError(error, 'NOT_DURABLE') ? error.cause : error;
    });
    await this.#rename(temporary, directory);
    await syncDirectoryAfter(this.#base, directory, this.#io);
  }

  deleteBucket(name: string): Promise<void> {
    return this.#commit(() => this.#deleteBucket(name));
  }

  async #deleteBucket(name: string): Promise<void> {
    const directory = join(this.#base, bucketDirectoryName(name));
    // Blobs still listed (only those of readers still open: the bucket is empty) go first, while
    // the bucket still exists: a crash meanwhile leaves them as orphans of a live bucket.
    await this.#blobs.drop(join(directory, BLOBS), this.dataDirectoryIo);
    const doomed = join(this.#base, `${DELETED_MARK}${randomBytes(6).toString('hex')}`);
    await this.#rename(directory, doomed);
    await syncDirectoryAfter(this.#base, directory, this.#io);
    // The bucket is gone once renamed: what is left of it is garbage, removed now or, if that
    // fails, at the next open. Through the fenced io: a holder that lost its lease removes nothing.
    await this.#removeLeftover(doomed);
  }

  writeObject(bucket: string, record: ObjectRecord): Promise<void> {
    return this.#commit(() => replaceFileDurably(this.#in(bucket, OBJECTS), objectFileName(record.key), encodeRecord(record), this.#io));
  }

  deleteObject(bucket: string, key: string): Promise<void> {
    return this.#commit(async () => {
      const directory = this.#in(bucket, OBJECTS);
      const path = join(directory, objectFileName(key));
      await unlinkThrough(this.#io)(path);
      await syncDirectoryAfter(directory, path, this.#io);
    });
  }

  writeUpload(bucket: string, record: UploadRecord): Promise<void> {
    return this.#commit(async () => {
      const directory = join(this.#in(bucket, UPLOADS), uploadDirectoryName(record.uploadId));
      await createDirectoryDurably(directory, { io: this.#io });
      await replaceFileDurably(directory, UPLOAD_FILE, encodeRecord(record), this.#io);
    });
  }

  writePart(bucket: string, uploadId: string, record: PartRecord): Promise<void> {
    return this.#commit(() =>
      replaceFileDurably(join(this.#in(bucket, UPLOADS), uploadDirectoryName(uploadId)), partFileName(record.partNumber), encodeRecord(record), this.#io),
    );
  }

  deleteUpload(bucket: string, uploadId: string): Promise<void> {
    return this.#commit(async () => {
      const directory = join(this.#in(bucket, UPLOADS), uploadDirectoryName(uploadId));
      // Removing upload.json is the commit: a directory without it is removed at open (so is
      // what a failing removal leaves).
      const path = join(directory, UPLOAD_FILE);
      await unlinkThrough(this.#io)(path).catch(ignoreMissing);
      await syncDirectoryAfter(directory, path, this.#io);
      await this.#removeLeftover(directory);
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
   *   fsync failed after its rename or unlink (`NOT_DURABLE`), or the check after the step
   *   failed otherwise (the lock file could not be read: a network file system's transient error).
   */
  async #commit<T>(step: () => Promise<T>): Promise<T> {
    await this.#confirm();
    let result: T;
    try {
      result = await step();
    } catch (error) {
      if (isServiceError(error, 'NOT_DURABLE')) throw new S3Error('CommitOutcomeUnknown', { cause: error });
      // A step through the fenced io (a leftover's removal) found the lease lost.
      if (isServiceError(error, 'LEASE_LOST')) throw new S3Error('DataDirectoryTakenOver', { cause: error });
      // A step that failed because another process took the directory over meanwhile (its
      // generation directory renamed away: ENOENT) says so, not the file system's error. A check
      // that cannot read the lock file leaves the step's own error to report.
      await this.#confirm().catch((checked: unknown) => {
        if (checked instanceof S3Error) throw checked;
      });
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
      if (isServiceError(error, 'LEASE_LOST')) throw new S3Error('DataDirectoryTakenOver', { cause: error });
      throw error;
    }
  }

  /**
   * Removes what is left of a bucket or upload once its removal committed, through the fenced io.
   * Any failure but a lost lease leaves it for the next open (`load.ts`) to remove.
   * @throws the `ServiceError` `LEASE_LOST`: the holder stops, and nothing was removed.
   */
  async #removeLeftover(path: string): Promise<void> {
    await this.dataDirectoryIo.removeTree!(path).catch((error: unknown) => {
      if (isServiceError(error, 'LEASE_LOST')) throw error;
    });
  }

  #mkdir(path: string, mode: number): Promise<void> {
    return (this.#io.mkdir ?? nodeFileIo.mkdir!)(path, mode);
  }

  #rename(from: string, to: string): Promise<void> {
    return (this.#io.rename ?? nodeFileIo.rename!)(from, to);
  }

  #in(bucket: string, sub: string): string {
    return join(this.#base, bucketDirectoryName(bucket), sub);
  }

  get #base(): string {
    if (this.#generation === undefined) throw new Error('the data directory is not loaded');
    return this.#generation;
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
