/**
 * @module
 * DeleteObject: removes an object; deleting a key that does not exist succeeds too (204), as in
 * an unversioned bucket. NoSuchBucket for a missing bucket. `If-Match` deletes only the object of
 * that ETag (412 otherwise; `*` any object), checked under the key's lock
 * (`model/conditional-write.ts`); an ETag needs `s3:GetObject` too, and the request carries
 * `s3:if-match` for bucket policies. The directory-bucket conditions are 501 here, as on S3's
 * general purpose buckets. `versionId=null` deletes the object (its only version, in a bucket
 * never versioned), authorized by `s3:DeleteObjectVersion`; any other version id is 400
 * InvalidArgument and deletes nothing (LS-snapshot `test_delete_object`). UNCONFIRMED: whether S3
 * answers `x-amz-version-id: null` for it in a bucket never versioned (none is sent, as GetObject
 * sends none for `null` there: LS-snapshot `test_get_object_with_version_unversioned_bucket`). In
 * a versioned or suspended bucket S3 does name the null version: a delete on a suspended bucket
 * answers `x-amz-version-id: null` with `x-amz-delete-marker: true` (a raw S3 capture in
 * ceph/ceph#23927; LS-snapshot `test_delete_object_on_suspended_bucket`), and `versionId=null`
 * deleting the null version of a versioned bucket answers `null` (scality/cloudserver
 * `tests/functional/aws-node-sdk/test/versioning/objectDelete.js`); neither state exists here.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, so it is
 * recorded in the trail only when the engine's `dataEvents` are on (off by default).
 */

import { checkDeleteCondition, parseDeleteCondition } from '../model/conditional-write.ts';
import { checkVersionId } from '../model/version-id.ts';
import { header, query } from '../protocol/binding.ts';
import { ownedBucket } from './shared/buckets.ts';
import { conditionalWriteConditions } from './shared/conditions.ts';
import { OBJECT_FIELDS, objectRecord, requireKey } from './shared/objects.ts';
import type { OperationDefinition } from './types.ts';

/** DeleteObject request. */
export interface DeleteObjectRequest {
  Bucket: string;
  Key: string;
  /** Delete only the object of this ETag (`*`: any object). */
  IfMatch?: string;
  /** Directory buckets only: 501 NotImplemented here. */
  IfMatchLastModifiedTime?: string;
  /** Directory buckets only: 501 NotImplemented here. */
  IfMatchSize?: number;
  /** `null`: the object (its only version here); any other is refused. */
  VersionId?: string;
}

/** DeleteObject. */
export const deleteObject: OperationDefinition<'DeleteObject', DeleteObjectRequest, Record<string, never>> = {
  name: 'DeleteObject',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  rest: {
    method: 'DELETE',
    path: 'object',
    status: 204,
    request: {
      members: {
        IfMatch: header('if-match'),
        IfMatchLastModifiedTime: header('x-amz-if-match-last-modified-time'),
        IfMatchSize: header('x-amz-if-match-size', 'integer'),
        VersionId: query('versionId'),
      },
    },
  },
  // With `s3:if-match`, so a bucket policy can require conditional deletes (UG
  // conditional-delete-enforce: `"Null": {"s3:if-match": "true"}` with Deny).
  // A request naming a version is s3:DeleteObjectVersion (DeleteObject API reference).
  access: { action: 's3:DeleteObject', versionAction: 's3:DeleteObjectVersion', resource: 'object', conditions: conditionalWriteConditions },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkVersionId(input.VersionId);
    const condition = parseDeleteCondition(input.IfMatch, input.IfMatchLastModifiedTime, input.IfMatchSize);
    // UG conditional-deletes: a delete "with an If-Match header with an ETag value" needs
    // s3:GetObject as well; otherwise 412 or 204 would tell a caller who may not read the object
    // its ETag (for most objects the MD5 of the content). `*` asks only whether it exists.
    if (condition.kind === 'if-match') await context.authorize('s3:GetObject', bucket, key);
    await context.store.deleteObject(
      bucket,
      key,
      condition.kind === 'none'
        ? undefined
        : (current) => {
            // With an ETag, s3:GetObject was decided: on the tags of the object now deleted.
            if (current !== undefined && condition.kind === 'if-match') context.confirmObjectTags(bucket.name, key, objectRecord(current).tags);
            return checkDeleteCondition(condition, current === undefined ? undefined : { etag: current.metadata[OBJECT_FIELDS.etag] ?? '' }, key);
          },
    );
    return {};
  },
};
