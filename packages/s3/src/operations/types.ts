/**
 * @module
 * What an S3 operation is: a kernel `OperationSpec` whose handler reads and writes buckets and
 * objects through an `S3OperationContext`, plus whether CloudTrail logs it as a management event
 * or a data event. Requests and responses use the AWS SDK's S3 member names (`Bucket`, `Key`,
 * `Body`, `ServerSideEncryption`, `SSECustomerKey`, ...): the in-process API is S3's API, without
 * the wire; each definition also declares its REST binding (`rest`), from which the protocol is derived.
 */

import type { Clock, OperationSpec, Principal, Random, RequestConditions } from '@strongbox/service-kernel';
import type { DsseKmsProvider, SseCProvider, SseKmsProvider, SseS3Provider } from '../crypto/index.ts';
import type { S3Error } from '../errors.ts';
import type { TokenMac } from '../model/continuation-token.ts';
import type { Md5 } from '../model/etag.ts';
import type { Tag } from '../model/tagging.ts';
import type { S3Action } from '../policy/actions.ts';
import type { S3AccessDecision, UnsupportedConditions } from '../policy/authorize.ts';
import type { TagSource } from '../policy/object-tags.ts';
import type { RestBinding } from '../protocol/binding.ts';
import type { ObjectStore } from '../storage/types.ts';

/** Settings of one engine instance that operations consult. */
export interface S3Settings {
  /** The default account (the account of callers that name none). */
  readonly account: string;
  /** The Region the engine serves (its endpoint's Region). */
  readonly region: string;
}

/** The at-rest encryption an operation may use. */
export interface AtRestCrypto {
  readonly sseS3: SseS3Provider;
  readonly sseC: SseCProvider;
  /** SSE-KMS (with or without a bucket key): KMS called on the caller's behalf. */
  readonly sseKms: SseKmsProvider;
  /** DSSE-KMS: two layers, two KMS data keys. */
  readonly dsseKms: DsseKmsProvider;
  /** MD5 (ETags of SSE-S3 objects, Content-MD5 and SSE-C key MD5 checks). */
  readonly md5: Md5;
  /** Randomness (opaque ETags). */
  readonly random: Random;
  /**
   * The MAC that makes ListObjectsV2 continuation tokens tamper-evident (HMAC-SHA-256 under a key
   * drawn when the engine starts and never stored: a token outlives neither the engine nor a
   * restart).
   */
  readonly continuationTokenMac: TokenMac;
}

