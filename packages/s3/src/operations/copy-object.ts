/**
 * @module
 * CopyObject: a new object from an existing one, decrypted under the source's own mode and
 * re-sealed under the mode the request names or, naming none, the destination bucket's default (a
 * copy does not inherit the source's encryption, model CopyObject; LS-snapshot
 * `test_copy_object_with_sse_c`). The plaintext streams from the source's reader through the
 * destination's cipher into storage, a frame at a time: no object is ever held whole.
 *
 * In order (LocalStack's, whose CopyObject tests are recorded against real S3): the destination
 * bucket and key; `CopySource` (400 InvalidArgument when it is not `bucket/key`); the metadata
 * directive; the source bucket; the source object (404 NoSuchKey naming the source key); the
 * `CopySourceIf*` conditions (412 with `Condition: x-amz-copy-source-If-…`); the source's SSE-C
 * key (`CopySourceSSECustomer*`: 400 without it, 400 on an object that is not SSE-C, 403 for
 * another key, before any decryption); the destination's encryption (the PutObject decision and
 * its errors, the SSE-C block included); a copy onto itself that changes nothing (400
 * InvalidRequest); the 5 GiB ceiling.
 *
 * `MetadataDirective: COPY` (the default) keeps the source's content type and user metadata and
 * ignores the request's; `REPLACE` takes the request's (the default content type when it names
 * none). The destination's ETag follows its own mode (the plaintext MD5 for SSE-S3, random for
 * the others), and the response echoes the destination's encryption fields as S3 does for
 * CopyObject (for SSE-KMS and DSSE-KMS: the key's full ARN, the bucket-key flag when used, and the
 * context the request sent: a copy never carries the source's context over). KMS is called as
 * the caller: Decrypt for an SSE-KMS or DSSE-KMS source, GenerateDataKey (or the caller's bucket
 * key) for such a destination, both before anything is stored.
 *
 * Tags (`x-amz-tagging-directive`): the source's are copied only with s3:GetObjectTagging on the
 * source, and a tagged destination needs s3:PutObjectTagging on it, checked once the source's
 * record is read and before anything is decrypted or stored.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { openObject, sealObject } from '../crypto/index.ts';
import { S3Error } from '../errors.ts';
import { type ChecksumResponseMembers, checksumResponseMembers, DEFAULT_CHECKSUM_ALGORITHM, requestedChecksumAlgorithm } from '../model/checksum.ts';
import { parseWriteCondition } from '../model/conditional-write.ts';
import { checkCopySourceSize, checkInPlaceCopy, metadataDirective, parseCopySource } from '../model/copy-source.ts';
import type { CustomerKey } from '../model/customer-key.ts';
import { etagKind, objectEtag } from '../model/etag.ts';
import { checkUserMetadataSize } from '../model/metadata.ts';
import { OBJECT_HEADER_MEMBERS, type ObjectHeaders, objectHeadersJson, objectHeadersOf } from '../model/object-headers.ts';
import { checkCopyable, checkStorageClass } from '../model/storage-class.ts';
import { NO_TAGS, parseTaggingHeader, type Tag } from '../model/tagging.ts';
import { versionConditions } from '../model/version-id.ts';
import type { UnsupportedConditions } from '../policy/authorize.ts';
import { header, metadataHeaders, struct, xmlPayload } from '../protocol/binding.ts';
import { CHECKSUM_XML_MEMBERS } from '../protocol/checksum-headers.ts';
import { OBJECT_HEADERS_BINDING } from '../protocol/object-headers.ts';
import { COPY_SOURCE_SSE_C_REQUEST, SSE_RESPONSE, SSE_WRITE_REQUEST } from '../protocol/sse-headers.ts';
import type { ObjectInfo } from '../storage/types.ts';
import { copyParameters } from './shared/audit.ts';
import { ownedBucket } from './shared/buckets.ts';
import { checksumFields, checksummedBody, storedChecksum } from './shared/checksums.ts';
import { objectCreationConditions, writeEncryptionConditions } from './shared/conditions.ts';
import { authorizedCopySource, type CopySourceCustomerMembers, checkCopySourceConditions, copySourceCustomerKey } from './shared/copy-source.ts';
import { writtenObjectTags } from './shared/object-tags.ts';
import { attributeFields, objectFields, objectRecord, requireKey, type SseResponseMembers, type SseWriteMembers, writeGuard } from './shared/objects.ts';
import { readKeys } from './shared/read.ts';
import { responseEncryption } from './shared/response.ts';
import { writeResponseElements } from './shared/response-elements.ts';
import { decideObjectEncryption, writeKeys } from './shared/write.ts';
import type { OperationDefinition } from './types.ts';

/** CopyObject request. */
export interface CopyObjectRequest extends SseWriteMembers, CopySourceCustomerMembers {
  /** The destination bucket. */
  Bucket: string;
  /** The destination key. */
  Key: string;
  /** `bucket/key` (or `/bucket/key`), the key URL-encoded, optionally `?versionId=null`. */
  CopySource: string;
  /** `COPY` (default) or `REPLACE`. */
  MetadataDirective?: string;
  /**
   * `x-amz-storage-class`: the destination's class, STANDARD when absent (whatever the source's:
   * "If the storage class is not specified, it defaults to STANDARD" is how S3 treats every
   * write; naming one makes a copy onto itself legal).
   */
  StorageClass?: string;
  /** `x-amz-tagging-directive`: `COPY` (the default) keeps the source's tags, `REPLACE` takes `Tagging`. */
  TaggingDirective?: string;
  /** `x-amz-tagging`: with `REPLACE`, the destination's tags (`model/tagging.ts`). */
  Tagging?: string;
  /**
   * `x-amz-website-redirect-location`: the destination's, whatever the directive (S3 never copies
   * it); naming it makes a copy onto itself legal, as in S3.
   */
  WebsiteRedirectLocation?: string;
  /** With `REPLACE`: the destination's Cache-Control, Content-Disposition, … (`ObjectHeaders`). */
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: string;
  /** With `REPLACE`: the destination's content type. */
  ContentType?: string;
  /** With `REPLACE`: the destination's user metadata. */
  Metadata?: Record<string, string>;
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date | string;
  CopySourceIfUnmodifiedSince?: Date | string;
  /** Conditional write on the destination: copy only if its current ETag is this one (else 412; 404 without an object). */
  IfMatch?: string;
  /** Conditional write on the destination: `*`, copy only if it has no object (else 412). */
  IfNoneMatch?: string;
  /** `x-amz-checksum-algorithm`: the destination's checksum algorithm (default: the source's, else CRC64NVME). */
  ChecksumAlgorithm?: string;
}

