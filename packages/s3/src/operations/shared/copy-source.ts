/**
 * @module
 * What CopyObject and UploadPartCopy share about their source: the source bucket and key the
 * caller must be allowed to read (s3:GetObject, s3:GetObjectVersion for a version), an
 * unversioned bucket's only version id (`null`),
 * the source's SSE-C key from the `CopySourceSSECustomer*` members, checked as GetObject checks
 * its own (400 without it or on an object that is not SSE-C, before any decryption), and the
 * `CopySourceIf*` conditions on the source (412 with `Condition: x-amz-copy-source-If-…`).
 */

import { S3Error } from '../../errors.ts';
import { type ConditionTarget, checkConditions } from '../../model/conditions.ts';
import type { CopySource } from '../../model/copy-source.ts';
import type { CustomerKey } from '../../model/customer-key.ts';
import { checkReadEncryption, type EncryptionMode } from '../../model/encryption.ts';
import { checkVersionId, NULL_VERSION_ID, versionConditions } from '../../model/version-id.ts';
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
 * The source bucket and key of a parsed `CopySource`, once the caller is allowed to read it:
 * s3:GetObject, or s3:GetObjectVersion (with `s3:versionid`) for a source naming a version
 * (CopyObject API reference: "s3:GetObjectVersion ... to copy a specific version"). Every object
 * of a bucket never versioned has the version id `null`; another id is one S3 cannot read: 400
 * InvalidArgument "Invalid version id specified" naming `x-amz-copy-source` for UploadPartCopy,
 * a bare 400 InvalidRequest "Invalid Request" for CopyObject, and "Version id cannot be the empty
 * string" for both with an empty one (captured against S3, us-east-1, 2026-04).
 * @throws S3Error NoSuchBucket, InvalidBucketName, AccessDenied, EmptyVersionId, InvalidVersionId,
 *   CopySourceInvalidVersionId.
 * @example
 * ```ts
 * const source = await authorizedCopySource(parseCopySource(input.CopySource), context);
 * ```
 */
export async function authorizedCopySource(source: CopySource, context: S3OperationContext): Promise<AuthorizedCopySource> {
  const bucket = await bucketNamed(source.bucket, context);
  const key = requireKey(source.key);
  const { versionId } = source;
  // The source's tags are read only if a policy tests `s3:ExistingObjectTag/<key>`.
  if (versionId === undefined) await context.authorize('s3:GetObject', bucket, key);
  else await context.authorize('s3:GetObjectVersion', bucket, key, versionConditions(versionId));
  if (versionId !== undefined && versionId !== '' && versionId !== NULL_VERSION_ID && context.operation === 'CopyObject') {
    throw new S3Error('CopySourceInvalidVersionId');
  }
  checkVersionId(versionId, 'x-amz-copy-source');
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
  return checkReadEncryption(request, mode, 'copy-source', context.secureTransport, context.crypto.md5, context.withoutSigV4);
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
