/**
 * @module
 * DeleteBucketEncryption: back to the default, SSE-S3 (model DeleteBucketEncryption: "resets the
 * default encryption for the bucket as server-side encryption with Amazon S3 managed keys"); the
 * SSE-C setting is kept (see the model's bucket-encryption note).
 */

import { deletedBucketEncryption } from '../model/bucket-encryption.ts';
import { bucketParameters } from './shared/audit.ts';
import { bucketRecord, ownedBucket, withEncryption } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteBucketEncryption request. */
export interface DeleteBucketEncryptionRequest {
  Bucket: string;
}

/** DeleteBucketEncryption. */
export const deleteBucketEncryption: OperationDefinition<'DeleteBucketEncryption', DeleteBucketEncryptionRequest, void> = {
  name: 'DeleteBucketEncryption',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Management',
  rest: { method: 'DELETE', path: 'bucket', query: ['encryption'], status: 204 },
  // DeleteBucketEncryption is authorized by s3:PutEncryptionConfiguration (S3 API reference).
  access: { action: 's3:PutEncryptionConfiguration', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    await context.store.updateBucket(bucket, (current) => {
      const now = bucketRecord(current);
      return withEncryption(now, deletedBucketEncryption(now.encryption), false);
    });
  },
  auditParameters: (input) => bucketParameters(input),
};
