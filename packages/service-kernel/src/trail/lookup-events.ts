/**
 * @module
 * CloudTrail's `LookupEvents` over AWS JSON 1.1, answering from the emulator's audit trail, so
 * `@aws-sdk/client-cloudtrail` (or `aws cloudtrail lookup-events`) reads KMS's event history:
 * `POST /` with `X-Amz-Target: com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents`
 * (botocore `targetPrefix`) or `CloudTrail_20131101.LookupEvents` (SDK for JavaScript v3); events
 * of the caller's account and Region, newest first, at most 50 a page (CloudTrail API reference,
 * LookupEvents). Errors are `{"__type", "Message"}`, HTTP 400 (the CloudTrail model's error shapes
 * use a capital-M `Message`).
 */

import { uuidFromBytes } from '../clock.ts';
import { ServiceError } from '../errors.ts';
import type { Authenticator, HttpRequest, TextResponse } from '../http/types.ts';
import { globalConditionValue } from '../policy/context.ts';
import { evaluateIdentityPolicy } from '../policy/evaluate.ts';
import type { Principal } from '../principal.ts';
import { json11ErrorResponse, json11Response, parseJson, serviceErrorResponse } from '../protocol/json.ts';
import type { AuditTrail } from './audit.ts';
import { type CloudTrailRecord, type LookupQuery, usernameOf } from './cloudtrail.ts';

/**
 * The `X-Amz-Target` prefixes of CloudTrail operations (route requests on them): botocore and the
 * AWS CLI send the model's `targetPrefix`, the smithy-built SDKs (JavaScript v3) the service shape
 * name; CloudTrail answers both.
 */
export const CLOUDTRAIL_TARGET_PREFIXES: readonly string[] = ['com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.', 'CloudTrail_20131101.'];

/** Options of the CloudTrail handler (the same shape as the KMS handler's). */
export interface CloudTrailOptions {
  /**
   * Authenticates a request (sign CloudTrail requests for the `cloudtrail` service) and names its
   * caller, whose account and Region select the event history. Default: the emulator's account
   * and Region.
   */
  readonly authenticate?: Authenticator;
  /** Request ids (default: random UUIDs). */
  readonly requestId?: () => string;
}

/** The lookup attributes of the CloudTrail model (`LookupAttributeKey`). */
const ATTRIBUTE_KEYS = ['EventId', 'EventName', 'ReadOnly', 'Username', 'ResourceType', 'ResourceName', 'EventSource', 'AccessKeyId'] as const;
type AttributeKey = (typeof ATTRIBUTE_KEYS)[number];
/** LookupEvents MaxResults: "Possible values are 1 through 50. The default is 50." */
const MAX_RESULTS = 50;
/** LookupAttribute.AttributeValue: 1..2000 characters, where `_`, space, `,` and `\n` count twice. */
const MAX_ATTRIBUTE_LENGTH = 2000;

/** Where the events come from: a trail and the account and Region unsigned lookups read. */
export interface TrailOwner {
  readonly auditTrail: AuditTrail;
  /** Default account. */
  readonly account: string;
  /** Default Region. */
  readonly region: string;
}

/** Whether `request` is meant for CloudTrail (by its `X-Amz-Target` prefix). */
export function isCloudTrailRequest(request: HttpRequest): boolean {
  const target = request.headers['x-amz-target'] ?? '';
  return CLOUDTRAIL_TARGET_PREFIXES.some((prefix) => target.startsWith(prefix));
}

/**
 * `cloudtrail:LookupEvents` must be allowed to the caller, as IAM decides it: an account root
 * always is; any other principal needs its identity policy to allow the action (resource `*`:
 * LookupEvents has no resource-level permissions) and not deny it. A principal without an
 * identity policy is allowed nothing, as KMS decides for its IAM-only actions. Without this, any
 * verified key read the whole trail under --strict-auth.
 * @throws ServiceError AccessDeniedException with IAM's text (no `on resource:` for an action
 *   without resources; UNCONFIRMED: no capture of CloudTrail's exact wording).
 */
