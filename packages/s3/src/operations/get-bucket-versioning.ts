/**
 * @module
 * GetBucketVersioning (`GET /{Bucket}?versioning`): a bucket's versioning state. Strongbox's
 * buckets are never versioned (PutBucketVersioning is not served), and S3 answers a bucket whose
 * versioning state was never set with an empty configuration, no `Status` and no `MfaDelete`
 * (PutBucketVersioning API reference: "If the versioning state has never been set on a bucket, it
 * has no versioning state; a GetBucketVersioning request does not return a versioning state
 * value"; LS-snapshot `test_bucket_versioning_crud`, `get-versioning-before`, recorded against S3:
 * no member at all). The document is the root alone,
 * `<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` closed at once.
 * Authorized by `s3:GetBucketVersioning`; a management event (CloudTrail's S3 log example records
 * GetBucketVersioning among the bucket-level calls).
 */

import { struct } from '../protocol/binding.ts';
import { ownedBucket } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** GetBucketVersioning request. */
export interface GetBucketVersioningRequest {
  Bucket: string;
}

/** GetBucketVersioning response: both members absent for a bucket never versioned (every bucket here). */
export interface GetBucketVersioningResponse {
  Status?: 'Enabled' | 'Suspended';
  MFADelete?: 'Enabled' | 'Disabled';
}

/** GetBucketVersioning. */
export const getBucketVersioning: OperationDefinition<'GetBucketVersioning', GetBucketVersioningRequest, GetBucketVersioningResponse> = {
  name: 'GetBucketVersioning',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Management',
  rest: {
    method: 'GET',
    path: 'bucket',
    query: ['versioning'],
    // Model GetBucketVersioningOutput: the root is VersioningConfiguration; MFADelete's element
    // is `MfaDelete`.
    response: { xml: { root: 'VersioningConfiguration', shape: struct({ Status: 'string', MFADelete: { shape: 'string', name: 'MfaDelete' } }) } },
  },
  access: { action: 's3:GetBucketVersioning', resource: 'bucket' },

  async handler(input, context) {
    await ownedBucket(input.Bucket, context);
    return {};
  },
  auditParameters: (input) => ({ bucketName: input.Bucket }),
};
