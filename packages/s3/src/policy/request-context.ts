/**
 * @module
 * The request context S3's policy conditions test (reference §4.2; S3 User Guide "Amazon S3
 * condition key examples"; Service Authorization Reference "Condition keys for Amazon S3"): the
 * request's own `s3:` keys as the operation reports them (`s3:x-amz-server-side-encryption`,
 * `s3:prefix`, ...), `s3:ResourceAccount`, and the global `aws:` keys the kernel computes,
 * `aws:SecureTransport` among them. Values are computed on demand and looked up lower-cased
 * (condition key names are case-insensitive).
 *
 * The object-tag keys (`s3:ExistingObjectTag/<key>`, `s3:RequestObjectTag/<key>`,
 * `s3:RequestObjectTagKeys`) come from the tags the source holds (`object-tags.ts`).
 *
 * Condition values come from the request, never from the bucket's default: a PutObject without
 * an `x-amz-server-side-encryption` header has no `s3:x-amz-server-side-encryption` value, so a
 * `Null: true` test matches it even though the bucket default encrypts it (reference §4.2,
 * aws-quickstart/quickstart-compliance-common#29).
 */

import { type ConditionLookup, conditionLookup, globalConditionValue, type Principal, type RequestConditions } from '@strongbox/service-kernel';
import { isObjectTagKey, objectTagValue, type TagSource } from './object-tags.ts';

/**
 * How a request was authenticated, as S3's `s3:authType`, `s3:signatureversion`,
 * `s3:signatureAge` and `s3:x-amz-content-sha256` condition keys report it (Service Authorization
 * Reference, "Condition keys for Amazon S3"; S3 API reference "Authenticating Requests (AWS
 * Signature Version 4)", "Amazon S3 Signature Version 4 Authentication Specific Policy Keys").
 * The protocol edge says; an in-process call has none, and the keys are then absent.
 */
export interface SignatureFacts {
  /** `REST-HEADER` (Authorization header), `REST-QUERY-STRING` (presigned URL) or `POST` (browser form). */
  readonly authType: 'REST-HEADER' | 'REST-QUERY-STRING' | 'POST';
  /** `AWS4-HMAC-SHA256` for SigV4 (`AWS` for SigV2). */
  readonly signatureVersion: string;
  /** When the request was signed (`X-Amz-Date`), epoch ms: `s3:signatureAge` is the time since, in ms. */
  readonly signedAt?: number;
  /** The `x-amz-content-sha256` the request declared (`UNSIGNED-PAYLOAD`, a hex digest, `STREAMING-…`). */
  readonly contentSha256?: string;
}

/** What condition values are derived from. */
export interface S3ContextSource {
  readonly caller: Principal;
  /** The Region the request was sent to (`aws:RequestedRegion`). */
  readonly region: string;
  /** The account owning the bucket (`s3:ResourceAccount`); `undefined` for account-level actions. */
  readonly resourceAccount: string | undefined;
  /** Whether the request came over TLS (`aws:SecureTransport`). */
  readonly secureTransport: boolean;
  /** Request time, epoch ms (`aws:CurrentTime`, `aws:EpochTime`). */
  readonly now: number;
  /** The caller's IP address (`aws:SourceIp`). */
  readonly sourceIp?: string;
  /** The request's own condition keys, e.g. `{ 's3:x-amz-server-side-encryption': 'AES256' }`. */
  readonly conditions?: RequestConditions;
  /** How the request was authenticated, when it came over the wire. */
  readonly signature?: SignatureFacts;
  /**
   * The tags of the object-tag keys, where the request's action has them: `existing`, the tags of
   * the object acted on (`s3:ExistingObjectTag/<key>`); `requested`, the tags the request sets
   * (`s3:RequestObjectTag/<key>`, `s3:RequestObjectTagKeys`). A function is called only when a
   * policy asks for one of its keys.
   */
  readonly objectTags?: { readonly existing?: TagSource | undefined; readonly requested?: TagSource | undefined };
}

/**
 * A lookup of condition values for one S3 request.
 * @example s3ContextLookup({ caller, region: 'us-east-1', resourceAccount: '111122223333', secureTransport: false, now })('aws:securetransport') // ['false']
 */
export function s3ContextLookup(source: S3ContextSource): ConditionLookup {
  const { signature } = source;
  return conditionLookup(source.conditions, (key) => {
    switch (key) {
      case 's3:resourceaccount':
        return source.resourceAccount === undefined ? undefined : [source.resourceAccount];
      case 's3:authtype':
        return signature === undefined ? undefined : [signature.authType];
      case 's3:signatureversion':
        return signature === undefined ? undefined : [signature.signatureVersion];
      case 's3:signatureage':
        return signature?.signedAt === undefined ? undefined : [String(Math.max(0, source.now - signature.signedAt))];
      case 's3:x-amz-content-sha256':
        return signature?.contentSha256 === undefined ? undefined : [signature.contentSha256];
      default:
        // Only `s3:` keys can be tag keys: the global `aws:` ones go straight on.
        if (source.objectTags !== undefined && key.startsWith('s3:') && isObjectTagKey(key)) return objectTagValue(key, source.objectTags);
        return globalConditionValue(source, key);
    }
  });
}
