/**
 * @module
 * `@strongbox/service-kernel`: what every AWS service Strongbox serves shares. A service brings
 * its model, its operations (one definition each, in a registry) and its protocol; the kernel
 * brings identity (SigV4, users, principals), the IAM policy language, the CloudTrail trail,
 * request quota windows, the clock, data-directory durability (durable writes, the directory lock), the request pipeline, the node:http edge and an in-process
 * AWS SDK request handler. See the README for how a service plugs in.
 */

export { accountRootArn, checkAccountAndRegion, partitionOf } from './arn.ts';
export { type Clock, hex, ManualClock, type Random, systemClock, uuidFromBytes } from './clock.ts';
export { type ClockSetOptions, type ClockState, ControlledClock, type ControlledClockOptions } from './controls/clock.ts';
export {
  type ActiveFault,
  FAULT_OPERATION,
  type FaultHook,
  FaultInjector,
  type FaultInjectorOptions,
  type FaultSpec,
  LATENCY_FAULT,
  MAX_LATENCY_MS,
} from './controls/faults.ts';
export { createDirectoryDurably, type DirectoryCreateOptions, syncDirectoryAfterRemoval } from './durable/directories.ts';
export { type FileIo, isOutOfSpace, nodeFileIo, syncDirectory, writeAll } from './durable/file-io.ts';
export {
  createFileExclusivelyDurably,
  type ExclusiveCreateOptions,
  type ReplaceOptions,
  replaceFileDurably,
  replaceFileWith,
  syncDirectoryAfter,
  TEMPORARY_MARK,
} from './durable/files.ts';
export { type DirectoryLease, fencedFileIo, type LeaseSuccessor, RENEW_ON_COMMIT_MS } from './durable/lease.ts';
export {
  __TESTS,
  acquireDirectoryLease,
  acquireDirectoryLock,
  type DirectoryLockHolder,
  type DirectoryLockOptions,
  type ReleaseLock,
} from './durable/lock.ts';
export {
  isJsonServiceErrorCode,
  isS3AuthErrorCode,
  isServiceError,
  JSON_SERVICE_WIRE_ERRORS,
  type JsonServiceErrorCode,
  KERNEL_FAILURE_WIRE_ERRORS,
  type KernelFailureCode,
  S3_AUTH_WIRE_ERRORS,
  type S3AuthErrorCode,
  SERVICE_WIRE_ERRORS,
  ServiceError,
  type ServiceErrorCode,
  type ServiceErrorDetail,
  type ServiceErrorDetails,
  type ServiceErrorFields,
  type ServiceErrorOf,
  type ServiceErrorOptions,
  type ServiceWireError,
} from './errors.ts';
export { DEFAULT_MAX_BODY_BYTES } from './http/body-limit.ts';
export { bufferedHandler } from './http/buffered-handler.ts';
export { type EdgeOptions, toNodeListener, toNodeStreamingListener } from './http/node-listener.ts';
export { isSecure, nodeRequestHead, nodeStreamingRequest, readNodeRequest } from './http/node-request.ts';
export { writeNodeResponse, writeStreamingResponse } from './http/node-response.ts';
export { type BodyObserver, type ChunkSource, ObservedBody } from './http/observed-body.ts';
export { applyEdgeServerSettings, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from './http/server-settings.ts';
export type {
  Authenticator,
  BodyStream,
  ChunkSigningContext,
  HttpRequest,
  HttpRequestHead,
  HttpResponse,
  PayloadAuthentication,
  ProtocolHandler,
  RequestIdentity,
  StreamingHandler,
  StreamingRequest,
  StreamingResponse,
  TextResponse,
  TlsConnection,
} from './http/types.ts';
export { describeSyntaxError, parseJsonText, syntaxErrorOffset } from './json-text.ts';
export type { PipelineContext, QuotaGate, ServiceBinding } from './pipeline/binding.ts';
export { Pipeline } from './pipeline/pipeline.ts';
export {
  createRegistry,
  type Facade,
  type InputOf,
  installFacade,
  type MethodName,
  type OperationSpec,
  type OutputOf,
  type QuotaRule,
  quotaClassOf,
  type Registry,
  type TableOf,
} from './pipeline/registry.ts';
export type { CallScope } from './pipeline/scope.ts';
export { type CompiledPolicy, compiledPolicy, compilePolicy, evaluatePolicy, type PolicyRequest, type PolicyVerdict } from './policy/compile.ts';
export { type CompiledCondition, type ConditionLookup, compileCondition, isConditionOperator } from './policy/conditions.ts';
export { conditionLookup, type GlobalContextSource, globalConditionValue, type RequestConditions } from './policy/context.ts';
export {
  type ConditionSpec,
  type PolicySpec,
  type PrincipalSpec,
  parsePolicy,
  type StatementSpec,
} from './policy/document.ts';
export { evaluateIdentityPolicy, evaluateSides, NO_VERDICT, type PolicySides } from './policy/evaluate.ts';
export { type JsonValue, prettyJson, prettyPolicy } from './policy/format.ts';
export { compileArnPattern, compilePatterns, globToRegExp, MATCH_ALL, MATCH_NONE, type Matcher } from './policy/patterns.ts';
export { type CompiledPrincipals, compilePrincipals, isWellFormedPrincipal, matchPrincipal, type PrincipalMatch, roleOf } from './policy/principals.ts';
export { parseTemplate, type ResolvedPart, resolvedToRegExp, resolvedToText, type Template } from './policy/variables.ts';
export { ANONYMOUS_PRINCIPAL, type Principal, type PrincipalType, principalFromArn, rootPrincipal } from './principal.ts';
export { httpDate, json11ErrorResponse, json11Response, parseJson, serviceErrorResponse, toWire } from './protocol/json.ts';
export { queryPairs } from './protocol/query-pairs.ts';
export { type BucketUsage, QuotaBuckets, SlidingWindow } from './quota/windows.ts';
export { InProcessHandler, type InProcessHandlerOptions } from './sdk/in-process-handler.ts';
export type { TimeoutSettings, WarningLogger } from './sdk/timeouts.ts';
export { authenticatedBody } from './sigv4/payload.ts';
export { createPostPolicyVerifier, type PostPolicySignature, type PostPolicyVerifier, type PostPolicyVerifierOptions } from './sigv4/post-policy.ts';
export {
  MAX_PRESIGNED_EXPIRES_SECONDS,
  type PresignedIdentity,
  type PresignedOptions,
  S3_SIGNATURE_MISMATCH,
  verifyPresignedRequest,
} from './sigv4/presigned.ts';
export { type AwsChunkedBody, type AwsChunkedForm, type AwsChunkedOptions, decodeAwsChunked, isAwsChunked } from './sigv4/streaming.ts';
export { createSigV4Authenticator, createSigV4Identifier, type SignatureForm, type SigV4Options, signatureFormOf } from './sigv4/verify.ts';
export { type AuditOptions, AuditTrail, EVENT_HISTORY_MS } from './trail/audit.ts';
export type { AuditEvent, AuditEventInput, TlsDetails } from './trail/audit-event.ts';
export {
  type CloudTrailArnPrefixResource,
  type CloudTrailArnResource,
  type CloudTrailRecord,
  type CloudTrailResource,
  type EventHistory,
  isoSeconds,
  javaDateString,
  type LookupQuery,
  type LookupResult,
  lookupRecords,
  renderRecord,
  type UserIdentity,
  userIdentityOf,
  usernameOf,
} from './trail/cloudtrail.ts';
export { EventIds } from './trail/event-ids.ts';
export { immutableAuditField, jsonSize, MAX_FIELD_BYTES } from './trail/field-size.ts';
export { CLOUDTRAIL_TARGET_PREFIXES, type CloudTrailOptions, createCloudTrailHandler, isCloudTrailRequest, type TrailOwner } from './trail/lookup-events.ts';
export { arnPrefixResource } from './trail/resources.ts';
export { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, NO_USERS, parseUsers, type UserDirectory, type UserEntry, withDefaultUser } from './users.ts';
export { formatUuid, parseUuid, randomUuid } from './uuid.ts';
