/**
 * @module
 * UploadPartCopy: a part whose plaintext is a byte range (`CopySourceRange`, `bytes=first-last`)
 * or the whole of an existing object. The source is decrypted as it streams (only the frames the
 * range covers, through its own mode and keys: an SSE-C source needs its key in the
 * `CopySourceSSECustomer*` members, checked as GetObject checks them) and sealed again as the
 * part, in the upload's mode and bound to the part's number, without the plaintext ever being
 * held whole. The source is pinned when opened, so a concurrent overwrite does not change what is
 * copied. The target's SSE-C members follow UploadPart's rules; the response echoes the upload's
 * encryption fields (no context) and the part's ETag and time in `CopyPartResult`.
 *
 * The part's checksum is computed over the copied plaintext in the upload's algorithm (S3's
 * default CRC64NVME when it named none) and stored as an UploadPart's; `CopyPartResult` carries it
 * when the upload named the algorithm (model CopyPartResult: "present if the multipart upload
 * request was created with the … checksum algorithm").
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { openObject, openObjectRange } from '../crypto/index.ts';
import { type ChecksumResponseMembers, checksumMember } from '../model/checksum.ts';
import { parseCopySource } from '../model/copy-source.ts';
import { checkPartNumber, parseCopySourceRange } from '../model/multipart.ts';
import { checkCopyable } from '../model/storage-class.ts';
import { header, query, struct, xmlPayload } from '../protocol/binding.ts';
import { CHECKSUM_XML_MEMBERS } from '../protocol/checksum-headers.ts';
import { COPY_SOURCE_SSE_C_REQUEST, SSE_C_REQUEST, SSE_RESPONSE } from '../protocol/sse-headers.ts';
import { copyParameters } from './shared/audit.ts';
import { ownedBucket } from './shared/buckets.ts';
import { checksummedBody } from './shared/checksums.ts';
import { objectCreationConditions, writeEncryptionConditions } from './shared/conditions.ts';
import { authorizedCopySource, type CopySourceCustomerMembers, checkCopySourceConditions, copySourceCustomerKey } from './shared/copy-source.ts';
import { findUpload, partCustomerKey, sealPart } from './shared/multipart.ts';
import { objectRecord, requireKey, type SseCustomerMembers, type SseResponseMembers } from './shared/objects.ts';
import { readKeys } from './shared/read.ts';
import { responseEncryption } from './shared/response.ts';
import type { OperationDefinition } from './types.ts';

/** UploadPartCopy request. */
export interface UploadPartCopyRequest extends SseCustomerMembers, CopySourceCustomerMembers {
  Bucket: string;
  Key: string;
  UploadId: string;
  PartNumber: number;
  /** `source-bucket/source-key`, URL-encoded (a leading `/` allowed). */
  CopySource: string;
  /** `bytes=first-last`, inclusive, inside the source; absent: the whole source. */
  CopySourceRange?: string;
  /** Conditions on the source, as CopyObject's (412 with `Condition: x-amz-copy-source-If-…`). */
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date | string;
  CopySourceIfUnmodifiedSince?: Date | string;
}

/** UploadPartCopy response. */
export interface UploadPartCopyResponse extends SseResponseMembers {
  CopyPartResult: { ETag: string; LastModified: Date } & Omit<ChecksumResponseMembers, 'ChecksumType'>;
}

