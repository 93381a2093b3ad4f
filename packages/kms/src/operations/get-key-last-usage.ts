/**
 * @module
 * GetKeyLastUsage: the last successful cryptographic operation on a key (model/key-last-usage.ts),
 * or an empty `KeyLastUsage` object when the key has not been used since tracking began.
 */

import { usageLogOf } from '../model/key-last-usage.ts';
import { structure } from '../protocol/shapes.ts';
import { KEY_ID } from './shared/members.ts';
import type { OperationDefinition } from './types.ts';

/** GetKeyLastUsage request. */
export interface GetKeyLastUsageRequest {
  KeyId: string;
}

/** GetKeyLastUsage response. */
export interface GetKeyLastUsageResponse {
  KeyId: string;
  KeyLastUsage: { Operation?: string; Timestamp?: Date; CloudTrailEventId?: string; KmsRequestId?: string };
  TrackingStartDate: Date;
  KeyCreationDate: Date;
}

/** GetKeyLastUsage. */
export const getKeyLastUsage: OperationDefinition<'GetKeyLastUsage', GetKeyLastUsageRequest, GetKeyLastUsageResponse> = {
  name: 'GetKeyLastUsage',
  quota: { perSecond: 5 },
  readOnly: true,
  keyState: 'any',
  input: structure({ KeyId: KEY_ID }, ['KeyId']),

  async handler(input, context) {
    // "Specify the key ID or key ARN of the KMS key."
    const key = context.resolveKey(input.KeyId, 'key');
    context.touch(key);
    context.authorize('kms:GetKeyLastUsage', key);
    const log = usageLogOf(context.state, context.now);
    const usage = log.lastUsage(key);
    return {
      KeyId: key.arn,
      KeyLastUsage:
        usage === undefined
          ? {}
          : { Operation: usage.operation, Timestamp: new Date(usage.timestamp), CloudTrailEventId: usage.eventId, KmsRequestId: usage.requestId },
      TrackingStartDate: new Date(log.trackingStart(key)),
      KeyCreationDate: new Date(key.creationDate),
    };
  },
};
