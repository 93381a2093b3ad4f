/**
 * @module
 * The refusal of a new customer managed key over the "AWS KMS keys" resource quota
 * (`model/resource-quotas.ts`): CreateKey in the caller's Region, ReplicateKey in the replica's.
 */

import { KmsError } from '../../errors.ts';
import type { KmsState } from '../../model/state.ts';

/**
 * Checks that `account` may have one more customer managed key in `region` under a quota of `limit`.
 *
 * Callers check in the same synchronous step as the commit that creates the key (no `await` in
 * between), so that of two CreateKey calls at the boundary only one gets the last key.
 *
 * @throws KmsError LimitExceededException `Key quota for this account in this region is <limit>
 *   but the current usage is <usage>.`: AWS's text as a CloudFormation stack printed it in 2016
 *   (convox/rack#347); whether today's wording is the same, and what ReplicateKey says, is UNCONFIRMED.
 * @example requireKeyQuota(context.state, '111122223333', 'us-east-1', 100_000)
 */
export function requireKeyQuota(state: KmsState, account: string, region: string, limit: number): void {
  const usage = state.customerManagedKeyCount(account, region);
  if (usage >= limit) {
    throw new KmsError('LimitExceededException', `Key quota for this account in this region is ${limit} but the current usage is ${usage}.`);
  }
}
