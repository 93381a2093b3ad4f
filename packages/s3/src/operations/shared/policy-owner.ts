/**
 * @module
 * What PutBucketPolicy, GetBucketPolicy and DeleteBucketPolicy share: only identities of the
 * bucket owner's account may use them. "If you have the correct permissions, but you're not using
 * an identity that belongs to the bucket owner's account, Amazon S3 returns a 405 Method Not
 * Allowed error" (the three operations' API reference), so another account's caller whom the
 * policies allow gets 405 instead of the policy.
 */

import { S3Error } from '../../errors.ts';
import type { S3OperationContext } from '../types.ts';
import type { BucketRecord } from './buckets.ts';

/**
 * Refuses a caller outside the bucket owner's account (after authorization allowed it).
 * @throws S3Error MethodNotAllowed with the request's `Method`.
 */
export function requireOwnerAccount(bucket: BucketRecord, context: S3OperationContext, method: 'PUT' | 'GET' | 'DELETE'): void {
  if (context.caller.account !== bucket.owner) throw new S3Error('MethodNotAllowed', { fields: [['Method', method]] });
}
