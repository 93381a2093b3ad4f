/**
 * @module
 * The one error type of `@strongbox/kms`: `KmsError`, whose `code` is, from a closed union, the AWS
 * `__type` name, or one of the data directory's failures (`StoreFailureCode`: a wrong root key, a
 * damaged file, a locked directory, a failed write, a lost lease, a full disk), which are the
 * operator's concern and reach callers only as KMS's internal error. `WIRE_ERRORS` is the single
 * table mapping each code to its HTTP status (the store's failures to `KMSInternalException` with
 * its generic text); everything that is not a `KmsError` becomes `KMSInternalException` at the
 * boundary (`toKmsError`), and so does a store failure.
 *
 * Statuses: 400 for every client error, 5xx only for internal/unavailable/timeout. The KMS model
 * tags some client errors 404/409/412, but real KMS was recorded answering 400 for those of them
 * that have been captured (NotFoundException, DisabledException, KMSInvalidStateException,
 * DryRunOperationException: LocalStack's AWS-validated snapshots); the rest of them
 * (AlreadyExistsException, ConflictException) have no capture and follow the same rule.
 */

import { isJsonServiceErrorCode, JSON_SERVICE_WIRE_ERRORS, type JsonServiceErrorCode, ServiceError, type ServiceWireError } from '@strongbox/service-kernel';

/** Every error code of Strongbox's KMS: the AWS codes it answers with, and its store's failures. */
export type KmsErrorCode = KmsWireErrorCode | StoreFailureCode;

/** The AWS codes Strongbox's KMS answers with. */
export type KmsWireErrorCode =
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

/**
 * Why a data directory could not be opened or used. These are operator errors (a wrong or insecure
 * root key, a damaged directory, a second server on the same directory), raised by
 * `openDirectoryStore` before any request is served, or reported through `onError` when writing
 * fails at run time; they never reach KMS callers, who only ever see `KMSInternalException`.
 */
export type StoreFailureCode =
  /** The root key given (option, `STRONGBOX_ROOT_KEY` or `root.key`) is not 32 bytes of base64. */
  | 'INVALID_ROOT_KEY'
  /** `root.key` can be read by group or others. */
  | 'INSECURE_ROOT_KEY'
  /** The directory holds state but no root key was given and `root.key` is missing. */
  | 'MISSING_ROOT_KEY'
  /** The directory holds state sealed under another root key. */
  | 'WRONG_ROOT_KEY'
  /** A snapshot, journal or audit file is damaged beyond a torn (never acknowledged) tail. */
  | 'CORRUPT'
  /** Another live process (or this one) has the directory open. */
  | 'LOCKED'
  /** A write or fsync failed at run time; the store refuses further commits. */
  | 'WRITE_FAILED'
  /**
   * Another process took the directory over after this one's lease lapsed (it was paused past
   * it): the store rolls back the commits not yet durable and refuses every further call, reads
   * included (its state is stale); stop the process.
   */
  | 'LEASE_LOST'
  /**
   * The disk or quota is full: the changes that could not be written were rolled back and their
   * requests failed; reads go on, and writes resume once there is space again.
   */
  | 'DISK_FULL';

/**
 * How a code travels on the wire (status, `__type`, the body key of the message, and a fixed
 * message where the error's own must not be sent), as in the kernel.
 */
export type WireError = ServiceWireError;

/** KMS's internal error as callers see it: a generic message, so no internal detail or secret leaks. */
const INTERNAL_ERROR_MESSAGE = 'An internal error occurred.';
const STORE_FAILURE: WireError = Object.freeze({ status: 500, type: 'KMSInternalException', message: INTERNAL_ERROR_MESSAGE });

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
  // The store's failures: the operator reads the message (`onError`, the CLI's line); a caller
  // whose call meets one gets KMS's internal error.
  INVALID_ROOT_KEY: STORE_FAILURE,
  INSECURE_ROOT_KEY: STORE_FAILURE,
  MISSING_ROOT_KEY: STORE_FAILURE,
  WRONG_ROOT_KEY: STORE_FAILURE,
  CORRUPT: STORE_FAILURE,
  LOCKED: STORE_FAILURE,
  WRITE_FAILED: STORE_FAILURE,
  LEASE_LOST: STORE_FAILURE,
  DISK_FULL: STORE_FAILURE,
});

/**
 * Whether a code is one of the store's failures (not an AWS code).
 * @example isStoreFailureCode('LOCKED') // true
 */
export function isStoreFailureCode(code: KmsErrorCode): code is StoreFailureCode {
  return WIRE_ERRORS[code] === STORE_FAILURE;
}

/**
 * A KMS failure with AWS's code and message, or a failure of its data directory with a message
 * that says what happened and what to do.
 *
 * @example
 * ```ts
 * import { KmsError } from '@strongbox/kms';
 * try {
 *   await kms.decrypt({ CiphertextBlob: blob });
 * } catch (error) {
 *   if (error instanceof KmsError && error.code === 'InvalidCiphertextException') retry();
 * }
 * try {
 *   await openDirectoryStore({ directory: './data' });
 * } catch (error) {
 *   if (error instanceof KmsError && error.code === 'WRONG_ROOT_KEY') console.error(error.message);
 * }
 * ```
 */
export class KmsError extends Error {
  /** The AWS error code (`__type` on the wire), or the store's failure. */
  readonly code: KmsErrorCode;

  /**
   * @param code - the AWS error code, or the store's failure.
   * @param message - AWS's message text ('' where AWS sends none, e.g. InvalidCiphertextException);
   *   for a store failure, what happened and what to do about it.
   * @param options - the underlying error, kept for logs (never sent).
   */
  constructor(code: KmsErrorCode, message = '', options?: { readonly cause?: unknown }) {
    super(message, options);
    // The `__type` for AWS codes (each row's type is its code); the code for the store's failures.
    this.name = code;
    this.code = code;
  }

  /** HTTP status for this error. */
  get status(): number {
    return WIRE_ERRORS[this.code].status;
  }
}

/**
 * Normalises anything thrown at the boundary: a `KmsError` of an AWS code passes through, a kernel
 * `ServiceError` (SigV4, JSON framing) becomes the `KmsError` of the same code and message,
 * anything else, a store failure included, `KMSInternalException` (with a generic message, so no
 * internal detail or secret leaks).
 * @example toKmsError(new ServiceError('MissingAuthenticationTokenException', 'Missing Authentication Token')).code // 'MissingAuthenticationTokenException'
 */
export function toKmsError(error: unknown): KmsError {
  if (error instanceof KmsError && !isStoreFailureCode(error.code)) return error;
  // S3's authentication codes and the kernel's own failures never reach KMS's callers as such.
  if (error instanceof ServiceError && error.code !== 'InternalFailure' && isJsonServiceErrorCode(error.code)) return new KmsError(error.code, error.message);
  return new KmsError('KMSInternalException', INTERNAL_ERROR_MESSAGE);
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

/**
 * `InvalidArnException: Key Aliases are not supported for this operation.`: an alias name or alias
 * ARN given to an operation whose `KeyId` takes a key id or key ARN only. Captured from AWS for
 * CreateGrant (boto/boto#3883, 2019; ministryofjustice/modernisation-platform#8298, 2024, through
 * Lambda) and GetKeyPolicy; for the other key-ID-only operations UNCONFIRMED.
 * @example throw aliasesNotSupported();
 */
export function aliasesNotSupported(): KmsError {
  return new KmsError('InvalidArnException', 'Key Aliases are not supported for this operation.');
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
