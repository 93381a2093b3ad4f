/**
 * @module
 * `@strongbox/kms`: a faithful AWS KMS emulator. See the README for what it models and where it
 * knowingly differs from AWS.
 */

export { Kms, type CallOptions, type KmsMethods, type KmsOptions, type KmsQuotas, type RequestOf, type ResponseOf } from './service/kms.ts';
export { KmsError, WIRE_ERRORS, type KmsErrorCode, type WireError } from './errors.ts';
// The shared pieces KMS's API hands out, from the service kernel.
export {
  AuditTrail,
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_SECRET_ACCESS_KEY,
  ManualClock,
  NO_USERS,
  parseUsers,
  principalFromArn,
  renderRecord,
  rootPrincipal,
  // What the audit trail's lookup throws (InvalidTimeRangeException, InvalidNextTokenException, ...).
  ServiceError,
  systemClock,
  withDefaultUser,
  type AuditEvent,
  type AuditEventInput,
  type AuditOptions,
  type Clock,
  type CloudTrailRecord,
  type CloudTrailResource,
  type LookupQuery,
  type LookupResult,
  type Principal,
  type PrincipalType,
  type Random,
  type ServiceErrorCode,
  type UserDirectory,
  type UserEntry,
  type UserIdentity,
} from '@strongbox/service-kernel';
export { defaultCryptographicQuota, type QuotaClass, type QuotaOptions, type QuotaProfile, type QuotaSetting, type QuotaUsage } from './model/quotas.ts';
export { OPERATION_NAMES, type OperationName } from './operations/index.ts';
export { createMemoryStore, MemoryStore, type ChangeStore } from './persistence/store.ts';
export { DEFAULT_SNAPSHOT_THRESHOLD_BYTES, openDirectoryStore, type DirectoryStore, type DirectoryStoreOptions } from './persistence/directory-store.ts';
export { StoreError, type StoreErrorCode } from './persistence/errors.ts';
export { ROOT_KEY_ENV, ROOT_KEY_FILE, type RootKeySource } from './persistence/root-key.ts';
export { applySeed, parseSeed, seedChanges, type SeedDefaults, type SeedDocument, type SeedKey } from './service/seed.ts';
