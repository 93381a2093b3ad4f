/**
 * @module
 * An object as the operations keep it: the storage fields naming its encryption mode, ETag,
 * sealed segments, content type and user metadata (plus the mode's own non-secret fields, such as
 * the SSE-C key verifier), and the request members every object operation shares.
 */

import type { SealedSegment } from '../../crypto/index.ts';
import { S3Error } from '../../errors.ts';
import { checkWriteCondition, type WriteCondition } from '../../model/conditional-write.ts';
import type { CustomerKeyHeaders } from '../../model/customer-key.ts';
import type { EncryptionMode, SseRequest } from '../../model/encryption.ts';
import { checkUserMetadataSize } from '../../model/metadata.ts';
import { assertObjectKey } from '../../model/names.ts';
import { type ObjectHeaders, parseObjectHeaders } from '../../model/object-headers.ts';
import { parseRestore, type RestoreRecord } from '../../model/restore.ts';
import { DEFAULT_STORAGE_CLASS, storedStorageClass } from '../../model/storage-class.ts';
import { parseTags, type Tag, tagsJson } from '../../model/tagging.ts';
import type { CommitGuard, ObjectInfo, StoredFields } from '../../storage/types.ts';

/** Stored field names (beside the mode's own). */
export const OBJECT_FIELDS: Readonly<{
  mode: string;
  etag: string;
  segments: string;
  parts: string;
  contentType: string;
  userMetadata: string;
  headers: string;
  storageClass: string;
  tags: string;
  restore: string;
}> = Object.freeze({
  mode: 'sse-mode',
  etag: 'etag',
  segments: 'segments',
  /** A completed multipart upload's part numbers, one per segment (absent for a single PUT). */
  parts: 'parts',
  contentType: 'content-type',
  userMetadata: 'user-metadata',
  /** The headers the object answers (`model/object-headers.ts`), JSON; absent for none. */
  headers: 'object-headers',
  /** The object's storage class (`model/storage-class.ts`); absent for STANDARD (and in records older than classes). */
  storageClass: 'storage-class',
  /** The object's tags (`model/tagging.ts`), JSON pairs; absent for none. */
  tags: 'tags',
  /** The object's restore (`model/restore.ts`), JSON; absent when none was ever requested. */
  restore: 'restore',
});

/** The SSE-C members of a request, as the SDK names them (the key is base64, as on the wire). */
export interface SseCustomerMembers {
  SSECustomerAlgorithm?: string;
  /** Base64 of the 32-byte key (the SDK's SSE-C middleware encodes a raw key this way). */
  SSECustomerKey?: string;
  SSECustomerKeyMD5?: string;
}

/** The encryption members of a write request. */
export interface SseWriteMembers extends SseCustomerMembers {
  ServerSideEncryption?: string;
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
}

/** The encryption fields of a response (exactly those S3 echoes for the mode). */
export interface SseResponseMembers {
  ServerSideEncryption?: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  SSEKMSKeyId?: string;
  SSEKMSEncryptionContext?: string;
  BucketKeyEnabled?: boolean;
  SSECustomerAlgorithm?: string;
  SSECustomerKeyMD5?: string;
}

/** An object's record, read back from storage. */
export interface ObjectRecord {
  readonly info: ObjectInfo;
  readonly mode: EncryptionMode;
  /** Quoted, as S3 sends it. */
  readonly etag: string;
  readonly segments: readonly SealedSegment[];
  /**
   * For a completed multipart upload, each segment's part number as uploaded (bound into its
   * sealed context); undefined for a single PUT.
   */
  readonly partNumbers: readonly number[] | undefined;
  readonly size: number;
  readonly contentType: string;
  readonly userMetadata: Record<string, string>;
  /** Cache-Control, Content-Disposition, … as the write that made the object set them. */
  readonly headers: Readonly<ObjectHeaders>;
  /** `STANDARD` unless the write that made the object named another class. */
  readonly storageClass: string;
  readonly tags: readonly Tag[];
  /** The object's last restore (RestoreObject), whatever its state now; undefined for none. */
  readonly restore: RestoreRecord | undefined;
}

/** The model's view of a request's encryption members. */
export function sseRequestOf(input: SseWriteMembers): SseRequest {
  const customer: CustomerKeyHeaders = { algorithm: input.SSECustomerAlgorithm, key: input.SSECustomerKey, keyMd5: input.SSECustomerKeyMD5 };
  return {
    serverSideEncryption: input.ServerSideEncryption,
    kmsKeyId: input.SSEKMSKeyId,
    encryptionContext: input.SSEKMSEncryptionContext,
    bucketKeyEnabled: input.BucketKeyEnabled === undefined ? undefined : String(input.BucketKeyEnabled),
    customer,
  };
}

/**
 * Checks the `Key` member.
 * @throws S3Error KeyTooLong; TypeError for a non-string (an in-process caller's bug: a request on
 *   the wire always names a key).
 */
