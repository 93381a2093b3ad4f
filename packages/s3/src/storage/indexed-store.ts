/**
 * @module
 * The `ObjectStore` semantics, written once over a `Persistence` backend: an in-memory index of
 * every bucket, object, upload and part (rebuilt from the backend's manifests when it opens),
 * reference counts on blobs, and the order of steps that keeps every write atomic:
 *
 * 1. stream the body into a fresh blob (no lock held: slow clients do not block others);
 * 2. under the name's lock, write the manifest naming it (the commit point), then update the index;
 * 3. release the blobs the old manifest named; a blob is deleted when nothing names it any more,
 *    neither a manifest nor an open reader, so a reader keeps reading a replaced object's bytes.
 *
 * A write that fails after its record took its place (`CommitOutcomeUnknown`: the backend could
 * not confirm it durable) fails the request, but the index shows the record, as the files do, so
 * reads, retries and later writes act on what is there; the new record's blobs are counted as
 * after a success, and the blobs of the record it replaced stay until the next open, since a crash
 * may bring that record back (`persisted`).
 *
 * Opening repairs what a crash can leave (`restore.ts`). The index itself (`bucket-index.ts`), the
 * reference counts (`blob-refs.ts`), readers over segments (`segment-reader.ts`) and the listing
 * pages (`listing.ts`) live in their own modules; this one holds the order of the steps.
 */

import { S3Error } from '../errors.ts';
import { blobIdGenerator } from './blob-ids.ts';
import { type PinningBody, pinningBody } from './blob-pin.ts';
import { BlobRefs } from './blob-refs.ts';
import { type BucketState, copyFields, emptyBucketState, objectInfo, partInfo, resolveFields, type UploadState } from './bucket-index.ts';
import { compareUploads, listPage, partPage, uploadPage } from './listing.ts';
import type { BucketRecord, LoadedBucket, ObjectRecord, PartRecord, Persistence, SegmentRecord, UploadRecord } from './persistence.ts';
import { restoreBucket } from './restore.ts';
import { segmentReader } from './segment-reader.ts';
import { compareUtf8, KeyedLock } from './support.ts';
import type {
  BodySource,
  BucketInfo,
  CommitGuard,
  CompletionFields,
  DeleteBucketResult,
  FieldsSource,
  ListOptions,
  ListPage,
  ObjectInfo,
  ObjectReader,
  ObjectStore,
  PartInfo,
  PartListOptions,
  PartListPage,
  StoredFields,
  UploadInfo,
  UploadListOptions,
  UploadListPage,
} from './types.ts';

/** Clock and identifiers, injectable for tests. */
export interface StoreEnvironment {
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** A fresh random identifier of URL-safe characters (blob and upload ids). */
  readonly newId?: () => string;
}

/** An `ObjectStore` over any `Persistence`. */
export class IndexedObjectStore implements ObjectStore {
  readonly #persistence: Persistence;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #buckets = new Map<string, BucketState>();
  readonly #refs: BlobRefs;
  readonly #locks = new KeyedLock();

  private constructor(persistence: Persistence, environment: StoreEnvironment) {
    this.#persistence = persistence;
    this.#now = environment.now ?? Date.now;
    this.#newId = environment.newId ?? blobIdGenerator();
    this.#refs = new BlobRefs((bucket, blobId) => persistence.deleteBlob(bucket, blobId));
  }

  /** Opens a store over `persistence`, loading and repairing its state. */
  static async open(persistence: Persistence, environment: StoreEnvironment = {}): Promise<IndexedObjectStore> {
    const store = new IndexedObjectStore(persistence, environment);
    for (const loaded of await persistence.load()) await store.#restore(loaded);
    return store;
  }

  async createBucket(name: string, metadata: StoredFields): Promise<boolean> {
    return this.#locks.run(`b\0${name}`, async () => {
      if (this.#buckets.has(name)) return false;
      const record: BucketRecord = { name, created: this.#now(), metadata: copyFields(metadata) };
      const index = (): void => {
        this.#buckets.set(name, emptyBucketState(record));
        this.#refs.track(name);
      };
      await persisted(this.#persistence.writeBucket(record), index);
      index();
      return true;
    });
  }

  async getBucket(name: string): Promise<BucketInfo | undefined> {
    return this.#buckets.get(name)?.record;
  }

  async updateBucket(name: string, update: (current: BucketInfo) => StoredFields | undefined): Promise<BucketInfo> {
    return this.#locks.run(`b\0${name}`, async () => {
      const state = this.#bucket(name);
      const metadata = update(state.record);
      if (metadata === undefined) return state.record;
      const record: BucketRecord = { ...state.record, metadata: copyFields(metadata) };
      await persisted(this.#persistence.writeBucket(record), () => (state.record = record));
      state.record = record;
      return record;
    });
  }

