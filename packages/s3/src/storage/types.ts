/**
 * @module
 * The one storage interface of the S3 engine. It stores buckets, objects and multipart parts as
 * opaque bytes with string metadata: it knows nothing of encryption (the engine hands it sealed
 * bytes) nor of S3's rules beyond the ones storage alone can answer (a missing bucket, object,
 * upload or part). Bodies stream in as async iterables and out through a reader, never as one
 * buffer. An object is a list of segments: one for a PUT, one per part for a completed multipart
 * upload, so each part's sealed message stays separately addressable.
 *
 * Every write is atomic (a reader sees the old object or the new one, never a mix) and, in a
 * durable backend, acknowledged only once it survives a crash.
 */

import type { FileIo } from '@strongbox/service-kernel';

/** Metadata the engine keeps with a bucket, object, upload or part: string pairs. */
export type StoredFields = Readonly<Record<string, string>>;

/** A body streaming in. */
export type BodySource = AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/**
 * Metadata to store with a body: fixed, or computed once the body has been consumed (so it can
 * carry the body's size, digest and ETag, known only at its end).
 */
export type FieldsSource = StoredFields | (() => StoredFields);

/**
 * Which bucket: its name, and its `id`, which a bucket keeps from its creation until it is deleted
 * and which no other bucket of that name ever has. In S3 a bucket is a resource of its own: one
 * deleted and created again under its name is another bucket, and a request begun against the
 * first must not act on the second.
 */
export interface BucketIdentity {
  readonly name: string;
  readonly id: string;
}

/**
 * The bucket a store call acts on: a name acts on whatever bucket has that name when the call
 * runs; a `BucketIdentity` (a `BucketInfo` is one) acts on that very bucket only, and the call
 * fails NoSuchBucket, changing nothing, if it has been deleted since, even when a bucket of the
 * same name exists again (so a write read against one bucket never lands in its successor).
 */
export type BucketTarget = string | BucketIdentity;

/** A bucket as stored. */
export interface BucketInfo extends BucketIdentity {
  /** Milliseconds since the epoch, from the store's clock. */
  readonly created: number;
  readonly metadata: StoredFields;
}

/** An object as stored. */
export interface ObjectInfo {
  readonly key: string;
  /** Stored bytes in total (the sum of `segments`). */
  readonly size: number;
  /** Stored bytes of each segment, in order. */
  readonly segments: readonly number[];
  readonly lastModified: number;
  readonly metadata: StoredFields;
}

/** A multipart upload in progress. */
export interface UploadInfo {
  readonly uploadId: string;
  readonly key: string;
  readonly initiated: number;
  readonly metadata: StoredFields;
}

/** One uploaded part. */
export interface PartInfo {
  readonly partNumber: number;
  readonly size: number;
  readonly lastModified: number;
  readonly metadata: StoredFields;
}

/** Options of `ObjectReader.stream`. */
export interface StreamOptions {
  /** The consumer never writes into a chunk, so a store may hand out views of its own bytes. */
  readonly readOnly?: boolean;
}

/** Open access to one object's bytes; the bytes stay readable until `close`, even if the object is replaced or deleted meanwhile. */
export interface ObjectReader {
  readonly info: ObjectInfo;
  /** Exactly `length` stored bytes from `offset` (across segments). */
  read(offset: number, length: number): Promise<Uint8Array>;
  /**
   * Streams `length` bytes from `offset` (default: everything), in chunks of bounded size. Each
   * chunk is the caller's to keep and change, unless `readOnly`: a consumer that only reads the
   * chunks (a decryptor, whose output is a buffer of its own) lets a store hand out views of the
   * bytes it holds instead of copies (the memory store; a file's chunks are fresh reads anyway).
   */
  stream(offset?: number, length?: number, options?: StreamOptions): AsyncIterable<Uint8Array>;
  /**
   * Checks the blobs of these segments (indexes into `info.segments`) against the pins their
   * manifest recorded, now, so that a blob swapped on disk fails a response before it starts rather
   * than in the middle of its body; reads check on their own anyway. A few blobs are read at a
   * time, and only the first listed segment's first bytes are kept for the reads that follow: pass
   * the segment(s) a response starts with, not every one it will reach. Stores whose blobs need no
   * pin (memory) omit it.
   * @throws S3Error InternalError for a blob that is not the one its manifest names.
   */
  check?(segments: readonly number[]): Promise<void>;
  /** Releases the bytes (a replaced or deleted object's are removed then). */
  close(): Promise<void>;
}

/** ListObjectsV2's paging inputs, already decoded. */
export interface ListOptions {
  readonly prefix?: string | undefined;
  readonly delimiter?: string | undefined;
  /** Exclusive: list keys after this one (StartAfter, or a decoded continuation token). */
  readonly startAfter?: string | undefined;
  /** 0..1000; objects and common prefixes both count. */
  readonly maxKeys: number;
}

