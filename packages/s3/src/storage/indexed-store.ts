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
 * after a success, and the blobs of the record it replaced stay, since a crash may bring that
 * record back, until the record is written anew durably under the name's lock, or else until the
 * next open (`commit-outcome.ts`).
 *
 * Opening repairs what a crash can leave (`restore.ts`). The index itself (`bucket-index.ts`), the
 * reference counts (`blob-refs.ts`), readers over segments (`segment-reader.ts`) and the listing
 * pages (`listing.ts`) live in their own modules, as do the state the steps share
 * (`store-state.ts`), a blob's life outside a commit (`blob-lifecycle.ts`), an object's commit
 * (`object-commit.ts`), multipart uploads (`uploads.ts`) and the rule for a write whose outcome is
 * unknown (`commit-outcome.ts`); this one holds the buckets' and the objects' steps, and opens
 * the store.
 */

import type { FileIo } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';
import { blobIdGenerator } from './blob-ids.ts';
import { openReader, pinningFor, writeBlob } from './blob-lifecycle.ts';
import { BlobRefs } from './blob-refs.ts';
import { copyFields, emptyBucketState, objectInfo, resolveFields } from './bucket-index.ts';
import { outcomeUnknown, persisted } from './commit-outcome.ts';
import { listPage } from './listing.ts';
import { commitObject } from './object-commit.ts';
import type { BucketRecord, LoadedBucket, ObjectRecord, Persistence } from './persistence.ts';
import { restoreBucket } from './restore.ts';
import { bucketName, bucketState, type StoreState } from './store-state.ts';
import { compareUtf8, KeyedLock } from './support.ts';
import type {
  BodySource,
  BucketInfo,
  BucketTarget,
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
import { abortUpload, completeUpload, createUpload, getUpload, listParts, listUploads, openPart, putPart } from './uploads.ts';

/** Clock and identifiers, injectable for tests. */
export interface StoreEnvironment {
  /** Milliseconds since the epoch. */
  readonly now?: () => number;
  /** A fresh random identifier of URL-safe characters (blob and upload ids). */
  readonly newId?: () => string;
}

/** An `ObjectStore` over any `Persistence`. */
export class IndexedObjectStore implements ObjectStore {
  /** The persistence's (a field, not a getter: a caller's Proxy of the store reads it too). */
  readonly dataDirectoryIo: FileIo | undefined;
  readonly #store: StoreState;

  private constructor(persistence: Persistence, environment: StoreEnvironment) {
    this.dataDirectoryIo = persistence.dataDirectoryIo;
    this.#store = {
      persistence,
      buckets: new Map(),
      refs: new BlobRefs((bucket, blobId) => persistence.deleteBlob(bucket, blobId)),
      locks: new KeyedLock(),
      now: environment.now ?? Date.now,
      newId: environment.newId ?? blobIdGenerator(),
    };
  }

  /** Opens a store over `persistence`, loading and repairing its state. */
  static async open(persistence: Persistence, environment: StoreEnvironment = {}): Promise<IndexedObjectStore> {
    const store = new IndexedObjectStore(persistence, environment);
    for (const loaded of await persistence.load()) await store.#restore(loaded);
    return store;
  }

  async createBucket(name: string, metadata: StoredFields): Promise<boolean> {
    return this.#store.locks.run(`b\0${name}`, async () => {
      if (this.#store.buckets.has(name)) return false;
      // A fresh identity: a request that read an earlier bucket of this name cannot act on this one.
      const record: BucketRecord = { name, id: this.#store.newId(), created: this.#store.now(), metadata: copyFields(metadata) };
      const index = (): void => {
        this.#store.buckets.set(name, emptyBucketState(record));
        this.#store.refs.track(name);
      };
      await persisted(this.#store.persistence.writeBucket(record), index);
      index();
      return true;
    });
  }

  async getBucket(name: string): Promise<BucketInfo | undefined> {
    return this.#store.buckets.get(name)?.record;
  }

  async updateBucket(target: BucketTarget, update: (current: BucketInfo) => StoredFields | undefined): Promise<BucketInfo> {
    return this.#store.locks.run(`b\0${bucketName(target)}`, async () => {
      const state = bucketState(this.#store, target);
      const metadata = update(state.record);
      if (metadata === undefined) return state.record;
      const record: BucketRecord = { ...state.record, metadata: copyFields(metadata) };
      await persisted(this.#store.persistence.writeBucket(record), () => (state.record = record));
      state.record = record;
      return record;
    });
  }

  async deleteBucket(target: BucketTarget): Promise<DeleteBucketResult> {
    const name = bucketName(target);
    return this.#store.locks.run(`b\0${name}`, async () => {
      const state = this.#store.buckets.get(name);
      if (state === undefined || (typeof target !== 'string' && state.record.id !== target.id)) return 'missing';
      // A write in flight counts as an object: S3 answers as if it had landed first (409).
      if (state.objects.size > 0 || state.uploads.size > 0 || state.pending > 0) return 'not-empty';
      // Out of the index before the files go: a write that starts now finds no bucket
      // (NoSuchBucket) rather than committing into one being removed and answering success.
      this.#store.buckets.delete(name);
      try {
        await this.#store.persistence.deleteBucket(name);
      } catch (error) {
        // Gone from the files all the same (renamed away): it stays out of the index.
        if (outcomeUnknown(error)) this.#store.refs.untrack(name);
        else this.#store.buckets.set(name, state);
        throw error;
      }
      this.#store.refs.untrack(name);
      return 'deleted';
    });
  }

  async listBuckets(): Promise<readonly BucketInfo[]> {
    return [...this.#store.buckets.values()].map((state) => state.record).sort((a, b) => compareUtf8(a.name, b.name));
  }

  async putObject(target: BucketTarget, key: string, body: BodySource, metadata: FieldsSource, guard?: CommitGuard): Promise<ObjectInfo> {
    const store = this.#store;
    const state = bucketState(store, target);
    const bucket = state.record.name;
    const blobId = store.newId();
    const pinning = pinningFor(store, body);
    const size = await writeBlob(store, bucket, state, blobId, pinning?.body ?? body);
    const pin = pinning === undefined ? {} : { pin: pinning.pin() };
    let fields: StoredFields;
    try {
      fields = copyFields(resolveFields(metadata));
    } catch (error) {
      await store.persistence.deleteBlob(bucket, blobId);
      throw error;
    }
    const record: ObjectRecord = { key, segments: [{ blobId, size, ...pin }], lastModified: store.now(), metadata: fields };
    return commitObject(store, bucket, record, [blobId], undefined, guard, state);
  }

  async headObject(bucket: BucketTarget, key: string): Promise<ObjectInfo | undefined> {
    const record = bucketState(this.#store, bucket).objects.get(key);
    return record === undefined ? undefined : objectInfo(record);
  }

  async openObject(target: BucketTarget, key: string): Promise<ObjectReader | undefined> {
    const store = this.#store;
    const state = bucketState(store, target);
    const record = state.objects.get(key);
    return record === undefined
      ? undefined
      : openReader(store, state.record.name, objectInfo(record), {
          blobIds: record.segments.map((segment) => segment.blobId),
          sizes: record.segments.map((segment) => segment.size),
          pins: record.segments.map((segment) => segment.pin),
        });
  }

  async updateObjectMetadata(
    target: BucketTarget,
    key: string,
    metadata: StoredFields | ((current: ObjectInfo) => StoredFields),
    options?: { readonly keepLastModified?: boolean },
  ): Promise<ObjectInfo> {
    const bucket = bucketName(target);
    return this.#store.locks.run(`o\0${bucket}\0${key}`, async () => {
      const state = bucketState(this.#store, target);
      const old = state.objects.get(key);
      if (old === undefined) throw new S3Error('NoSuchKey', { fields: [['Key', key]] });
      const fields = typeof metadata === 'function' ? metadata(objectInfo(old)) : metadata;
      const lastModified = options?.keepLastModified === true ? old.lastModified : this.#store.now();
      const record: ObjectRecord = { ...old, lastModified, metadata: copyFields(fields) };
      await persisted(this.#store.persistence.writeObject(bucket, record), () => state.objects.set(key, record));
      state.objects.set(key, record);
      return objectInfo(record);
    });
  }

  async deleteObject(target: BucketTarget, key: string, guard?: CommitGuard): Promise<boolean> {
    const bucket = bucketName(target);
    return this.#store.locks.run(`o\0${bucket}\0${key}`, async () => {
      const state = bucketState(this.#store, target);
      const old = state.objects.get(key);
      guard?.(old === undefined ? undefined : objectInfo(old));
      if (old === undefined) return false;
      const unindex = (): void => {
        state.objects.delete(key);
        state.sortedKeys = undefined;
      };
      // Not durable: the old blobs stay counted (a crash may bring the manifest back).
      await persisted(this.#store.persistence.deleteObject(bucket, key), unindex);
      unindex();
      await this.#store.refs.release(
        bucket,
        old.segments.map((segment) => segment.blobId),
      );
      return true;
    });
  }

  async listObjects(bucket: BucketTarget, options: ListOptions): Promise<ListPage> {
    const state = bucketState(this.#store, bucket);
    state.sortedKeys ??= [...state.objects.keys()].sort(compareUtf8);
    return listPage(state.sortedKeys, state.objects, options);
  }

  createUpload(bucket: BucketTarget, key: string, metadata: StoredFields): Promise<UploadInfo> {
    return createUpload(this.#store, bucket, key, metadata);
  }

  getUpload(bucket: BucketTarget, uploadId: string): Promise<UploadInfo | undefined> {
    return getUpload(this.#store, bucket, uploadId);
  }

  listUploads(bucket: BucketTarget, options: UploadListOptions): Promise<UploadListPage> {
    return listUploads(this.#store, bucket, options);
  }

  putPart(bucket: BucketTarget, uploadId: string, partNumber: number, body: BodySource, metadata: FieldsSource): Promise<PartInfo> {
    return putPart(this.#store, bucket, uploadId, partNumber, body, metadata);
  }

  listParts(bucket: BucketTarget, uploadId: string, options: PartListOptions): Promise<PartListPage> {
    return listParts(this.#store, bucket, uploadId, options);
  }

  openPart(bucket: BucketTarget, uploadId: string, partNumber: number): Promise<ObjectReader | undefined> {
    return openPart(this.#store, bucket, uploadId, partNumber);
  }

  completeUpload(bucket: BucketTarget, uploadId: string, partNumbers: readonly number[], metadata: CompletionFields, guard?: CommitGuard): Promise<ObjectInfo> {
    return completeUpload(this.#store, bucket, uploadId, partNumbers, metadata, guard);
  }

  abortUpload(bucket: BucketTarget, uploadId: string): Promise<boolean> {
    return abortUpload(this.#store, bucket, uploadId);
  }

  async close(): Promise<void> {
    await this.#store.locks.idle();
    await this.#store.persistence.close();
  }

  async #restore(loaded: LoadedBucket): Promise<void> {
    const { state, refs } = await restoreBucket(this.#store.persistence, loaded);
    this.#store.buckets.set(loaded.bucket.name, state);
    this.#store.refs.track(loaded.bucket.name, refs);
  }
}