  async deleteBucket(name: string): Promise<DeleteBucketResult> {
    return this.#locks.run(`b\0${name}`, async () => {
      const state = this.#buckets.get(name);
      if (state === undefined) return 'missing';
      // A write in flight counts as an object: S3 answers as if it had landed first (409).
      if (state.objects.size > 0 || state.uploads.size > 0 || state.pending > 0) return 'not-empty';
      // Out of the index before the files go: a write that starts now finds no bucket
      // (NoSuchBucket) rather than committing into one being removed and answering success.
      this.#buckets.delete(name);
      try {
        await this.#persistence.deleteBucket(name);
      } catch (error) {
        // Gone from the files all the same (renamed away): it stays out of the index.
        if (outcomeUnknown(error)) this.#refs.untrack(name);
        else this.#buckets.set(name, state);
        throw error;
      }
      this.#refs.untrack(name);
      return 'deleted';
    });
  }

  async listBuckets(): Promise<readonly BucketInfo[]> {
    return [...this.#buckets.values()].map((state) => state.record).sort((a, b) => compareUtf8(a.name, b.name));
  }

  async putObject(bucket: string, key: string, body: BodySource, metadata: FieldsSource, guard?: CommitGuard): Promise<ObjectInfo> {
    const state = this.#bucket(bucket);
    const blobId = this.#newId();
    const pinning = this.#pinning(body);
    const size = await this.#writeBlob(bucket, state, blobId, pinning?.body ?? body);
    const pin = pinning === undefined ? {} : { pin: pinning.pin() };
    let fields: StoredFields;
    try {
      fields = copyFields(resolveFields(metadata));
    } catch (error) {
      await this.#persistence.deleteBlob(bucket, blobId);
      throw error;
    }
    const record: ObjectRecord = { key, segments: [{ blobId, size, ...pin }], lastModified: this.#now(), metadata: fields };
    return this.#commitObject(bucket, record, [blobId], undefined, guard, state);
  }

  async headObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const record = this.#bucket(bucket).objects.get(key);
    return record === undefined ? undefined : objectInfo(record);
  }

  async openObject(bucket: string, key: string): Promise<ObjectReader | undefined> {
    const record = this.#bucket(bucket).objects.get(key);
    return record === undefined
      ? undefined
      : this.#reader(bucket, objectInfo(record), {
          blobIds: record.segments.map((segment) => segment.blobId),
          sizes: record.segments.map((segment) => segment.size),
          pins: record.segments.map((segment) => segment.pin),
        });
  }

  async updateObjectMetadata(bucket: string, key: string, metadata: StoredFields): Promise<ObjectInfo> {
    return this.#locks.run(`o\0${bucket}\0${key}`, async () => {
      const state = this.#bucket(bucket);
      const old = state.objects.get(key);
      if (old === undefined) throw new S3Error('NoSuchKey', { fields: [['Key', key]] });
      const record: ObjectRecord = { ...old, lastModified: this.#now(), metadata: copyFields(metadata) };
      await persisted(this.#persistence.writeObject(bucket, record), () => state.objects.set(key, record));
      state.objects.set(key, record);
      return objectInfo(record);
    });
  }

  async deleteObject(bucket: string, key: string, guard?: CommitGuard): Promise<boolean> {
    return this.#locks.run(`o\0${bucket}\0${key}`, async () => {
      const state = this.#bucket(bucket);
      const old = state.objects.get(key);
      guard?.(old === undefined ? undefined : objectInfo(old));
      if (old === undefined) return false;
      const unindex = (): void => {
        state.objects.delete(key);
        state.sortedKeys = undefined;
      };
      // Not durable: the old blobs stay counted (a crash may bring the manifest back).
      await persisted(this.#persistence.deleteObject(bucket, key), unindex);
      unindex();
      await this.#refs.release(
        bucket,
        old.segments.map((segment) => segment.blobId),
      );
      return true;
    });
  }

  async listObjects(bucket: string, options: ListOptions): Promise<ListPage> {
    const state = this.#bucket(bucket);
    state.sortedKeys ??= [...state.objects.keys()].sort(compareUtf8);
    return listPage(state.sortedKeys, state.objects, options);
  }

  async createUpload(bucket: string, key: string, metadata: StoredFields): Promise<UploadInfo> {
    const upload: UploadRecord = { uploadId: this.#newId(), key, initiated: this.#now(), metadata: copyFields(metadata) };
    return this.#locks.run(`u\0${bucket}\0${upload.uploadId}`, async () => {
      const state = this.#bucket(bucket);
      state.pending += 1;
      try {
        const index = (): void => void state.uploads.set(upload.uploadId, { upload, parts: new Map() });
        await persisted(this.#persistence.writeUpload(bucket, upload), index);
        index();
      } finally {
        state.pending -= 1;
      }
      return upload;
    });
  }

  async getUpload(bucket: string, uploadId: string): Promise<UploadInfo | undefined> {
    return this.#bucket(bucket).uploads.get(uploadId)?.upload;
  }

  async listUploads(bucket: string, options: UploadListOptions): Promise<UploadListPage> {
    const uploads = [...this.#bucket(bucket).uploads.values()].map((state) => state.upload);
    return uploadPage(uploads.sort(compareUploads), options);
  }

  async putPart(bucket: string, uploadId: string, partNumber: number, body: BodySource, metadata: FieldsSource): Promise<PartInfo> {
    const state = this.#bucket(bucket);
    this.#upload(bucket, uploadId);
    const blobId = this.#newId();
    const pinning = this.#pinning(body);
    let size: number;
    try {
      size = await this.#writeBlob(bucket, state, blobId, pinning?.body ?? body);
    } catch (error) {
      // The bucket was deleted as the part streamed in (with the upload: DeleteBucket refuses
      // while one is open): answered as the request would be now, NoSuchBucket, or NoSuchUpload
      // if a bucket of that name exists again.
      if (this.#buckets.get(bucket) !== state) this.#upload(bucket, uploadId);
      throw error;
    }
    const pin = pinning === undefined ? {} : { pin: pinning.pin() };
    try {
      this.#refs.retain(bucket, [blobId]);
      return await this.#locks.run(`u\0${bucket}\0${uploadId}`, async () => {
        const upload = this.#upload(bucket, uploadId);
        const part: PartRecord = { partNumber, blobId, size, ...pin, lastModified: this.#now(), metadata: copyFields(resolveFields(metadata)) };
        const old = upload.parts.get(partNumber);
        // Not durable: the part is in place (its blob counted by it), the old one's blob stays.
        await persisted(this.#persistence.writePart(bucket, uploadId, part), () => upload.parts.set(partNumber, part));
        upload.parts.set(partNumber, part);
        if (old !== undefined) await this.#refs.release(bucket, [old.blobId]);
        return partInfo(part);
      });
    } catch (error) {
      if (!outcomeUnknown(error)) await this.#discard(bucket, [blobId]);
      throw error;
    }
  }

  async listParts(bucket: string, uploadId: string, options: PartListOptions): Promise<PartListPage> {
    return partPage(this.#upload(bucket, uploadId).parts.values(), options);
  }

  async openPart(bucket: string, uploadId: string, partNumber: number): Promise<ObjectReader | undefined> {
    const part = this.#upload(bucket, uploadId).parts.get(partNumber);
    if (part === undefined) return undefined;
    const info: ObjectInfo = {
      key: `${uploadId}#${partNumber}`,
      size: part.size,
      segments: [part.size],
      lastModified: part.lastModified,
      metadata: part.metadata,
    };
    return this.#reader(bucket, info, { blobIds: [part.blobId], sizes: [part.size], pins: [part.pin] });
  }

  async completeUpload(bucket: string, uploadId: string, partNumbers: readonly number[], metadata: CompletionFields, guard?: CommitGuard): Promise<ObjectInfo> {
    return this.#locks.run(`u\0${bucket}\0${uploadId}`, async () => {
      const upload = this.#upload(bucket, uploadId);
      const parts = partNumbers.map((number) => {
        const part = upload.parts.get(number);
        if (part === undefined) throw new S3Error('InvalidPart');
        return part;
      });
      // Under the upload's lock: no part can be replaced between this check and the commit.
      const fields = copyFields(typeof metadata === 'function' ? metadata(parts.map(partInfo)) : metadata);
      const segments = parts.map((part): SegmentRecord => ({ blobId: part.blobId, size: part.size, ...(part.pin === undefined ? {} : { pin: part.pin }) }));
      const record: ObjectRecord = { key: upload.upload.key, segments, lastModified: this.#now(), metadata: fields };
      // The upload goes under the object's lock too: once another write may replace the object,
      // the upload is gone, so a crash does not bring a completed upload back (opening removes an
      // upload only while an object still names its parts). Unless its removal could not be
      // confirmed (a directory fsync failed after the unlink): the object is durable, so the
      // completion took effect and answers 200 (a 500 would send the SDK's retry to NoSuchUpload
      // although the object is whole); the upload's files are gone, but if a crash loses that
      // unlink after the object was replaced or deleted, the upload comes back open (README,
      // "Known differences").
      return this.#commitObject(
        bucket,
        record,
        segments.map((segment) => segment.blobId),
        () => this.#dropUpload(bucket, upload).catch(unlessOutcomeUnknown),
        guard,
      );
    });
  }

  async abortUpload(bucket: string, uploadId: string): Promise<boolean> {
    return this.#locks.run(`u\0${bucket}\0${uploadId}`, async () => {
      const upload = this.#bucket(bucket).uploads.get(uploadId);
      if (upload === undefined) return false;
      await this.#dropUpload(bucket, upload);
      return true;
    });
  }

  async close(): Promise<void> {
    await this.#locks.idle();
    await this.#persistence.close();
  }

  /**
   * Writes an object's manifest under its key's lock, then runs `committed` (still under it: a
   * completion's removal of its upload); `guard` checks the object replaced first, under the same
   * lock; `fresh` blobs are released if the manifest cannot be written (kept, and indexed, if it
   * is in place, as `persisted` does). With
   * `expected` (the bucket the blobs were written into), a bucket deleted, or deleted and created
   * again, since then is NoSuchBucket: its blobs went with the old one, and a manifest in the new
   * one would name bytes that no longer exist.
   */
  async #commitObject(
    bucket: string,
    record: ObjectRecord,
    fresh: readonly string[],
    committed?: () => Promise<void>,
    guard?: CommitGuard,
    expected?: BucketState,
  ): Promise<ObjectInfo> {
    let written = false;
    try {
      this.#refs.retain(bucket, fresh);
      return await this.#locks.run(`o\0${bucket}\0${record.key}`, async () => {
        const state = this.#bucket(bucket);
        if (expected !== undefined && state !== expected) throw noSuchBucket(bucket);
        state.pending += 1;
        let old: ObjectRecord | undefined;
        try {
          old = state.objects.get(record.key);
          guard?.(old === undefined ? undefined : objectInfo(old));
          try {
            await this.#persistence.writeObject(bucket, record);
          } catch (error) {
            // Not durable: the object is in place (the fresh blobs counted by it) and indexed, and
            // the old one's blobs stay (a crash may bring it back). Inline, not `persisted`: this is
            // every PUT's path, and a success makes no closure or extra promise here.
            if (outcomeUnknown(error)) written = indexObject(state, record, old);
            throw error;
          }
          written = indexObject(state, record, old);
        } finally {
          state.pending -= 1;
        }
        if (old !== undefined)
          await this.#refs.release(
            bucket,
            old.segments.map((segment) => segment.blobId),
          );
        await committed?.();
        return objectInfo(record);
      });
    } catch (error) {
      if (!written && !outcomeUnknown(error)) await this.#discard(bucket, fresh);
      throw error;
    }
  }

  async #dropUpload(bucket: string, upload: UploadState): Promise<void> {
    const unindex = (): void => void this.#bucket(bucket).uploads.delete(upload.upload.uploadId);
    // Not durable: the parts' blobs stay counted (a crash may bring the upload back).
    await persisted(this.#persistence.deleteUpload(bucket, upload.upload.uploadId), unindex);
    unindex();
    await this.#refs.release(
      bucket,
      [...upload.parts.values()].map((part) => part.blobId),
    );
  }

  #reader(bucket: string, info: ObjectInfo, segments: Parameters<typeof segmentReader>[3]): ObjectReader {
    const { blobIds } = segments;
    this.#refs.retain(bucket, blobIds);
    return segmentReader(this.#persistence, bucket, info, segments, () => this.#refs.release(bucket, blobIds));
  }

  /** A body that computes its blob's pin on the way, where blobs rest where others can write them. */
  #pinning(body: BodySource): PinningBody | undefined {
    return this.#persistence.atRest === true ? pinningBody(body) : undefined;
  }

  #bucket(name: string): BucketState {
    const state = this.#buckets.get(name);
    if (state === undefined) throw noSuchBucket(name);
    return state;
  }

  /**
   * Streams `body` into a fresh blob of the bucket `state` indexes, and returns its size. Nothing
   * names the blob until a manifest does, so DeleteBucket may remove the bucket (and CreateBucket
   * make another of the same name) while the body streams: the write then fails NoSuchBucket, as
   * a write into a bucket that no longer exists does on S3, instead of the file system's error
   * for the vanished directory, and the blob is deleted, wherever the backend had put it.
   */
  async #writeBlob(bucket: string, state: BucketState, blobId: string, body: BodySource): Promise<number> {
    let size: number;
    try {
      size = await this.#persistence.writeBlob(bucket, blobId, body);
    } catch (error) {
      if (this.#buckets.get(bucket) === state) throw error;
      throw noSuchBucket(bucket);
    }
    if (this.#buckets.get(bucket) !== state) {
      await this.#persistence.deleteBlob(bucket, blobId);
      throw noSuchBucket(bucket);
    }
    return size;
  }

  /**
   * Lets go of blobs a write made that no manifest came to name: counted ones are released; those
   * of a bucket deleted meanwhile are counted by nothing any more, and are deleted outright.
   */
  async #discard(bucket: string, blobIds: readonly string[]): Promise<void> {
    if (this.#buckets.has(bucket)) return this.#refs.release(bucket, blobIds);
    for (const blobId of blobIds) await this.#persistence.deleteBlob(bucket, blobId);
  }

  #upload(bucket: string, uploadId: string): UploadState {
    const upload = this.#bucket(bucket).uploads.get(uploadId);
    if (upload === undefined) throw noSuchUpload(uploadId);
    return upload;
  }

  async #restore(loaded: LoadedBucket): Promise<void> {
    const { state, refs } = await restoreBucket(this.#persistence, loaded);
    this.#buckets.set(loaded.bucket.name, state);
    this.#refs.track(loaded.bucket.name, refs);
  }
}