/** CopyObject response. */
export interface CopyObjectResponse extends SseResponseMembers {
  CopyObjectResult: {
    /** The destination's ETag, quoted. */
    ETag: string;
    LastModified: Date;
  } & ChecksumResponseMembers;
}

/** CopyObject. */
export const copyObject: OperationDefinition<'CopyObject', CopyObjectRequest, CopyObjectResponse> = {
  name: 'CopyObject',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  auditParameters: (input, scope) => copyParameters(copyObject.rest, input, scope),
  // The destination's encryption headers as answered (a captured SSE-C CopyObject: the algorithm).
  auditResponse: writeResponseElements,
  // PUT /{Bucket}/{Key+} with x-amz-copy-source; the answer is a <CopyObjectResult> document.
  rest: {
    method: 'PUT',
    path: 'object',
    headers: ['x-amz-copy-source'],
    request: {
      members: {
        CopySource: header('x-amz-copy-source'),
        MetadataDirective: header('x-amz-metadata-directive'),
        StorageClass: header('x-amz-storage-class'),
        TaggingDirective: header('x-amz-tagging-directive'),
        Tagging: header('x-amz-tagging'),
        ...OBJECT_HEADERS_BINDING,
        // Model CopyObject `ChecksumAlgorithm`: the destination's algorithm (not the SDK's
        // x-amz-sdk-checksum-algorithm: a copy has no body to checksum on the client).
        ChecksumAlgorithm: header('x-amz-checksum-algorithm'),
        ContentType: header('content-type'),
        Metadata: metadataHeaders(),
        CopySourceIfMatch: header('x-amz-copy-source-if-match'),
        CopySourceIfNoneMatch: header('x-amz-copy-source-if-none-match'),
        // Dates as sent: the engine parses them (and ignores one that is not a date, as HTTP does).
        CopySourceIfModifiedSince: header('x-amz-copy-source-if-modified-since'),
        CopySourceIfUnmodifiedSince: header('x-amz-copy-source-if-unmodified-since'),
        // The destination's conditions (LS-snapshot test_copy_object_if_match, _if_none_match).
        IfMatch: header('if-match'),
        IfNoneMatch: header('if-none-match'),
        ...SSE_WRITE_REQUEST,
        ...COPY_SOURCE_SSE_C_REQUEST,
      },
    },
    response: {
      members: {
        // Model CopyObjectResult: the checksum of the copy and its type travel in the document.
        CopyObjectResult: xmlPayload(
          'CopyObjectResult',
          struct({
            ETag: 'string',
            LastModified: 'timestamp',
            ChecksumType: 'string',
            ...CHECKSUM_XML_MEMBERS,
          }),
        ),
        ...SSE_RESPONSE,
      },
    },
  },
  // s3:PutObject on the destination, with the write's condition keys and the copy's own
  // (`s3:x-amz-copy-source`, `s3:x-amz-metadata-directive`); s3:GetObject on the source below.
  // Not `s3:if-match` / `s3:if-none-match`: S3 does not implement them for copies (see
  // `conditionalCopyKeys`).
  access: {
    action: 's3:PutObject',
    resource: 'object',
    conditions: (input, scope) => ({
      ...writeEncryptionConditions(input, scope),
      ...(typeof input.CopySource === 'string' ? { 's3:x-amz-copy-source': input.CopySource } : {}),
      ...(input.MetadataDirective === undefined ? {} : { 's3:x-amz-metadata-directive': input.MetadataDirective }),
      ...objectCreationConditions(true),
    }),
    // The tags a REPLACE directive sets (none for COPY: the copy keeps the source's, which the
    // request does not name). UNCONFIRMED which of the two S3 puts there for COPY.
    requestTags: (input) => requestedTags(input) ?? NO_TAGS,
    unsupportedConditions: conditionalCopyKeys,
  },

  async handler(input, context) {
    const target = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const source = parseCopySource(input.CopySource);
    const directive = metadataDirective(input.MetadataDirective);
    // REPLACE stores the request's metadata: over 2 KB it is refused before anything is read.
    if (directive === 'REPLACE') checkUserMetadataSize(input.Metadata);
    // The request's headers (its redirect checked), before anything is read.
    const requestHeaders = objectHeadersOf(directive === 'REPLACE' ? input : { WebsiteRedirectLocation: input.WebsiteRedirectLocation });
    checkStorageClass(input.StorageClass);
    const requestTags = requestedTags(input);
    const checksumAlgorithm = input.ChecksumAlgorithm === undefined ? undefined : requestedChecksumAlgorithm(input.ChecksumAlgorithm);
    const guard = writeGuard(parseWriteCondition(input.IfMatch, input.IfNoneMatch), key);
    const { bucket: sourceBucket, key: sourceKey } = await authorizedCopySource(source, context);
    // The reader pins the source's bytes: a concurrent overwrite, or this copy itself when it
    // targets its own source, does not change what is read.
    const reader = await context.store.openObject(sourceBucket, sourceKey);
    // As GetObject answers (its API reference, "Permissions"): 404 NoSuchKey only to a caller who
    // may list the source bucket; 403 AccessDenied to one who may not.
    if (reader === undefined) throw context.missingObject(sourceKey, sourceBucket);
    let sourceCustomer: CustomerKey | undefined;
    let destinationCustomer: CustomerKey | undefined;
    try {
      const record = objectRecord(reader.info);
      // The source pinned: a decision taken on its tags holds for the bytes copied.
      context.confirmObjectTags(sourceBucket.name, sourceKey, record.tags);
      const destinationTags = requestTags ?? record.tags;
      // "If you're copying objects that have object tags, then your IAM identity must have
      // s3:GetObjectTagging and s3:PutObjectTagging permissions. You must have s3:GetObjectTagging
      // permission for the source object and s3:PutObjectTagging permission for objects in the
      // destination bucket" (AWS Knowledge Center, s3-troubleshoot-copy-between-buckets; ceph/ceph#47897
      // captures the 403s). Only for tags actually read or written: an untagged source, or REPLACE
      // without tags, needs neither (scality/cloudserver#747 adds the contexts on the same terms).
      // A source naming a version (`?versionId=null`) is read by the version's permissions, so its
      // tags by s3:GetObjectVersionTagging (UNCONFIRMED: inferred from GetObjectTagging's). The
      // source's record is read: its tags are the check's `s3:ExistingObjectTag/<key>`.
      if (requestTags === undefined && record.tags.length > 0) {
        const existing = { existing: record.tags };
        if (source.versionId === undefined) await context.authorize('s3:GetObjectTagging', sourceBucket, sourceKey, undefined, existing);
        else await context.authorize('s3:GetObjectVersionTagging', sourceBucket, sourceKey, versionConditions(source.versionId), existing);
      }
      // Its request tags are the tags written: the request's (REPLACE) or the source's (COPY).
      if (destinationTags.length > 0) await context.authorize('s3:PutObjectTagging', target, key, undefined, writtenObjectTags(destinationTags));
      // An archived source is copied only once restored (CopyObject API reference), never here.
      checkCopyable(record, context.now);
      checkCopySourceConditions(input, { etag: record.etag, lastModified: reader.info.lastModified }, context.now);
      sourceCustomer = copySourceCustomerKey(input, record.mode, context);
      const decided = decideObjectEncryption(input, target, key, context);
      if (decided.mode === 'SSE-C') destinationCustomer = decided.customerKey;
      if (sourceBucket.name === target.name && sourceKey === key) {
        checkInPlaceCopy({
          metadataDirective: directive,
          requestNamesEncryption: decided.source === 'request',
          requestNamesStorageClass: input.StorageClass !== undefined,
          requestNamesWebsiteRedirect: input.WebsiteRedirectLocation !== undefined,
          bucketEncryptionConfigured: target.encryptionConfigured,
          sourceMode: record.mode,
        });
      }
      checkCopySourceSize(record.size);
      // The destination's condition, now and again where the copy commits, under the key's lock.
      guard?.(await context.store.headObject(target, key));
      // Verifies a source SSE-C key against the stored verifier (403) before anything is decrypted;
      // for an SSE-KMS or DSSE-KMS source, calls KMS Decrypt as the caller in the source's Region.
      const sourceKeys = await readKeys(record, sourceBucket.name, sourceCustomer?.key, context, sourceBucket.region);
      try {
        const { keys, customerKeyMd5, kms } = await writeKeys(decided, target, key, context);
        try {
          const [contentType, userMetadata] = directive === 'COPY' ? [record.contentType, record.userMetadata] : [input.ContentType, input.Metadata];
          const headersJson = objectHeadersJson(directive === 'COPY' ? copiedHeaders(record.headers, requestHeaders) : requestHeaders);
          const attributes = attributeFields(input.StorageClass, destinationTags);
          const wantMd5 = etagKind(decided.mode) === 'md5';
          let etag = '';
          // The destination's checksum is computed over the plaintext as it is copied: the
          // algorithm asked for, else the source's, else S3's default.
          const checksummed = checksummedBody(openObject(reader, record.segments, sourceKeys), {
            ChecksumAlgorithm: checksumAlgorithm ?? storedChecksum(reader.info.metadata)?.algorithm ?? DEFAULT_CHECKSUM_ALGORITHM,
          });
          const { result } = await sealObject<ObjectInfo>(
            checksummed.body,
            keys,
            (sealed, progress) =>
              context.store.putObject(
                target,
                key,
                sealed,
                () => {
                  const digest = wantMd5 ? progress.md5() : new Uint8Array(16);
                  etag = `"${objectEtag(decided.mode, digest, (length) => context.crypto.random.bytes(length))}"`;
                  return {
                    ...objectFields(decided.mode, etag, progress.segment(), contentType, userMetadata, keys.fields, undefined, headersJson, attributes),
                    ...checksumFields(checksummed.checksum()),
                  };
                },
                guard,
              ),
            { md5: wantMd5 },
          );
          return {
            CopyObjectResult: { ETag: etag, LastModified: new Date(result.lastModified), ...checksumResponseMembers(checksummed.checksum()) },
            ...responseEncryption('CopyObject', decided.mode, customerKeyMd5, kms),
          };
        } finally {
          keys.dispose();
        }
      } finally {
        sourceKeys.dispose();
      }
    } finally {
      sourceCustomer?.key.fill(0);
      destinationCustomer?.key.fill(0);
      await reader.close();
    }
  },
};

