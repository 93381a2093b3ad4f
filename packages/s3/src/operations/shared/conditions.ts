/**
 * @module
 * The `s3:` condition keys a request carries, as S3 fills them from the request (Service
 * Authorization Reference, "Condition keys for Amazon S3"; reference §4): only the keys whose
 * header or parameter the request has, so `Null` tests see exactly what was sent. The bucket's
 * default encryption never fills them (reference §4.2: a `Null` Deny also blocks uploads relying
 * on the default).
 */

import type { RequestConditions } from '@strongbox/service-kernel';
import type { SseWriteMembers } from './objects.ts';

/** Where the request is served, for values S3 completes (a bare KMS key id becomes its ARN). */
export interface ConditionScope {
  readonly region: string;
  /** The caller's account (a bare key id names a key of the caller's account). */
  readonly account: string;
}

const KEY_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$|^mrk-[0-9a-f]{32}$/;

/**
 * `s3:x-amz-server-side-encryption`, `s3:x-amz-server-side-encryption-aws-kms-key-id` and
 * `s3:x-amz-server-side-encryption-customer-algorithm` of a write (PutObject, CopyObject's
 * destination, CreateMultipartUpload; UploadPart and CompleteMultipartUpload carry the SSE-C
 * algorithm only). The key id is compared as a key ARN (UG example-bucket-policies: the condition
 * "must be written as a key ARN"): a bare key id is completed to the ARN of that key in the
 * caller's account and the request's Region, an ARN is kept; an alias is kept as sent (what S3
 * puts there for an alias is UNCONFIRMED).
 * @example writeEncryptionConditions({ ServerSideEncryption: 'AES256' }, scope) // { 's3:x-amz-server-side-encryption': 'AES256' }
 */
export function writeEncryptionConditions(input: SseWriteMembers, scope: ConditionScope): RequestConditions {
  const conditions: Record<string, string> = Object.create(null) as Record<string, string>;
  if (input.ServerSideEncryption !== undefined) conditions['s3:x-amz-server-side-encryption'] = input.ServerSideEncryption;
  const keyId = input.SSEKMSKeyId;
  if (keyId !== undefined) {
    conditions['s3:x-amz-server-side-encryption-aws-kms-key-id'] = KEY_ID.test(keyId) ? `arn:aws:kms:${scope.region}:${scope.account}:key/${keyId}` : keyId;
  }
  if (input.SSECustomerAlgorithm !== undefined) conditions['s3:x-amz-server-side-encryption-customer-algorithm'] = input.SSECustomerAlgorithm;
  return conditions;
}

const CREATES_OBJECT: RequestConditions = Object.freeze({ 's3:ObjectCreationOperation': 'true' });
const PREPARES_OBJECT: RequestConditions = Object.freeze({ 's3:ObjectCreationOperation': 'false' });

/**
 * `s3:ObjectCreationOperation` of an `s3:PutObject` request: `true` for those that create the
 * object (PutObject, CopyObject, CompleteMultipartUpload), `false` for the multipart steps that
 * only prepare it (CreateMultipartUpload, UploadPart, UploadPartCopy). UG "Enforce conditional
 * writes on Amazon S3 buckets" (`conditional-writes-enforce`): a policy requiring
 * `s3:if-none-match` must test this key to exempt the steps, "as these APIs don't accept
 * conditional headers"; the write-once policy is `Deny s3:PutObject` when
 * `{"Null": {"s3:if-none-match": "true"}, "Bool": {"s3:ObjectCreationOperation": "true"}}`.
 * Whether S3 sets the key on other actions is UNCONFIRMED: it is not set there.
 * @example objectCreationConditions(false) // { 's3:ObjectCreationOperation': 'false' }
 */
export function objectCreationConditions(createsObject: boolean): RequestConditions {
  return createsObject ? CREATES_OBJECT : PREPARES_OBJECT;
}

/**
 * `s3:if-match` and `s3:if-none-match` of a conditional write (PutObject, CompleteMultipartUpload:
 * UG "Enforce conditional writes on Amazon S3 buckets", `conditional-writes-enforce`) or delete
 * (DeleteObject: `s3:if-match`, UG `conditional-delete-enforce`), so a bucket policy can require
 * them (`"Null": {"s3:if-none-match": "true"}` with Deny).
 * @example conditionalWriteConditions({ IfNoneMatch: '*' }) // { 's3:if-none-match': '*' }
 */
export function conditionalWriteConditions(input: { IfMatch?: string | undefined; IfNoneMatch?: string | undefined }): RequestConditions {
  const conditions: Record<string, string> = Object.create(null) as Record<string, string>;
  if (input.IfMatch !== undefined) conditions['s3:if-match'] = input.IfMatch;
  if (input.IfNoneMatch !== undefined) conditions['s3:if-none-match'] = input.IfNoneMatch;
  return conditions;
}

/** The listing parameters of ListObjects / ListObjectsV2 / ListObjectVersions. */
export interface ListParameters {
  Prefix?: string;
  Delimiter?: string;
  MaxKeys?: number;
}

/**
 * `s3:prefix`, `s3:delimiter` and `s3:max-keys` of a listing (`s3:ListBucket`): the parameters the
 * request sent, as text.
 * @example listConditions({ Prefix: 'home/alice/' }) // { 's3:prefix': 'home/alice/' }
 */
export function listConditions(input: ListParameters): RequestConditions {
  const conditions: Record<string, string> = Object.create(null) as Record<string, string>;
  if (input.Prefix !== undefined) conditions['s3:prefix'] = input.Prefix;
  if (input.Delimiter !== undefined) conditions['s3:delimiter'] = input.Delimiter;
  if (input.MaxKeys !== undefined) conditions['s3:max-keys'] = String(input.MaxKeys);
  return conditions;
}