/** Everything an operation handler may use. One context per request. */
export interface S3OperationContext {
  /** The operation being served. */
  readonly operation: string;
  /** Request time, epoch milliseconds (one clock reading per request, taken when it opens). */
  readonly now: number;
  /**
   * The engine's clock, for a handler that must date a change by the time it holds the key's lock
   * (RestoreObject): `now` is read before the lock, so two requests less than a clock tick apart
   * could otherwise be judged out of the order they take it.
   */
  readonly clock: Clock;
  /** The Region the request was sent to. */
  readonly region: string;
  /**
   * The Region whose endpoint the request was sent to, when the request names one: its SigV4
   * credential scope on the wire (the endpoint of the Region it is signed for), the call's
   * `region` in process. Unsigned and SigV2 requests name none, nor do in-process calls without
   * a `region`: Strongbox takes them as sent to the bucket's own Region (never redirected), a
   * choice of its own (`refuseOtherRegion`).
   */
  readonly endpointRegion?: string | undefined;
  /** Who is calling. */
  readonly caller: Principal;
  /** Whether the request arrived over TLS (`aws:SecureTransport`; SSE-C and SSE-KMS need it). */
  readonly secureTransport: boolean;
  /**
   * Whether the request lacks a SigV4 signature as S3 counts it for SSE-KMS, which needs one: it
   * came in Signature Version 2's form (known only on the wire, where an unverified SigV2 request
   * acts as an unsigned one), or from the anonymous caller.
   */
  readonly withoutSigV4?: boolean;
  /** Object storage (sealed bytes and string metadata only). */
  readonly store: ObjectStore;
  readonly crypto: AtRestCrypto;
  readonly settings: S3Settings;
  /**
   * Records a bucket this request touched, by ARN and owner's account, for the audit trail's
   * `resources` (CloudTrail lists a bucket with its owner's `accountId`).
   */
  touch(arn: string, owner: string): void;
  /**
   * Authorizes the operation's declared `access` on `bucket` (the bucket the request names, with
   * its owner and policy; `undefined` for `newBucket` and `none` access), for this request:
   * the object ARN from the request's `Key` for `object` access (checked first: KeyTooLong), the
   * request's condition keys from `access.conditions` and its tags from `access.requestTags`.
   * Does nothing for `objects` access, whose handler checks each key with `authorize`.
   *
   * Once granted (for `objects` access, at once), the refusal the edge left for a granted caller
   * (`CallOptions.refusalOnceGranted`), if any.
   *
   * Returns a promise, to be awaited, only when the decision needs the tags of the object (see
   * `authorize`); otherwise it has decided when it returns.
   * @throws S3Error AccessDenied / AccessDeniedByPolicy, KeyTooLong (thrown, or the promise rejects);
   *   the call's `refusalOnceGranted` once granted.
   */
  authorizeOperation(bucket: AccessTarget | undefined): Promise<void> | undefined;
  /**
   * Authorizes `action` on `bucket` (or, with `key`, on the object), with extra condition keys and
   * the object-tag facts the handler knows: the checks an operation makes beyond its declared
   * access (CopyObject's source). Returns a promise, to be awaited, only when a policy statement
   * that applies tests `s3:ExistingObjectTag/<key>` and `tags.existing` was not given: the
   * object's tags are then read (one metadata look-up) and the request decided with them.
   * @throws S3Error AccessDenied / AccessDeniedByPolicy (thrown, or the promise rejects).
   * @example await context.authorize('s3:GetObject', sourceBucket, sourceKey);
   */
  authorize(
    action: S3Action,
    bucket: AccessTarget,
    key?: string,
    conditions?: RequestConditions | (() => RequestConditions),
    tags?: ObjectTagFacts,
  ): Promise<void> | undefined;
  /**
   * Confirms the decisions this request took on the tags of the object `bucket`/`key` as read for
   * them (`authorize`'s look-up) against `tags`, those of the record the handler now serves or
   * changes (pinned, or under the key's lock): if the object changed in between, each such
   * decision is taken again on `tags`. When no decision read tags, the object the request
   * authorized first costs two string comparisons, any other a map look-up.
   * @throws S3Error AccessDenied / AccessDeniedByPolicy when one no longer allows.
   * @throws TypeError (answered InternalError; in DeleteObjects, that entry's error in a 200
   *   response) when this request authorized no action with
   *   `s3:ExistingObjectTag/<key>` on that object: a handler naming another object than it
   *   authorized would otherwise confirm nothing, and let a tag-based Deny pass.
   * @example context.confirmObjectTags(bucket.name, key, objectRecord(reader.info).tags);
   */
  confirmObjectTags(bucket: string, key: string, tags: readonly Tag[]): void;
  /**
   * The decision `authorize` would take, without throwing (DeleteObjects reports each key).
   * @throws TypeError when the decision needs the object's tags and `tags.existing` was not given
   *   (a handler evaluates only objects it has read).
   */
  evaluate(
    action: S3Action,
    bucket: AccessTarget,
    key?: string,
    conditions?: RequestConditions | (() => RequestConditions),
    tags?: ObjectTagFacts,
  ): S3AccessDecision;
  /**
   * The error for a key that does not exist in `bucket` (default: the bucket the operation
   * authorized on; a copy's source bucket for CopyObject and UploadPartCopy): 404 NoSuchKey if the
   * caller may list the bucket (`s3:ListBucket`), 403 AccessDenied if not, so that a caller who
   * cannot list cannot learn which keys exist (GetObject and HeadObject API reference,
   * "Permissions").
   */
  missingObject(key: string, bucket?: AccessTarget): S3Error;
}

/**
 * What a handler knows of the object-tag condition keys (`policy/object-tags.ts`) of one check.
 * Each applies only to the actions that have its keys.
 */
