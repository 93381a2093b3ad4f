/**
 * @module
 * The one error type of the kernel: `ServiceError`, raised by what every AWS service shares
 * (SigV4 verification, the JSON protocol front end, the pipeline's throttle, the node:http edge,
 * the IAM policy parser, data-directory durability) and by the CloudTrail `LookupEvents` service
 * the kernel serves. Its codes are the common AWS errors every Coral-fronted service answers with,
 * CloudTrail's lookup errors, S3's authentication codes, and the kernel's own failures that no
 * client is meant to see as such (`KernelFailureCode`: a change not made durable, a lost lease, a
 * locked directory, a body over the edge's limit, a policy that does not parse);
 * `SERVICE_WIRE_ERRORS` maps each to the status and `__type` of the JSON protocols, the single
 * table (the kernel's own failures to `InternalFailure`, with no message, except the body over the
 * limit, 413). A service converts a `ServiceError` into its own error type at its boundary (KMS:
 * `toKmsError`), and a REST-XML service such as S3 maps the codes to its own XML names there.
 */

import type { LeaseSuccessor } from './durable/lease.ts';
import type { DirectoryLockHolder } from './durable/lock-file.ts';

/**
 * Every error code the kernel raises: the JSON services' codes, S3's authentication codes and the
 * kernel's own failures.
 */
export type ServiceErrorCode = JsonServiceErrorCode | S3AuthErrorCode | KernelFailureCode;

/** The codes of the JSON protocols (Coral front ends, CloudTrail LookupEvents). */
export type JsonServiceErrorCode =
  | 'AccessDeniedException'
  | 'ThrottlingException'
  | 'ValidationException'
  | 'SerializationException'
  | 'UnknownOperationException'
  | 'MissingAuthenticationTokenException'
  | 'IncompleteSignatureException'
  | 'InvalidSignatureException'
  | 'UnrecognizedClientException'
  | 'InternalFailure'
  // CloudTrail's LookupEvents refusals (CloudTrail API reference, LookupEvents "Errors").
  | 'InvalidLookupAttributesException'
  | 'InvalidTimeRangeException'
  | 'InvalidMaxResultsException'
  | 'InvalidNextTokenException'
  | 'InvalidEventCategoryException';

/**
 * S3's authentication and body-framing refusals (REST-XML codes; S3 sends them as its `<Error>`
 * with `fields` as extra elements), raised only in the authenticator's `payloadMode: 's3'` and by
 * the aws-chunked decoder (sigv4/), so the JSON services never see them.
 */
export type S3AuthErrorCode =
  | 'AccessDenied'
  | 'SignatureDoesNotMatch'
  | 'AuthorizationQueryParametersError'
  | 'InvalidAccessKeyId'
  | 'IncompleteBody'
  | 'MissingContentLength'
  | 'InvalidRequest'
  | 'InvalidArgument'
  | 'XAmzContentSHA256Mismatch'
  | 'MalformedTrailerError';

/**
 * The kernel's own failures: conditions a service handles or reports to its operator, never an
 * AWS answer of their own. A service that lets one reach its wire answers its internal error.
 */
export type KernelFailureCode =
  /**
   * A change to a directory's entries (a rename, an unlink, a link) took effect, but the directory
   * fsync after it failed: later reads see it, a crash may undo it (`durable/files.ts`). The caller
   * treats the change as made, never rolls it back as after an earlier failure.
   */
  | 'NOT_DURABLE'
  /** Another process (or this one) holds the data directory's lock (`durable/lock.ts`). */
  | 'DIRECTORY_LOCKED'
  /**
   * Another process took the data directory over after this one's lease lapsed, or its lock file
   * was removed (`durable/lease.ts`): this process must stop writing and serving it.
   */
  | 'LEASE_LOST'
  /** A request body over the edge's limit (`http/body-limit.ts`), answered 413. */
  | 'REQUEST_TOO_LARGE'
  /** A policy document that is not JSON or not a policy (`policy/document.ts`). */
  | 'POLICY_SYNTAX'
  /** A policy document naming a principal that is not well formed (`policy/document.ts`). */
  | 'POLICY_INVALID_PRINCIPAL';

/** How a code travels on a JSON protocol wire. */
export interface ServiceWireError {
  readonly status: number;
  /** The `__type` sent. */
  readonly type: string;
  /** The body key of the message (default `message`; Coral's own errors use `Message`). */
  readonly messageKey?: 'message' | 'Message';
  /**
   * The message sent instead of the error's own (the kernel's own failures: their messages name
   * paths and processes, which stay out of answers).
   */
  readonly message?: string;
}