/** One page of a listing, in UTF-8 binary key order (S3's order). */
export interface ListPage {
  readonly objects: readonly ObjectInfo[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** The last key or common prefix on this page, from which the next page starts; set when truncated. */
  readonly nextStartAfter?: string;
}

/** ListMultipartUploads' paging inputs, already decoded. */
export interface UploadListOptions {
  readonly prefix?: string | undefined;
  readonly delimiter?: string | undefined;
  /**
   * Exclusive: list uploads of keys after this one; with `uploadIdMarker`, also the uploads of this
   * very key that come after that upload (S3's `key-marker` and `upload-id-marker`).
   */
  readonly keyMarker?: string | undefined;
  /** Only with `keyMarker` (S3 ignores it otherwise). */
  readonly uploadIdMarker?: string | undefined;
  /** 0..1000; uploads and common prefixes both count. */
  readonly maxUploads: number;
}

/**
 * One page of uploads in progress: by key in UTF-8 binary order, then by initiation (oldest
 * first), as S3 lists them.
 */
export interface UploadListPage {
  readonly uploads: readonly UploadInfo[];
  readonly commonPrefixes: readonly string[];
  readonly isTruncated: boolean;
  /** Set when truncated: the last key or common prefix on this page. */
  readonly nextKeyMarker?: string;
  /** Set when truncated on an upload (not on a common prefix): its id. */
  readonly nextUploadIdMarker?: string;
}

/** ListParts' paging inputs. */
export interface PartListOptions {
  /** Exclusive: list parts numbered above this one. */
  readonly partNumberMarker?: number | undefined;
  /** 0..1000. */
  readonly maxParts: number;
}

/** One page of an upload's parts, by number. */
export interface PartListPage {
  readonly parts: readonly PartInfo[];
  readonly isTruncated: boolean;
  /** Set when truncated: the last part number on this page. */
  readonly nextPartNumberMarker?: number;
}

/**
 * The metadata of a completed object: fixed, or computed from the listed parts (in the order
 * listed) while the upload is held, so checks against the parts (their ETags, their sizes) and
 * the completion are one atomic step; throwing there changes nothing.
 */
export type CompletionFields = StoredFields | ((parts: readonly PartInfo[]) => StoredFields);

/**
 * A check of the object a write replaces, run under that key's lock just before the write commits
 * (S3's conditional writes, `If-Match` / `If-None-Match`): throwing refuses the write, and no
 * other write of the key can commit between the check and this one.
 */
export type CommitGuard = (current: ObjectInfo | undefined) => void;

/** What `deleteBucket` found. */
export type DeleteBucketResult = 'deleted' | 'not-empty' | 'missing';

/**
 * Object storage for the S3 engine: in memory (`createMemoryObjectStore`) or in a durable data
 * directory (`openFileSystemObjectStore`). Both pass the same conformance suite.
 *
 * Missing things are reported with S3's errors: NoSuchBucket, NoSuchUpload, InvalidPart.
 *
 * Conditional writes: an implementation MUST honour the optional `guard` parameter of
 * `putObject`, `deleteObject` and `completeUpload`, calling it with the key's current object
 * under that key's lock, in the same critical section as the commit (nothing stored or deleted
 * if it throws). The check and the write must be atomic: S3's `If-None-Match: *` / `If-Match`
 * are the create-only and compare-and-swap primitives, and a check made outside the lock lets two
 * concurrent writers both win. TypeScript accepts an implementation that declares fewer
 * parameters, so ignoring `guard` would compile and silently overwrite: the conformance suite
 * is what catches it.
 *
 * Bucket identity: every method that takes a bucket takes a `BucketTarget`. An implementation MUST
 * give each bucket it creates an `id` no earlier bucket of that name had, and MUST refuse a call
 * naming a `BucketIdentity` whose bucket is gone (NoSuchBucket; `deleteBucket` answers `missing`),
 * checked again where a write commits, so that a DeleteBucket and CreateBucket of the name while
 * the write was under way (its body streaming, or its caller between reading the bucket and
 * writing) leaves the new bucket untouched. The engine passes the identity it read on every
 * call; a store that took it for a name would look up `[object Object]` and answer NoSuchBucket
 * everywhere, which the conformance suite catches too.
 */
export interface ObjectStore {
  /** Creates a bucket; false if it exists. */
  createBucket(name: string, metadata: StoredFields): Promise<boolean>;
  getBucket(name: string): Promise<BucketInfo | undefined>;
  /**
   * Replaces a bucket's metadata with `update(current)`, called under the bucket's lock on the
   * bucket as it is then (`undefined`: leave it as it is). The read and the write must be atomic:
   * an update built from a copy read earlier would write it back over a concurrent update, each
   * acknowledged (a PutBucketEncryption undoing a PutBucketPolicy).
   * @throws S3Error NoSuchBucket, or whatever `update` throws (nothing is written then).
   */
  updateBucket(name: BucketTarget, update: (current: BucketInfo) => StoredFields | undefined): Promise<BucketInfo>;
  /** Deletes an empty bucket (no objects, no uploads in progress); `missing` if it is gone (or is another bucket now). */
  deleteBucket(name: BucketTarget): Promise<DeleteBucketResult>;
  /** Every bucket, by name. */
  listBuckets(): Promise<readonly BucketInfo[]>;

