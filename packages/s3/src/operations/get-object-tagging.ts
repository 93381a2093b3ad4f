/**
 * @module
 * GetObjectTagging (`GET /{Bucket}/{Key+}?tagging`): an object's tag set, empty for an untagged
 * object. Authorized by `s3:GetObjectTagging`; `versionId=null` names the object (its only
 * version here) and is authorized by `s3:GetObjectVersionTagging`, any other version id is 400
 * InvalidArgument (`model/version-id.ts`). An SSE-C object's tags are answered without its
 * key: the operation takes no SSE-C members (S3 API model), the tags are not encrypted data.
 * Archived (GLACIER, DEEP_ARCHIVE) objects answer too, as S3 serves tags from the object's
 * metadata.
 */

import { checkVersionId } from '../model/version-id.ts';
import { query, xmlPayload } from '../protocol/binding.ts';
import { TAGGING_SHAPE, type TaggingMembers, taggingOf } from '../protocol/tagging.ts';
import { ownedBucket } from './shared/buckets.ts';
import { objectRecord, requireKey } from './shared/objects.ts';
import type { OperationDefinition } from './types.ts';

/** GetObjectTagging request. */
export interface GetObjectTaggingRequest {
  Bucket: string;
  Key: string;
  /** Only `null` (the one version of an unversioned bucket's object) names an existing version. */
  VersionId?: string;
}

/** GetObjectTagging response. */
export interface GetObjectTaggingResponse {
  Tagging: TaggingMembers;
}

/** GetObjectTagging. */
export const getObjectTagging: OperationDefinition<'GetObjectTagging', GetObjectTaggingRequest, GetObjectTaggingResponse> = {
  name: 'GetObjectTagging',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',
  rest: {
    method: 'GET',
    path: 'object',
    query: ['tagging'],
    request: { members: { VersionId: query('versionId') } },
    response: { members: { Tagging: xmlPayload('Tagging', TAGGING_SHAPE) } },
  },
  access: { action: 's3:GetObjectTagging', versionAction: 's3:GetObjectVersionTagging', resource: 'object' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkVersionId(input.VersionId);
    const info = await context.store.headObject(bucket, key);
    if (info === undefined) throw context.missingObject(key);
    const { tags } = objectRecord(info);
    // A decision taken on the object's tags holds for the tags answered.
    context.confirmObjectTags(bucket.name, key, tags);
    return { Tagging: taggingOf(tags) };
  },
};