/** The JSON services' code → wire mapping (every client error 400, as Coral front ends answer). */
export const JSON_SERVICE_WIRE_ERRORS: Readonly<Record<JsonServiceErrorCode, ServiceWireError>> = Object.freeze({
  AccessDeniedException: { status: 400, type: 'AccessDeniedException', messageKey: 'Message' },
  ThrottlingException: { status: 400, type: 'ThrottlingException' },
  ValidationException: { status: 400, type: 'ValidationException' },
  SerializationException: { status: 400, type: 'SerializationException', messageKey: 'Message' },
  UnknownOperationException: { status: 400, type: 'UnknownOperationException' },
  MissingAuthenticationTokenException: { status: 400, type: 'MissingAuthenticationTokenException' },
  IncompleteSignatureException: { status: 400, type: 'IncompleteSignatureException' },
  InvalidSignatureException: { status: 400, type: 'InvalidSignatureException' },
  UnrecognizedClientException: { status: 400, type: 'UnrecognizedClientException' },
  InternalFailure: { status: 500, type: 'InternalFailure', messageKey: 'Message' },
  InvalidLookupAttributesException: { status: 400, type: 'InvalidLookupAttributesException', messageKey: 'Message' },
  InvalidTimeRangeException: { status: 400, type: 'InvalidTimeRangeException', messageKey: 'Message' },
  InvalidMaxResultsException: { status: 400, type: 'InvalidMaxResultsException', messageKey: 'Message' },
  InvalidNextTokenException: { status: 400, type: 'InvalidNextTokenException', messageKey: 'Message' },
  InvalidEventCategoryException: { status: 400, type: 'InvalidEventCategoryException', messageKey: 'Message' },
});

/** S3's authentication codes → statuses (S3 API reference, ErrorResponses; ../shared/reference/s3-sse.md §2.4). */
export const S3_AUTH_WIRE_ERRORS: Readonly<Record<S3AuthErrorCode, ServiceWireError>> = Object.freeze({
  AccessDenied: { status: 403, type: 'AccessDenied', messageKey: 'Message' },
  SignatureDoesNotMatch: { status: 403, type: 'SignatureDoesNotMatch', messageKey: 'Message' },
  AuthorizationQueryParametersError: { status: 400, type: 'AuthorizationQueryParametersError', messageKey: 'Message' },
  InvalidAccessKeyId: { status: 403, type: 'InvalidAccessKeyId', messageKey: 'Message' },
  IncompleteBody: { status: 400, type: 'IncompleteBody', messageKey: 'Message' },
  MissingContentLength: { status: 411, type: 'MissingContentLength', messageKey: 'Message' },
  InvalidRequest: { status: 400, type: 'InvalidRequest', messageKey: 'Message' },
  InvalidArgument: { status: 400, type: 'InvalidArgument', messageKey: 'Message' },
  XAmzContentSHA256Mismatch: { status: 400, type: 'XAmzContentSHA256Mismatch', messageKey: 'Message' },
  MalformedTrailerError: { status: 400, type: 'MalformedTrailerError', messageKey: 'Message' },
});

/** The JSON protocols' internal failure, with no message (as the edge answers a handler that throws). */
const INTERNAL_FAILURE: ServiceWireError = Object.freeze({ status: 500, type: 'InternalFailure', messageKey: 'Message', message: '' });

/**
 * The kernel's own failures → the answer they get if a service lets one through unconverted: the
 * internal failure, saying nothing (a service handles them: S3 answers `InternalError`, KMS
 * `KMSInternalException`, and a policy that does not parse each service's malformed-policy
 * error). A body over the limit is answered 413 (by the edge as text, `refuseTooLarge`; the
 * `strongbox` admin API builds its own JSON answer of this status and type).
 */
export const KERNEL_FAILURE_WIRE_ERRORS: Readonly<Record<KernelFailureCode, ServiceWireError>> = Object.freeze({
  NOT_DURABLE: INTERNAL_FAILURE,
  DIRECTORY_LOCKED: INTERNAL_FAILURE,
  LEASE_LOST: INTERNAL_FAILURE,
  REQUEST_TOO_LARGE: { status: 413, type: 'RequestEntityTooLarge', messageKey: 'Message' },
  POLICY_SYNTAX: INTERNAL_FAILURE,
  POLICY_INVALID_PRINCIPAL: INTERNAL_FAILURE,
});

/** The single code → wire mapping of every kernel code. */
export const SERVICE_WIRE_ERRORS: Readonly<Record<ServiceErrorCode, ServiceWireError>> = Object.freeze({
  ...JSON_SERVICE_WIRE_ERRORS,
  ...S3_AUTH_WIRE_ERRORS,
  ...KERNEL_FAILURE_WIRE_ERRORS,
});

