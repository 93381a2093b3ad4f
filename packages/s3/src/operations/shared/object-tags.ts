/**
 * @module
 * An object's tags in its stored record: replacing them (PutObjectTagging, DeleteObjectTagging)
 * under the key's lock, on the record as it is then, so a concurrent write of the key is neither
 * undone nor given another object's fields; and reading them for a policy that tests
 * `s3:ExistingObjectTag/<key>`.
 */

import { S3Error } from '../../errors.ts';
import { NO_TAGS, type Tag, tagsJson } from '../../model/tagging.ts';
import type { BucketIdentity, BucketTarget, ObjectStore, StoredFields } from '../../storage/types.ts';
import type { ObjectTagFacts, S3OperationContext } from '../types.ts';
import { OBJECT_FIELDS, objectRecord } from './objects.ts';

/**
 * The tags of the object `key` as stored now; none for a key with no object ("a request on a
 * missing object has no existing tags"). Read through `objectRecord`, whose parse of the record is
 * kept with its stored fields: the handler's own read of the same object then parses nothing.
 * @throws S3Error NoSuchBucket for a bucket identity that no longer exists.
 * @example const tags = await existingObjectTags(context.store, bucket, 'photo.jpg');
 */
export async function existingObjectTags(store: ObjectStore, bucket: BucketTarget, key: string): Promise<readonly Tag[]> {
  const info = await store.headObject(bucket, key);
  return info === undefined ? NO_TAGS : objectRecord(info).tags;
}

/**
 * The object-tag facts of the s3:PutObjectTagging check a write with tags makes (PutObject, POST,
 * CreateMultipartUpload, CopyObject): the tags it sets, and none existing. The write replaces the
 * object, and S3 does not support `s3:ExistingObjectTag/<key>` "for the PUT Object and DELETE
 * Object operations" ("you cannot create a policy to grant or deny a user permissions to delete
 * or overwrite an object based on its existing tags", User Guide, tagging and access control).
 * UNCONFIRMED for the implied s3:PutObjectTagging check itself (no capture).
 * @example await context.authorize('s3:PutObjectTagging', bucket, key, undefined, writtenObjectTags(tags));
 */
export function writtenObjectTags(tags: readonly Tag[]): ObjectTagFacts {
  return { existing: NO_TAGS, requested: tags };
}

/**
 * Gives the object `key` the tags `tags` (none: removes them), keeping everything else.
 * @throws S3Error NoSuchBucket, NoSuchKey (as `context.missingObject` answers it).
 * @example await withTags(context.store, bucket, 'photo.jpg', [{ key: 'a', value: '1' }], context)
 */
export async function withTags(
  store: ObjectStore,
  bucket: BucketIdentity,
  key: string,
  tags: readonly Tag[],
  context: Pick<S3OperationContext, 'missingObject' | 'confirmObjectTags'>,
): Promise<void> {
  const json = tagsJson(tags);
  try {
    await store.updateObjectMetadata(
      bucket,
      key,
      (object) => {
        // Under the key's lock: a decision taken on the object's tags holds for the tags replaced.
        context.confirmObjectTags(bucket.name, key, objectRecord(object).tags);
        return replacedTags(object.metadata, json);
      },
      { keepLastModified: true },
    );
  } catch (error) {
    // The store looks the object up under the key's lock: its NoSuchKey is the one answer for a
    // missing object (no separate look-up first, which a concurrent delete could outdate anyway).
    if (error instanceof S3Error && error.reason === 'NoSuchKey') throw context.missingObject(key);
    throw error;
  }
}

/** `fields` with their tags field set to `json` (removed for undefined). */
function replacedTags(fields: StoredFields, json: string | undefined): StoredFields {
  const next: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, fields);
  if (json === undefined) delete next[OBJECT_FIELDS.tags];
  else next[OBJECT_FIELDS.tags] = json;
  return next;
}
