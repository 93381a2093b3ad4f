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
 * Opening repairs what a crash can leave: blobs that no manifest names are deleted, and an upload
 * whose parts already belong to an object (a crash between a completion's commit and its clean-up)
 * is removed.
 */

import { S3Error } from '../errors.ts';
import { blobIdGenerator } from './blob-ids.ts';
import type { BucketRecord, LoadedBucket, ObjectRecord, PartRecord, Persistence, UploadRecord } from './persistence.ts';
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

interface UploadState {
  readonly upload: UploadRecord;
  readonly parts: Map<number, PartRecord>;
}

interface BucketState {
  record: BucketRecord;
  readonly objects: Map<string, ObjectRecord>;
  readonly uploads: Map<string, UploadState>;
  sortedKeys: string[] | undefined;
  /**
   * Object and upload manifests being written into the bucket (from before the write until the
   * index names them): DeleteBucket refuses while there are any, as it refuses a bucket that
   * holds objects, since once acknowledged they must not vanish with the bucket.
   */
  pending: number;
}

/** An `ObjectStore` over any `Persistence`. */
export class IndexedObjectStore implements ObjectStore {
  readonly #persistence: Persistence;
  readonly #now: () => number;
  readonly #newId: () => string;
  readonly #buckets = new Map<string, BucketState>();
  /** bucket → blob id → number of manifests and open readers naming it. */
  readonly #refs = new Map<string, Map<string, number>>();
  readonly #locks = new KeyedLock();

  private constructor(persistence: Persistence, environment: StoreEnvironment) {
    this.#persistence = persistence;
    this.#now = environment.now ?? Date.now;
    this.#newId = environment.newId ?? blobIdGenerator();
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
      await this.#persistence.writeBucket(record);
      this.#buckets.set(name, { record, objects: new Map(), uploads: new Map(), sortedKeys: undefined, pending: 0 });
      this.#refs.set(name, new Map());
      return true;
    });
  }

  async getBucket(name: string): Promise<BucketInfo | undefined> {
    return this.#buckets.get(name)?.record;
  }

  async updateBucket(name: string, metadata: StoredFields): Promise<BucketInfo> {
    return this.#locks.run(`b\0${name}`, async () => {
      const state = this.#bucket(name);
      const record: BucketRecord = { ...state.record, metadata: copyFields(metadata) };
      await this.#persistence.writeBucket(record);
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
        this.#buckets.set(name, state);
        throw error;
      }
      this.#refs.delete(name);
      return 'deleted';
    });
  }

  async listBuckets(): Promise<readonly BucketInfo[]> {
    return [...this.#buckets.values()].map((state) => state.record).sort((a, b) => compareUtf8(a.name, b.name));
  }

  async putObject(bucket: string, key: string, body: BodySource, metadata: FieldsSource, guard?: CommitGuard): Promise<ObjectInfo> {
    this.#bucket(bucket);
    const blobId = this.#newId();
    const size = await this.#persistence.writeBlob(bucket, blobId, body);
    let fields: StoredFields;
    try {
      fields = copyFields(resolveFields(metadata));
    } catch (error) {
      await this.#persistence.deleteBlob(bucket, blobId);
      throw error;
    }
    return this.#commitObject(bucket, { key, segments: [{ blobId, size }], lastModified: this.#now(), metadata: fields }, [blobId], undefined, guard);
  }

  async headObject(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const record = this.#bucket(bucket).objects.get(key);
    return record === undefined ? undefined : objectInfo(record);
  }

  async openObject(bucket: string, key: string): Promise<ObjectReader | undefined> {
    const record = this.#bucket(bucket).objects.get(key);
    return record === undefined
      ? undefined
      : this.#reader(
          bucket,
          objectInfo(record),
          record.segments.map((segment) => segment.blobId),
          record.segments.map((s) => s.size),
        );
  }

  async updateObjectMetadata(bucket: string, key: string, metadata: StoredFields): Promise<ObjectInfo> {
    return this.#locks.run(`o\0${bucket}\0${key}`, async () => {
      const state = this.#bucket(bucket);
      const old = state.objects.get(key);
      if (old === undefined) throw new S3Error('NoSuchKey', { fields: [['Key', key]] });
      const record: ObjectRecord = { ...old, lastModified: this.#now(), metadata: copyFields(metadata) };
      await this.#persistence.writeObject(bucket, record);
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
      await this.#persistence.deleteObject(bucket, key);
      state.objects.delete(key);
      state.sortedKeys = undefined;
      await this.#release(
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
        await this.#persistence.writeUpload(bucket, upload);
        state.uploads.set(upload.uploadId, { upload, parts: new Map() });
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
    this.#upload(bucket, uploadId);
    const blobId = this.#newId();
    const size = await this.#persistence.writeBlob(bucket, blobId, body);
    this.#retain(bucket, [blobId]);
    try {
      return await this.#locks.run(`u\0${bucket}\0${uploadId}`, async () => {
        const upload = this.#upload(bucket, uploadId);
        const part: PartRecord = { partNumber, blobId, size, lastModified: this.#now(), metadata: copyFields(resolveFields(metadata)) };
        await this.#persistence.writePart(bucket, uploadId, part);
        const old = upload.parts.get(partNumber);
        upload.parts.set(partNumber, part);
        if (old !== undefined) await this.#release(bucket, [old.blobId]);
        return partInfo(part);
      });
    } catch (error) {
      await this.#release(bucket, [blobId]);
      throw error;
    }
  }

  async listParts(bucket: string, uploadId: string, options: PartListOptions): Promise<PartListPage> {
    const { partNumberMarker = 0, maxParts } = options;
    const after = [...this.#upload(bucket, uploadId).parts.values()].filter((part) => part.partNumber > partNumberMarker);
    const sorted = after.sort((a, b) => a.partNumber - b.partNumber);
    const page = sorted.slice(0, Math.max(0, maxParts)).map(partInfo);
    const last = page.at(-1);
    return sorted.length > page.length
      ? { parts: page, isTruncated: true, ...(last === undefined ? {} : { nextPartNumberMarker: last.partNumber }) }
      : { parts: page, isTruncated: false };
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
    return this.#reader(bucket, info, [part.blobId], [part.size]);
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
      const segments = parts.map((part) => ({ blobId: part.blobId, size: part.size }));
      const record: ObjectRecord = { key: upload.upload.key, segments, lastModified: this.#now(), metadata: fields };
      // The upload goes under the object's lock too: once another write may replace the object,
      // the upload is gone, so a crash can never bring a completed upload back (opening removes
      // an upload only while an object still names its parts).
      return this.#commitObject(
        bucket,
        record,
        segments.map((segment) => segment.blobId),
        () => this.#dropUpload(bucket, upload),
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
   * Writes an object's manifest under its key's lock, then runs `committed` (still under it);
   * `guard` checks the object replaced first, under the same lock; `fresh` blobs are released if
   * the manifest cannot be written.
   */
  async #commitObject(
    bucket: string,
    record: ObjectRecord,
    fresh: readonly string[],
    committed?: () => Promise<void>,
    guard?: CommitGuard,
  ): Promise<ObjectInfo> {
    this.#retain(bucket, fresh);
    let written = false;
    try {
      return await this.#locks.run(`o\0${bucket}\0${record.key}`, async () => {
        const state = this.#bucket(bucket);
        state.pending += 1;
        let old: ObjectRecord | undefined;
        try {
          if (guard !== undefined) {
            const current = state.objects.get(record.key);
            guard(current === undefined ? undefined : objectInfo(current));
          }
          await this.#persistence.writeObject(bucket, record);
          written = true;
          old = state.objects.get(record.key);
          state.objects.set(record.key, record);
        } finally {
          state.pending -= 1;
        }
        if (old === undefined) state.sortedKeys = undefined;
        if (old !== undefined)
          await this.#release(
            bucket,
            old.segments.map((segment) => segment.blobId),
          );
        await committed?.();
        return objectInfo(record);
      });
    } catch (error) {
      if (!written) await this.#release(bucket, fresh);
      throw error;
    }
  }

  async #dropUpload(bucket: string, upload: UploadState): Promise<void> {
    await this.#persistence.deleteUpload(bucket, upload.upload.uploadId);
    this.#bucket(bucket).uploads.delete(upload.upload.uploadId);
    await this.#release(
      bucket,
      [...upload.parts.values()].map((part) => part.blobId),
    );
  }

  #reader(bucket: string, info: ObjectInfo, blobIds: readonly string[], sizes: readonly number[]): ObjectReader {
    this.#retain(bucket, blobIds);
    let closed = false;
    const persistence = this.#persistence;
    const spans = segmentSpans(sizes);
    const check = (offset: number, length: number): void => {
      if (closed) throw new Error('reader is closed');
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > info.size) {
        throw new RangeError(`[${offset}, ${offset + length}) is outside the ${info.size} stored bytes`);
      }
    };
    return {
      info,
      read: async (offset, length) => {
        check(offset, length);
        const out = new Uint8Array(length);
        let position = 0;
        for (const piece of pieces(spans, offset, length)) {
          out.set(await persistence.readBlob(bucket, blobIds[piece.segment] ?? '', piece.offset, piece.length), position);
          position += piece.length;
        }
        return out;
      },
      stream: (offset = 0, length = info.size - offset, options = {}) => {
        check(offset, length);
        const readOnly = options.readOnly === true;
        return (async function* () {
          for (const piece of pieces(spans, offset, length)) {
            yield* persistence.streamBlob(bucket, blobIds[piece.segment] ?? '', piece.offset, piece.length, readOnly);
          }
        })();
      },
      close: async () => {
        if (closed) return;
        closed = true;
        await this.#release(bucket, blobIds);
      },
    };
  }

  #retain(bucket: string, blobIds: readonly string[]): void {
    const refs = this.#refs.get(bucket);
    if (refs === undefined) throw new S3Error('NoSuchBucket', { fields: [['BucketName', bucket]] });
    for (const id of blobIds) refs.set(id, (refs.get(id) ?? 0) + 1);
  }

  async #release(bucket: string, blobIds: readonly string[]): Promise<void> {
    const refs = this.#refs.get(bucket);
    for (const id of blobIds) {
      const count = (refs?.get(id) ?? 1) - 1;
      if (count > 0) {
        refs?.set(id, count);
        continue;
      }
      refs?.delete(id);
      // The bucket can only be gone if it was empty, so nothing of it remains to delete.
      if (refs !== undefined) await this.#persistence.deleteBlob(bucket, id);
    }
  }

  #bucket(name: string): BucketState {
    const state = this.#buckets.get(name);
    if (state === undefined) throw new S3Error('NoSuchBucket', { fields: [['BucketName', name]] });
    return state;
  }

  #upload(bucket: string, uploadId: string): UploadState {
    const upload = this.#bucket(bucket).uploads.get(uploadId);
    if (upload === undefined) throw new S3Error('NoSuchUpload', { fields: [['UploadId', uploadId]] });
    return upload;
  }

  async #restore(loaded: LoadedBucket): Promise<void> {
    const name = loaded.bucket.name;
    const state: BucketState = { record: loaded.bucket, objects: new Map(), uploads: new Map(), sortedKeys: undefined, pending: 0 };
    const refs = new Map<string, number>();
    const count = (id: string): void => void refs.set(id, (refs.get(id) ?? 0) + 1);
    for (const object of loaded.objects) {
      state.objects.set(object.key, object);
      for (const segment of object.segments) count(segment.blobId);
    }
    this.#buckets.set(name, state);
    this.#refs.set(name, refs);
    for (const { upload, parts } of loaded.uploads) {
      // A completion commits the object before it removes the upload: parts already named by an
      // object mean the upload was completed, so finish its clean-up.
      if (parts.some((part) => refs.has(part.blobId))) {
        await this.#persistence.deleteUpload(name, upload.uploadId);
        continue;
      }
      state.uploads.set(upload.uploadId, { upload, parts: new Map(parts.map((part) => [part.partNumber, part])) });
      for (const part of parts) count(part.blobId);
    }
    const present = new Set(loaded.blobIds);
    for (const id of refs.keys()) {
      if (!present.has(id)) throw new Error(`bucket ${JSON.stringify(name)}: blob ${id} is named by a manifest but missing; the data directory is damaged`);
    }
    for (const id of loaded.blobIds) if (!refs.has(id)) await this.#persistence.deleteBlob(name, id);
  }
}