/** UploadPartCopy. */
export const uploadPartCopy: OperationDefinition<'UploadPartCopy', UploadPartCopyRequest, UploadPartCopyResponse> = {
  name: 'UploadPartCopy',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  auditParameters: (input, scope) => copyParameters(uploadPartCopy.rest, input, scope),
  // PUT /{Bucket}/{Key+}?partNumber=N&uploadId=U with x-amz-copy-source; answers <CopyPartResult>.
  rest: {
    method: 'PUT',
    path: 'object',
    query: ['partNumber', 'uploadId'],
    headers: ['x-amz-copy-source'],
    request: {
      members: {
        PartNumber: query('partNumber', 'integer'),
        UploadId: query('uploadId'),
        CopySource: header('x-amz-copy-source'),
        CopySourceRange: header('x-amz-copy-source-range'),
        // API reference UploadPartCopy: the same source conditions as CopyObject's.
        CopySourceIfMatch: header('x-amz-copy-source-if-match'),
        CopySourceIfNoneMatch: header('x-amz-copy-source-if-none-match'),
        CopySourceIfModifiedSince: header('x-amz-copy-source-if-modified-since'),
        CopySourceIfUnmodifiedSince: header('x-amz-copy-source-if-unmodified-since'),
        ...SSE_C_REQUEST,
        ...COPY_SOURCE_SSE_C_REQUEST,
      },
    },
    response: {
      members: {
        CopyPartResult: xmlPayload(
          'CopyPartResult',
          struct({
            ETag: 'string',
            LastModified: 'timestamp',
            ...CHECKSUM_XML_MEMBERS,
          }),
        ),
        ...SSE_RESPONSE,
      },
    },
  },
  // s3:PutObject on the destination (with the SSE-C algorithm and s3:x-amz-copy-source), s3:GetObject
  // on the source below.
  access: {
    action: 's3:PutObject',
    resource: 'object',
    conditions: (input, scope) => ({
      ...writeEncryptionConditions(input, scope),
      ...(typeof input.CopySource === 'string' ? { 's3:x-amz-copy-source': input.CopySource } : {}),
      ...objectCreationConditions(false),
    }),
  },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const partNumber = checkPartNumber(input.PartNumber);
    const upload = await findUpload(context, bucket, key, input.UploadId);
    const source = parseCopySource(input.CopySource);
    const { bucket: sourceBucket, key: sourceKey } = await authorizedCopySource(source, context);
    const reader = await context.store.openObject(sourceBucket, sourceKey);
    // As CopyObject and GetObject answer: 404 NoSuchKey only to a caller who may list the source
    // bucket (s3:ListBucket), 403 AccessDenied to one who may not.
    if (reader === undefined) throw context.missingObject(sourceKey, sourceBucket);
    let sourceCustomerKey: Uint8Array | undefined;
    let targetCustomer: { key: Uint8Array; keyMd5: string } | undefined;
    try {
      const record = objectRecord(reader.info);
      // The source pinned: a decision taken on its tags holds for the bytes copied.
      context.confirmObjectTags(sourceBucket.name, sourceKey, record.tags);
      // An archived source is copied only once restored (UploadPartCopy API reference), never here.
      checkCopyable(record, context.now);
      // The source's conditions, against the version the reader pinned (as CopyObject checks them):
      // a multipart copy whose source changed between parts fails instead of mixing versions.
      checkCopySourceConditions(input, { etag: record.etag, lastModified: reader.info.lastModified }, context.now);
      sourceCustomerKey = copySourceCustomerKey(input, record.mode, context)?.key;
      const range = parseCopySourceRange(input.CopySourceRange, record.size);
      targetCustomer = partCustomerKey(input, upload, context, { bucket, key });
      const keys = await readKeys(record, sourceBucket.name, sourceCustomerKey, context, sourceBucket.region);
      try {
        const plaintext =
          range === undefined ? openObject(reader, record.segments, keys) : openObjectRange(reader, record.segments, keys, range.first, range.last + 1);
        const checksummed = checksummedBody(plaintext, { ChecksumAlgorithm: upload.checksum.algorithm });
        const { etag, lastModified } = await sealPart(context, bucket, upload, partNumber, checksummed.body, targetCustomer?.key, undefined, () => ({
          [checksummed.algorithm]: checksummed.checksum().value,
        }));
        const checksum = upload.checksum.requested ? { [checksumMember(upload.checksum.algorithm)]: checksummed.checksum().value } : {};
        return {
          CopyPartResult: { ETag: etag, LastModified: new Date(lastModified), ...checksum },
          ...responseEncryption('UploadPartCopy', upload.mode, targetCustomer?.keyMd5, upload.kms),
        };
      } finally {
        keys.dispose();
      }
    } finally {
      sourceCustomerKey?.fill(0);
      targetCustomer?.key.fill(0);
      await reader.close();
    }
  },
};
