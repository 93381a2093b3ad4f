/**
 * @module
 * DeleteObject: removes an object; deleting a key that does not exist succeeds too (204), as in
 * an unversioned bucket. NoSuchBucket for a missing bucket.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, so it is not
 * recorded in the trail.
 */

import { ownedBucket } from './shared/buckets.ts';
import { requireKey } from './shared/objects.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteObject request. */
export interface DeleteObjectRequest {
  Bucket: string;
  Key: string;
}

/** DeleteObject. */
export const deleteObject: OperationDefinition<'DeleteObject', DeleteObjectRequest, Record<string, never>> = {
  name: 'DeleteObject',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  rest: { method: 'DELETE', path: 'object', status: 204 },
  access: { action: 's3:DeleteObject', resource: 'object' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    await context.store.deleteObject(bucket.name, key);
    return {};
  },
};