  /**
   * Stores an object from a streamed body, replacing any object of that key; `guard`, if given,
   * checks the object replaced under the key's lock first. @throws S3Error NoSuchBucket, or
   * whatever `guard` throws (nothing is stored then).
   */
  putObject(bucket: BucketTarget, key: string, body: BodySource, metadata: FieldsSource, guard?: CommitGuard): Promise<ObjectInfo>;
  /** @throws S3Error NoSuchBucket. */
  headObject(bucket: BucketTarget, key: string): Promise<ObjectInfo | undefined>;
  /** @throws S3Error NoSuchBucket. */
  openObject(bucket: BucketTarget, key: string): Promise<ObjectReader | undefined>;
  /**
   * Replaces an object's metadata, keeping its bytes: with `metadata`, or with `update(current)`
   * called under the key's lock on the object as it is then (atomic, as for `updateBucket`: fields
   * built from an earlier read would put one object's record on another's bytes). The object's
   * time becomes now unless `options.keepLastModified` (PutObjectTagging: tags are a subresource
   * and leave Last-Modified as it was).
   * @throws S3Error NoSuchBucket, NoSuchKey, or whatever `update` throws (nothing is written then).
   */
  updateObjectMetadata(
    bucket: BucketTarget,
    key: string,
    metadata: StoredFields | ((current: ObjectInfo) => StoredFields),
    options?: { readonly keepLastModified?: boolean },
  ): Promise<ObjectInfo>;
  /**
   * @returns whether an object was deleted; `guard`, if given, checks the object under the key's
   * lock first. @throws S3Error NoSuchBucket, or whatever `guard` throws (nothing is deleted then).
   */
  deleteObject(bucket: BucketTarget, key: string, guard?: CommitGuard): Promise<boolean>;
  /** @throws S3Error NoSuchBucket. */
  listObjects(bucket: BucketTarget, options: ListOptions): Promise<ListPage>;

  /** Starts a multipart upload. @throws S3Error NoSuchBucket. */
  createUpload(bucket: BucketTarget, key: string, metadata: StoredFields): Promise<UploadInfo>;
  /** @throws S3Error NoSuchBucket. */
  getUpload(bucket: BucketTarget, uploadId: string): Promise<UploadInfo | undefined>;
  /** Uploads in progress, by key then initiation, a page at a time. @throws S3Error NoSuchBucket. */
  listUploads(bucket: BucketTarget, options: UploadListOptions): Promise<UploadListPage>;
  /**
   * Stores a part, replacing one of the same number (whose bytes are then released). Resolves only
   * once the part is durable. @throws S3Error NoSuchBucket, NoSuchUpload (also when the upload is
   * completed or aborted while the body streams in: nothing is kept then).
   */
  putPart(bucket: BucketTarget, uploadId: string, partNumber: number, body: BodySource, metadata: FieldsSource): Promise<PartInfo>;
  /** Parts by number, a page at a time. @throws S3Error NoSuchBucket, NoSuchUpload. */
  listParts(bucket: BucketTarget, uploadId: string, options: PartListOptions): Promise<PartListPage>;
  /** Opens one part's bytes (UploadPartCopy and checks). @throws S3Error NoSuchBucket, NoSuchUpload. */
  openPart(bucket: BucketTarget, uploadId: string, partNumber: number): Promise<ObjectReader | undefined>;
  /**
   * Makes the listed parts, in order, the segments of the upload's object (replacing any object of
   * that key), and ends the upload; unlisted parts are discarded. Atomic: a crash leaves either the
   * upload in progress (and any old object) or the completed object, never a mix, and the upload
   * never comes back once the object is visible.
   * @throws S3Error NoSuchBucket, NoSuchUpload, InvalidPart (a listed part was not uploaded), or
   *   whatever `metadata` or `guard` (as for `putObject`) throws; the upload stays in progress then.
   */
  completeUpload(bucket: BucketTarget, uploadId: string, partNumbers: readonly number[], metadata: CompletionFields, guard?: CommitGuard): Promise<ObjectInfo>;
  /** @returns whether an upload was aborted. @throws S3Error NoSuchBucket. */
  abortUpload(bucket: BucketTarget, uploadId: string): Promise<boolean>;

  /** Waits for work in flight and releases resources (a directory store's lock). */
  close(): Promise<void>;

  /**
   * A data-directory store's file operations fenced by its lease (the service kernel's
   * `fencedFileIo`), for other files kept in its directory: the engine's SSE-S3 root keys go
   * through them, so a process whose lease lapsed creates no root key beside the new holder's.
   * Absent for a store without a data directory.
   */
  readonly dataDirectoryIo?: FileIo | undefined;
}