export interface ObjectTagFacts {
  /** The tags of the object acted on, when the handler has its record (empty: none). */
  readonly existing?: readonly Tag[];
  /** The tags the request sets on the object. */
  readonly requested?: TagSource;
}

/** What authorization needs to know of a bucket. */
export interface AccessTarget {
  readonly name: string;
  /** The bucket's identity in storage (a `BucketRecord` has it): an object's tags are read there. */
  readonly id?: string;
  /** The owning account. */
  readonly owner: string;
  /** The bucket policy text, if any. */
  readonly policy?: string | undefined;
}

/**
 * The IAM permission an operation needs, declared on its definition (Service Authorization
 * Reference, "Actions defined by Amazon S3"; S3 User Guide "Required permissions for Amazon S3 API
 * operations"):
 *
 * - `object`: `action` on `arn:aws:s3:::<Bucket>/<Key>` (PutObject, GetObject, HeadObject, ...);
 * - `bucket`: `action` on `arn:aws:s3:::<Bucket>` (ListObjectsV2 is `s3:ListBucket`, ...);
 * - `objects`: `action` on each key the handler names (DeleteObjects: `s3:DeleteObject` per key);
 * - `newBucket`: `action` on the bucket ARN, before the bucket exists: the identity side alone
 *   (CreateBucket);
 * - `none`: `action` on `*`, the identity side alone (ListBuckets is `s3:ListAllMyBuckets`).
 *
 * Checks on other resources (CopyObject's source: `s3:GetObject`) are made by the handler through
 * `context.authorize`.
 */
export interface OperationAccess<Input> {
  readonly action: S3Action;
  /**
   * The action instead of `action` when the request names a version (its `VersionId` member is
   * present, `null` included): `s3:GetObjectVersion` for GetObject, `s3:DeleteObjectVersion` for
   * DeleteObject, ... (API reference of each operation, "Permissions"). The request then carries
   * `s3:versionid` too.
   */
  readonly versionAction?: S3Action;
  readonly resource: 'object' | 'bucket' | 'objects' | 'newBucket' | 'none';
  /** The request's own condition keys (`s3:x-amz-server-side-encryption`, `s3:prefix`, ...): only those it has. */
  conditions?(input: Input, scope: { readonly region: string; readonly account: string }): RequestConditions;
  /**
   * The tags the request sets on the object (`s3:RequestObjectTag/<key>`,
   * `s3:RequestObjectTagKeys`): read only when a policy asks.
   * @throws S3Error the operation's own error for tags that do not parse (InvalidTaggingHeader, MalformedXML).
   */
  requestTags?(input: Input): readonly Tag[];
  /**
   * Condition keys the request implies but S3 does not implement for the operation (CopyObject's
   * `s3:if-match` / `s3:if-none-match`): a policy statement testing one answers their error.
   */
  unsupportedConditions?(input: Input): UnsupportedConditions | undefined;
}

/**
 * How CloudTrail treats an operation: management events are logged by every trail; data events
 * (object-level reads and writes) only when a trail enables data events (CloudTrail User Guide,
 * "Logging data events" and "CloudTrail management events" for Amazon S3).
 */
export type EventCategory = 'Management' | 'Data';

/** One S3 API operation: everything about it in one place. */
// biome-ignore lint/suspicious/noExplicitAny: the registry holds definitions of every request and response type, and handler parameters are contravariant, so `unknown` would refuse them.
export interface OperationDefinition<Name extends string = string, Input = any, Output = any> extends OperationSpec<Name, Input, Output, S3OperationContext> {
  readonly eventCategory: EventCategory;
  /**
   * How the operation travels on the wire (method, path, query discriminators, and where each
   * request and response member goes): the REST router is derived from these.
   */
  readonly rest: RestBinding;
  /** The IAM permission it needs; every request is authorized against it before it acts. */
  readonly access: OperationAccess<Input>;
  /**
   * Its refusal of the caller (403) at an existing bucket carries the bucket's Region in
   * `x-amz-bucket-region`, whichever check refuses (HeadBucket: `OwnedBucketOptions.regionOnDenial`).
   */
  readonly regionOnDenial?: true;
}
