/**
 * @module
 * ListBuckets: the caller's account's buckets, by name, with their creation dates and Regions,
 * and the owner's canonical user id.
 */

import { createHash } from 'node:crypto';
import { list, query, struct } from '../protocol/binding.ts';
import { bucketRecord } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** ListBuckets request. */
export interface ListBucketsRequest {
  /** Only buckets whose names start with this. */
  Prefix?: string;
}

/** One listed bucket. */
export interface ListedBucket {
  Name: string;
  CreationDate: Date;
  BucketRegion: string;
}

/** ListBuckets response. */
export interface ListBucketsResponse {
  Buckets: ListedBucket[];
  Owner: { ID: string };
  Prefix?: string;
}

/**
 * A stable 64-hex-digit canonical user id for an account (S3's canonical ids have this shape;
 * real ones are opaque, so any stable derivation serves).
 */
export function canonicalUserId(account: string): string {
  return createHash('sha256').update(`strongbox canonical user ${account}`).digest('hex');
}

/** ListBuckets. */
export const listBuckets: OperationDefinition<'ListBuckets', ListBucketsRequest, ListBucketsResponse> = {
  name: 'ListBuckets',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Management',
  rest: {
    method: 'GET',
    path: 'service',
    request: { members: { Prefix: query('prefix') } },
    response: {
      xml: {
        root: 'ListAllMyBucketsResult',
        shape: struct({
          Buckets: list(struct({ Name: 'string', CreationDate: 'timestamp', BucketRegion: 'string' }), 'Bucket'),
          Owner: struct({ ID: 'string' }),
          Prefix: 'string',
        }),
      },
    },
  },
  access: { action: 's3:ListAllMyBuckets', resource: 'none' },

  async handler(input, context) {
    await context.authorizeOperation(undefined);
    const account = context.caller.account;
    const prefix = input.Prefix;
    const buckets = (await context.store.listBuckets())
      .map(bucketRecord)
      .filter((bucket) => bucket.owner === account && (prefix === undefined || bucket.name.startsWith(prefix)))
      .map((bucket) => ({ Name: bucket.name, CreationDate: new Date(bucket.created), BucketRegion: bucket.region }));
    return { Buckets: buckets, Owner: { ID: canonicalUserId(account) }, ...(prefix === undefined ? {} : { Prefix: prefix }) };
  },
  auditParameters: () => ({}),
};
