/**
 * @module
 * What PutBucketPolicy, GetBucketPolicy and DeleteBucketPolicy share: only identities of the
 * bucket owner's account may use them. "If you have the correct permissions, but you're not using
 * an identity that belongs to the bucket owner's account, Amazon S3 returns a 405 Method Not
 * Allowed error" (the three operations' API reference), so another account's caller whom the
 * policies allow gets 405 instead of the policy.
 */

import { S3Error } from '../../errors.ts';
import { subresourceAllow } from '../../protocol/selector-methods.ts';
import type { S3OperationContext } from '../types.ts';
import type { BucketRecord } from './buckets.ts';

/**
 * The `Allow` of that 405: `?policy`'s methods, as every 405 S3 sends names the resource's methods
 * (brekkylab/backlot, measured against S3 2026-09-23/29: the selectors' 405s, `?policy`'s
 * `DELETE, GET, PUT` among them; RFC 9110 §15.5.6, "The origin server MUST generate an Allow header
 * field in a 405 response"). UNCONFIRMED for this 405: no capture of the owner refusal's headers.
 */
const POLICY_ALLOW = subresourceAllow('bucket', 'policy', new Map());

/**
 * Refuses a caller outside the bucket owner's account (after authorization allowed it).
 * @throws S3Error MethodNotAllowed with the request's `Method` and `?policy`'s `Allow`.
 */
export function requireOwnerAccount(bucket: BucketRecord, context: S3OperationContext, method: 'PUT' | 'GET' | 'DELETE'): void {
  if (context.caller.account === bucket.owner) return;
  const fields = [['Method', method]] as const;
  throw POLICY_ALLOW === undefined ? new S3Error('MethodNotAllowed', { fields }) : new S3Error('MethodNotAllowed', { fields, allow: POLICY_ALLOW });
}