/** The condition keys of a conditional write, as the policy engine looks them up. */
const CONDITIONAL_WRITE_KEYS: readonly string[] = Object.freeze(['s3:if-match', 's3:if-none-match']);

/**
 * UG `conditional-writes-enforce`: "If you use a bucket policy to enforce conditional writes, you
 * can't perform copy operations to the bucket or prefix specified in your bucket policy.
 * CopyObject requests without an If-None-Match or If-Match HTTP header fail with a 403 Access
 * Denied error. CopyObject requests made with those HTTP headers fail with a 501 Not Implemented
 * response." Without the headers the keys are absent, as for any request that has none (the
 * write-once policy's `Null` test denies: 403); with them, a policy statement that applies to the
 * copy and tests either key answers 501 NotImplemented. The error's `Header` element (the
 * headers sent, as for the 501s of `parseWriteCondition`) is UNCONFIRMED: the guide gives the
 * status only.
 */
function conditionalCopyKeys(input: CopyObjectRequest): UnsupportedConditions | undefined {
  const { IfMatch, IfNoneMatch } = input;
  if (IfMatch === undefined && IfNoneMatch === undefined) return undefined;
  const header = IfMatch === undefined ? 'If-None-Match' : IfNoneMatch === undefined ? 'If-Match' : 'If-Match,If-None-Match';
  return { keys: CONDITIONAL_WRITE_KEYS, error: () => new S3Error('ConditionalHeaderNotImplemented', { fields: [['Header', header]] }) };
}

