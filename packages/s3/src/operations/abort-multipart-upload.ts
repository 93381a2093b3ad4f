/**
 * @module
 * AbortMultipartUpload: ends an upload and discards its parts (204). An upload that is not in
 * progress for that key is 404 NoSuchUpload (model AbortMultipartUpload).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { query } from '../protocol/binding.ts';
import { ownedBucket } from './shared/buckets.ts';
import { findUpload, noSuchUpload } from './shared/multipart.ts';
import { requireKey } from './shared/objects.ts';
import type { OperationDefinition } from './types.ts';

/** AbortMultipartUpload request. */
export interface AbortMultipartUploadRequest {
  Bucket: string;
  Key: string;
  UploadId: string;
}

/** AbortMultipartUpload. */
export const abortMultipartUpload: OperationDefinition<'AbortMultipartUpload', AbortMultipartUploadRequest, Record<string, never>> = {
  name: 'AbortMultipartUpload',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  rest: { method: 'DELETE', path: 'object', query: ['uploadId'], status: 204, request: { members: { UploadId: query('uploadId') } } },
  access: { action: 's3:AbortMultipartUpload', resource: 'object' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const upload = await findUpload(context, bucket, key, input.UploadId);
    // Completed or aborted by another request since it was found: gone all the same.
    if (!(await context.store.abortUpload(bucket, upload.uploadId))) throw noSuchUpload(upload.uploadId);
    return {};
  },
};
