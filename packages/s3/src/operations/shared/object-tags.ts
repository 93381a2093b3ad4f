/**
 * @module
 * Replacing an object's tags in its stored record (PutObjectTagging, DeleteObjectTagging): under
 * the key's lock, on the record as it is then, so a concurrent write of the key is neither undone
 * nor given another object's fields.
 */

import { S3Error } from '../../errors.ts';
import { type Tag, tagsJson } from '../../model/tagging.ts';
import type { BucketIdentity, ObjectStore, StoredFields } from '../../storage/types.ts';
import type { S3OperationContext } from '../types.ts';
import { OBJECT_FIELDS } from './objects.ts';

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
  context: Pick<S3OperationContext, 'missingObject'>,
): Promise<void> {
  const json = tagsJson(tags);
  try {
    await store.updateObjectMetadata(bucket, key, (object) => replacedTags(object.metadata, json), { keepLastModified: true });
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
