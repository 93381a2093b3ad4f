/**
 * @module
 * What an S3 operation is: a kernel `OperationSpec` whose handler reads and writes buckets and
 * objects through an `S3OperationContext`, plus whether CloudTrail logs it as a management event
 * or a data event. Requests and responses use the AWS SDK's S3 member names (`Bucket`, `Key`,
 * `Body`, `ServerSideEncryption`, `SSECustomerKey`, ...): the in-process API is S3's API, without
 * the wire (issue 11 adds the REST protocol).
 */

import type { OperationSpec, Principal, Random } from '@strongbox/service-kernel';
import type { DsseKmsProvider, SseCProvider, SseKmsProvider, SseS3Provider } from '../crypto/index.ts';
import type { Md5 } from '../model/etag.ts';
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
}

/** Everything an operation handler may use. One context per request. */
export interface S3OperationContext {
  /** The operation being served. */
  readonly operation: string;
  /** Request time, epoch milliseconds (one clock reading per request). */
  readonly now: number;
  /** The Region the request was sent to. */
  readonly region: string;
  /** Who is calling. */
  readonly caller: Principal;
  /** Whether the request arrived over TLS (`aws:SecureTransport`; SSE-C and SSE-KMS need it). */
  readonly secureTransport: boolean;
  /** Object storage (sealed bytes and string metadata only). */
  readonly store: ObjectStore;
  readonly crypto: AtRestCrypto;
  readonly settings: S3Settings;
  /** Records a resource ARN this request touched, for the audit trail's `resources`. */
  touch(arn: string): void;
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
}
