/**
 * @module
 * What GetObject and HeadObject share: find the object, check the request's SSE-C members against
 * how it is stored (the model's `checkReadEncryption`: a missing, superfluous or wrong key), then
 * its conditions (`If-Match`, ...: 412 or 304 as the model's `checkConditions` decides), then
 * resolve Range or partNumber against its plaintext size (416 InvalidRange as the model decides).
 * That order is LocalStack's, whose conditional-read tests are recorded against real S3.
 */

import { type ObjectKeys, type StoredKmsEncryption, storedCustomerKeyVerifier, storedKmsEncryption, verifyCustomerKey } from '../../crypto/index.ts';
import { S3Error } from '../../errors.ts';
import { checkConditions, type RequestConditions } from '../../model/conditions.ts';
import { checkReadEncryption } from '../../model/encryption.ts';
import {
  OBJECT_HEADER_MEMBERS,
  type ObjectHeaders,
  type ResponseOverrideMembers,
  type ResponseOverrides,
  responseOverridesOf,
} from '../../model/object-headers.ts';
import { assertRangeOrPart, parsePartNumber, parseRangeHeader, type ResolvedRange, resolvePartRange, resolveRange } from '../../model/range.ts';
import { restoreHeader, restoreStateAt } from '../../model/restore.ts';
import { DEFAULT_STORAGE_CLASS } from '../../model/storage-class.ts';
import { checkVersionId, versionConditions } from '../../model/version-id.ts';
import { header, type MessageBinding, metadataHeaders, query, streamPayload } from '../../protocol/binding.ts';
import { CHECKSUM_MODE_REQUEST, CHECKSUM_RESPONSE } from '../../protocol/checksum-headers.ts';
import { OBJECT_HEADERS_BINDING, RESPONSE_OVERRIDES_BINDING } from '../../protocol/object-headers.ts';
import { SSE_C_REQUEST, SSE_HEADERS, SSE_RESPONSE } from '../../protocol/sse-headers.ts';
import type { BucketIdentity, ObjectReader } from '../../storage/types.ts';
import type { AccessTarget, S3OperationContext } from '../types.ts';
import { ownedBucket } from './buckets.ts';
import { type ObjectRecord, objectRecord, requireKey, type SseCustomerMembers, type SseResponseMembers, sseRequestOf } from './objects.ts';
import { addResponseEncryption } from './response.ts';

/** The read members of GetObject and HeadObject. */
export interface ReadMembers extends SseCustomerMembers, ResponseOverrideMembers {
  Bucket: string;
  Key: string;
  /** `bytes=a-b`, `bytes=a-` or `bytes=-n`; what S3 cannot parse is ignored (the whole object). */
  Range?: string;
  PartNumber?: number;
  /** Not allowed on reads (S3 answers 400); here so the check has something to see. */
  ServerSideEncryption?: string;
  /** Answer only if the ETag is this one (or one of a comma-separated list, or `*`); else 412. */
  IfMatch?: string;
  /** Answer only if the ETag is not this one; else 304. */
  IfNoneMatch?: string;
  /** Answer only if modified after this time (second precision; ignored in the future); else 304. */
  IfModifiedSince?: Date | string;
  /** Answer only if not modified after this time; else 412. */
  IfUnmodifiedSince?: Date | string;
  /** `null`, the only version of an object here (the current object); any other is refused. */
  VersionId?: string | undefined;
}

/**
 * A request's conditions for the model. A date that does not parse is ignored, as RFC 9110
 * §13.1.3 and §13.1.4 require of an invalid HTTP-date.
 */
export function conditionsOf(members: {
  readonly IfMatch?: string | undefined;
  readonly IfNoneMatch?: string | undefined;
  readonly IfModifiedSince?: Date | string | undefined;
  readonly IfUnmodifiedSince?: Date | string | undefined;
}): RequestConditions {
  return {
    ifMatch: members.IfMatch,
    ifNoneMatch: members.IfNoneMatch,
    ifModifiedSince: timeOf(members.IfModifiedSince),
    ifUnmodifiedSince: timeOf(members.IfUnmodifiedSince),
  };
}

function timeOf(value: Date | string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const time = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isNaN(time) ? undefined : time;
}

/** An object opened for reading. */
export interface OpenedObject {
  readonly record: ObjectRecord;
  readonly range: ResolvedRange;
  readonly partsCount: number | undefined;
  /** The request's SSE-C key MD5, echoed on SSE-C objects. */
  readonly customerKeyMd5: string | undefined;
  /** The request's response-* overrides, if any (answered instead of the stored headers). */
  readonly overrides?: ResponseOverrides | undefined;
  /** `x-amz-restore` at the request's time (`model/restore.ts`); undefined without a restore then. */
  readonly restore?: string | undefined;
}

