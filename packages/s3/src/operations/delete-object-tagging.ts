/**
 * @module
 * DeleteObjectTagging (`DELETE /{Bucket}/{Key+}?tagging`): removes an object's tag set (204, also
 * when it has none). Authorized by `s3:DeleteObjectTagging`; the object's bytes, ETag and
 * Last-Modified stay as they were.
 */

import { query } from '../protocol/binding.ts';
import { checkVersionId } from './get-object-tagging.ts';
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
  access: { action: 's3:DeleteObjectTagging', resource: 'object' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkVersionId(input.VersionId, key);
    await withTags(context.store, bucket, key, [], context);
  },
};