function authorizeLookup(caller: Principal, region: string, request: HttpRequest): void {
  if (caller.type === 'Root') return;
  const action = 'cloudtrail:LookupEvents';
  const source = { caller, region, ...(request.sourceIpAddress === undefined ? {} : { sourceIp: request.sourceIpAddress }) };
  const verdict = evaluateIdentityPolicy(caller, { caller, action, resource: '*', lookup: (key) => globalConditionValue(source, key) });
  if (verdict.deny)
    throw new ServiceError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: ${action} with an explicit deny in an identity-based policy`,
    );
  if (!verdict.allowDirect)
    throw new ServiceError(
      'AccessDeniedException',
      `User: ${caller.arn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
    );
}

/** The operation an `X-Amz-Target` names, if it is a CloudTrail target. */
function operationOf(target: string | undefined): string | undefined {
  const prefix = CLOUDTRAIL_TARGET_PREFIXES.find((p) => target?.startsWith(p));
  return prefix === undefined ? undefined : target!.slice(prefix.length);
}

/**
 * Builds a handler serving CloudTrail `LookupEvents` over `kms.auditTrail`.
 * @example
 * ```ts
 * const kmsHandler = createJson11Handler(kms);
 * const trailHandler = createCloudTrailHandler(kms);
 * createServer(toNodeListener((request) => (isCloudTrailRequest(request) ? trailHandler : kmsHandler)(request)));
 * ```
 */
export function createCloudTrailHandler(kms: TrailOwner, options: CloudTrailOptions = {}): (request: HttpRequest) => Promise<TextResponse> {
  const newRequestId = options.requestId ?? (() => uuidFromBytes(crypto.getRandomValues(new Uint8Array(16))));
  return async (request) => {
    const requestId = newRequestId();
    try {
      if (request.method !== 'POST' || operationOf(request.headers['x-amz-target']) !== 'LookupEvents') {
        throw new ServiceError('UnknownOperationException');
      }
      const identity = options.authenticate ? await options.authenticate(request) : undefined;
      if (identity !== undefined) authorizeLookup(identity.caller, identity.region ?? kms.region, request);
      const body = parseJson(request.body);
      const scope = { account: identity?.caller.account ?? kms.account, region: identity?.region ?? kms.region };
      const query = lookupQuery(body, scope);
      // No Insights events are recorded: asking for them finds none.
      const { records, nextToken } = query === 'insight' ? { records: [], nextToken: undefined } : kms.auditTrail.lookup(query);
      const output = { Events: records.map(wireEvent), ...(nextToken === undefined ? {} : { NextToken: nextToken }) };
      return json11Response(200, requestId, JSON.stringify(output));
    } catch (error) {
      // CloudTrail's lookup refusals, authentication failures (SigV4) and a body that is not a JSON
      // object (SerializationException): the kernel's one error type and wire table.
      if (error instanceof ServiceError) return serviceErrorResponse(requestId, error);
      // A service's own errors that reach here (none today) are answered as CloudTrail's internal failure.
      return json11ErrorResponse(requestId, 500, 'InternalFailure', '', 'Message');
    }
  };
}

/**
 * The lookup a request body asks for, or `'insight'` for Insights events.
 * @throws ServiceError for malformed members and values CloudTrail refuses.
 */
function lookupQuery(body: Record<string, unknown>, scope: { account: string; region: string }): LookupQuery | 'insight' {
  const attributes = optional(body, 'LookupAttributes', (v) => Array.isArray(v));
  const startTime = optional(body, 'StartTime', isTimestamp);
  const endTime = optional(body, 'EndTime', isTimestamp);
  const maxResults = optional(body, 'MaxResults', Number.isInteger);
  const nextToken = optional(body, 'NextToken', (v) => typeof v === 'string');
  const category = optional(body, 'EventCategory', (v) => typeof v === 'string');
  // Only the first lookup attribute counts: CloudTrail documents "only one item" and, observed on
  // a live account, silently ignores the others (zb-ss/servonaut#103, 2026).
  const filter = Array.isArray(attributes) && attributes.length > 0 ? attributeFilter(attributes[0]) : {};
  if (maxResults !== undefined && ((maxResults as number) < 1 || (maxResults as number) > MAX_RESULTS)) {
    // Message text unconfirmed (CloudTrail model: "thrown if the limit specified is not valid").
    throw new ServiceError('InvalidMaxResultsException', `MaxResults must be between 1 and ${MAX_RESULTS}.`);
  }
  if (category !== undefined && category !== 'insight') {
    throw new ServiceError('InvalidEventCategoryException', `Event category ${String(category)} is not valid.`);
  }
  const query: LookupQuery = {
    ...filter,
    account: scope.account,
    region: scope.region,
    ...(startTime === undefined ? {} : { startTime: new Date((startTime as number) * 1000) }),
    ...(endTime === undefined ? {} : { endTime: new Date((endTime as number) * 1000) }),
    maxResults: (maxResults as number | undefined) ?? MAX_RESULTS,
    ...(nextToken === undefined ? {} : { nextToken: nextToken as string }),
  };
  if (category === 'insight') {
    // Still refuse what CloudTrail would refuse for Insights lookups (time range, token).
    if (query.startTime && query.endTime && query.startTime > query.endTime)
      throw new ServiceError('InvalidTimeRangeException', 'Start time must not be after end time.');
    return 'insight';
  }
  return query;
}

