/**
 * @module
 * PutObjectTagging (`PUT /{Bucket}/{Key+}?tagging`): replaces an object's tag set ("If you send
 * this request with an empty tag set, Amazon S3 deletes the existing tag set on the object", User
 * Guide, object tagging), checked as `model/tagging.ts` checks it. Authorized by
 * `s3:PutObjectTagging` (`s3:PutObjectVersionTagging` with `versionId=null`, the object's only
 * version here; any other version id is 400 InvalidArgument). The object's bytes, ETag and Last-Modified stay as they were (tags are a
 * subresource); an SSE-C object needs no key (the operation takes no SSE-C members).
 */

import { checkTagSet } from '../model/tagging.ts';
import { checkVersionId } from '../model/version-id.ts';
import { query, xmlPayload } from '../protocol/binding.ts';
import { TAGGING_SHAPE, type TaggingMembers, tagsOf } from '../protocol/tagging.ts';
import { ownedBucket } from './shared/buckets.ts';
import { withTags } from './shared/object-tags.ts';
import { requireKey } from './shared/objects.ts';
import type { OperationDefinition } from './types.ts';

/** PutObjectTagging request. */
export interface PutObjectTaggingRequest {
  Bucket: string;
  Key: string;
  VersionId?: string;
  Tagging: TaggingMembers;
}

/** PutObjectTagging. */
export const putObjectTagging: OperationDefinition<'PutObjectTagging', PutObjectTaggingRequest, void> = {
  name: 'PutObjectTagging',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  rest: {
    method: 'PUT',
    path: 'object',
    query: ['tagging'],
    request: { members: { VersionId: query('versionId'), Tagging: xmlPayload('Tagging', TAGGING_SHAPE) } },
  },
  // With a version id (here only `null`): s3:PutObjectVersionTagging (Service Authorization
  // Reference). `s3:RequestObjectTag/<key>` and `s3:RequestObjectTagKeys` from the document's tag
  // set (checked by the handler: a set it refuses changes nothing, whatever a policy decided); the
  // object's current tags for `s3:ExistingObjectTag/<key>`, read when a policy asks.
  access: { action: 's3:PutObjectTagging', versionAction: 's3:PutObjectVersionTagging', resource: 'object', requestTags: (input) => tagsOf(input.Tagging) },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkVersionId(input.VersionId);
    const tags = tagsOf(input.Tagging);
    checkTagSet(tags);
    await withTags(context.store, bucket, key, tags, context);
  },
};
