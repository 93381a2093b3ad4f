/**
 * @module
 * GetObjectAttributes (`GET /{Bucket}/{Key+}?attributes`): an object's attributes without its
 * body, only those `x-amz-object-attributes` names (ETag, Checksum, ObjectParts, StorageClass,
 * ObjectSize; model GetObjectAttributes, "Fields that you do not specify are not returned").
 *
 * - The header missing or empty: 400 InvalidRequest; a name outside the five: 400 InvalidArgument
 *   "Invalid attribute name specified." naming it (both captured from S3: versity/versitygw#915,
 *   #1000).
 * - An SSE-C object needs its key, checked as HeadObject checks it (400 without it, 403
 *   AccessDenied for another, 400 for SSE-C members on another object or over plain HTTP); a KMS
 *   object answers from its record, without calling KMS, as HeadObject does. An
 *   `x-amz-server-side-encryption` header is 400 InvalidArgument, as on GetObject and HeadObject
 *   (API reference, "Encryption": including it in a GET "you'll get an HTTP 400 Bad Request").
 * - `If-Match`, `If-None-Match`, `If-Modified-Since`, `If-Unmodified-Since` as GetObject checks
 *   them (412 PreconditionFailed, 304 NotModified), after the SSE-C check: the API reference's
 *   "Conditional request headers" section for this operation (not in the SDK's request shape).
 * - The ETag without its quotes: S3 answers it so here, unlike HeadObject (floci-io/floci#3093,
 *   boto3 against S3; the AWS CLI reference's example).
 * - ObjectParts only for a completed multipart upload, with `PartsCount`; its `Part` list only for
 *   a COMPOSITE checksum upload, a page at a time as ListParts pages (`x-amz-max-parts`, default
 *   and ceiling 1000, `x-amz-part-number-marker` exclusive), each part's number as uploaded, size
 *   and checksum (API reference `GetObjectAttributesParts`: without an additional checksum "the
 *   response doesn't return the Part element"; boto3/boto3#3509, AWS support; a re:Post question
 *   reports TotalPartsCount alone for such objects; localstack/localstack#12764: COMPOSITE uploads
 *   list like ListParts). A value of either header that is not a number is ignored, as S3 ignores
 *   it (versitygw#1806). UNCONFIRMED: the part list of a FULL_OBJECT upload (none here: its parts
 *   keep no checksum of their own).
 * - A COMPOSITE checksum without its `-N` part-count suffix, unlike HeadObject and
 *   CompleteMultipartUpload: captured against S3 (floci-io/floci#3083, eu-west-1, 2026-09: HeadObject
 *   `…=-3`, GetObjectAttributes `…=`, "same value, without the -N suffix").
 * - Permissions: s3:GetObjectAttributes and s3:GetObject; with a version id (here only `null`),
 *   s3:GetObjectVersionAttributes and s3:GetObjectVersion instead (API reference, "Permissions").
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { S3Error } from '../errors.ts';
import { type ChecksumAlgorithm, type ChecksumType, checksumMember } from '../model/checksum.ts';
import { checkVersionId, versionConditions } from '../model/version-id.ts';
import { flattened, header, query, struct } from '../protocol/binding.ts';
import { CHECKSUM_XML_MEMBERS } from '../protocol/checksum-headers.ts';
import { SSE_C_REQUEST, SSE_HEADERS } from '../protocol/sse-headers.ts';
import { ownedBucket } from './shared/buckets.ts';
import { storedChecksum } from './shared/checksums.ts';
import { requireKey } from './shared/objects.ts';
import { storedPartChecksum } from './shared/part-checksums.ts';
import { type ReadMembers, readKeys, resolveRead } from './shared/read.ts';
import type { OperationDefinition } from './types.ts';

/** The attributes GetObjectAttributes can answer (model `ObjectAttributes`). */
export type ObjectAttribute = 'ETag' | 'Checksum' | 'ObjectParts' | 'StorageClass' | 'ObjectSize';

/** GetObjectAttributes request. */
/**
 * GetObjectAttributes request: a read's members without a range or part (the SSE-C trio, the
 * conditions as GetObject takes them, and `x-amz-server-side-encryption`, bound so the read check
 * refuses it with 400 as for GetObject), and its own.
 */
