/**
 * @module
 * DeleteObjects: deletes up to 1000 keys in one request and answers per key, as S3 does (model
 * `DeleteObjects`; LS-snapshot `test_delete_objects`, `test_s3_batch_delete_objects`):
 *
 * - a key that does not exist counts as deleted (an unversioned bucket), so it is listed under
 *   `Deleted` like the others;
 * - `Quiet: true` answers only the `Errors`;
 * - an empty list, more than 1000 keys, or an entry without a string `Key` is 400 `MalformedXML`
 *   and deletes nothing (API reference: "up to 1,000 keys"; the code for the XML that fails the
 *   schema);
 * - a failure on one key (a `VersionId` that does not exist: S3's `NoSuchVersion`; a key over
 *   1024 bytes; an `ETag` that does not match; a storage failure) is an entry under `Errors` with
 *   S3's code and message, and the other keys are still deleted.
 *
 * In an unversioned bucket every object's version id is `null`, so `VersionId: 'null'` deletes
 * the object and any other id is `NoSuchVersion` (LS-snapshot). An `ETag` condition on an entry
 * (conditional deletes, 2024) is DeleteObject's `If-Match` (one strong ETag, or `*` for any
 * object), checked against the object: a mismatch is `PreconditionFailed` for that entry; for a
 * key that does not exist the entry is `NoSuchKey` (UNCONFIRMED: no capture of either in a
 * batch). Deleted entries keep the request's order.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import type { RequestConditions } from '@strongbox/service-kernel';
import { S3Error, toS3Error } from '../errors.ts';
import { checkDeleteCondition, parseDeleteCondition } from '../model/conditional-write.ts';
import { NULL_VERSION_ID, versionConditions } from '../model/version-id.ts';
import { flattened, struct, xmlPayload } from '../protocol/binding.ts';
import { type BucketRecord, ownedBucket } from './shared/buckets.ts';
import { conditionalWriteConditions } from './shared/conditions.ts';
import { objectRecord, requireKey } from './shared/objects.ts';
import type { OperationDefinition, S3OperationContext } from './types.ts';

/** One key to delete. */
export interface ObjectIdentifier {
  Key: string;
  /** `null` in an unversioned bucket (any other id does not exist). */
  VersionId?: string;
  /** Delete only if the object's ETag is this one. */
  ETag?: string;
}

/** DeleteObjects request. */
export interface DeleteObjectsRequest {
  Bucket: string;
  Delete: {
    Objects: ObjectIdentifier[];
    /** Answer only the errors. */
    Quiet?: boolean;
  };
}

/** A key that was deleted (or did not exist). */
export interface DeletedObject {
  Key: string;
  VersionId?: string;
}

/** A key that could not be deleted. */
export interface DeleteError {
  Key: string;
  VersionId?: string;
  Code: string;
  Message: string;
}

/** DeleteObjects response: empty lists are omitted, as S3 omits the elements. */
export interface DeleteObjectsResponse {
  Deleted?: DeletedObject[];
  Errors?: DeleteError[];
}

/** The most keys one DeleteObjects request may name. */
export const MAX_DELETE_KEYS = 1000;

/** DeleteObjects. */
export const deleteObjects: OperationDefinition<'DeleteObjects', DeleteObjectsRequest, DeleteObjectsResponse> = {
  name: 'DeleteObjects',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  // POST /{Bucket}?delete with a <Delete> document; the answer is <DeleteResult>.
  rest: {
    method: 'POST',
    path: 'bucket',
    query: ['delete'],
    request: {
      members: {
        Delete: xmlPayload(
          'Delete',
          struct({ Objects: flattened(struct({ Key: 'string', VersionId: 'string', ETag: 'string' }), 'Object'), Quiet: 'boolean' }),
        ),
      },
    },
    response: {
      xml: {
        root: 'DeleteResult',
        shape: struct({
          Deleted: flattened(struct({ Key: 'string', VersionId: 'string', DeleteMarker: 'boolean', DeleteMarkerVersionId: 'string' })),
          Errors: flattened(struct({ Key: 'string', VersionId: 'string', Code: 'string', Message: 'string' }), 'Error'),
        }),
      },
    },
  },
  // s3:DeleteObject on each key (s3:DeleteObjectVersion for an entry naming a version, and
  // s3:GetObject for an entry with an ETag): a refused key is an `AccessDenied` entry of
  // `Errors`, the others are deleted (S3 API reference, DeleteObjects).
  access: { action: 's3:DeleteObject', resource: 'objects' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const entries = checkedEntries(input.Delete);
    const deleted: DeletedObject[] = [];
    const errors: DeleteError[] = [];
    for (const entry of entries) {
      const version = entry.VersionId === undefined ? {} : { VersionId: entry.VersionId };
      try {
        await deleteOne(bucket, entry, context);
        deleted.push({ Key: entry.Key, ...version });
      } catch (thrown) {
        const error = toS3Error(thrown);
        errors.push({ Key: entry.Key, ...version, Code: error.code, Message: error.message });
      }
    }
    const quiet = input.Delete.Quiet === true;
    return { ...(quiet || deleted.length === 0 ? {} : { Deleted: deleted }), ...(errors.length === 0 ? {} : { Errors: errors }) };
  },
};

