/**
 * @module
 * The `Owner` and `Initiator` of multipart listings: the bucket owner's canonical user id, and
 * the principal that created the upload (an IAM principal's ARN as its id, an account root's
 * canonical id, as S3 answers them). Display names are omitted: S3 stopped returning them in 2025.
 */

import { canonicalUserId } from '../list-buckets.ts';

/** An owner or initiator, as the SDK names its members. */
export interface Grantee {
  ID: string;
}

/** The bucket owner's entry. */
export function ownerOf(account: string): Grantee {
  return { ID: canonicalUserId(account) };
}

/** An upload's initiator from its creator's ARN. */
export function initiatorOf(arn: string): Grantee {
  const root = /^arn:aws[a-z-]*:iam::(\d{12}):root$/.exec(arn);
  return { ID: root?.[1] === undefined ? arn : canonicalUserId(root[1]) };
}
