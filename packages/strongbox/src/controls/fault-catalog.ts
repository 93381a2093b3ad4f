/**
 * @module
 * Which faults each service can be told to inject, and the error each one is on the wire: what
 * AWS answers when it throttles or fails, so an SDK's retry logic behaves as it does against AWS.
 *
 * KMS (../shared/reference/kms.md §1.3 and §3 "HTTP status codes"):
 * - `ThrottlingException`: HTTP 400 with KMS's own text (captured from real KMS); SDKs retry it.
 * - `KMSInternalException` (500) and `DependencyTimeoutException` (503): "KMS unavailable". The
 *   statuses are the model's, UNCONFIRMED against a live capture; their texts are UNCONFIRMED
 *   too (the internal error's is the one KMS's boundary uses; the timeout's is the model's
 *   documentation of the shape).
 * - `KeyUnavailableException` (500).
 *
 * S3 (ErrorResponses.html): `InternalError` (500), `SlowDown` (503), `ServiceUnavailable` (503).
 *
 * When S3 calls KMS on a caller's behalf (SSE-KMS, DSSE-KMS) and the KMS fault strikes, S3
 * answers as it answers a real KMS failure (`@strongbox/s3`'s `s3ErrorFromKms`): `SlowDown` 503
 * "Please reduce your request rate for operations involving AWS KMS." for throttling (reported
 * from real S3, aws-samples/cql-replicator#92; not documented by AWS: UNCONFIRMED) and
 * `InternalError` 500 for the others (UNCONFIRMED).
 */

import { KmsError, type KmsErrorCode } from '@strongbox/kms';
import { S3Error, type S3ErrorReason } from '@strongbox/s3';
import { LATENCY_FAULT } from '@strongbox/service-kernel';

/** The services faults can be injected into. */
export type FaultService = 'kms' | 's3';

/** KMS's injectable errors and their texts. */
const KMS_FAULTS: ReadonlyMap<string, { readonly code: KmsErrorCode; readonly message: string }> = new Map([
  [
    'ThrottlingException',
    { code: 'ThrottlingException', message: 'You have exceeded the rate at which you may call KMS. Reduce the frequency of your calls.' },
  ],
  ['KMSInternalException', { code: 'KMSInternalException', message: 'An internal error occurred.' }],
  [
    'DependencyTimeoutException',
    { code: 'DependencyTimeoutException', message: 'The system timed out while trying to fulfill the request. You can retry the request.' },
  ],
  [
    'KeyUnavailableException',
    { code: 'KeyUnavailableException', message: 'The request was rejected because the specified CMK was not available. You can retry the request.' },
  ],
]);

/** S3's injectable errors (their texts are S3's own, from the engine's error table). */
const S3_FAULTS: ReadonlyMap<string, S3ErrorReason> = new Map<string, S3ErrorReason>([
  ['InternalError', 'InternalError'],
  ['SlowDown', 'SlowDown'],
  ['ServiceUnavailable', 'ServiceUnavailable'],
]);

/** Every fault name each service takes (`latency` for all). */
export const FAULT_NAMES: Readonly<Record<FaultService, readonly string[]>> = Object.freeze({
  kms: Object.freeze([...KMS_FAULTS.keys(), LATENCY_FAULT]),
  s3: Object.freeze([...S3_FAULTS.keys(), LATENCY_FAULT]),
});

/**
 * KMS's error for an injected fault.
 * @throws TypeError for a code KMS faults do not include (`FAULT_NAMES.kms`).
 * @example kmsFault('ThrottlingException').status // 400
 */
export function kmsFault(code: string): KmsError {
  const fault = KMS_FAULTS.get(code);
  if (fault === undefined) throw new TypeError(`KMS cannot inject ${JSON.stringify(code)}; it injects ${FAULT_NAMES.kms.join(', ')}`);
  return new KmsError(fault.code, fault.message);
}

/**
 * S3's error for an injected fault.
 * @throws TypeError for a code S3 faults do not include (`FAULT_NAMES.s3`).
 * @example s3Fault('SlowDown').status // 503
 */
export function s3Fault(code: string): S3Error {
  const reason = S3_FAULTS.get(code);
  if (reason === undefined) throw new TypeError(`S3 cannot inject ${JSON.stringify(code)}; it injects ${FAULT_NAMES.s3.join(', ')}`);
  return new S3Error(reason);
}

/**
 * Whether `service` can inject `fault` (an error code of its own, or `latency`).
 * @example isInjectable('s3', 'SlowDown') // true
 */
export function isInjectable(service: string, fault: string): boolean {
  return (service === 'kms' || service === 's3') && FAULT_NAMES[service].includes(fault);
}
