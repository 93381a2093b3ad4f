/**
 * @module
 * The one error type of `@strongbox/s3`: `S3Error`. Its `reason` is a closed union naming each
 * condition S3 answers with an error; `S3_ERRORS` is the single table mapping every reason to S3's
 * wire code, HTTP status and message, verbatim where a capture of real S3 exists
 * (../shared/reference/s3-sse.md §2, mostly LocalStack's AWS-validated snapshots of 2026-02-21).
 * Rows marked UNCONFIRMED have no capture of real AWS; their source is named beside them and the
 * README lists them under "Known differences".
 *
 * The rows live in topic modules (`errors/sse.ts`, `errors/kms.ts`, …), each naming its reasons
 * and mapping every one of them; this module joins them, and fails to compile unless every reason
 * has exactly one row.
 *
 * Several reasons share a wire code (S3 answers `InvalidArgument` for a dozen conditions), so the
 * reason, not the code, is what the engine throws and the tests pin; the protocol edge only reads
 * `code`, `status`, `message` and `fields` (the extra child elements of `<Error>`, in order).
 */

import { ServiceError } from '@strongbox/service-kernel';
import { AUTH_ERRORS, type AuthErrorReason } from './errors/auth.ts';
import { BUCKET_ERRORS, type BucketErrorReason } from './errors/buckets.ts';
import { CHECKSUM_ERRORS, type ChecksumErrorReason } from './errors/checksums.ts';
import { CONDITION_ERRORS, type ConditionErrorReason } from './errors/conditions.ts';
import { COPY_ERRORS, type CopyErrorReason } from './errors/copies.ts';
import { FAULT_ERRORS, type FaultErrorReason } from './errors/faults.ts';
import { KMS_ERRORS, type KmsErrorReason } from './errors/kms.ts';
import { LISTING_ERRORS, type ListingErrorReason } from './errors/listings.ts';
import { MULTIPART_ERRORS, type MultipartErrorReason } from './errors/multipart.ts';
import { OBJECT_ERRORS, type ObjectErrorReason } from './errors/objects.ts';
import { POLICY_ERRORS, type PolicyErrorReason } from './errors/policy.ts';
import { POST_OBJECT_ERRORS, type PostObjectErrorReason } from './errors/post-object.ts';
import { REQUEST_ERRORS, type RequestErrorReason } from './errors/requests.ts';
import { ROUTING_ERRORS, type RoutingErrorReason } from './errors/routing.ts';
import { SSE_ERRORS, type SseErrorReason } from './errors/sse.ts';
import { STORAGE_CLASS_ERRORS, type StorageClassErrorReason } from './errors/storage-classes.ts';
import { TAGGING_ERRORS, type TaggingErrorReason } from './errors/tagging.ts';
import { VERSION_ERRORS, type VersionErrorReason } from './errors/versions.ts';
import type { S3ErrorDetail, S3WireError } from './errors/wire.ts';

export type { S3ErrorDetail, S3WireError } from './errors/wire.ts';

/** Every condition the S3 engine answers with an error, by topic (each reason in one topic). */
export type S3ErrorReason =
  | SseErrorReason
  | KmsErrorReason
  | ObjectErrorReason
  | ConditionErrorReason
  | CopyErrorReason
  | StorageClassErrorReason
  | TaggingErrorReason
  | VersionErrorReason
  | BucketErrorReason
  | MultipartErrorReason
  | ListingErrorReason
  | PolicyErrorReason
  | RoutingErrorReason
  | RequestErrorReason
  | AuthErrorReason
  | ChecksumErrorReason
  | FaultErrorReason
  | PostObjectErrorReason;

/** Extra child elements of `<Error>` (`ArgumentName`, `ActualObjectSize`, …), in wire order. */
export type S3ErrorFields = readonly (readonly [name: string, value: string])[];

/** The topics' tables, each mapping every reason of its topic: `S3_ERRORS` joins them. */
const TOPICS = [
  SSE_ERRORS,
  KMS_ERRORS,
  OBJECT_ERRORS,
  CONDITION_ERRORS,
  COPY_ERRORS,
  STORAGE_CLASS_ERRORS,
  TAGGING_ERRORS,
  VERSION_ERRORS,
  BUCKET_ERRORS,
  MULTIPART_ERRORS,
  LISTING_ERRORS,
  POLICY_ERRORS,
  ROUTING_ERRORS,
  REQUEST_ERRORS,
  AUTH_ERRORS,
  CHECKSUM_ERRORS,
  FAULT_ERRORS,
  POST_OBJECT_ERRORS,
] as const;

/** The rows of all `T`'s tables together. */
type Joined<T extends readonly unknown[]> = T extends readonly [infer First, ...infer Rest] ? First & Joined<Rest> : unknown;
/** The reasons with a row in more than one of `T`'s tables. */
type Twice<T extends readonly unknown[], Seen = never> = T extends readonly [infer First, ...infer Rest]
  ? (keyof First & Seen) | Twice<Rest, Seen | keyof First>
  : never;

/**
 * The single reason → wire mapping. Its type proves it total: a reason of the union with no row
 * fails to compile here (a topic left out of `TOPICS`) or in its topic (a row left out).
 */
export const S3_ERRORS: Readonly<Record<S3ErrorReason, S3WireError>> = Object.freeze(Object.assign({}, ...TOPICS) as Joined<typeof TOPICS>);

