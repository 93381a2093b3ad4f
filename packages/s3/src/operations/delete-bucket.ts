/**
 * @module
 * DeleteBucket: removes an empty bucket. 409 BucketNotEmpty while it holds objects or multipart
 * uploads in progress; NoSuchBucket; 403 for another account's bucket.
 */

import { S3Error } from '../errors.ts';
import { bucketParameters } from './shared/audit.ts';
import { ownedBucket } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteBucket request. */
export interface DeleteBucketRequest {
  Bucket: string;
}

/** DeleteBucket. */
export const deleteBucket: OperationDefinition<'DeleteBucket', DeleteBucketRequest, void> = {
  name: 'DeleteBucket',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Management',
  rest: { method: 'DELETE', path: 'bucket', status: 204 },
  access: { action: 's3:DeleteBucket', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const result = await context.store.deleteBucket(bucket);
    if (result === 'not-empty') throw new S3Error('BucketNotEmpty', { fields: [['BucketName', bucket.name]] });
    if (result === 'missing') throw new S3Error('NoSuchBucket', { fields: [['BucketName', bucket.name]] });
  },
  auditParameters: (input) => bucketParameters(input),
};
