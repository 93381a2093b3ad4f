/**
 * @module
 * GetBucketLocation: the bucket's Region as its LocationConstraint; S3 answers an empty
 * constraint for us-east-1 (the SDK then leaves `LocationConstraint` undefined).
 */

import { rootText } from '../protocol/binding.ts';
import { ownedBucket } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** GetBucketLocation request. */
export interface GetBucketLocationRequest {
  Bucket: string;
}

/** GetBucketLocation response. */
export interface GetBucketLocationResponse {
  LocationConstraint?: string;
}

/** GetBucketLocation. */
export const getBucketLocation: OperationDefinition<'GetBucketLocation', GetBucketLocationRequest, GetBucketLocationResponse> = {
  name: 'GetBucketLocation',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Management',
  // The document is `<LocationConstraint>region</LocationConstraint>`, empty for us-east-1.
  rest: { method: 'GET', path: 'bucket', query: ['location'], response: { members: { LocationConstraint: rootText('LocationConstraint') } } },
  access: { action: 's3:GetBucketLocation', resource: 'bucket' },

  async handler(input, context) {
    // Any Region's client locates a bucket (`OwnedBucketOptions.anyRegion`).
    const bucket = await ownedBucket(input.Bucket, context, { anyRegion: true });
    return bucket.region === 'us-east-1' ? {} : { LocationConstraint: bucket.region };
  },
  auditParameters: (input) => ({ bucketName: input.Bucket }),
};