// Each reason has exactly one row: these fail to compile, naming the reasons, when a reason has
// rows in two topics (the later row would silently win) or rows outside the union. Only their
// types matter (the underscore tells the linter they are never read).
const _NO_REASON_TWICE: [Twice<typeof TOPICS>] extends [never] ? true : { rowsInTwoTopics: Twice<typeof TOPICS> } = true;
const _NO_ROW_OUTSIDE_THE_UNION: [Exclude<keyof Joined<typeof TOPICS>, S3ErrorReason>] extends [never]
  ? true
  : { rowsOutsideTheUnion: Exclude<keyof Joined<typeof TOPICS>, S3ErrorReason> } = true;

/** Options of an `S3Error`. */
export interface S3ErrorOptions {
  /** Extra `<Error>` elements after `ArgumentName` (e.g. `ArgumentValue`, `ActualObjectSize`). */
  readonly fields?: S3ErrorFields;
  /** Values the message is built from. */
  readonly detail?: S3ErrorDetail;
  /** The underlying error, kept for logs (never sent). */
  readonly cause?: unknown;
  /** A 405's `Allow` header: the methods the resource takes, as S3 names them (`GET, PUT`). */
  readonly allow?: string;
  /** The `x-amz-bucket-region` header: the Region of the bucket a redirect points to. */
  readonly bucketRegion?: string;
}

/**
 * An error S3 answers with. `code`, `status` and `message` come from `S3_ERRORS`; `fields` lists
 * the extra `<Error>` elements in wire order, starting with the table's `ArgumentName`.
 *
 * @example
 * ```ts
 * import { S3Error } from '@strongbox/s3';
 * const error = new S3Error('InvalidRange', { fields: [['ActualObjectSize', '10'], ['RangeRequested', 'bytes=-0']] });
 * error.code;   // 'InvalidRange'
 * error.status; // 416
 * ```
 */
export class S3Error extends Error {
  /** The condition, from a closed union. */
  readonly reason: S3ErrorReason;
  /** S3's wire `<Code>`. */
  readonly code: string;
  /** HTTP status. */
  readonly status: number;
  /** Extra `<Error>` child elements, in order. */
  readonly fields: S3ErrorFields;
  /** A 405's `Allow` header (see `S3ErrorOptions.allow`), when S3 sends one. */
  readonly allow: string | undefined;
  /** The `x-amz-bucket-region` header (see `S3ErrorOptions.bucketRegion`), when S3 sends one. */
  readonly bucketRegion: string | undefined;
  /** What the error was made from, for `withBucketRegion`. */
  readonly #options: S3ErrorOptions;

  constructor(reason: S3ErrorReason, options: S3ErrorOptions = {}) {
    const wire = S3_ERRORS[reason];
    const message = typeof wire.message === 'function' ? wire.message(options.detail ?? {}) : wire.message;
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'S3Error';
    this.reason = reason;
    this.code = wire.code;
    this.status = wire.status;
    const argument: S3ErrorFields = wire.argumentName === undefined ? [] : [['ArgumentName', wire.argumentName]];
    this.fields = Object.freeze([...argument, ...(options.fields ?? [])]);
    this.allow = options.allow;
    this.bucketRegion = options.bucketRegion;
    this.#options = options;
  }

  /**
   * The same error carrying the bucket's Region in `x-amz-bucket-region` (HeadBucket's refusal of
   * an existing bucket, `OwnedBucketOptions.regionOnDenial`).
   * @example throw error.withBucketRegion('eu-west-1')
   */
  withBucketRegion(region: string): S3Error {
    return new S3Error(this.reason, { ...this.#options, bucketRegion: region });
  }
}

/**
 * Normalises anything thrown into an `S3Error`: S3 errors pass through; the kernel's refusals of a
 * request body (aws-chunked framing, chunk signatures, the signed SHA-256) become the S3 error of
 * the same code, text and elements; everything else becomes `InternalError` with the original as
 * `cause` (never in the message, which reaches the wire).
 *
 * @example
 * ```ts
 * import { toS3Error } from '@strongbox/s3';
 * toS3Error(new Error('disk full')).code; // 'InternalError'
 * ```
 */
export function toS3Error(error: unknown): S3Error {
  if (error instanceof S3Error) return error;
  // A body the kernel refused as the engine read it keeps the kernel's S3 code, text and elements.
  const reason = error instanceof ServiceError ? KERNEL_BODY_REASONS.get(error.code) : undefined;
  if (error instanceof ServiceError && reason !== undefined)
    return new S3Error(reason, { detail: { value: error.message }, fields: error.fields, cause: error });
  return new S3Error('InternalError', { cause: error });
}

/** The kernel codes a request body can fail with while the engine reads it, and their reasons. */
const KERNEL_BODY_REASONS: ReadonlyMap<string, S3ErrorReason> = new Map<string, S3ErrorReason>([
  ['SignatureDoesNotMatch', 'SignatureDoesNotMatch'],
  ['IncompleteBody', 'IncompleteBody'],
  ['XAmzContentSHA256Mismatch', 'XAmzContentSHA256Mismatch'],
  ['MalformedTrailerError', 'MalformedTrailer'],
  ['InvalidRequest', 'MalformedAwsChunked'],
  ['MissingContentLength', 'MissingContentLength'],
]);