/**
 * Checks a read's bucket, key and Range/partNumber combination before the object is looked up.
 * @throws S3Error InvalidBucketName, NoSuchBucket, AccessDenied, KeyTooLong, InvalidVersionId, EmptyVersionId, RangeWithPartNumber.
 */
export async function checkReadRequest(
  input: ReadMembers,
  context: S3OperationContext,
): Promise<{ bucket: string; target: BucketIdentity; access: AccessTarget; key: string; region: string }> {
  const bucket = await ownedBucket(input.Bucket, context);
  const key = requireKey(input.Key);
  checkVersionId(input.VersionId);
  assertRangeOrPart(input.Range, input.PartNumber === undefined ? undefined : String(input.PartNumber));
  // A response-* value no header can carry is refused before the object is looked up.
  responseOverridesOf(input);
  // The identity, not the name: the read was authorized against this very bucket, so a bucket
  // deleted and created again under its name (perhaps by another account, under another policy)
  // answers NoSuchBucket rather than lending its objects to this read.
  return { bucket: bucket.name, target: { name: bucket.name, id: bucket.id }, access: bucket, key, region: bucket.region };
}

/**
 * Checks the read against the object: `source.reader`'s, or the one `source.bucket` (that very
 * bucket, by identity) holds now.
 * @throws S3Error NoSuchBucket, AccessDenied, KeyTooLong, NoSuchKey, the read SSE-C errors,
 *   PreconditionFailed, NotModified, InvalidRange, InvalidPartNumber, PartNumberOutOfBounds, RangeWithPartNumber.
 */
export async function resolveRead(
  input: ReadMembers,
  context: S3OperationContext,
  source: { readonly reader: ObjectReader } | { readonly bucket: BucketIdentity },
): Promise<{ opened: OpenedObject; customerKey: Uint8Array | undefined }> {
  const key = input.Key;
  const info = 'reader' in source ? source.reader.info : await context.store.headObject(source.bucket, key);
  if (info === undefined) throw context.missingObject(key);
  const record = objectRecord(info);
  // A decision taken on this object's tags holds for the record served, not only for the one read
  // at authorization: an overwrite in between must not slip a tag-based Deny.
  context.confirmObjectTags(String(input.Bucket), key, record.tags);
  const customer = checkReadEncryption(sseRequestOf(input), record.mode, 'get', context.secureTransport, context.crypto.md5, context.withoutSigV4);
  const partNumber = input.PartNumber === undefined ? undefined : String(input.PartNumber);
  try {
    checkConditions(conditionsOf(input), { etag: record.etag, lastModified: info.lastModified }, 'read', context.now);
    let range: ResolvedRange;
    let partsCount: number | undefined;
    if (partNumber !== undefined) {
      // A multipart object's parts are addressed by position, 1..PartsCount, whatever numbers
      // they were uploaded under: the SDKs' multipart downloads GET partNumber 1..PartsCount
      // (aws-sdk-java-v2 MultipartDownloaderSubscriber) and rely on it.
      const partSizes = record.partNumbers === undefined ? undefined : record.segments.map((segment) => segment.plaintextSize);
      ({ range, partsCount } = resolvePartRange(parsePartNumber(partNumber), partSizes, record.size));
    } else range = resolveRange(parseRangeHeader(input.Range), record.size, input.Range ?? '');
    const restore = record.restore === undefined ? undefined : restoreHeader(restoreStateAt(record.restore, context.now));
    const opened: OpenedObject = { record, range, partsCount, customerKeyMd5: customer?.keyMd5, overrides: responseOverridesOf(input), restore };
    return { opened, customerKey: customer?.key };
  } catch (error) {
    customer?.key.fill(0);
    throw error;
  }
}

/**
 * The keys to open an object's segments with (pass to `openObject` / `openObjectRange`), and
 * `dispose` to wipe what they hold once the read is over. A single PUT has one set of keys; a
 * multipart object's parts were each sealed under their own part number, so its keys are made
 * per segment as the read reaches it.
 */
export type ReadKeys = (ObjectKeys | ((segment: number) => Promise<ObjectKeys>)) & { dispose(): void };

/**
 * The keys to open an object with; for SSE-C, the key is checked against the stored verifier
 * (403 AccessDenied before any decryption) and wiped here (a multipart object keeps a copy until
 * `dispose`); for SSE-KMS and DSSE-KMS, KMS Decrypt is called now, as the caller, in the bucket's
 * `region` (so KMS's refusals are the response), once for all the parts of a multipart object.
 * @throws S3Error SseCWrongKey; KMS.* errors, AccessDenied and SlowDown as S3 reports KMS's.
 */
