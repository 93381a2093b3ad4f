/**
 * @module
 * `@strongbox/kms`: a faithful AWS KMS emulator. See the README for what it models and where it
 * knowingly differs from AWS.
 */

// The shared pieces KMS's API hands out, from the service kernel.
export {
  type AuditEvent,
  type AuditEventInput,
  type AuditOptions,
  AuditTrail,
  type Clock,
  type CloudTrailRecord,
  type CloudTrailResource,
  DEFAULT_ACCESS_KEY_ID,
  DEFAULT_SECRET_ACCESS_KEY,
  type LookupQuery,
  type LookupResult,
  ManualClock,
  NO_USERS,
  type Principal,
  type PrincipalType,
  parseUsers,
  principalFromArn,
  type Random,
  renderRecord,
  rootPrincipal,
  // What the audit trail's lookup throws (InvalidTimeRangeException, InvalidNextTokenException, ...).
  ServiceError,
  type ServiceErrorCode,
  systemClock,
  type UserDirectory,
  type UserEntry,
  type UserIdentity,
  withDefaultUser,
} from '@strongbox/service-kernel';
export { isStoreFailureCode, KmsError, type KmsErrorCode, type KmsWireErrorCode, type StoreFailureCode, WIRE_ERRORS, type WireError } from './errors.ts';
export { defaultCryptographicQuota, type QuotaClass, type QuotaOptions, type QuotaProfile, type QuotaSetting, type QuotaUsage } from './model/quotas.ts';
export { DEFAULT_CUSTOMER_MANAGED_KEYS, type ResourceQuotaUsage } from './model/resource-quotas.ts';
export { OPERATION_NAMES, type OperationName } from './operations/index.ts';
export { type DirectoryStoreOptions, openDirectoryStore } from './persistence/directory-store.ts';
export type { DirectoryStore } from './persistence/directory-store-contract.ts';
export { isDirectoryStoreFile } from './persistence/files.ts';
export { DEFAULT_SNAPSHOT_THRESHOLD_BYTES } from './persistence/journal.ts';
export {
  highestFileNumber,
  highestGenerationNumber,
  isNumberFloorFile,
  NUMBER_FLOOR_FILE,
  raiseNumberFloor,
  readNumberFloor,
} from './persistence/number-floor.ts';
export { ROOT_KEY_ENV, ROOT_KEY_FILE, type RootKeySource } from './persistence/root-key.ts';
export { type ChangeStore, createMemoryStore, MemoryStore } from './persistence/store.ts';
export { type CallOptions, Kms, type KmsMethods, type KmsOptions, type KmsQuotas, type RequestOf, type ResponseOf } from './service/kms.ts';
export { applySeed, parseSeed, type SeedDefaults, type SeedDocument, type SeedKey, seedChanges } from './service/seed.ts';