function objectInfo(record: ObjectRecord): ObjectInfo {
  const segments = record.segments.map((segment) => segment.size);
  return { key: record.key, size: segments.reduce((sum, size) => sum + size, 0), segments, lastModified: record.lastModified, metadata: record.metadata };
}

function partInfo(part: PartRecord): PartInfo {
  return { partNumber: part.partNumber, size: part.size, lastModified: part.lastModified, metadata: part.metadata };
}

function resolveFields(metadata: FieldsSource): StoredFields {
  return typeof metadata === 'function' ? metadata() : metadata;
}

/** A null-prototype copy, so stored metadata never aliases the caller's object nor has a prototype. */
function copyFields(fields: StoredFields): StoredFields {
  const copy = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(fields)) {
    if (typeof value !== 'string') throw new TypeError(`metadata "${name}" expected a string, got ${typeof value}`);
    copy[name] = value;
  }
  return Object.freeze(copy);
}

interface Span {
  readonly start: number;
  readonly size: number;
}

function segmentSpans(sizes: readonly number[]): Span[] {
  let start = 0;
  return sizes.map((size) => {
    const span = { start, size };
    start += size;
    return span;
  });
}

/** Splits a stored range into per-segment pieces. */
function* pieces(spans: readonly Span[], offset: number, length: number): Generator<{ segment: number; offset: number; length: number }> {
  const end = offset + length;
  for (let segment = 0; segment < spans.length; segment++) {
    const span = spans[segment];
    if (span === undefined || span.start + span.size <= offset || span.size === 0) continue;
    if (span.start >= end) break;
    const from = Math.max(offset, span.start);
    const to = Math.min(end, span.start + span.size);
    yield { segment, offset: from - span.start, length: to - from };
  }
}

