/**
 * @module
 * What the indexed store keeps in memory for each bucket (its record, objects, uploads with their
 * parts, and the writes in flight), and how index records are shown to callers: `ObjectInfo` and
 * `PartInfo` views, and metadata copied into frozen null-prototype maps, so stored metadata never
 * aliases a caller's object nor passes through a prototype setter.
 */

import type { BucketRecord, ObjectRecord, PartRecord, UploadRecord } from './persistence.ts';
import type { FieldsSource, ObjectInfo, PartInfo, StoredFields } from './types.ts';

/** An upload in progress and its parts, by part number. */
export interface UploadState {
  readonly upload: UploadRecord;
  readonly parts: Map<number, PartRecord>;
}

/** One bucket's index. */
export interface BucketState {
  record: BucketRecord;
  readonly objects: Map<string, ObjectRecord>;
  readonly uploads: Map<string, UploadState>;
  /** The object keys in S3's order, computed on demand and dropped when a key comes or goes. */
  sortedKeys: string[] | undefined;
  /**
   * Object and upload manifests being written into the bucket (from before the write until the
   * index names them): DeleteBucket refuses while there are any, as it refuses a bucket that
   * holds objects, since once acknowledged they must not vanish with the bucket.
   */
  pending: number;
}

/** The index of a bucket that holds nothing yet. */
export function emptyBucketState(record: BucketRecord): BucketState {
  return { record, objects: new Map(), uploads: new Map(), sortedKeys: undefined, pending: 0 };
}

/** An object record as callers see it: segment sizes and their total instead of blob ids. */
export function objectInfo(record: ObjectRecord): ObjectInfo {
  const segments = record.segments.map((segment) => segment.size);
  return { key: record.key, size: segments.reduce((sum, size) => sum + size, 0), segments, lastModified: record.lastModified, metadata: record.metadata };
}

/** A part record as callers see it, without its blob id. */
export function partInfo(part: PartRecord): PartInfo {
  return { partNumber: part.partNumber, size: part.size, lastModified: part.lastModified, metadata: part.metadata };
}

/** The fields a write stores, computed now if the caller deferred them. */
export function resolveFields(metadata: FieldsSource): StoredFields {
  return typeof metadata === 'function' ? metadata() : metadata;
}

/**
 * A null-prototype copy, so stored metadata never aliases the caller's object nor has a prototype.
 * @throws TypeError if a value is not a string.
 */
export function copyFields(fields: StoredFields): StoredFields {
  const copy = Object.create(null) as Record<string, string>;
  // Own enumerable string keys, as `Object.entries` gives them, with no [name, value] pair made per field.
  for (const name of Object.keys(fields)) {
    const value = fields[name];
    if (typeof value !== 'string') throw new TypeError(`metadata "${name}" expected a string, got ${typeof value}`);
    copy[name] = value;
  }
  return Object.freeze(copy);
}
