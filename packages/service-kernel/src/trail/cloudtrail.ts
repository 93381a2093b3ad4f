/**
 * @module
 * Audit events as CloudTrail records, shaped like the records real services write (the KMS
 * Developer Guide `ct-*.md` examples, 2014–2025, and the CloudTrail `userIdentity` reference
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html),
 * and the queries CloudTrail's `LookupEvents` answers over them: filters, newest first, page tokens
 * bound to the query that made them.
 */

import { ServiceError } from '../errors.ts';
import type { Principal } from '../principal.ts';
import type { AuditEvent, TlsDetails } from './audit-event.ts';
import { type CloudTrailResource, namesResource, resourcesOf, resourceTypeOf } from './resources.ts';

export type { CloudTrailArnPrefixResource, CloudTrailArnResource, CloudTrailResource } from './resources.ts';

/** CloudTrail's `userIdentity`. */
export interface UserIdentity {
  readonly type: string;
  readonly principalId?: string;
  readonly arn?: string;
  readonly accountId: string;
  readonly accessKeyId?: string;
  readonly userName?: string;
  readonly sessionContext?: {
    readonly sessionIssuer: {
      readonly type: 'Role';
      readonly principalId: string;
      readonly arn: string;
      readonly accountId: string;
      readonly userName: string;
    };
    readonly attributes: { readonly creationDate: string; readonly mfaAuthenticated: 'false' };
  };
  readonly invokedBy?: string;
}

/** A CloudTrail record for one call, members in the order real records list them. */
export interface CloudTrailRecord {
  readonly eventVersion: string;
  readonly userIdentity: UserIdentity;
  readonly eventTime: string;
  /** The service's endpoint name, e.g. `kms.amazonaws.com`. */
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters: Record<string, unknown> | null;
  readonly responseElements: Record<string, unknown> | null;
  readonly additionalEventData?: Record<string, unknown>;
  /** Absent on service events. */
  readonly requestID?: string;
  readonly eventID: string;
  readonly readOnly: boolean;
  /** Absent when the service writes none (KMS's UpdatePrimaryRegion entry in the new primary's Region). */
  readonly resources?: readonly CloudTrailResource[];
  readonly eventType: 'AwsApiCall' | 'AwsServiceEvent';
  /** Service events only: `{ keyId }`. */
  readonly serviceEventDetails?: Record<string, unknown>;
  /** False for a data event (S3's object-level calls). */
  readonly managementEvent: boolean;
  readonly recipientAccountId: string;
  readonly eventCategory: 'Management' | 'Data';
  /** A call over TLS: its version, cipher suite and Host header, after `eventCategory` (absent otherwise). */
  readonly tlsDetails?: TlsDetails;
}

/** Filters of a lookup; every given filter must match. */
export interface LookupQuery {
  readonly eventId?: string;
  readonly eventName?: string;
  /** Only events of this service (`kms.amazonaws.com`): any other source matches nothing. */
  readonly eventSource?: string;
  readonly readOnly?: boolean;
  /** CloudTrail's user name: the IAM user name, the role session name, `root`, or the invoking service. */
  readonly username?: string;
  readonly accessKeyId?: string;
  /** Only events that list resources of this type (KMS lists aliases as `AWS::KMS::Key` too). */
  readonly resourceType?: string;
  /** A resource ARN (key ARN or alias ARN; an S3 listing's ARN prefix), compared exactly. */
  readonly resourceName?: string;
  /** Only events visible in this account's event history (the caller's, or the key owner's). */
  readonly account?: string;
  /** Only events of this Region. */
  readonly region?: string;
  /** Events at or after this time (CloudTrail compares the record's whole-second `eventTime`). */
  readonly startTime?: Date;
  /** Events at or before this time. */
  readonly endTime?: Date;
  /** Page size; default: everything. */
  readonly maxResults?: number;
  /** The `nextToken` of the previous page of the same query. */
  readonly nextToken?: string;
}

/** A page of records, newest first. */
export interface LookupResult {
  readonly records: CloudTrailRecord[];
  /** Present when more records match. */
  readonly nextToken?: string;
}

