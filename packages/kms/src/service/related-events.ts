/**
 * @module
 * The CloudTrail records of events a call causes in other Regions than its own: a ReplicateKey
 * request is logged as a ReplicateKey event in the primary's Region and a CreateKey event in the
 * replica's (KMS Developer Guide, CloudTrail log examples, `ct-replicate-key`).
 */

import type { AuditTrail } from '@strongbox/service-kernel';
import type { RelatedEvent } from '../operations/types.ts';
import { auditJson } from './audit-fields.ts';
import type { RequestContext } from './context.ts';
import { EVENT_SOURCE, RESOURCE_TYPE } from './trail-names.ts';

/**
 * Records the events a call caused in other Regions (ReplicateKey's CreateKey in the replica's
 * Region), as AwsApiCall events of the same caller with the call's own request id. The user agent
 * of the replica-Region event is not known to the context and is recorded as the service's
 * (`kms.amazonaws.com`); AWS's exact record is UNCONFIRMED. An event `invokedBy` a service names it
 * in `userIdentity.invokedBy`, and CloudTrail rendering then shows that service as the source IP
 * address and user agent too, as for S3's calls on a caller's behalf: ct-update-primary-region's
 * example shows the sanitised placeholders `192.0.2.0` / `AWS Internal` there, so those two values
 * are UNCONFIRMED.
 * @example recordRelated(trail, context, context.related ?? [])
 */
export function recordRelated(trail: AuditTrail, context: RequestContext, related: readonly RelatedEvent[]): void {
  const ids = trail.latestIds();
  for (const event of related) {
    trail.record({
      eventTime: context.now,
      eventName: event.eventName,
      eventSource: EVENT_SOURCE,
      resourceType: RESOURCE_TYPE,
      region: event.region,
      caller: event.invokedBy === undefined ? context.caller : { ...context.caller, invokedBy: event.invokedBy },
      sourceIpAddress: context.sourceIpAddress ?? '127.0.0.1',
      userAgent: EVENT_SOURCE,
      ...(ids === undefined ? {} : { requestId: ids.requestId }),
      requestParameters: event.requestParameters,
      responseElements: event.responseElements === null ? null : (auditJson(event.responseElements) as Record<string, unknown>),
      ...(event.resources === undefined ? {} : { resources: event.resources }),
      readOnly: event.readOnly,
      recipientAccountId: event.recipientAccountId,
    });
  }
}