/**
 * Whether a code is one of the JSON services' (not S3's authentication codes, not the kernel's own
 * failures).
 * @example isJsonServiceErrorCode('ThrottlingException') // true
 */
export function isJsonServiceErrorCode(code: ServiceErrorCode): code is JsonServiceErrorCode {
  return Object.hasOwn(JSON_SERVICE_WIRE_ERRORS, code);
}

/**
 * Whether a code is one of S3's authentication and body-framing codes.
 * @example isS3AuthErrorCode('SignatureDoesNotMatch') // true
 */
export function isS3AuthErrorCode(code: ServiceErrorCode): code is S3AuthErrorCode {
  return Object.hasOwn(S3_AUTH_WIRE_ERRORS, code);
}

/** Extra child elements of a REST-XML `<Error>` (S3's `HeadersNotSigned`, `X-Amz-Expires`, ...), in wire order. */
export type ServiceErrorFields = readonly (readonly [name: string, value: string])[];

/** What the kernel's own failures carry besides their message, by code. */
export interface ServiceErrorDetails {
  readonly NOT_DURABLE: {
    /** The path the change is in place at. */
    readonly path: string;
  };
  readonly DIRECTORY_LOCKED: {
    /** The data directory as given. */
    readonly directory: string;
    /** The lock file's path. */
    readonly path: string;
    /** Who holds it. */
    readonly holder: DirectoryLockHolder;
  };
  readonly LEASE_LOST: {
    /** The data directory as given. */
    readonly directory: string;
    /** The lock file's path. */
    readonly path: string;
    /** The epoch of the lease this process held. */
    readonly epoch: number;
    /** What is in place instead. */
    readonly successor: LeaseSuccessor;
  };
}

/** The detail a code carries (`undefined` for codes that carry none). */
export type ServiceErrorDetail<C extends ServiceErrorCode> = C extends keyof ServiceErrorDetails ? ServiceErrorDetails[C] : undefined;

/** A `ServiceError` of one code, its `detail` typed for it (what `isServiceError` narrows to). */
export type ServiceErrorOf<C extends ServiceErrorCode> = ServiceError & { readonly code: C; readonly detail: ServiceErrorDetail<C> };

/** Options of a `ServiceError`. */
export interface ServiceErrorOptions {
  /** The underlying error (a file system's), kept for logs and callers. */
  readonly cause?: unknown;
  /** What a kernel failure carries (`ServiceErrorDetails`, the entry of its code). */
  readonly detail?: ServiceErrorDetails[keyof ServiceErrorDetails];
}

/**
 * A failure of a shared piece, with AWS's code and message, or one of the kernel's own failures
 * (`KernelFailureCode`) with a message for the operator and its `detail`.
 *
 * @example
 * ```ts
 * import { ServiceError } from '@strongbox/service-kernel';
 * throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
 * ```
 */
export class ServiceError extends Error {
  /** The AWS error code, or the kernel's own failure. */
  readonly code: ServiceErrorCode;
  /** Extra `<Error>` elements a REST-XML service sends after `Message` (JSON protocols ignore them). */
  readonly fields: ServiceErrorFields;
  /** What a kernel failure carries (`ServiceErrorDetails`; typed by `isServiceError`); `undefined` for the other codes. */
  readonly detail: ServiceErrorDetails[keyof ServiceErrorDetails] | undefined;

  /**
   * @param code - the AWS error code, or the kernel's own failure.
   * @param message - AWS's message text ('' where AWS sends none); for a kernel failure, what
   *   happened, for the operator.
   * @param fields - extra `<Error>` elements, in wire order (S3).
   * @param options - the cause and, for a kernel failure, its detail.
   */
  constructor(code: ServiceErrorCode, message = '', fields: ServiceErrorFields = [], options: ServiceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = code;
    this.code = code;
    this.fields = fields;
    this.detail = options.detail;
  }

  /** HTTP status on a JSON protocol wire. */
  get status(): number {
    return SERVICE_WIRE_ERRORS[this.code].status;
  }
}

/**
 * Whether `error` is a `ServiceError` of `code` (its `detail` then typed for that code).
 * @example
 * ```ts
 * try {
 *   await lease.confirm();
 * } catch (error) {
 *   if (isServiceError(error, 'LEASE_LOST')) stop(error.detail.successor);
 *   throw error;
 * }
 * ```
 */
export function isServiceError<C extends ServiceErrorCode>(error: unknown, code: C): error is ServiceErrorOf<C> {
  return error instanceof ServiceError && error.code === code;
}