export interface GetObjectAttributesRequest extends Omit<ReadMembers, 'Range' | 'PartNumber'> {
  /** `x-amz-object-attributes`: the attributes to answer. */
  ObjectAttributes?: readonly string[] | undefined;
  /** `x-amz-max-parts`: parts per page of ObjectParts (default and ceiling 1000). */
  MaxParts?: number | string | undefined;
  /** `x-amz-part-number-marker`: list parts after this number. */
  PartNumberMarker?: number | string | undefined;
  /** Only `null` (no versioning here), as CopyObject's source takes it. */
  VersionId?: string | undefined;
}

/** A checksum value by its model member name (`ChecksumCRC32`, …). */
export type ChecksumValueMembers = Partial<Record<`Checksum${ChecksumAlgorithm}`, string>>;

/** One part of ObjectParts. */
export interface ObjectAttributesPart extends ChecksumValueMembers {
  PartNumber: number;
  /** Plaintext bytes. */
  Size: number;
}

/** ObjectParts of a multipart object. */
export interface ObjectAttributesParts {
  TotalPartsCount: number;
  PartNumberMarker?: string;
  NextPartNumberMarker?: string;
  MaxParts?: number;
  IsTruncated?: boolean;
  Parts?: ObjectAttributesPart[];
}

/** GetObjectAttributes response. */
export interface GetObjectAttributesResponse {
  LastModified: Date;
  /** Without quotes. */
  ETag?: string;
  Checksum?: ChecksumValueMembers & { ChecksumType?: ChecksumType };
  ObjectParts?: ObjectAttributesParts;
  StorageClass?: string;
  ObjectSize?: number;
}

