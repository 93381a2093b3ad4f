/**
 * @module
 * DeleteBucketPolicy: removes the bucket's policy (204, also when it has none, as S3 answers).
 * Authorized by `s3:DeleteBucketPolicy` (the owner's root always may); another account's caller
 * is refused (403, or 405 when the policies allow it).
 */

import { bucketParameters } from './shared/audit.ts';
import { bucketRecord, ownedBucket, withPolicy } from './shared/buckets.ts';
import { requireOwnerAccount } from './shared/policy-owner.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteBucketPolicy request. */
export interface DeleteBucketPolicyRequest {
  Bucket: string;
}

/** DeleteBucketPolicy. */
export const deleteBucketPolicy: OperationDefinition<'DeleteBucketPolicy', DeleteBucketPolicyRequest, void> = {
  name: 'DeleteBucketPolicy',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Management',
  rest: { method: 'DELETE', path: 'bucket', query: ['policy'], status: 204 },
  access: { action: 's3:DeleteBucketPolicy', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    requireOwnerAccount(bucket, context, 'DELETE');
    await context.store.updateBucket(bucket, (current) => {
      const now = bucketRecord(current);
      return now.policy === undefined ? undefined : withPolicy(now, undefined);
    });
  },
  auditParameters: (input) => bucketParameters(input, { policy: [''] }),
};
