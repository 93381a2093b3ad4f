/**
 * @module
 * The one error type of the kernel: `ServiceError`, raised by what every AWS service shares
 * (SigV4 verification, the JSON protocol front end, the pipeline's throttle) and by the CloudTrail
 * `LookupEvents` service the kernel serves. Its codes are the common AWS errors every Coral-fronted
 * service answers with, plus CloudTrail's lookup errors; `SERVICE_WIRE_ERRORS` maps each to the
 * status and `__type` of the JSON protocols, the single table. A service converts a
 * `ServiceError` into its own error type at its boundary (KMS: `toKmsError`), and a REST-XML
 * service such as S3 maps the codes to its own XML names there.
 */

/** Every error code the kernel raises: the JSON services' codes and S3's authentication codes. */
export type ServiceErrorCode = JsonServiceErrorCode | S3AuthErrorCode;

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

/** How a code travels on a JSON protocol wire. */
export interface ServiceWireError {
  readonly status: number;
  /** The `__type` sent. */
  readonly type: string;
  /** The body key of the message (default `message`; Coral's own errors use `Message`). */
  readonly messageKey?: 'message' | 'Message';
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

/** The single code → wire mapping of every kernel code. */
export const SERVICE_WIRE_ERRORS: Readonly<Record<ServiceErrorCode, ServiceWireError>> = Object.freeze({ ...JSON_SERVICE_WIRE_ERRORS, ...S3_AUTH_WIRE_ERRORS });

/**
 * Whether a code is one of the JSON services' (not S3's authentication codes).
 * @example isJsonServiceErrorCode('ThrottlingException') // true
 */
export function isJsonServiceErrorCode(code: ServiceErrorCode): code is JsonServiceErrorCode {
  return Object.hasOwn(JSON_SERVICE_WIRE_ERRORS, code);
}

/** Extra child elements of a REST-XML `<Error>` (S3's `HeadersNotSigned`, `X-Amz-Expires`, ...), in wire order. */
export type ServiceErrorFields = readonly (readonly [name: string, value: string])[];

/**
 * A failure of a shared piece, with AWS's code and message.
 *
 * @example
 * ```ts
 * import { ServiceError } from '@strongbox/service-kernel';
 * throw new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token');
 * ```
 */
export class ServiceError extends Error {
  /** The AWS error code. */
  readonly code: ServiceErrorCode;
  /** Extra `<Error>` elements a REST-XML service sends after `Message` (JSON protocols ignore them). */
  readonly fields: ServiceErrorFields;

  /**
   * @param code - the AWS error code.
   * @param message - AWS's message text ('' where AWS sends none).
   * @param fields - extra `<Error>` elements, in wire order (S3).
   */
  constructor(code: ServiceErrorCode, message = '', fields: ServiceErrorFields = []) {
    super(message);
    this.name = code;
    this.code = code;
    this.fields = fields;
  }

  /** HTTP status on a JSON protocol wire. */
  get status(): number {
    return SERVICE_WIRE_ERRORS[this.code].status;
  }
}
