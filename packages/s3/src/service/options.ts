/**
 * @module
 * The settings of the S3 engine (`S3Options`, `StorageOptions`), of one in-process call
 * (`CallOptions`), and the call scope S3's pipeline binding reads.
 */

import type { AuditOptions, AuditTrail, CallScope, Clock, FaultHook, Principal, QuotaGate, Random, TlsConnection } from '@strongbox/service-kernel';
import type { S3Kms, SseS3RootKeys } from '../crypto/index.ts';
import type { SignatureFacts } from '../policy/request-context.ts';
import type { ObjectStore } from '../storage/types.ts';
import type { UpstreamOptions } from '../storage/upstream/store.ts';

/** Engine settings. */
export interface S3Options {
  /** Default account (12 digits): the account of callers that name none. Default `000000000000`. */
  readonly account?: string;
  /** The Region of the engine's endpoint. Default `us-east-1`. */
  readonly region?: string;
  /** Time source (a `ManualClock` in tests). Default: the system clock. */
  readonly clock?: Clock;
  /** Randomness (opaque ETags, trail event ids). Default: node:crypto. */
  readonly random?: Random;
  /**
   * Storage: a data directory (durable, survives restarts; SSE-S3 root keys are kept beside the
   * objects), optionally with `upstream` (the objects' sealed bytes go to an S3-compatible bucket,
   * while the manifests and keys stay in the directory), or an `ObjectStore` the caller made (and
   * closes). Default: in memory.
   */
  readonly storage?: StorageOptions | ObjectStore;
  /** SSE-S3 root keys the caller made (and destroys); default: in memory, or the data directory's. */
  readonly rootKeys?: SseS3RootKeys;
  /** The trail to record management events in; share KMS's `auditTrail` to get one trail. */
  readonly auditTrail?: AuditTrail;
  /** Settings of the trail made when none is given. */
  readonly audit?: AuditOptions;
  /**
   * CloudTrail data events (object-level PutObject, GetObject, HeadObject, DeleteObject): recorded
   * only when enabled, as a trail records them only when its data events are. Default false.
   *
   * Known differences: they go to the same trail as management events, so LookupEvents returns
   * them (marked `"eventCategory": "Data"`), where AWS's event history holds no data events (S3
   * User Guide, "Amazon S3 CloudTrail events"). Data events that a data directory kept from a
   * version without the mark (before `eventCategory`) read back as data events, by their event
   * names (`AuditTrail.markDataEvents`).
   */
  readonly dataEvents?: boolean;
  /**
   * Request rate limiting: a gate asked per request with the operation's quota class (`read` or
   * `write`); a refusal is 503 SlowDown. Default: off (every request admitted).
   */
  readonly quotas?: QuotaGate;
  /**
   * The KMS that SSE-KMS and DSSE-KMS call, on each caller's behalf: a `@strongbox/kms` `Kms` (or
   * anything shaped like `S3Kms`). Pass the same `Kms` your KMS endpoint serves, and its
   * `auditTrail` as `auditTrail`, to get one KMS and one trail. Default: the engine makes its own
   * `Kms` in its account, Region and clock (with a data directory, its state is kept in
   * `<directory>/kms`), whose trail the engine then shares unless `auditTrail` is given; the engine
   * closes it.
   */
  readonly kms?: S3Kms;
  /**
   * How long an S3 Bucket Key is used before KMS is asked for a new one, ms. Default 10 minutes
   * (AWS does not publish its period).
   */
  readonly bucketKeyPeriodMs?: number;
  /** Faults a test suite injects (`FaultInjector.hook('s3', ...)` from the kernel): checked first on every call. */
  readonly faults?: FaultHook;
}

