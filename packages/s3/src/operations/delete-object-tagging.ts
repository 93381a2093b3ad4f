/**
 * @module
 * DeleteObjectTagging (`DELETE /{Bucket}/{Key+}?tagging`): removes an object's tag set (204, also
 * when it has none). Authorized by `s3:DeleteObjectTagging` (`s3:DeleteObjectVersionTagging`
 * with `versionId=null`, the object's only version here; any other version id is 400
 * InvalidArgument); the object's bytes, ETag and Last-Modified stay as they were.
 */

import { checkVersionId } from '../model/version-id.ts';
import { query } from '../protocol/binding.ts';
import { ownedBucket } from './shared/buckets.ts';
import { withTags } from './shared/object-tags.ts';
import { requireKey } from './shared/objects.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteObjectTagging request. */
export interface DeleteObjectTaggingRequest {
  Bucket: string;
  Key: string;
  VersionId?: string;
}

/** DeleteObjectTagging. */
export const deleteObjectTagging: OperationDefinition<'DeleteObjectTagging', DeleteObjectTaggingRequest, void> = {
  name: 'DeleteObjectTagging',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  rest: { method: 'DELETE', path: 'object', query: ['tagging'], status: 204, request: { members: { VersionId: query('versionId') } } },
  // With a version id (here only `null`): s3:DeleteObjectVersionTagging (Service Authorization Reference).
  access: { action: 's3:DeleteObjectTagging', versionAction: 's3:DeleteObjectVersionTagging', resource: 'object' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkVersionId(input.VersionId);
    await withTags(context.store, bucket, key, [], context);
  },
};