export async function readKeys(
  record: ObjectRecord,
  bucket: string,
  customerKey: Uint8Array | undefined,
  context: S3OperationContext,
  region: string = context.region,
): Promise<ReadKeys> {
  const key = record.info.key;
  const stored = record.info.metadata;
  const partNumbers = record.partNumbers;
  switch (record.mode) {
    case 'SSE-S3': {
      const provider = context.crypto.sseS3;
      if (partNumbers === undefined) return provider.forOpening({ bucket, key }, undefined, stored);
      return perSegment(
        partNumbers,
        (partNumber) => provider.forOpening({ bucket, key, partNumber }, undefined, stored),
        () => undefined,
      );
    }
    case 'SSE-C': {
      if (customerKey === undefined) throw new S3Error('SseCKeyRequired');
      const provider = context.crypto.sseC;
      try {
        // Verified here, once, before anything is read or decrypted (403 for another key).
        if (!verifyCustomerKey(customerKey, storedCustomerKeyVerifier(stored))) throw new S3Error('SseCWrongKey');
        if (partNumbers === undefined) return await provider.forOpening({ bucket, key }, { customerKey }, stored);
        const kept = customerKey.slice();
        return perSegment(
          partNumbers,
          (partNumber) => provider.forOpening({ bucket, key, partNumber }, { customerKey: kept }, stored),
          () => kept.fill(0),
        );
      } finally {
        customerKey.fill(0);
      }
    }
    case 'SSE-KMS':
    case 'DSSE-KMS': {
      const provider = record.mode === 'SSE-KMS' ? context.crypto.sseKms : context.crypto.dsseKms;
      const request = { caller: context.caller, region };
      if (partNumbers === undefined) return provider.forOpening({ bucket, key }, request, stored);
      // The upload's KMS keys, recovered once for every part this read reaches.
      const parts = await provider.forOpeningParts({ bucket, key }, request, stored);
      return perSegment(
        partNumbers,
        async (partNumber) => parts.keysFor({ bucket, key, partNumber }),
        () => parts.dispose(),
      );
    }
  }
}

/** Keys made per segment from its part number; `dispose` runs `wipe`. */
function perSegment(partNumbers: readonly number[], open: (partNumber: number) => Promise<ObjectKeys>, wipe: () => void): ReadKeys {
  const keys = async (segment: number): Promise<ObjectKeys> => {
    const partNumber = partNumbers[segment];
    if (partNumber === undefined) throw new Error(`no segment ${segment}`);
    return open(partNumber);
  };
  return Object.assign(keys, { dispose: wipe });
}

/** The plaintext bounds `[start, end)` of a resolved range. */
export function plaintextBounds(range: ResolvedRange): { start: number; end: number } {
  return range.kind === 'full' ? { start: 0, end: range.size } : { start: range.start, end: range.end + 1 };
}

/** What GetObject and HeadObject both answer about an object (GetObject adds the body). */
export interface ObjectHeadMembers extends SseResponseMembers, ObjectHeaders {
  ContentLength: number;
  /** `bytes start-end/size`, for a Range or partNumber read. */
  ContentRange?: string;
  ETag: string;
  LastModified: Date;
  ContentType: string;
  Metadata: Record<string, string>;
  AcceptRanges: 'bytes';
  /** Multipart objects read by part number only. */
  PartsCount?: number;
  /** Any class but STANDARD: "Amazon S3 returns this header for all objects except for S3 Standard storage class objects" (GetObject API reference). */
  StorageClass?: string;
  /**
   * "The number of tags, if any, on the object, when you have the relevant permission to read
   * object tags" (GetObject API reference): absent for none, and for a caller who may not read them.
   */
  TagCount?: number;
  /**
   * `x-amz-restore`, for an object with a restore in progress or a restored copy at the request's
   * time (`model/restore.ts`): "If an archive copy is already restored, the header value indicates
   * when Amazon S3 is scheduled to delete the object copy" (GetObject and HeadObject API reference).
   */
  Restore?: string;
}

/**
 * Whether a read answers the object's tag count: it has tags and the caller may read them,
 * decided without refusing the read or auditing a denial. GetObject API reference,
 * `x-amz-tagging-count`: "when you have the relevant permission to read object tags", which for a
 * read naming a version (`versionId=null` included) is s3:GetObjectVersionTagging with
 * `s3:versionid` (GetObjectTagging API reference), s3:GetObjectTagging otherwise.
 * @example objectHead('GetObject', opened, tagCountReadable(opened.record, access, key, context, input.VersionId))
 */