export function requireKey(key: unknown): string {
  if (typeof key !== 'string') throw new TypeError(`"Key" expected a string, got ${typeof key}`);
  assertObjectKey(key);
  return key;
}

/** Reads an object's stored fields back. */
export function objectRecord(info: ObjectInfo): ObjectRecord {
  const fields = info.metadata;
  // A store's fields are frozen: what they parse to is remembered with them (each GET and HEAD
  // of an object would otherwise parse the same JSON again).
  let parsed = Object.isFrozen(fields) ? PARSED_RECORDS.get(fields) : undefined;
  if (parsed === undefined) {
    parsed = parseRecord(fields, info.key);
    if (Object.isFrozen(fields)) PARSED_RECORDS.set(fields, parsed);
  }
  const { mode, etag, segments, partNumbers, size, contentType, headers, storageClass, tags, restore } = parsed;
  // The one member a caller may change: a copy of its own.
  const userMetadata = Object.assign(Object.create(null) as Record<string, string>, parsed.userMetadata);
  return { info, mode, etag, segments, partNumbers, size, contentType, userMetadata, headers, storageClass, tags, restore };
}

/** What an object's stored fields say, parsed once per (frozen) fields object. */
const PARSED_RECORDS = new WeakMap<StoredFields, Omit<ObjectRecord, 'info'>>();

/**
 * Remembers the record of an object a single write just stored, with `segment` (the one its
 * fields name, from `objectFields`) as it is rather than parsed back from the JSON the write just
 * made: the first read of a new object (a PUT then a GET) parses nothing but its user metadata.
 * The rest is read from the stored fields as `objectRecord` reads them. Only a store's frozen
 * fields are remembered (as `objectRecord` remembers them).
 * @example rememberWrittenRecord(info, progress.segment())
 */
export function rememberWrittenRecord(info: ObjectInfo, segment: SealedSegment): void {
  const fields = info.metadata;
  if (!Object.isFrozen(fields) || PARSED_RECORDS.has(fields)) return;
  const copy: SealedSegment = Object.freeze({ plaintextSize: segment.plaintextSize, layerSizes: [...segment.layerSizes] });
  PARSED_RECORDS.set(fields, recordOf(fields, info.key, Object.freeze([copy])));
}

function parseRecord(fields: StoredFields, key: string): Omit<ObjectRecord, 'info'> {
  const segmentsText = fields[OBJECT_FIELDS.segments];
  if (segmentsText === undefined) throw new Error(`object ${key} has an incomplete record`);
  return recordOf(fields, key, Object.freeze((JSON.parse(segmentsText) as SealedSegment[]).map((segment) => Object.freeze(segment))));
}

/** The record `fields` describe, with their segments already parsed. */
function recordOf(fields: StoredFields, key: string, segments: readonly SealedSegment[]): Omit<ObjectRecord, 'info'> {
  const mode = fields[OBJECT_FIELDS.mode] as EncryptionMode | undefined;
  const etag = fields[OBJECT_FIELDS.etag];
  if (mode === undefined || etag === undefined) throw new Error(`object ${key} has an incomplete record`);
  const userMetadata = Object.create(null) as Record<string, string>;
  const userMetadataText = fields[OBJECT_FIELDS.userMetadata];
  // Most objects have none: no JSON to parse for them.
  if (userMetadataText !== undefined && userMetadataText !== '{}') {
    for (const [name, value] of Object.entries(JSON.parse(userMetadataText) as Record<string, string>)) userMetadata[name] = value;
  }
  const partsText = fields[OBJECT_FIELDS.parts];
  const partNumbers = partsText === undefined ? undefined : Object.freeze(JSON.parse(partsText) as number[]);
  if (partNumbers !== undefined && partNumbers.length !== segments.length)
    throw new Error(`object ${key} names ${partNumbers.length} parts for ${segments.length} segments`);
  let size = 0;
  for (const segment of segments) size += segment.plaintextSize;
  return {
    mode,
    etag,
    segments,
    partNumbers,
    size,
    contentType: fields[OBJECT_FIELDS.contentType] ?? 'binary/octet-stream',
    userMetadata: Object.freeze(userMetadata),
    headers: parseObjectHeaders(fields[OBJECT_FIELDS.headers]),
    storageClass: fields[OBJECT_FIELDS.storageClass] ?? DEFAULT_STORAGE_CLASS,
    tags: parseTags(fields[OBJECT_FIELDS.tags]),
    restore: parseRestore(fields[OBJECT_FIELDS.restore]),
  };
}

