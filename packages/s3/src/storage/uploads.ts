/**
 * @module
 * Multipart uploads in the indexed store: an upload's record, its parts (each a blob streamed in
 * without a lock, then its record written under the upload's lock), listing, and its end: a
 * completion commits the object naming the parts' blobs (`object-commit.ts`) and then removes
 * the upload, under both locks; an abort removes the upload and releases its parts' blobs.
 */

import { S3Error } from '../errors.ts';
import { discard, openReader, pinningFor, writeBlob } from './blob-lifecycle.ts';
import { copyFields, partInfo, resolveFields, type UploadState } from './bucket-index.ts';
import { confirmByRewrite, outcomeUnknown, persisted, unlessOutcomeUnknown } from './commit-outcome.ts';
import { compareUploads, partPage, uploadPage } from './listing.ts';
import { commitObject } from './object-commit.ts';
import type { ObjectRecord, PartRecord, SegmentRecord, UploadRecord } from './persistence.ts';
import { bucketName, bucketState, type StoreState, uploadState } from './store-state.ts';
import type {
  BodySource,
  BucketTarget,
  CommitGuard,
  CompletionFields,
  FieldsSource,
  ObjectInfo,
  ObjectReader,
  PartInfo,
  PartListOptions,
  PartListPage,
  StoredFields,
  UploadInfo,
  UploadListOptions,
  UploadListPage,
} from './types.ts';

/**
 * `ObjectStore.createUpload`: writes the upload's record and indexes it.
 * @throws S3Error NoSuchBucket.
 * @example const upload = await createUpload(store, 'b', 'big.bin', {});
 */
export async function createUpload(store: StoreState, target: BucketTarget, key: string, metadata: StoredFields): Promise<UploadInfo> {
  const bucket = bucketName(target);
  const upload: UploadRecord = { uploadId: store.newId(), key, initiated: store.now(), metadata: copyFields(metadata) };
  return store.locks.run(`u\0${bucket}\0${upload.uploadId}`, async () => {
    const state = bucketState(store, target);
    state.pending += 1;
    try {
      const index = (): void => void state.uploads.set(upload.uploadId, { upload, parts: new Map() });
      await persisted(store.persistence.writeUpload(bucket, upload), index);
      index();
    } finally {
      state.pending -= 1;
    }
    return upload;
  });
}

/**
 * `ObjectStore.getUpload`.
 * @throws S3Error NoSuchBucket.
 * @example const upload = await getUpload(store, 'b', uploadId);
 */
export async function getUpload(store: StoreState, bucket: BucketTarget, uploadId: string): Promise<UploadInfo | undefined> {
  return bucketState(store, bucket).uploads.get(uploadId)?.upload;
}

/**
 * `ObjectStore.listUploads`: one page of the bucket's uploads in S3's order.
 * @throws S3Error NoSuchBucket.
 * @example const page = await listUploads(store, 'b', { maxUploads: 1000 });
 */
export async function listUploads(store: StoreState, bucket: BucketTarget, options: UploadListOptions): Promise<UploadListPage> {
  const uploads = [...bucketState(store, bucket).uploads.values()].map((state) => state.upload);
  return uploadPage(uploads.sort(compareUploads), options);
}

/**
 * `ObjectStore.putPart`: streams the part into a fresh blob, then writes its record under the
 * upload's lock, releasing the blob of the part it replaces.
 * @throws S3Error NoSuchBucket or NoSuchUpload.
 * @example const part = await putPart(store, 'b', uploadId, 1, chunks, {});
 */
export async function putPart(
  store: StoreState,
  target: BucketTarget,
  uploadId: string,
  partNumber: number,
  body: BodySource,
  metadata: FieldsSource,
): Promise<PartInfo> {
  const state = bucketState(store, target);
  const bucket = state.record.name;
  uploadState(store, target, uploadId);
  const blobId = store.newId();
  const pinning = pinningFor(store, body);
  let size: number;
  try {
    size = await writeBlob(store, bucket, state, blobId, pinning?.body ?? body);
  } catch (error) {
    // The bucket was deleted as the part streamed in (with the upload: DeleteBucket refuses
    // while one is open): answered as the request would be now, NoSuchBucket, or NoSuchUpload
    // if a bucket of that name exists again.
    if (store.buckets.get(bucket) !== state) uploadState(store, target, uploadId);
    throw error;
  }
  const pin = pinning === undefined ? {} : { pin: pinning.pin() };
  let replaced: PartRecord | undefined;
  try {
    store.refs.retain(bucket, [blobId]);
    return await store.locks.run(`u\0${bucket}\0${uploadId}`, async () => {
      const upload = uploadState(store, target, uploadId);
      const part: PartRecord = { partNumber, blobId, size, ...pin, lastModified: store.now(), metadata: copyFields(resolveFields(metadata)) };
      const old = upload.parts.get(partNumber);
      // Not durable: the part is in place (its blob counted by it), the old one's blob stays
      // until a rewrite confirms the part (`confirmPart`).
      await persisted(store.persistence.writePart(bucket, uploadId, part), () => {
        upload.parts.set(partNumber, part);
        replaced = old;
      });
      upload.parts.set(partNumber, part);
      if (old !== undefined) await store.refs.release(bucket, [old.blobId]);
      return partInfo(part);
    });
  } catch (error) {
    if (!outcomeUnknown(error)) await discard(store, bucket, [blobId]);
    // With the upload's lock released (the rewrite takes it again, after any write queued behind it).
    if (replaced !== undefined) await confirmPart(store, bucket, uploadId, replaced);
    throw error;
  }
}