export function tagCountReadable(
  record: ObjectRecord,
  access: AccessTarget,
  key: string,
  context: Pick<S3OperationContext, 'evaluate'>,
  versionId?: string,
): boolean {
  if (record.tags.length === 0) return false;
  const tags = { existing: record.tags };
  if (versionId === undefined) return context.evaluate('s3:GetObjectTagging', access, key, undefined, tags).allowed;
  return context.evaluate('s3:GetObjectVersionTagging', access, key, versionConditions(versionId), tags).allowed;
}

/**
 * The fields GetObject and HeadObject answer for an opened object, sized by its range; the tag
 * count only when `tagCount` (see `tagCountReadable`).
 * @example objectHead('HeadObject', opened, false).ContentLength // the plaintext bytes the range covers
 */
export function objectHead(operation: 'GetObject' | 'HeadObject', opened: OpenedObject, tagCount: boolean): ObjectHeadMembers {
  const { record, range } = opened;
  const { start, end } = plaintextBounds(range);
  // One literal of the members every read answers, then the optional ones assigned (conditional
  // spreads in a literal make V8 build a slow object, on every GET and HEAD).
  const head: ObjectHeadMembers = {
    ContentLength: end - start,
    ETag: record.etag,
    LastModified: new Date(record.info.lastModified),
    ContentType: record.contentType,
    Metadata: record.userMetadata,
    AcceptRanges: 'bytes',
  };
  // An empty part selects no byte: no Content-Range can describe it (see `resolvePartRange`).
  if (range.kind === 'partial' && range.end >= range.start) head.ContentRange = `bytes ${range.start}-${range.end}/${range.size}`;
  if (opened.partsCount !== undefined) head.PartsCount = opened.partsCount;
  if (record.storageClass !== DEFAULT_STORAGE_CLASS) head.StorageClass = record.storageClass;
  if (tagCount && record.tags.length > 0) head.TagCount = record.tags.length;
  if (opened.restore !== undefined) head.Restore = opened.restore;
  const headers = record.headers;
  for (const member of OBJECT_HEADER_MEMBERS) {
    const value = headers[member];
    if (value !== undefined) head[member] = value;
  }
  // response-* overrides: only in a successful answer, which this is (conditions and range passed).
  if (opened.overrides !== undefined) Object.assign(head, opened.overrides);
  return addResponseEncryption(head, operation, record.mode, opened.customerKeyMd5, kmsEchoOf(record));
}

/** The KMS facts an SSE-KMS or DSSE-KMS object's responses echo; undefined for other modes. */
export function kmsEchoOf(record: ObjectRecord): StoredKmsEncryption | undefined {
  return record.mode === 'SSE-KMS' || record.mode === 'DSSE-KMS' ? storedKmsEncryption(record.info.metadata) : undefined;
}

export type { ObjectReader };

/** The wire form of GetObject's and HeadObject's request members. */
export const READ_REQUEST: MessageBinding = Object.freeze({
  members: {
    Range: header('range'),
    PartNumber: query('partNumber', 'integer'),
    VersionId: query('versionId'),
    // Bound so the read can refuse it (S3: 400), not because a read takes it.
    ServerSideEncryption: header(SSE_HEADERS.serverSideEncryption),
    ...SSE_C_REQUEST,
    ...CHECKSUM_MODE_REQUEST,
    IfMatch: header('if-match'),
    IfNoneMatch: header('if-none-match'),
    // Dates as sent: the engine parses them (and ignores one that is not a date, as HTTP does).
    IfModifiedSince: header('if-modified-since'),
    IfUnmodifiedSince: header('if-unmodified-since'),
    ...RESPONSE_OVERRIDES_BINDING,
  },
});

/**
 * The wire form of GetObject's (with the body) and HeadObject's response members.
 * @example readResponse(true).members?.Body // the body streams
 */
export function readResponse(withBody: boolean): MessageBinding {
  return {
    members: {
      ...(withBody ? { Body: streamPayload() } : {}),
      ContentLength: header('content-length', 'integer'),
      ContentRange: header('content-range'),
      ETag: header('etag'),
      LastModified: header('last-modified', 'timestamp'),
      ContentType: header('content-type'),
      ...OBJECT_HEADERS_BINDING,
      Metadata: metadataHeaders(),
      AcceptRanges: header('accept-ranges'),
      PartsCount: header('x-amz-mp-parts-count', 'integer'),
      StorageClass: header('x-amz-storage-class'),
      TagCount: header('x-amz-tagging-count', 'integer'),
      Restore: header('x-amz-restore'),
      ...SSE_RESPONSE,
      ...CHECKSUM_RESPONSE,
    },
  };
}

/** 206 for a Range or partNumber read (its response has a Content-Range), else 200. */
export function partialStatus(output: Readonly<Record<string, unknown>>): number {
  return output['ContentRange'] === undefined ? 200 : 206;
}