/** The stored fields of a new object. */
export function objectFields(
  mode: EncryptionMode,
  etag: string,
  segment: SealedSegment,
  contentType: string | undefined,
  userMetadata: Readonly<Record<string, string>> | undefined,
  modeFields: StoredFields,
  extraFields?: StoredFields,
  headersJson?: string,
  attributes?: StoredFields,
): StoredFields {
  // Assigned one by one into a copy: an object literal that spreads and then adds keys is several
  // times slower in V8, and this runs on every PUT.
  const fields: Record<string, string> = Object.assign({}, modeFields);
  fields[OBJECT_FIELDS.mode] = mode;
  fields[OBJECT_FIELDS.etag] = etag;
  fields[OBJECT_FIELDS.segments] = JSON.stringify([segment]);
  // S3's default Content-Type for an object stored without one.
  fields[OBJECT_FIELDS.contentType] = contentType ?? 'binary/octet-stream';
  fields[OBJECT_FIELDS.userMetadata] = userMetadataField(userMetadata);
  if (headersJson !== undefined) fields[OBJECT_FIELDS.headers] = headersJson;
  if (extraFields !== undefined) Object.assign(fields, extraFields);
  if (attributes !== undefined) Object.assign(fields, attributes);
  return fields;
}

/** The stored fields of a completed multipart upload: one segment per listed part, in order. */
export function multipartObjectFields(
  mode: EncryptionMode,
  etag: string,
  parts: readonly { readonly partNumber: number; readonly segment: SealedSegment }[],
  contentType: string,
  userMetadataJson: string,
  modeFields: StoredFields,
  headersJson?: string,
  attributes?: StoredFields,
): StoredFields {
  return {
    ...modeFields,
    ...attributes,
    ...(headersJson === undefined ? {} : { [OBJECT_FIELDS.headers]: headersJson }),
    [OBJECT_FIELDS.mode]: mode,
    [OBJECT_FIELDS.etag]: etag,
    [OBJECT_FIELDS.segments]: JSON.stringify(parts.map((part) => part.segment)),
    [OBJECT_FIELDS.parts]: JSON.stringify(parts.map((part) => part.partNumber)),
    [OBJECT_FIELDS.contentType]: contentType,
    [OBJECT_FIELDS.userMetadata]: userMetadataJson,
  };
}

/**
 * The stored fields of an object's storage class and tags (none for STANDARD and no tags: a
 * record without them reads so), for `objectFields`, `multipartObjectFields` and an upload's
 * record; `undefined` when there are none (most writes).
 * @example attributeFields('GLACIER', []) // { 'storage-class': 'GLACIER' }
 */
export function attributeFields(storageClass: string | undefined, tags: readonly Tag[]): StoredFields | undefined {
  const stored = storedStorageClass(storageClass);
  const json = tagsJson(tags);
  if (stored === undefined && json === undefined) return undefined;
  const fields = Object.create(null) as Record<string, string>;
  if (stored !== undefined) fields[OBJECT_FIELDS.storageClass] = stored;
  if (json !== undefined) fields[OBJECT_FIELDS.tags] = json;
  return fields;
}

/**
 * User metadata as stored: names lowercased (S3 stores them so: they travel as x-amz-meta-*
 * headers), JSON of a null-prototype map.
 * @throws S3Error MetadataTooLarge over 2 KB; TypeError for a value that is not a string (an
 *   in-process caller's bug).
 */
export function userMetadataField(userMetadata: Readonly<Record<string, string>> | undefined): string {
  checkUserMetadataSize(userMetadata);
  if (userMetadata === undefined) return '{}';
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(userMetadata)) {
    if (typeof value !== 'string') throw new TypeError(`"Metadata" values must be strings; ${JSON.stringify(name)} is ${typeof value}`);
    metadata[name.toLowerCase()] = value;
  }
  return JSON.stringify(metadata);
}

/**
 * An object's version, as a conditional multipart completion compares it with the one its upload
 * began over ('' for no object): its time, ETag and stored sizes. Two writes of identical bytes in
 * the same millisecond look the same (the store keeps no write counter).
 */
export function keyVersion(info: ObjectInfo | undefined): string {
  if (info === undefined) return '';
  return `${info.lastModified}/${info.metadata[OBJECT_FIELDS.etag] ?? ''}/${info.segments.join(',')}`;
}

/**
 * The store guard of a conditional write (`If-Match` / `If-None-Match`): checks the object the
 * write replaces under the key's lock, just before the write commits. Undefined when unconditional.
 */
export function writeGuard(condition: WriteCondition, key: string): CommitGuard | undefined {
  if (condition.kind === 'none') return undefined;
  return (current) => checkWriteCondition(condition, current === undefined ? undefined : { etag: current.metadata[OBJECT_FIELDS.etag] ?? '' }, key);
}

/** A missing key's error. */
export function noSuchKey(key: string): S3Error {
  return new S3Error('NoSuchKey', { fields: [['Key', key]] });
}

/** The answer to SSE-KMS and DSSE-KMS, which Strongbox does not build yet: never a pretend encryption. */
export function notBuilt(mode: EncryptionMode): S3Error {
  return new S3Error('NotImplemented', { detail: { value: `server-side encryption ${mode}` } });
}