/**
 * Writes the part's record anew from the index (`confirmByRewrite`), then releases the blob of
 * `replaced`, the part a write whose outcome is unknown replaced. An upload completed or aborted
 * since is left to the next open.
 */
async function confirmPart(store: StoreState, bucket: string, uploadId: string, replaced: PartRecord): Promise<void> {
  const upload = store.buckets.get(bucket)?.uploads.get(uploadId);
  const rewrite = async (): Promise<boolean> => {
    const current = upload === undefined || store.buckets.get(bucket)?.uploads.get(uploadId) !== upload ? undefined : upload.parts.get(replaced.partNumber);
    if (current === undefined) return false;
    await store.persistence.writePart(bucket, uploadId, current);
    return true;
  };
  await confirmByRewrite(store, `u\0${bucket}\0${uploadId}`, rewrite, bucket, [replaced.blobId]);
}

/**
 * `ObjectStore.listParts`.
 * @throws S3Error NoSuchBucket or NoSuchUpload.
 * @example const page = await listParts(store, 'b', uploadId, { maxParts: 1000 });
 */
export async function listParts(store: StoreState, bucket: BucketTarget, uploadId: string, options: PartListOptions): Promise<PartListPage> {
  return partPage(uploadState(store, bucket, uploadId).parts.values(), options);
}

/**
 * `ObjectStore.openPart`: a reader of one part, as an object named `<uploadId>#<partNumber>`.
 * @throws S3Error NoSuchBucket or NoSuchUpload.
 * @example const reader = await openPart(store, 'b', uploadId, 1);
 */
export async function openPart(store: StoreState, target: BucketTarget, uploadId: string, partNumber: number): Promise<ObjectReader | undefined> {
  const bucket = bucketName(target);
  const part = uploadState(store, target, uploadId).parts.get(partNumber);
  if (part === undefined) return undefined;
  const info: ObjectInfo = {
    key: `${uploadId}#${partNumber}`,
    size: part.size,
    segments: [part.size],
    lastModified: part.lastModified,
    metadata: part.metadata,
  };
  return openReader(store, bucket, info, { blobIds: [part.blobId], sizes: [part.size], pins: [part.pin] });
}

/**
 * `ObjectStore.completeUpload`: commits the object the parts make, then removes the upload.
 * @throws S3Error NoSuchBucket, NoSuchUpload or InvalidPart; what `guard` throws.
 * @example const info = await completeUpload(store, 'b', uploadId, [1, 2], {});
 */
export async function completeUpload(
  store: StoreState,
  target: BucketTarget,
  uploadId: string,
  partNumbers: readonly number[],
  metadata: CompletionFields,
  guard?: CommitGuard,
): Promise<ObjectInfo> {
  const bucket = bucketName(target);
  return store.locks.run(`u\0${bucket}\0${uploadId}`, async () => {
    const upload = uploadState(store, target, uploadId);
    const state = bucketState(store, target);
    const parts = partNumbers.map((number) => {
      const part = upload.parts.get(number);
      if (part === undefined) throw new S3Error('InvalidPart');
      return part;
    });
    // Under the upload's lock: no part can be replaced between this check and the commit.
    const fields = copyFields(typeof metadata === 'function' ? metadata(parts.map(partInfo)) : metadata);
    const segments = parts.map((part): SegmentRecord => ({ blobId: part.blobId, size: part.size, ...(part.pin === undefined ? {} : { pin: part.pin }) }));
    const record: ObjectRecord = { key: upload.upload.key, segments, lastModified: store.now(), metadata: fields };
    // The upload goes under the object's lock too: once another write may replace the object,
    // the upload is gone, so a crash does not bring a completed upload back (opening removes an
    // upload only while an object still names its parts). Unless its removal could not be
    // confirmed (a directory fsync failed after the unlink): the object is durable, so the
    // completion took effect and answers 200 (a 500 would send the SDK's retry to NoSuchUpload
    // although the object is whole); the upload's files are gone, but if a crash loses that
    // unlink after the object was replaced or deleted, the upload comes back open (README,
    // "Known differences").
    return commitObject(
      store,
      bucket,
      record,
      segments.map((segment) => segment.blobId),
      () => dropUpload(store, bucket, upload).catch(unlessOutcomeUnknown),
      guard,
      state,
    );
  });
}

/**
 * `ObjectStore.abortUpload`: removes the upload and releases its parts' blobs.
 * @throws S3Error NoSuchBucket.
 * @example const aborted = await abortUpload(store, 'b', uploadId);
 */
export async function abortUpload(store: StoreState, target: BucketTarget, uploadId: string): Promise<boolean> {
  const bucket = bucketName(target);
  return store.locks.run(`u\0${bucket}\0${uploadId}`, async () => {
    const upload = bucketState(store, target).uploads.get(uploadId);
    if (upload === undefined) return false;
    await dropUpload(store, bucket, upload);
    return true;
  });
}

/** Removes `upload` and releases its parts' blobs (unless the removal's outcome is unknown). */
async function dropUpload(store: StoreState, bucket: string, upload: UploadState): Promise<void> {
  const unindex = (): void => void bucketState(store, bucket).uploads.delete(upload.upload.uploadId);
  // Not durable: the parts' blobs stay counted (a crash may bring the upload back).
  await persisted(store.persistence.deleteUpload(bucket, upload.upload.uploadId), unindex);
  unindex();
  await store.refs.release(
    bucket,
    [...upload.parts.values()].map((part) => part.blobId),
  );
}
