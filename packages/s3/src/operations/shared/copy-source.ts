/**
 * @module
 * What CopyObject and UploadPartCopy share about their source: the source bucket and key the
 * caller must be allowed to read (s3:GetObject), an unversioned bucket's only version id (`null`),
 * the source's SSE-C key from the `CopySourceSSECustomer*` members, checked as GetObject checks
 * its own (400 without it or on an object that is not SSE-C, before any decryption), and the
 * `CopySourceIf*` conditions on the source (412 with `Condition: x-amz-copy-source-If-…`).
 */

import { S3Error } from '../../errors.ts';
import { type ConditionTarget, checkConditions } from '../../model/conditions.ts';
import type { CopySource } from '../../model/copy-source.ts';
import type { CustomerKey } from '../../model/customer-key.ts';
import { checkReadEncryption, type EncryptionMode } from '../../model/encryption.ts';
import type { S3OperationContext } from '../types.ts';
import { type BucketRecord, bucketNamed } from './buckets.ts';
import { requireKey } from './objects.ts';
import { conditionsOf } from './read.ts';

/** The `CopySourceSSECustomer*` members: the SSE-C key the source was stored with (base64, as on the wire). */
export interface CopySourceCustomerMembers {
  CopySourceSSECustomerAlgorithm?: string;
  CopySourceSSECustomerKey?: string;
  CopySourceSSECustomerKeyMD5?: string;
}

/** The `CopySourceIf*` members: conditions on the source object (`x-amz-copy-source-if-*`). */
export interface CopySourceConditionMembers {
  CopySourceIfMatch?: string;
  CopySourceIfNoneMatch?: string;
  CopySourceIfModifiedSince?: Date | string;
  CopySourceIfUnmodifiedSince?: Date | string;
}

/** A copy's source, found and authorized. */
export interface AuthorizedCopySource {
  readonly bucket: BucketRecord;
  readonly key: string;
}

/**
 * The source bucket and key of a parsed `CopySource`, once the caller is allowed s3:GetObject on it.
 * @throws S3Error NoSuchBucket, InvalidBucketName, AccessDenied; NoSuchVersion for a version id
 *   other than `null` (every object of an unversioned bucket has the version id `null`).
 * @example
 * ```ts
 * const source = await authorizedCopySource(parseCopySource(input.CopySource), context);
 * ```
 */
export async function authorizedCopySource(source: CopySource, context: S3OperationContext): Promise<AuthorizedCopySource> {
  const bucket = await bucketNamed(source.bucket, context);
  const key = requireKey(source.key);
  // The source's tags are read only if a policy tests `s3:ExistingObjectTag/<key>`.
  await context.authorize('s3:GetObject', bucket, key);
  if (source.versionId !== undefined && source.versionId !== 'null') {
    throw new S3Error('NoSuchVersion', {
      fields: [
        ['Key', key],
        ['VersionId', source.versionId],
      ],
    });
  }
  return { bucket, key };
}

/**
 * The source's SSE-C key from the `CopySourceSSECustomer*` members, checked against the source's
 * stored mode (the caller wipes it); undefined for a source that is not SSE-C.
 * @throws S3Error as `checkReadEncryption` for `copy-source`.
 * @example
 * ```ts
 * const customer = copySourceCustomerKey(input, record.mode, context);
 * ```
 */
export function copySourceCustomerKey(input: CopySourceCustomerMembers, mode: EncryptionMode, context: S3OperationContext): CustomerKey | undefined {
  const request = {
    customer: { algorithm: input.CopySourceSSECustomerAlgorithm, key: input.CopySourceSSECustomerKey, keyMd5: input.CopySourceSSECustomerKeyMD5 },
  };
  return checkReadEncryption(request, mode, 'copy-source', context.secureTransport, context.crypto.md5);
}

/**
 * Checks the `CopySourceIf*` conditions against the source as the copy's reader pinned it (a
 * multipart copy whose source changed between parts fails instead of mixing versions).
 * @throws S3Error PreconditionFailed with `Condition: x-amz-copy-source-If-…`.
 * @example
 * ```ts
 * checkCopySourceConditions(input, { etag: record.etag, lastModified: reader.info.lastModified }, context.now);
 * ```
 */
export function checkCopySourceConditions(input: CopySourceConditionMembers, source: ConditionTarget, now: number): void {
  const conditions = conditionsOf({
    IfMatch: input.CopySourceIfMatch,
    IfNoneMatch: input.CopySourceIfNoneMatch,
    IfModifiedSince: input.CopySourceIfModifiedSince,
    IfUnmodifiedSince: input.CopySourceIfUnmodifiedSince,
  });
  checkConditions(conditions, source, 'copy-source', now);
}