const ATTRIBUTES: ReadonlySet<string> = new Set<ObjectAttribute>(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize']);
const MAX_PARTS = 1000;

/** GetObjectAttributes. */
export const getObjectAttributes: OperationDefinition<'GetObjectAttributes', GetObjectAttributesRequest, GetObjectAttributesResponse> = {
  name: 'GetObjectAttributes',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',
  rest: {
    method: 'GET',
    path: 'object',
    query: ['attributes'],
    request: {
      members: {
        ObjectAttributes: header('x-amz-object-attributes', 'list'),
        // As text: S3 ignores a value that is not a number (versitygw#1806).
        MaxParts: header('x-amz-max-parts'),
        PartNumberMarker: header('x-amz-part-number-marker'),
        VersionId: query('versionId'),
        // Bound only to be refused: the API reference's "Encryption" note (a GET naming it is 400).
        ServerSideEncryption: header(SSE_HEADERS.serverSideEncryption),
        ...SSE_C_REQUEST,
        // Not in the SDK's model, but the API reference's "Conditional request headers" section
        // describes them for this operation; dates as sent, parsed (or ignored) by the engine.
        IfMatch: header('if-match'),
        IfNoneMatch: header('if-none-match'),
        IfModifiedSince: header('if-modified-since'),
        IfUnmodifiedSince: header('if-unmodified-since'),
      },
    },
    response: {
      members: { LastModified: header('last-modified', 'timestamp') },
      xml: {
        root: 'GetObjectAttributesResponse',
        shape: struct({
          ETag: 'string',
          Checksum: struct({ ...CHECKSUM_XML_MEMBERS, ChecksumType: 'string' }),
          ObjectParts: struct({
            TotalPartsCount: { shape: 'integer', name: 'PartsCount' },
            PartNumberMarker: 'string',
            NextPartNumberMarker: 'string',
            MaxParts: 'integer',
            IsTruncated: 'boolean',
            Parts: flattened(struct({ PartNumber: 'integer', Size: 'integer', ...CHECKSUM_XML_MEMBERS }), 'Part'),
          }),
          StorageClass: 'string',
          ObjectSize: 'integer',
        }),
      },
    },
  },
  // The handler checks the object: which two actions it needs depends on the request's version id.
  access: { action: 's3:GetObjectAttributes', resource: 'objects' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    // API reference, "Permissions": with a version id in the request, s3:GetObjectVersion and
    // s3:GetObjectVersionAttributes; without one, s3:GetObject and s3:GetObjectAttributes.
    const versioned = input.VersionId !== undefined;
    const conditions = versioned ? versionConditions(input.VersionId) : undefined;
    await context.authorize(versioned ? 's3:GetObjectVersionAttributes' : 's3:GetObjectAttributes', bucket, key, conditions);
    await context.authorize(versioned ? 's3:GetObjectVersion' : 's3:GetObject', bucket, key, conditions);
    const wanted = requestedAttributes(input.ObjectAttributes);
    // 400 for any version id but `null`, as GetObject answers (versity/versitygw#1638, against S3).
    checkVersionId(input.VersionId);
    const { opened, customerKey } = await resolveRead({ ...input, Bucket: bucket.name, Key: key }, context, { bucket });
    const { record } = opened;
    // An SSE-C key is verified (403 for another) without decrypting anything, as HeadObject does.
    if (record.mode !== 'SSE-KMS' && record.mode !== 'DSSE-KMS') (await readKeys(record, bucket.name, customerKey, context)).dispose();
    const output: GetObjectAttributesResponse = { LastModified: new Date(record.info.lastModified) };
    if (wanted.has('ETag')) output.ETag = record.etag.replaceAll('"', '');
    const checksum = storedChecksum(record.info.metadata);
    if (wanted.has('Checksum') && checksum !== undefined)
      output.Checksum = { [checksumMember(checksum.algorithm)]: attributeChecksum(checksum), ChecksumType: checksum.type };
    if (wanted.has('ObjectParts') && record.partNumbers !== undefined) {
      const parts = { numbers: record.partNumbers, sizes: record.segments.map((segment) => segment.plaintextSize) };
      output.ObjectParts =
        checksum?.type === 'COMPOSITE'
          ? listedParts(parts, checksum.algorithm, (position) => storedPartChecksum(record.info.metadata, position), input)
          : { TotalPartsCount: parts.numbers.length };
    }
    if (wanted.has('StorageClass')) output.StorageClass = record.storageClass;
    if (wanted.has('ObjectSize')) output.ObjectSize = record.size;
    return output;
  },
};

/**
 * The attributes a request names.
 * @throws S3Error ObjectAttributesMissing (none), InvalidObjectAttribute (a name outside the five).
 */
function requestedAttributes(names: readonly string[] | undefined): ReadonlySet<ObjectAttribute> {
  const named = (names ?? []).map((name) => name.trim()).filter((name) => name !== '');
  if (named.length === 0) throw new S3Error('ObjectAttributesMissing');
  const unknown = named.find((name) => !ATTRIBUTES.has(name));
  if (unknown !== undefined) throw new S3Error('InvalidObjectAttribute', { fields: [['ArgumentValue', unknown]] });
  return new Set(named as ObjectAttribute[]);
}

/**
 * The object's checksum as GetObjectAttributes answers it: a COMPOSITE one without the `-N` that
 * HeadObject and CompleteMultipartUpload append (floci-io/floci#3083, captured against S3).
 */
function attributeChecksum(checksum: { readonly type: ChecksumType; readonly value: string }): string {
  return checksum.type === 'COMPOSITE' ? checksum.value.replace(/-\d+$/, '') : checksum.value;
}

/** A page of a COMPOSITE object's parts, as ListParts pages an upload's. */
function listedParts(
  parts: { readonly numbers: readonly number[]; readonly sizes: readonly number[] },
  algorithm: ChecksumAlgorithm,
  checksumAt: (position: number) => string | undefined,
  input: Pick<GetObjectAttributesRequest, 'MaxParts' | 'PartNumberMarker'>,
): ObjectAttributesParts {
  const maxParts = Math.min(lenientInteger(input.MaxParts) ?? MAX_PARTS, MAX_PARTS);
  const marker = lenientInteger(input.PartNumberMarker) ?? 0;
  const after = parts.numbers.flatMap((number, index) => (number > marker ? [index] : []));
  const page = after.slice(0, maxParts);
  const listed = page.map((index): ObjectAttributesPart => {
    const value = checksumAt(index + 1);
    return { PartNumber: parts.numbers[index] ?? 0, Size: parts.sizes[index] ?? 0, ...(value === undefined ? {} : { [checksumMember(algorithm)]: value }) };
  });
  const last = listed.at(-1)?.PartNumber;
  return {
    TotalPartsCount: parts.numbers.length,
    PartNumberMarker: String(marker),
    NextPartNumberMarker: String(last ?? marker),
    MaxParts: maxParts,
    // MaxParts 0 is an empty page, not a truncated one, as ListParts answers it here.
    IsTruncated: maxParts > 0 && after.length > page.length,
    ...(listed.length === 0 ? {} : { Parts: listed }),
  };
}

/** A non-negative decimal integer, or undefined for anything else (which S3 ignores). */
function lenientInteger(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  return value !== undefined && /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
