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
  readonly resources: readonly string[];
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
  recipientAccountId: '',
});

/** The call site of `event`: `last` when every field is the same (`===`), else a new one. */
export function callSiteOf(event: AuditEventInput, last: CallSite | undefined): CallSite {
  if (
    last !== undefined &&
    last.caller === event.caller &&
    last.resources === event.resources &&
    last.region === event.region &&
    last.sourceIpAddress === event.sourceIpAddress &&
    last.userAgent === event.userAgent &&
    last.recipientAccountId === event.recipientAccountId &&
    last.eventSource === event.eventSource &&
    last.resourceType === event.resourceType
  )
    return last;
  return {
    eventSource: event.eventSource,
    resourceType: event.resourceType,
    region: event.region,
    caller: event.caller,
    sourceIpAddress: event.sourceIpAddress,
    userAgent: event.userAgent,
    resources: event.resources,
    recipientAccountId: event.recipientAccountId,
  };
}
