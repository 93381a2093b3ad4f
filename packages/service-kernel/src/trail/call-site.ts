/**
 * @module
 * The fields of an event that repeat from call to call (who called, from where, on which
 * resources, for which service), kept as one shared object per run of calls that repeat them, so
 * the trail's ring holds one reference per event for all of them instead of eight.
 */

import type { Principal } from '../principal.ts';
import type { AuditEventInput } from './audit-event.ts';

const NO_RESOURCES: readonly string[] = Object.freeze([]);
const UNKNOWN_CALLER: Principal = Object.freeze({ arn: '', account: '', type: 'AWSService' });

/**
 * The fields of an event that repeat from call to call (the same caller on the same key from the
 * same client), kept once for every slot that shares them (`callSiteOf`).
 */
export interface CallSite {
  readonly eventSource: string;
  readonly resourceType: string;
  readonly region: string;
  readonly caller: Principal;
  readonly sourceIpAddress: string;
  readonly userAgent: string;
  readonly resources: readonly string[] | undefined;
  readonly resourceAccountIds: readonly string[] | undefined;
  readonly recipientAccountId: string;
}

/** The site read from a slot no event wrote (a fallback that only satisfies the types). */
export const UNKNOWN_SITE: CallSite = Object.freeze({
  eventSource: '',
  resourceType: '',
  region: '',
  caller: UNKNOWN_CALLER,
  sourceIpAddress: '',
  userAgent: '',
  resources: NO_RESOURCES,
  resourceAccountIds: undefined,
  recipientAccountId: '',
});

/**
 * The call site of `event`: `last` or `previous` when every field is the same (`===`), else a new
 * one. Two are tried because calls of two services often alternate (an S3 request, then the KMS
 * call S3 makes for it): each run of calls keeps its own site.
 */
export function callSiteOf(event: AuditEventInput, last: CallSite | undefined, previous?: CallSite): CallSite {
  if (last !== undefined && sameSite(last, event)) return last;
  if (previous !== undefined && sameSite(previous, event)) return previous;
  return {
    eventSource: event.eventSource,
    resourceType: event.resourceType,
    region: event.region,
    caller: event.caller,
    sourceIpAddress: event.sourceIpAddress,
    userAgent: event.userAgent,
    resources: event.resources,
    resourceAccountIds: event.resourceAccountIds,
    recipientAccountId: event.recipientAccountId,
  };
}

function sameSite(site: CallSite, event: AuditEventInput): boolean {
  return (
    site.caller === event.caller &&
    site.resources === event.resources &&
    site.resourceAccountIds === event.resourceAccountIds &&
    site.region === event.region &&
    site.sourceIpAddress === event.sourceIpAddress &&
    site.userAgent === event.userAgent &&
    site.recipientAccountId === event.recipientAccountId &&
    site.eventSource === event.eventSource &&
    site.resourceType === event.resourceType
  );
}
