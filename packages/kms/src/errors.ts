/**
 * @module
 * The one error type of `@strongbox/kms`: `KmsError`, whose `code` is the AWS `__type` name from a
 * closed union. `WIRE_ERRORS` is the single table mapping each code to its HTTP status; everything
 * that is not a `KmsError` becomes `KMSInternalException` at the boundary (`toKmsError`).
 *
 * Statuses: 400 for every client error, 5xx only for internal/unavailable/timeout. The KMS model
 * tags some client errors 404/409/412, but real KMS was recorded answering 400 for those of them
 * that have been captured (NotFoundException, DisabledException, KMSInvalidStateException,
 * DryRunOperationException: LocalStack's AWS-validated snapshots); the rest of them
 * (AlreadyExistsException, ConflictException) have no capture and follow the same rule.
 */

import { isJsonServiceErrorCode, JSON_SERVICE_WIRE_ERRORS, type JsonServiceErrorCode, ServiceError, type ServiceWireError } from '@strongbox/service-kernel';

/** Every error code Strongbox's KMS can answer with. */
export type KmsErrorCode =
  // The codes every Coral JSON service shares (SigV4, framing, throttling, validation): the kernel's.
  | Exclude<JsonServiceErrorCode, 'InternalFailure'>
  | 'AlreadyExistsException'
  | 'ConflictException'
  | 'CustomKeyStoreNotFoundException'
  | 'DependencyTimeoutException'
  | 'DisabledException'
  | 'DryRunOperationException'
  | 'ExpiredImportTokenException'
  | 'IncorrectKeyException'
  | 'IncorrectKeyMaterialException'
  | 'InvalidAliasNameException'
  | 'InvalidArnException'
  | 'InvalidCiphertextException'
  | 'InvalidGrantIdException'
  | 'InvalidGrantTokenException'
  | 'InvalidImportTokenException'
  | 'InvalidKeyUsageException'
  | 'InvalidMarkerException'
  | 'KMSInternalException'
  | 'KMSInvalidStateException'
  | 'KMSInvalidSignatureException'
  | 'KMSInvalidMacException'
  | 'KeyUnavailableException'
  | 'LimitExceededException'
  | 'MalformedPolicyDocumentException'
  | 'NotFoundException'
  | 'NotAuthorizedException'
  | 'TagException'
  | 'UnsupportedOperationException'
  | 'ValidationError';

/** How a code travels on the wire (status, `__type`, the body key of the message), as in the kernel. */
export type WireError = ServiceWireError;

/** The kernel's codes as KMS sends them (KMS's internal error is its own, KMSInternalException). */
const { InternalFailure: _internalFailure, ...SHARED_WIRE_ERRORS } = JSON_SERVICE_WIRE_ERRORS;

/**
 * The single code → wire mapping. Message keys: modelled KMS errors use `message`.
 * AccessDeniedException is not in the model, and whether real KMS sends it with `Message` or
 * `message` is UNCONFIRMED (no capture); `Message` follows local-kms, which claims AWS uses it.
 * Coral's SerializationException texts use `Message`. SDKs read either (`message ?? Message`).
 */
export const WIRE_ERRORS: Readonly<Record<KmsErrorCode, WireError>> = Object.freeze({
  ...SHARED_WIRE_ERRORS,
  AlreadyExistsException: { status: 400, type: 'AlreadyExistsException' },
  // The model says 409; no capture from real KMS exists. 400, as real KMS answered for the other
  // errors the model tags 409 (DisabledException, KMSInvalidStateException).
  ConflictException: { status: 400, type: 'ConflictException' },
  CustomKeyStoreNotFoundException: { status: 400, type: 'CustomKeyStoreNotFoundException' },
  DependencyTimeoutException: { status: 503, type: 'DependencyTimeoutException' },
  DisabledException: { status: 400, type: 'DisabledException' },
  DryRunOperationException: { status: 400, type: 'DryRunOperationException' },
  ExpiredImportTokenException: { status: 400, type: 'ExpiredImportTokenException' },
  IncorrectKeyException: { status: 400, type: 'IncorrectKeyException' },
  IncorrectKeyMaterialException: { status: 400, type: 'IncorrectKeyMaterialException' },
  InvalidAliasNameException: { status: 400, type: 'InvalidAliasNameException' },
  InvalidArnException: { status: 400, type: 'InvalidArnException' },
  InvalidCiphertextException: { status: 400, type: 'InvalidCiphertextException' },
  InvalidGrantIdException: { status: 400, type: 'InvalidGrantIdException' },
  InvalidGrantTokenException: { status: 400, type: 'InvalidGrantTokenException' },
  InvalidImportTokenException: { status: 400, type: 'InvalidImportTokenException' },
  InvalidKeyUsageException: { status: 400, type: 'InvalidKeyUsageException' },
  InvalidMarkerException: { status: 400, type: 'InvalidMarkerException' },
  KMSInternalException: { status: 500, type: 'KMSInternalException' },
  KMSInvalidStateException: { status: 400, type: 'KMSInvalidStateException' },
  // Verify / VerifyMac on a signature or MAC that does not verify: HTTP 400 with an empty message
  // (LocalStack's AWS-validated snapshots "bad-signature" and "verify-mac").
  KMSInvalidSignatureException: { status: 400, type: 'KMSInvalidSignatureException' },
  KMSInvalidMacException: { status: 400, type: 'KMSInvalidMacException' },
  KeyUnavailableException: { status: 500, type: 'KeyUnavailableException' },
  LimitExceededException: { status: 400, type: 'LimitExceededException' },
  MalformedPolicyDocumentException: { status: 400, type: 'MalformedPolicyDocumentException' },
  NotFoundException: { status: 400, type: 'NotFoundException' },
  NotAuthorizedException: { status: 400, type: 'NotAuthorizedException' },
  TagException: { status: 400, type: 'TagException' },
  UnsupportedOperationException: { status: 400, type: 'UnsupportedOperationException' },
  ValidationError: { status: 400, type: 'ValidationError' },
});