/** What a trail offers the lookup: its events with sequence numbers, newest first. */
export interface EventHistory {
  newestFirst(from?: number): Iterable<readonly [sequence: number, event: AuditEvent]>;
}

/** The version current KMS records carry (ct-decrypt / ct-generatedatakey, 2025). */
const EVENT_VERSION = '1.11';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const IAM_ARN = /^arn:[\w-]+:(?:iam|sts)::(\d{12}):(.+)$/;

/** Renders one event as the CloudTrail record its service would write for it. */
export function renderRecord(event: AuditEvent): CloudTrailRecord {
  if (event.eventType === 'AwsServiceEvent') return renderServiceEvent(event);
  const eventTime = isoSeconds(event.eventTime);
  const invokedBy = event.caller.invokedBy;
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: userIdentityOf(event.caller, eventTime),
    eventTime,
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: event.region,
    // A service calling for a principal (S3 SSE-KMS) appears with its name as source and agent.
    sourceIPAddress: invokedBy ?? event.sourceIpAddress,
    userAgent: invokedBy ?? event.userAgent,
    ...(event.errorCode === undefined ? {} : { errorCode: cloudTrailErrorCode(event.errorCode) }),
    // Failed calls with no message (InvalidCiphertextException) show only the code (ct-generatedatakeyplaintext).
    ...(event.errorMessage ? { errorMessage: event.errorMessage } : {}),
    requestParameters: event.requestParameters,
    responseElements: event.responseElements,
    ...(event.additionalEventData === undefined ? {} : { additionalEventData: event.additionalEventData }),
    requestID: event.requestId,
    eventID: event.eventId,
    readOnly: event.readOnly,
    ...(event.resources === undefined ? {} : { resources: resourcesOf(event, event.resources) }),
    eventType: 'AwsApiCall',
    managementEvent: event.eventCategory !== 'Data',
    recipientAccountId: event.recipientAccountId,
    eventCategory: event.eventCategory ?? 'Management',
    // Last, after eventCategory, as a captured S3 data event lists it (TryHackMe AoC 2024 day 7 log).
    ...(event.tlsDetails === undefined ? {} : { tlsDetails: event.tlsDetails }),
  };
}

/**
 * A service-internal event (KMS: RotateKey, DeleteKey) as real records show it (ct-rotatekey, ct-delete-key): `userIdentity` names
 * only the account and `invokedBy: "AWS Internal"`, no request id, null parameters, and the bare
 * key id in `serviceEventDetails`.
 */
function renderServiceEvent(event: AuditEvent): CloudTrailRecord {
  return {
    eventVersion: EVENT_VERSION,
    userIdentity: { accountId: event.recipientAccountId, invokedBy: 'AWS Internal' } as UserIdentity,
    eventTime: isoSeconds(event.eventTime),
    eventSource: event.eventSource,
    eventName: event.eventName,
    awsRegion: event.region,
    sourceIPAddress: 'AWS Internal',
    userAgent: 'AWS Internal',
    requestParameters: null,
    responseElements: null,
    eventID: event.eventId,
    readOnly: false,
    resources: resourcesOf(event, event.resources ?? []),
    eventType: 'AwsServiceEvent',
    managementEvent: true,
    recipientAccountId: event.recipientAccountId,
    ...(event.serviceEventDetails === undefined ? {} : { serviceEventDetails: event.serviceEventDetails }),
    eventCategory: 'Management',
  };
}

/**
 * CloudTrail's `userIdentity` for a principal. IAM unique ids (`AIDA…`, `AROA…`) are derived
 * from the ARN, so one principal always shows the same id.
 */
