/**
 * @module
 * What the parts of the indexed store share (`indexed-store.ts`, `object-commit.ts`,
 * `uploads.ts`, `blob-lifecycle.ts`): the backend, the index of every bucket, the blobs' reference
 * counts, the locks that serialise the commit steps touching one name, the clock and the id
 * source; and the lookups that answer S3's NoSuchBucket and NoSuchUpload.
 */

import { S3Error } from '../errors.ts';
import type { BlobRefs } from './blob-refs.ts';
import type { BucketState, UploadState } from './bucket-index.ts';
import type { Persistence } from './persistence.ts';
import type { KeyedLock } from './support.ts';
import type { BucketTarget } from './types.ts';

/** One indexed store's state, shared by the modules that hold its steps. */
export interface StoreState {
  readonly persistence: Persistence;
  /** Every bucket's index, by name. */
  readonly buckets: Map<string, BucketState>;
  readonly refs: BlobRefs;
  /** Keys: `b\0<bucket>`, `o\0<bucket>\0<key>`, `u\0<bucket>\0<uploadId>`. */
  readonly locks: KeyedLock;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** A fresh random identifier of URL-safe characters (blob and upload ids). */
  readonly newId: () => string;
}

/**
 * The index of the bucket `target` names: by name, or, for a `BucketIdentity`, only while that
 * very bucket exists (not another created since under its name).
 * @throws S3Error NoSuchBucket.
 * @example const state = bucketState(store, 'b');
 */
export function bucketState(store: StoreState, target: BucketTarget): BucketState {
  const name = bucketName(target);
  const state = store.buckets.get(name);
  if (state === undefined || (typeof target !== 'string' && state.record.id !== target.id)) throw noSuchBucket(name);
  return state;
}

/** The name of the bucket `target` names. */
export function bucketName(target: BucketTarget): string {
  return typeof target === 'string' ? target : target.name;
}

/**
 * The upload `uploadId` of `bucket`, with its parts.
 * @throws S3Error NoSuchBucket or NoSuchUpload.
 * @example const upload = uploadState(store, 'b', uploadId);
 */
export function uploadState(store: StoreState, bucket: BucketTarget, uploadId: string): UploadState {
  const upload = bucketState(store, bucket).uploads.get(uploadId);
  if (upload === undefined) throw noSuchUpload(uploadId);
  return upload;
}

/** S3's NoSuchBucket for `bucket`. */
export function noSuchBucket(bucket: string): S3Error {
  return new S3Error('NoSuchBucket', { fields: [['BucketName', bucket]] });
}

function noSuchUpload(uploadId: string): S3Error {
  return new S3Error('NoSuchUpload', { fields: [['UploadId', uploadId]] });
}