/**
 * A KMS failure with AWS's code and message.
 *
 * @example
 * ```ts
 * import { KmsError } from '@strongbox/kms';
 * try {
 *   await kms.decrypt({ CiphertextBlob: blob });
 * } catch (error) {
 *   if (error instanceof KmsError && error.code === 'InvalidCiphertextException') retry();
 * }
 * ```
 */
export class KmsError extends Error {
  /** The AWS error code (`__type` on the wire). */
  readonly code: KmsErrorCode;

  /**
   * @param code - the AWS error code.
   * @param message - AWS's message text ('' where AWS sends none, e.g. InvalidCiphertextException).
   */
  constructor(code: KmsErrorCode, message = '') {
    super(message);
    this.name = WIRE_ERRORS[code].type;
    this.code = code;
  }

  /** HTTP status for this error. */
  get status(): number {
    return WIRE_ERRORS[this.code].status;
  }
}

/**
 * Normalises anything thrown at the boundary: `KmsError` passes through, a kernel `ServiceError`
 * (SigV4, JSON framing) becomes the `KmsError` of the same code and message, anything else
 * `KMSInternalException` (with a generic message, so no internal detail or secret leaks).
 * @example toKmsError(new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token')).code // 'MissingAuthenticationTokenException'
 */
export function toKmsError(error: unknown): KmsError {
  if (error instanceof KmsError) return error;
  // S3's authentication codes never reach KMS (they come only from the S3 payload mode).
  if (error instanceof ServiceError && error.code !== 'InternalFailure' && isJsonServiceErrorCode(error.code)) return new KmsError(error.code, error.message);
  return new KmsError('KMSInternalException', 'An internal error occurred.');
}

// ---------------------------------------------------------------------------------------------
// Message builders for errors raised in several places. Texts follow AWS (see README, "Errors").
// ---------------------------------------------------------------------------------------------

/** `NotFoundException: Key '<arn>' does not exist` (the ARN even when a bare id was sent). */
export function keyNotFound(keyArn: string): KmsError {
  return new KmsError('NotFoundException', `Key '${keyArn}' does not exist`);
}

/** `NotFoundException: Invalid keyId '<input>'` for identifiers that are not well-formed. */
export function invalidKeyId(input: string): KmsError {
  return new KmsError('NotFoundException', `Invalid keyId '${input}'`);
}

/** `NotFoundException: Alias <alias ARN> is not found.` */
export function aliasNotFound(aliasArn: string): KmsError {
  return new KmsError('NotFoundException', `Alias ${aliasArn} is not found.`);
}

/** `DisabledException: <key ARN> is disabled.` */
export function keyDisabled(keyArn: string): KmsError {
  return new KmsError('DisabledException', `${keyArn} is disabled.`);
}

/** `KMSInvalidStateException: <key ARN> is pending deletion.` */
export function keyPendingDeletion(keyArn: string): KmsError {
  return new KmsError('KMSInvalidStateException', `${keyArn} is pending deletion.`);
}

/** `KMSInvalidStateException: <key ARN> is pending import.` */
export function keyPendingImport(keyArn: string): KmsError {
  return new KmsError('KMSInvalidStateException', `${keyArn} is pending import.`);
}

/** `InvalidCiphertextException` with AWS's empty message. */
export function invalidCiphertext(): KmsError {
  return new KmsError('InvalidCiphertextException', '');
}

/** `AccessDeniedException` for a ciphertext whose key is missing or not usable by the caller. */
export function ciphertextKeyInaccessible(): KmsError {
  return new KmsError(
    'AccessDeniedException',
    'The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.',
  );
}

/** `DryRunOperationException`, sent when DryRun is set and the call would have succeeded. */
export function dryRunSucceeded(): KmsError {
  return new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
}

/** `ThrottlingException` with KMS's exact text (not the generic "Rate exceeded"). */
export function throttled(): KmsError {
  return new KmsError('ThrottlingException', 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.');
}