/** ListObjectsV2 over sorted keys: prefix, delimiter roll-up into common prefixes, StartAfter, MaxKeys. */
function listPage(sortedKeys: readonly string[], objects: ReadonlyMap<string, ObjectRecord>, options: ListOptions): ListPage {
  const { prefix = '', delimiter, startAfter, maxKeys } = options;
  const found: ObjectInfo[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (const key of sortedKeys) {
    if (startAfter !== undefined && compareUtf8(key, startAfter) <= 0) continue;
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter === undefined || delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const common = cut === -1 ? undefined : key.slice(0, cut + (delimiter ?? '').length);
    // A page that ended on a common prefix continues after every key under it.
    if (common !== undefined && (common === last || (startAfter !== undefined && compareUtf8(common, startAfter) <= 0))) continue;
    if (found.length + commonPrefixes.length >= maxKeys)
      return { objects: found, commonPrefixes, isTruncated: true, ...(last === undefined ? {} : { nextStartAfter: last }) };
    if (common === undefined) {
      const record = objects.get(key);
      if (record !== undefined) found.push(objectInfo(record));
      last = key;
    } else {
      commonPrefixes.push(common);
      last = common;
    }
  }
  return { objects: found, commonPrefixes, isTruncated: false };
}

/** S3's upload order: key (UTF-8 bytes), then initiation, oldest first (the id breaks ties). */
function compareUploads(a: UploadRecord, b: UploadRecord): number {
  return compareUtf8(a.key, b.key) || a.initiated - b.initiated || compareUtf8(a.uploadId, b.uploadId);
}

/** Whether an upload comes after ListMultipartUploads' markers. */
function afterMarkers(upload: UploadRecord, keyMarker: string | undefined, uploadIdMarker: string | undefined, sameKey: readonly UploadRecord[]): boolean {
  if (keyMarker === undefined) return true;
  const order = compareUtf8(upload.key, keyMarker);
  if (order !== 0 || uploadIdMarker === undefined) return order > 0;
  // The marker upload of this key: those after it in listing order. An id no longer there (its
  // upload completed or aborted): S3 documents "upload IDs lexicographically greater".
  const at = sameKey.findIndex((candidate) => candidate.uploadId === uploadIdMarker);
  return at === -1 ? compareUtf8(upload.uploadId, uploadIdMarker) > 0 : sameKey.indexOf(upload) > at;
}

/** ListMultipartUploads over sorted uploads: markers, prefix, delimiter roll-up, MaxUploads. */
function uploadPage(sorted: readonly UploadRecord[], options: UploadListOptions): UploadListPage {
  const { prefix = '', delimiter, keyMarker, uploadIdMarker, maxUploads } = options;
  const markerKeyUploads = keyMarker === undefined ? [] : sorted.filter((upload) => upload.key === keyMarker);
  const uploads: UploadInfo[] = [];
  const commonPrefixes: string[] = [];
  let last: { key: string; uploadId?: string } | undefined;
  for (const upload of sorted) {
    if (!upload.key.startsWith(prefix) || !afterMarkers(upload, keyMarker, uploadIdMarker, markerKeyUploads)) continue;
    const cut = delimiter === undefined || delimiter === '' ? -1 : upload.key.indexOf(delimiter, prefix.length);
    const common = cut === -1 ? undefined : upload.key.slice(0, cut + (delimiter ?? '').length);
    // A page that ended on a common prefix continues after every upload under it.
    if (common !== undefined && (common === last?.key || (keyMarker !== undefined && compareUtf8(common, keyMarker) <= 0))) continue;
    if (uploads.length + commonPrefixes.length >= maxUploads) {
      return {
        uploads,
        commonPrefixes,
        isTruncated: true,
        ...(last === undefined ? {} : { nextKeyMarker: last.key }),
        ...(last?.uploadId === undefined ? {} : { nextUploadIdMarker: last.uploadId }),
      };
    }
    if (common === undefined) {
      uploads.push(upload);
      last = { key: upload.key, uploadId: upload.uploadId };
    } else {
      commonPrefixes.push(common);
      last = { key: common };
    }
  }
  return { uploads, commonPrefixes, isTruncated: false };
}