/** A data directory, with or without an upstream bucket for the sealed bytes. */
export interface StorageOptions {
  readonly directory: string;
  readonly upstream?: UpstreamOptions;
  /**
   * Told once when another process took the directory over after this one's lease lapsed (a
   * `ServiceError` `LEASE_LOST`): every call then fails with 500 InternalError, reads included (this
   * process's state is stale); stop the process.
   */
  readonly onError?: (error: Error) => void;
}

/** Per-call settings of the in-process API. */
export interface CallOptions {
  /** Who calls: a principal or an IAM/STS ARN. Default: the default account's root. */
  readonly caller?: Principal | string;
  /**
   * The Region whose endpoint the call is sent to: a bucket of another Region answers S3's 301
   * PermanentRedirect with `x-amz-bucket-region` (`refuseOtherRegion`). Without it the call names
   * no Region (as an unsigned or SigV2 request): it is taken as sent to the bucket's own Region and
   * never redirected, and whatever else reads a Region (a bucket created by the call, the caller's
   * ARN) uses the engine's Region.
   */
  readonly region?: string;
  /**
   * Whether the request came over TLS (`aws:SecureTransport`): SSE-C and SSE-KMS requests over
   * plain HTTP are refused. The protocol edge sets it from the connection; in process it defaults
   * to true (no network is crossed).
   */
  readonly secureTransport?: boolean;
  readonly requestId?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
  /** The request's `Host` header, which CloudTrail logs as `requestParameters.Host`: the protocol edge sets it; in process it is absent. */
  readonly host?: string;
  /**
   * How the request was authenticated, for the `s3:authType`, `s3:signatureversion`,
   * `s3:signatureAge` and `s3:x-amz-content-sha256` condition keys: the protocol edge sets it
   * from the verified signature; in process it is absent, and so are those keys.
   */
  readonly signature?: SignatureFacts;
  /** The response's `x-amz-id-2`, which CloudTrail logs in `additionalEventData`: the protocol edge sets it; in process it is absent. */
  readonly hostId?: string;
  /**
   * The request's `x-id` query parameter as sent (the SDK for JavaScript names the operation there:
   * `?x-id=PutObject`), which CloudTrail logs in `requestParameters`: the protocol edge sets it.
   */
  readonly xId?: string;
  /**
   * The TLS connection the request came over, whose cipher CloudTrail logs as `CipherSuite` and, with
   * its version and the `Host` header, as `tlsDetails`: the protocol edge sets it.
   */
  readonly tls?: TlsConnection;
  /**
   * A refusal the protocol edge found in the request that S3 answers only once the caller is
   * granted the operation: until then the caller's own refusal (AccessDenied, NoSuchBucket) comes
   * first. An anonymous request declaring a signed streaming payload is one
   * (`protocol/anonymous-payload.ts`). Thrown right after the operation's declared access is
   * decided allowed; in process it is absent. An operation whose XML document the edge reads
   * before the access decision (PutObjectTagging, PutBucketPolicy, DeleteObjects) meets the refusal
   * in that read, before its access is decided.
   */
  readonly refusalOnceGranted?: Error;
}

/** A call's scope as S3's binding reads it: the kernel's, plus the transport and the request itself (its key and condition keys are what authorization checks). */
export interface S3CallScope extends CallScope {
  readonly secureTransport: boolean;
  /** The Region whose endpoint the request was sent to, when it names one (`S3OperationContext.endpointRegion`). */
  readonly endpointRegion?: string;
  readonly input: unknown;
  readonly signature?: SignatureFacts;
  /** The request's `Host` header (absent in process), for the audit trail. */
  readonly host?: string;
  /** The response's `x-amz-id-2` (absent in process), for the audit trail. */
  readonly hostId?: string;
  /** The request's `x-id` query parameter (absent without one, and in process), for the audit trail. */
  readonly xId?: string;
  /** The request's TLS connection (absent over plain HTTP and in process), for the audit trail. */
  readonly tls?: TlsConnection;
  /** `CallOptions.refusalOnceGranted`. */
  readonly refusalOnceGranted?: Error;
}
