/**
 * @module
 * `@strongbox/kms`: a faithful AWS KMS emulator. See the README for what it models and where it
 * knowingly differs from AWS.
 */

export { Kms, type CallOptions, type KmsOptions, type RequestOf, type ResponseOf } from './kms.ts';
export { KmsError, WIRE_ERRORS, type KmsErrorCode, type WireError } from './errors.ts';
export { ManualClock, systemClock, type Clock, type Random } from './model/environment.ts';
export { principalFromArn, rootPrincipal, type Principal, type PrincipalType } from './model/principal.ts';
export type { AuditEvent, AuditOptions } from './model/audit.ts';
export type { QuotaOptions } from './model/quotas.ts';
export { OPERATION_NAMES, type OperationName } from './operations/catalog.ts';
export type { ChangeStore } from './persistence/store.ts';
