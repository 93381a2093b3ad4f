/**
 * @module
 * PutBucketPolicy: validates the policy (`policy/bucket-policy.ts`: 20 KB, JSON, statements,
 * principals, S3 actions, resources of this bucket, with S3's MalformedPolicy texts) and stores it
 * as sent. Authorized by `s3:PutBucketPolicy`; the bucket owner's root can always call it, even
 * when the current policy denies it (the lock-out escape, `policy/authorize.ts`); another
 * account's caller is refused (403, or 405 when the policies allow it).
 *
 * `ConfirmRemoveSelfBucketAccess` is accepted and changes nothing: whatever the new policy says,
 * the owner's root keeps the escape, so no policy can lock the owner out.
 */

import { S3Error } from '../errors.ts';
import { validateBucketPolicy } from '../policy/bucket-policy.ts';
import { header, textPayload } from '../protocol/binding.ts';
import { bucketParameters } from './shared/audit.ts';
import { bucketRecord, ownedBucket, withPolicy } from './shared/buckets.ts';
import { requireOwnerAccount } from './shared/policy-owner.ts';
import type { OperationDefinition } from './types.ts';

/** PutBucketPolicy request. */
export interface PutBucketPolicyRequest {
  Bucket: string;
  /** The policy document, JSON text. */
  Policy: string;
  ConfirmRemoveSelfBucketAccess?: boolean;
}

/** PutBucketPolicy. */
export const putBucketPolicy: OperationDefinition<'PutBucketPolicy', PutBucketPolicyRequest, void> = {
  name: 'PutBucketPolicy',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Management',
  // PUT /{Bucket}?policy, the policy document (JSON text) as the body; 204 (model PutBucketPolicy).
  rest: {
    method: 'PUT',
    path: 'bucket',
    query: ['policy'],
    status: 204,
    request: { members: { Policy: textPayload(), ConfirmRemoveSelfBucketAccess: header('x-amz-confirm-remove-self-bucket-access', 'boolean') } },
  },
  access: { action: 's3:PutBucketPolicy', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    requireOwnerAccount(bucket, context, 'PUT');
    if (typeof input.Policy !== 'string') throw new S3Error('MalformedPolicyJson');
    validateBucketPolicy(input.Policy, bucket.name);
    const policy = input.Policy;
    await context.store.updateBucket(bucket, (current) => withPolicy(bucketRecord(current), policy));
  },
  // CloudTrail logs the policy as a JSON object under `bucketPolicy`, beside `policy: [""]` (the
  // `?policy` query parameter), as its S3 examples show.
  auditParameters: (input) => bucketParameters(input, { bucketPolicy: parsedOrText(input.Policy), policy: [''] }),
};

function parsedOrText(policy: unknown): unknown {
  if (typeof policy !== 'string') return null;
  try {
    return JSON.parse(policy);
  } catch {
    return policy;
  }
}
