/**
 * @module
 * `@strongbox/kms`: a faithful AWS KMS emulator. See the README for what it models and where it
 * knowingly differs from AWS.
 */

export { Kms, type CallOptions, type KmsOptions, type KmsQuotas, type RequestOf, type ResponseOf } from './kms.ts';
export { KmsError, WIRE_ERRORS, type KmsErrorCode, type WireError } from './errors.ts';
export { ManualClock, systemClock, type Clock, type Random } from './model/environment.ts';
export { principalFromArn, rootPrincipal, type Principal, type PrincipalType } from './model/principal.ts';
export { AuditTrail, type AuditEvent, type AuditEventInput, type AuditOptions } from './model/audit.ts';
export { CloudTrailError, renderRecord, type CloudTrailErrorCode, type CloudTrailRecord, type CloudTrailResource, type LookupQuery, type LookupResult, type UserIdentity } from './model/cloudtrail.ts';
export { defaultCryptographicQuota, type QuotaOptions, type QuotaProfile, type QuotaSetting, type QuotaUsage } from './model/quotas.ts';
export { OPERATION_NAMES, type OperationName, type QuotaClass } from './operations/catalog.ts';
export { createMemoryStore, MemoryStore, type ChangeStore } from './persistence/store.ts';
export { DEFAULT_SNAPSHOT_THRESHOLD_BYTES, openDirectoryStore, type DirectoryStore, type DirectoryStoreOptions } from './persistence/directory-store.ts';
export { StoreError, type StoreErrorCode } from './persistence/errors.ts';
export { ROOT_KEY_ENV, ROOT_KEY_FILE, type RootKeySource } from './persistence/root-key.ts';
export { applySeed, parseSeed, seedChanges, type SeedDefaults, type SeedDocument, type SeedKey } from './seed.ts';
export { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, NO_USERS, parseUsers, withDefaultUser, type UserDirectory, type UserEntry } from './users.ts';
