/**
 * @module
 * GetObjectTagging (`GET /{Bucket}/{Key+}?tagging`): an object's tag set, empty for an untagged
 * object. Authorized by `s3:GetObjectTagging`. An SSE-C object's tags are answered without its
 * key: the operation takes no SSE-C members (S3 API model), the tags are not encrypted data.
 * Archived (GLACIER, DEEP_ARCHIVE) objects answer too, as S3 serves tags from the object's
 * metadata.
 */

import { S3Error } from '../errors.ts';
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
  access: { action: 's3:GetObjectTagging', resource: 'object' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkVersionId(input.VersionId, key);
    const info = await context.store.headObject(bucket, key);
    if (info === undefined) throw context.missingObject(key);
    return { Tagging: taggingOf(objectRecord(info).tags) };
  },
};

/**
 * Checks a request's `versionId`: buckets are not versioned here, so only `null` names a version.
 * @throws S3Error NoSuchVersion for another.
 */
export function checkVersionId(versionId: string | undefined, key: string): void {
  if (versionId === undefined || versionId === 'null') return;
  throw new S3Error('NoSuchVersion', {
    fields: [
      ['Key', key],
      ['VersionId', versionId],
    ],
  });
}