/**
 * The request's entries, or MalformedXML for a list S3's schema refuses; checked before anything
 * is deleted.
 */
function checkedEntries(request: DeleteObjectsRequest['Delete'] | undefined): readonly ObjectIdentifier[] {
  const objects: unknown = request?.Objects;
  if (!Array.isArray(objects) || objects.length === 0 || objects.length > MAX_DELETE_KEYS) throw new S3Error('MalformedXML');
  for (const entry of objects as unknown[]) {
    const { Key, VersionId, ETag } = (entry ?? {}) as Partial<Record<keyof ObjectIdentifier, unknown>>;
    if (typeof Key !== 'string' || Key === '') throw new S3Error('MalformedXML');
    if (VersionId !== undefined && typeof VersionId !== 'string') throw new S3Error('MalformedXML');
    if (ETag !== undefined && typeof ETag !== 'string') throw new S3Error('MalformedXML');
  }
  return objects as ObjectIdentifier[];
}

async function deleteOne(record: BucketRecord, entry: ObjectIdentifier, context: S3OperationContext): Promise<void> {
  const key = requireKey(entry.Key);
  // The entry's ETag is DeleteObject's If-Match (`*`: any object), with its authorization: the
  // `s3:if-match` key "in both S3 DeleteObject and S3 DeleteObjects API requests" (conditional
  // deletes launch, 2025; UG conditional-delete-enforce), and s3:GetObject for an ETag (UG
  // conditional-deletes). Per key, so a refusal is that entry's AccessDenied.
  const condition = parseDeleteCondition(entry.ETag, undefined, undefined);
  // An entry naming a version is s3:DeleteObjectVersion, with s3:versionid (DeleteObjects API
  // reference: "s3:DeleteObjectVersion ... if you specify a version ID").
  const versioned = entry.VersionId !== undefined;
  const conditions = (): RequestConditions => ({
    ...(entry.ETag === undefined ? {} : conditionalWriteConditions({ IfMatch: entry.ETag })),
    ...versionConditions(entry.VersionId),
  });
  await context.authorize(
    versioned ? 's3:DeleteObjectVersion' : 's3:DeleteObject',
    record,
    key,
    entry.ETag === undefined && !versioned ? undefined : conditions,
  );
  if (condition.kind === 'if-match') await context.authorize('s3:GetObject', record, key);
  // Unlike DeleteObject's 400, an entry's unknown version id is that entry's NoSuchVersion
  // (LS-snapshot test_delete_objects, recorded against S3 on a bucket never versioned).
  if (entry.VersionId !== undefined && entry.VersionId !== NULL_VERSION_ID) throw new S3Error('NoSuchVersion');
  // Checked under the key's lock, so no write lands between check and delete.
  await context.store.deleteObject(
    record,
    key,
    condition.kind === 'none'
      ? undefined
      : (info) => {
          const current = info === undefined ? undefined : objectRecord(info);
          // With an ETag, s3:GetObject was decided: on the tags of the object now deleted.
          if (current !== undefined && condition.kind === 'if-match') context.confirmObjectTags(record.name, key, current.tags);
          return checkDeleteCondition(condition, current, key);
        },
  );
}
