/**
 * @module
 * What GetObject and HeadObject share: find the object, check the request's SSE-C members against
 * how it is stored (the model's `checkReadEncryption`: a missing, superfluous or wrong key), then
 * its conditions (`If-Match`, ...: 412 or 304 as the model's `checkConditions` decides), then
 * resolve Range or partNumber against its plaintext size (416 InvalidRange as the model decides).
 * That order is LocalStack's, whose conditional-read tests are recorded against real S3.
 */

import { type ObjectKeys, type StoredKmsEncryption, storedKmsEncryption } from '../../crypto/index.ts';
import { S3Error } from '../../errors.ts';
import { checkConditions, type RequestConditions } from '../../model/conditions.ts';
import { checkReadEncryption } from '../../model/encryption.ts';
import { assertRangeOrPart, parsePartNumber, parseRangeHeader, type ResolvedRange, resolvePartRange, resolveRange } from '../../model/range.ts';
import type { ObjectReader } from '../../storage/types.ts';
import type { S3OperationContext } from '../types.ts';
import { ownedBucket } from './buckets.ts';
import { type ObjectRecord, objectRecord, requireKey, type SseCustomerMembers, type SseResponseMembers, sseRequestOf } from './objects.ts';
import { responseEncryption } from './response.ts';

/** The read members of GetObject and HeadObject. */
export interface ReadMembers extends SseCustomerMembers {
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
}

/**
 * Checks a read's bucket, key and Range/partNumber combination before the object is looked up.
 * @throws S3Error InvalidBucketName, NoSuchBucket, AccessDenied, KeyTooLong, RangeWithPartNumber.
 */
export async function checkReadRequest(input: ReadMembers, context: S3OperationContext): Promise<{ bucket: string; key: string; region: string }> {
  const bucket = await ownedBucket(input.Bucket, context);
  const key = requireKey(input.Key);
  assertRangeOrPart(input.Range, input.PartNumber === undefined ? undefined : String(input.PartNumber));
  return { bucket: bucket.name, key, region: bucket.region };
}

/**
 * Checks the read against the object (from `reader` when given, else looked up).
 * @throws S3Error NoSuchBucket, AccessDenied, KeyTooLong, NoSuchKey, the read SSE-C errors,
 *   PreconditionFailed, NotModified, InvalidRange, InvalidPartNumber, PartNumberOutOfBounds, RangeWithPartNumber.
 */
export async function resolveRead(
  input: ReadMembers,
  context: S3OperationContext,
  reader?: ObjectReader,
): Promise<{ opened: OpenedObject; customerKey: Uint8Array | undefined }> {
  const key = input.Key;
  const info = reader === undefined ? await context.store.headObject(input.Bucket, key) : reader.info;
  if (info === undefined) throw context.missingObject(key);
  const record = objectRecord(info);
  const customer = checkReadEncryption(sseRequestOf(input), record.mode, 'get', context.secureTransport, context.crypto.md5);
  const partNumber = input.PartNumber === undefined ? undefined : String(input.PartNumber);
  try {
    checkConditions(conditionsOf(input), { etag: record.etag, lastModified: info.lastModified }, 'read', context.now);
    let range: ResolvedRange;
    let partsCount: number | undefined;
    if (partNumber !== undefined) {
      ({ range, partsCount } = resolvePartRange(parsePartNumber(partNumber), undefined, record.size));
    } else range = resolveRange(parseRangeHeader(input.Range), record.size, input.Range ?? '');
    return { opened: { record, range, partsCount, customerKeyMd5: customer?.keyMd5 }, customerKey: customer?.key };
  } catch (error) {
    customer?.key.fill(0);
    throw error;
  }
}

/**
 * The keys to open an object with; for SSE-C, the key is checked against the stored verifier
 * (403 AccessDenied before any decryption) and wiped here; for SSE-KMS and DSSE-KMS, KMS Decrypt
 * is called now, as the caller, in the bucket's `region` (so KMS's refusals are the response).
 * @throws S3Error SseCWrongKey; KMS.* errors, AccessDenied and SlowDown as S3 reports KMS's.
 */
export async function readKeys(
  record: ObjectRecord,
  bucket: string,
  customerKey: Uint8Array | undefined,
  context: S3OperationContext,
  region: string = context.region,
): Promise<ObjectKeys> {
  const object = { bucket, key: record.info.key };
  switch (record.mode) {
    case 'SSE-S3':
      return context.crypto.sseS3.forOpening(object, undefined, record.info.metadata);
    case 'SSE-C':
      if (customerKey === undefined) throw new S3Error('SseCKeyRequired');
      try {
        return await context.crypto.sseC.forOpening(object, { customerKey }, record.info.metadata);
      } finally {
        customerKey.fill(0);
      }
    case 'SSE-KMS':
      return context.crypto.sseKms.forOpening(object, { caller: context.caller, region }, record.info.metadata);
    case 'DSSE-KMS':
      return context.crypto.dsseKms.forOpening(object, { caller: context.caller, region }, record.info.metadata);
  }
}

/** The plaintext bounds `[start, end)` of a resolved range. */
export function plaintextBounds(range: ResolvedRange): { start: number; end: number } {
  return range.kind === 'full' ? { start: 0, end: range.size } : { start: range.start, end: range.end + 1 };
}

/** What GetObject and HeadObject both answer about an object (GetObject adds the body). */
export interface ObjectHeadMembers extends SseResponseMembers {
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
}

/**
 * The fields GetObject and HeadObject answer for an opened object, sized by its range.
 * @example objectHead('HeadObject', opened).ContentLength // the plaintext bytes the range covers
 */
export function objectHead(operation: 'GetObject' | 'HeadObject', opened: OpenedObject): ObjectHeadMembers {
  const { record, range } = opened;
  const { start, end } = plaintextBounds(range);
  return {
    ContentLength: end - start,
    ...(range.kind === 'partial' ? { ContentRange: `bytes ${range.start}-${range.end}/${range.size}` } : {}),
    ETag: record.etag,
    LastModified: new Date(record.info.lastModified),
    ContentType: record.contentType,
    Metadata: record.userMetadata,
    AcceptRanges: 'bytes',
    ...(opened.partsCount === undefined ? {} : { PartsCount: opened.partsCount }),
    ...responseEncryption(operation, record.mode, opened.customerKeyMd5, kmsEchoOf(record)),
  };
}

/** The KMS facts an SSE-KMS or DSSE-KMS object's responses echo; undefined for other modes. */
export function kmsEchoOf(record: ObjectRecord): StoredKmsEncryption | undefined {
  return record.mode === 'SSE-KMS' || record.mode === 'DSSE-KMS' ? storedKmsEncryption(record.info.metadata) : undefined;
}

export type { ObjectReader };