export function userIdentityOf(principal: Principal, eventTime: string): UserIdentity {
  const match = IAM_ARN.exec(principal.arn);
  const accountId = principal.account;
  const key = principal.accessKeyId === undefined ? {} : { accessKeyId: principal.accessKeyId };
  const invokedBy = principal.invokedBy === undefined ? {} : { invokedBy: principal.invokedBy };
  // An anonymous S3 request, as CloudTrail records it (TryHackMe Advent of Cyber 2024 day 7 log:
  // `{"type": "AWSAccount", "principalId": "", "accountId": "anonymous"}`, no ARN).
  if (principal.type === 'Anonymous') return { type: 'AWSAccount', principalId: '', accountId: 'anonymous' };
  if (principal.type === 'AWSService' || match === null) {
    return { type: 'AWSService', accountId, invokedBy: principal.invokedBy ?? principal.arn };
  }
  const resource = match[2] ?? '';
  if (principal.type === 'Root') {
    return { type: 'Root', principalId: accountId, arn: principal.arn, accountId, ...key, ...invokedBy };
  }
  if (principal.type === 'IAMUser') {
    const userName = resource.slice(resource.lastIndexOf('/') + 1);
    return { type: 'IAMUser', principalId: stableId('AIDA', principal.arn), arn: principal.arn, accountId, ...key, userName, ...invokedBy };
  }
  // assumed-role/<role>/<session>, or a role ARN used directly (no session name then).
  const [kind, ...path] = resource.split('/');
  const roleName = (kind === 'assumed-role' ? path[0] : path.at(-1)) ?? '';
  const session = kind === 'assumed-role' ? path.slice(1).join('/') : undefined;
  const partition = principal.arn.split(':')[1] ?? 'aws';
  const roleArn = kind === 'assumed-role' ? `arn:${partition}:iam::${accountId}:role/${roleName}` : principal.arn;
  const roleId = stableId('AROA', roleArn);
  return {
    type: 'AssumedRole',
    principalId: session === undefined ? roleId : `${roleId}:${session}`,
    arn: principal.arn,
    accountId,
    ...key,
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: roleId, arn: roleArn, accountId, userName: roleName },
      // Known difference: the STS session's creation time is unknown here; the event time stands in.
      attributes: { creationDate: eventTime, mfaAuthenticated: 'false' },
    },
    ...invokedBy,
  };
}

/**
 * The user name CloudTrail's event history shows and `LookupEvents` filters on: the IAM user
 * name, the role session name (`assumed-role/<role>/<session>`), `root`, or the invoking service.
 */
export function usernameOf(identity: UserIdentity): string | undefined {
  if (identity.type === 'Root') return 'root';
  if (identity.type === 'IAMUser') return identity.userName;
  if (identity.type === 'AssumedRole') {
    const colon = identity.principalId?.indexOf(':') ?? -1;
    return colon >= 0 ? identity.principalId!.slice(colon + 1) : identity.sessionContext?.sessionIssuer.userName;
  }
  return identity.invokedBy;
}

/**
 * The records matching `query`, newest first, one page at a time.
 * @throws ServiceError InvalidTimeRangeException (start after end), InvalidMaxResultsException
 * (not a positive integer), InvalidNextTokenException (not a token of this query).
 */
export function lookupRecords(history: EventHistory, query: LookupQuery): LookupResult {
  const start = query.startTime?.getTime() ?? -Infinity;
  const end = query.endTime?.getTime() ?? Infinity;
  // CloudTrail API reference, LookupEvents StartTime: "If the specified start time is after the
  // specified end time, an error is returned." Message text unconfirmed.
  if (start > end) throw new ServiceError('InvalidTimeRangeException', 'Start time must not be after end time.');
  const pageSize = query.maxResults ?? Infinity;
  if (pageSize !== Infinity && !(Number.isSafeInteger(pageSize) && pageSize >= 1)) {
    throw new ServiceError('InvalidMaxResultsException', 'MaxResults must be a positive integer.');
  }
  const fingerprint = queryFingerprint(query);
  const from = query.nextToken === undefined ? Infinity : decodeToken(query.nextToken, fingerprint);
  const records: CloudTrailRecord[] = [];
  for (const [sequence, event] of history.newestFirst(from)) {
    if (!matches(event, query, start, end)) continue;
    if (records.length === pageSize) return { records, nextToken: encodeToken(sequence, fingerprint) };
    records.push(renderRecord(event));
  }
  return { records };
}

