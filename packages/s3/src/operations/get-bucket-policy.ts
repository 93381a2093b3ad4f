/**
 * @module
 * GetBucketPolicy: the bucket's policy, or 404 NoSuchBucketPolicy. Authorized by
 * `s3:GetBucketPolicy` (the owner's root always may); another account's caller is refused (403,
 * or 405 when the policies allow it). The policy comes back as compact JSON, members in the order
 * they were sent: S3 returns policies without the sender's whitespace (its own normalisation
 * beyond that is UNCONFIRMED).
 */

import { S3Error } from '../errors.ts';
import { textPayload } from '../protocol/binding.ts';
import { bucketParameters } from './shared/audit.ts';
import { ownedBucket } from './shared/buckets.ts';
import { requireOwnerAccount } from './shared/policy-owner.ts';
import type { OperationDefinition } from './types.ts';

/** GetBucketPolicy request. */
export interface GetBucketPolicyRequest {
  Bucket: string;
}

/** GetBucketPolicy response. */
export interface GetBucketPolicyResponse {
  /** The policy document, JSON text. */
  Policy: string;
}

/** GetBucketPolicy. */
export const getBucketPolicy: OperationDefinition<'GetBucketPolicy', GetBucketPolicyRequest, GetBucketPolicyResponse> = {
  name: 'GetBucketPolicy',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Management',
  // GET /{Bucket}?policy: the policy document (JSON text) is the body.
  rest: { method: 'GET', path: 'bucket', query: ['policy'], response: { members: { Policy: textPayload() } } },
  access: { action: 's3:GetBucketPolicy', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    requireOwnerAccount(bucket, context, 'GET');
    if (bucket.policy === undefined) throw new S3Error('NoSuchBucketPolicy', { fields: [['BucketName', bucket.name]] });
    return { Policy: JSON.stringify(JSON.parse(bucket.policy)) };
  },
  auditParameters: (input) => bucketParameters(input, { policy: [''] }),
};