/** Puts `record` in the index in place of `old` (a written object); true, for `written`. */
function indexObject(state: BucketState, record: ObjectRecord, old: ObjectRecord | undefined): true {
  state.objects.set(record.key, record);
  if (old === undefined) state.sortedKeys = undefined;
  return true;
}

/**
 * Whether a write failed after its record took its place, which may be durable: the blobs it names
 * then stay (held until the next open, which keeps them if the record is there and removes them if
 * not); deleting them could leave a durable record naming a missing blob, which stops the next open.
 */
function outcomeUnknown(error: unknown): boolean {
  return error instanceof S3Error && error.reason === 'CommitOutcomeUnknown';
}

/** Rethrows `error` unless it is `outcomeUnknown` (the change is in place, see `completeUpload`). */
function unlessOutcomeUnknown(error: unknown): void {
  if (!outcomeUnknown(error)) throw error;
}

/**
 * Awaits a backend write; if it fails after its change took its place (`outcomeUnknown`), runs
 * `inPlace` first, which puts the change in the index as a success would, so the index shows what
 * the files hold (a read after the 500 sees the new record, a retried delete finds nothing to
 * delete). The caller then skips what follows a success (releasing the replaced record's blobs):
 * a crash may still bring that record back.
 * @throws what `write` throws.
 */
async function persisted(write: Promise<void>, inPlace: () => void): Promise<void> {
  try {
    await write;
  } catch (error) {
    if (outcomeUnknown(error)) inPlace();
    throw error;
  }
}

function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', { fields: [['BucketName', bucket]] });
}

function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', { fields: [['UploadId', uploadId]] });
}