/**
 * The headers a `COPY` keeps: the source's, but its website redirect, which S3 never copies
 * ("x-amz-website-redirect-location is unique to each object and is not copied when using the
 * x-amz-metadata-directive header", CopyObject API reference, `MetadataDirective`); the request's
 * redirect when it names one.
 */
function copiedHeaders(source: Readonly<ObjectHeaders>, request: Readonly<ObjectHeaders> | undefined): ObjectHeaders | undefined {
  let headers: ObjectHeaders | undefined;
  for (const member of OBJECT_HEADER_MEMBERS) {
    const value = member === 'WebsiteRedirectLocation' ? request?.WebsiteRedirectLocation : source[member];
    if (value === undefined) continue;
    headers ??= Object.create(null) as ObjectHeaders;
    headers[member] = value;
  }
  return headers;
}

/**
 * The tags a `REPLACE` tagging directive gives the destination (none without `x-amz-tagging`),
 * or undefined for `COPY`, the default, which keeps the source's ("x-amz-tagging-directive:
 * Specifies whether the object tag-set are copied from the source object or replaced with
 * tag-set provided in the request. The default value is COPY", CopyObject API reference).
 * @throws S3Error InvalidTaggingDirective for another value; `parseTaggingHeader`'s errors.
 */
function requestedTags(input: CopyObjectRequest): readonly Tag[] | undefined {
  const directive = input.TaggingDirective ?? 'COPY';
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidTaggingDirective', { fields: [['ArgumentValue', directive]] });
  if (directive === 'COPY') return undefined;
  return input.Tagging === undefined ? [] : parseTaggingHeader(input.Tagging);
}
