/**
 * @module
 * What a storage backend must provide underneath the shared `IndexedObjectStore`: blobs (bytes
 * under a random id, written once, never changed) and records (small JSON manifests naming
 * blobs). A manifest is the commit point of every write: the blob is durable before the manifest
 * that names it is written, and a manifest is replaced atomically, so a crash at any moment leaves
 * either the old manifest or the new one, and at worst blobs that no manifest names (removed
 * at the next open).
 */

import type { FileIo } from '@strongbox/service-kernel';
import type { BodySource, StoredFields } from './types.ts';

/** One stored segment of an object: a blob and its length. */
export interface SegmentRecord {
  readonly blobId: string;
  readonly size: number;
  /**
   * The blob's pin (`blob-pin.ts`): hex SHA-256 of its first bytes, checked before they are served.
   * Absent where blobs are not at rest (memory) and for blobs written before pins.
   */
  readonly pin?: string;
}

export interface BucketRecord {
  readonly name: string;
  /** The bucket's identity (`BucketIdentity.id`): unique among the buckets ever made under its name. */
  readonly id: string;
  readonly created: number;
  readonly metadata: StoredFields;
}

export interface ObjectRecord {
  readonly key: string;
  readonly segments: readonly SegmentRecord[];
  readonly lastModified: number;
  readonly metadata: StoredFields;
}

export interface UploadRecord {
  readonly uploadId: string;
  readonly key: string;
  readonly initiated: number;
  readonly metadata: StoredFields;
}

export interface PartRecord {
  readonly partNumber: number;
  readonly blobId: string;
  readonly size: number;
  /** As `SegmentRecord.pin`. */
  readonly pin?: string;
  readonly lastModified: number;
  readonly metadata: StoredFields;
}

/** Everything a backend holds, as found when opening it. */
export interface LoadedBucket {
  readonly bucket: BucketRecord;
  readonly objects: readonly ObjectRecord[];
  readonly uploads: readonly { readonly upload: UploadRecord; readonly parts: readonly PartRecord[] }[];
  /** Every blob present, named or not. */
  readonly blobIds: readonly string[];
}

/**
 * Storage primitives; each write resolves only once it is as durable as the backend makes it. A
 * write of a record (or its removal) that fails with S3Error `CommitOutcomeUnknown` has put its
 * change in place (the next `load` may find it), only unconfirmed; any other failure changed no
 * record.
 */
export interface Persistence {
  /**
   * Whether blobs rest where others can write them (a data directory, an upstream bucket): each
   * is then pinned to the manifest naming it (`blob-pin.ts`). Memory needs no pins.
   */
  readonly atRest?: boolean;
  /**
   * The file operations of the data directory this persistence keeps its records in, fenced by
   * its lease (`fencedFileIo`): a process whose lease lapsed changes nothing through it. The
   * persistence itself loads the directory and removes blob files, leftovers and orphans through
   * it; the engine keeps other files in that directory through it too (the SSE-S3 root keys).
   * Absent without a data directory.
   */
  readonly dataDirectoryIo?: FileIo;
  load(): Promise<readonly LoadedBucket[]>;
  /** Writes a new blob from a stream; nothing is left behind if the stream fails. */
  writeBlob(bucket: string, blobId: string, body: BodySource): Promise<number>;
  readBlob(bucket: string, blobId: string, offset: number, length: number): Promise<Uint8Array>;
  /** With `readOnly`, chunks may be views of bytes the backend keeps (see `ObjectReader.stream`). */
  streamBlob(bucket: string, blobId: string, offset: number, length: number, readOnly?: boolean): AsyncIterable<Uint8Array>;
  /**
   * Removes a blob nothing names any more (its object replaced or deleted durably, its write
   * failed, an orphan at open). Never throws: the change that let go of it is acknowledged, or
   * a write is failing with an error of its own, so a removal that fails leaves the blob for the
   * next open to remove (a data directory warns, `STRONGBOX_BLOB_REMOVAL`, unless its lease is
   * lost), and releasing several blobs goes on past it.
   */
  deleteBlob(bucket: string, blobId: string): Promise<void>;
  writeBucket(record: BucketRecord): Promise<void>;
  deleteBucket(name: string): Promise<void>;
  writeObject(bucket: string, record: ObjectRecord): Promise<void>;
  deleteObject(bucket: string, key: string): Promise<void>;
  writeUpload(bucket: string, record: UploadRecord): Promise<void>;
  writePart(bucket: string, uploadId: string, record: PartRecord): Promise<void>;
  /** Removes an upload's records (not its blobs). */
  deleteUpload(bucket: string, uploadId: string): Promise<void>;
  close(): Promise<void>;
}