/** The filter one `LookupAttribute` asks for. @throws ServiceError InvalidLookupAttributesException. */
function attributeFilter(attribute: unknown): Partial<LookupQuery> {
  if (typeof attribute !== 'object' || attribute === null || Array.isArray(attribute)) throw new ServiceError('SerializationException');
  const key = (attribute as Record<string, unknown>)['AttributeKey'];
  const value = (attribute as Record<string, unknown>)['AttributeValue'];
  // Messages below are unconfirmed: no real capture of CloudTrail's texts was found.
  if (typeof key !== 'string' || !(ATTRIBUTE_KEYS as readonly string[]).includes(key)) {
    throw new ServiceError('InvalidLookupAttributesException', `AttributeKey must be one of ${ATTRIBUTE_KEYS.join(', ')}.`);
  }
  if (typeof value !== 'string' || value.length === 0 || weightedLength(value) > MAX_ATTRIBUTE_LENGTH) {
    throw new ServiceError('InvalidLookupAttributesException', `AttributeValue must be 1 to ${MAX_ATTRIBUTE_LENGTH} characters long.`);
  }
  switch (key as AttributeKey) {
    case 'EventId':
      return { eventId: value };
    case 'EventName':
      return { eventName: value };
    case 'ReadOnly':
      if (value !== 'true' && value !== 'false') throw new ServiceError('InvalidLookupAttributesException', 'ReadOnly must be true or false.');
      return { readOnly: value === 'true' };
    case 'Username':
      return { username: value };
    case 'ResourceType':
      return { resourceType: value };
    case 'ResourceName':
      return { resourceName: value };
    case 'EventSource':
      return { eventSource: value };
    case 'AccessKeyId':
      return { accessKeyId: value };
  }
}

/** A record as LookupEvents' `Event` (ReadOnly a string, EventTime epoch seconds, the record as JSON text). */
function wireEvent(record: CloudTrailRecord): Record<string, unknown> {
  const username = usernameOf(record.userIdentity);
  return {
    EventId: record.eventID,
    EventName: record.eventName,
    ReadOnly: String(record.readOnly),
    ...(record.userIdentity.accessKeyId === undefined ? {} : { AccessKeyId: record.userIdentity.accessKeyId }),
    EventTime: Date.parse(record.eventTime) / 1000,
    EventSource: record.eventSource,
    ...(username === undefined ? {} : { Username: username }),
    Resources: (record.resources ?? []).map((resource) => ({ ResourceType: resource.type, ResourceName: resource.ARN ?? resource.ARNPrefix })),
    CloudTrailEvent: JSON.stringify(record),
  };
}

/** A member, type-checked; `null` reads as absent. @throws ServiceError SerializationException. */
function optional(body: Record<string, unknown>, name: string, check: (value: unknown) => boolean): unknown {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (!check(value)) throw new ServiceError('SerializationException');
  return value;
}

function isTimestamp(value: unknown): boolean {
  return typeof value === 'number' && Number.isFinite(value);
}

/** CloudTrail model: "The following characters ('_', ' ', ',', '\\n') count as two characters". */
function weightedLength(value: string): number {
  let length = value.length;
  for (const char of value) if (char === '_' || char === ' ' || char === ',' || char === '\n') length += 1;
  return length;
}
