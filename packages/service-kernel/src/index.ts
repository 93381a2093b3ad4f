/**
 * @module
 * `@strongbox/service-kernel`: what every AWS service Strongbox serves shares. A service brings
 * its model, its operations (one definition each, in a registry) and its protocol; the kernel
 * brings identity (SigV4, users, principals), the IAM policy language, the CloudTrail trail,
 * request quota windows, the clock, the request pipeline, the node:http edge and an in-process
 * AWS SDK request handler. See the README for how a service plugs in.
 */

export { accountRootArn, partitionOf } from './arn.ts';
export { ManualClock, systemClock, uuidFromBytes, hex, type Clock, type Random } from './clock.ts';
export { SERVICE_WIRE_ERRORS, ServiceError, type ServiceErrorCode, type ServiceWireError } from './errors.ts';
export { DEFAULT_MAX_BODY_BYTES, EdgeError, readNodeRequest, RequestTooLargeError, toNodeListener, writeNodeResponse, type EdgeOptions } from './http/node.ts';
export type { Authenticator, HttpRequest, HttpResponse, ProtocolHandler, RequestIdentity, TextResponse } from './http/types.ts';
export { describeSyntaxError, parseJsonText, syntaxErrorOffset } from './json-text.ts';
export { Pipeline, type PipelineContext, type QuotaGate, type ServiceBinding } from './pipeline/pipeline.ts';
export { createRegistry, installFacade, quotaClassOf, type Facade, type InputOf, type MethodName, type OperationSpec, type OutputOf, type QuotaRule, type Registry, type TableOf } from './pipeline/registry.ts';
export type { CallScope } from './pipeline/scope.ts';
export { compiledPolicy, compilePolicy, evaluatePolicy, type CompiledPolicy, type PolicyRequest, type PolicyVerdict } from './policy/compile.ts';
export { compileCondition, isConditionOperator, type CompiledCondition, type ConditionLookup } from './policy/conditions.ts';
export { conditionLookup, globalConditionValue, type GlobalContextSource, type RequestConditions } from './policy/context.ts';
export { parsePolicy, PolicyDocumentError, type ConditionSpec, type PolicyProblem, type PolicySpec, type PrincipalSpec, type StatementSpec } from './policy/document.ts';
export { evaluateIdentityPolicy, evaluateSides, NO_VERDICT, type PolicySides } from './policy/evaluate.ts';
export { prettyJson, prettyPolicy, type JsonValue } from './policy/format.ts';
export { compileArnPattern, compilePatterns, globToRegExp, MATCH_ALL, MATCH_NONE, type Matcher } from './policy/patterns.ts';
export { compilePrincipals, isWellFormedPrincipal, matchPrincipal, roleOf, type CompiledPrincipals, type PrincipalMatch } from './policy/principals.ts';
export { principalFromArn, rootPrincipal, type Principal, type PrincipalType } from './principal.ts';
export { httpDate, json11ErrorResponse, json11Response, parseJson, serviceErrorResponse, toWire } from './protocol/json.ts';
export { QuotaBuckets, SlidingWindow, type BucketUsage } from './quota/windows.ts';
export { InProcessHandler, type InProcessHandlerOptions } from './sdk/in-process-handler.ts';
export { createSigV4Authenticator, signatureFormOf, type SignatureForm, type SigV4Options } from './sigv4/verify.ts';
export { AuditTrail, EVENT_HISTORY_MS, EventIds, jsonSize, MAX_FIELD_BYTES, type AuditEvent, type AuditEventInput, type AuditOptions } from './trail/audit.ts';
export { isoSeconds, javaDateString, lookupRecords, renderRecord, userIdentityOf, usernameOf, type CloudTrailRecord, type CloudTrailResource, type EventHistory, type LookupQuery, type LookupResult, type UserIdentity } from './trail/cloudtrail.ts';
export { CLOUDTRAIL_TARGET_PREFIXES, createCloudTrailHandler, isCloudTrailRequest, type CloudTrailOptions, type TrailOwner } from './trail/lookup-events.ts';
export { formatUuid, parseUuid, randomUuid } from './uuid.ts';
export { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, NO_USERS, parseUsers, withDefaultUser, type UserDirectory, type UserEntry } from './users.ts';