/** `2024-01-01T00:00:00Z`: CloudTrail's `eventTime`, whole seconds, UTC. */
export function isoSeconds(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/**
 * A timestamp inside `requestParameters` / `responseElements` as KMS logs it: Java's
 * `Date.toString` in the US locale, `Aug 10, 2022, 10:38:27 PM` (ct-createkey, ct-schedule-key-deletion).
 */
export function javaDateString(ms: number): string {
  const d = new Date(ms);
  const hours = d.getUTCHours();
  const clock = `${hours % 12 === 0 ? 12 : hours % 12}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${hours < 12 ? 'AM' : 'PM'}`;
  return `${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()}, ${d.getUTCFullYear()}, ${clock}`;
}

/**
 * KMS's `AccessDeniedException` is logged as `AccessDenied` (a captured KMS Decrypt record;
 * research memo §6.1, generality unconfirmed); every other code as sent.
 */
function cloudTrailErrorCode(code: string): string {
  return code === 'AccessDeniedException' ? 'AccessDenied' : code;
}

function matches(event: AuditEvent, query: LookupQuery, start: number, end: number): boolean {
  const second = event.eventTime - (((event.eventTime % 1000) + 1000) % 1000);
  if (second < start || second > end) return false;
  if (query.region !== undefined && event.region !== query.region) return false;
  if (query.account !== undefined && !visibleIn(event, query.account)) return false;
  if (query.eventId !== undefined && event.eventId !== query.eventId) return false;
  if (query.eventName !== undefined && event.eventName !== query.eventName) return false;
  if (query.eventSource !== undefined && query.eventSource !== event.eventSource) return false;
  if (query.readOnly !== undefined && event.readOnly !== query.readOnly) return false;
  if (query.accessKeyId !== undefined && event.caller.accessKeyId !== query.accessKeyId) return false;
  if (query.resourceType !== undefined && !event.resources?.some((arn) => resourceTypeOf(event, arn) === query.resourceType)) return false;
  // An ARN prefix's entry matches its prefix, compared exactly like an ARN (UNCONFIRMED: AWS's
  // event history keeps no data events, so LookupEvents was never seen to filter on one).
  const resourceName = query.resourceName;
  if (resourceName !== undefined && !event.resources?.some((resource) => namesResource(resource, resourceName))) return false;
  if (query.username !== undefined && usernameOf(userIdentityOf(event.caller, '')) !== query.username) return false;
  return true;
}

/**
 * KMS logging guide: cross-account calls are logged in both the caller's and the key owner's
 * account, but a cross-account call refused with AccessDenied only in the caller's.
 */
function visibleIn(event: AuditEvent, account: string): boolean {
  if (event.caller.account === account) return true;
  if (event.errorCode === 'AccessDeniedException') return false;
  return event.recipientAccountId === account;
}

/** A page token: the next sequence number and the query it belongs to, base64url. */
function encodeToken(sequence: number, fingerprint: string): string {
  return Buffer.from(`${sequence}:${fingerprint}`).toString('base64url');
}

/** @throws ServiceError InvalidNextTokenException for a malformed token or one from another query. */
function decodeToken(token: string, fingerprint: string): number {
  const match = /^(\d{1,15}):([0-9a-f]{8})$/.exec(Buffer.from(token, 'base64url').toString('latin1'));
  // CloudTrail API reference, NextToken: "must be passed in with the same parameters that were
  // specified in the original call". Message text unconfirmed.
  if (match === null || match[2] !== fingerprint) throw new ServiceError('InvalidNextTokenException', 'Invalid NextToken.');
  return Number(match[1]);
}

/** FNV-1a over the query's filters (not its page size or token), as 8 hex digits. */
function queryFingerprint(query: LookupQuery): string {
  const { maxResults, nextToken, startTime, endTime, ...filters } = query;
  void maxResults;
  void nextToken;
  const text = JSON.stringify([startTime?.getTime(), endTime?.getTime(), Object.entries(filters).sort(([a], [b]) => (a < b ? -1 : 1))]);
  return fnv1a(text, 0x811c9dc5).toString(16).padStart(8, '0');
}

/** An IAM-style unique id: `prefix` and base32 characters derived from `text` (21 characters). */
function stableId(prefix: string, text: string): string {
  let id = prefix;
  for (let round = 0; id.length < 21; round++) {
    let hash = fnv1a(text, (0x811c9dc5 ^ round) >>> 0);
    for (let i = 0; i < 6 && id.length < 21; i++, hash >>>= 5) id += BASE32[hash & 31];
  }
  return id;
}

function fnv1a(text: string, seed: number): number {
  let hash = seed;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
