/**
 * @module
 * What ListObjects, ListObjectsV2 and ListObjectVersions share around the one listing model (`storage/listing.ts`):
 * the page itself (`MaxKeys` 0 an empty page that is not truncated, ceph s3-tests
 * `test_bucket_list_maxkeys_zero` and `test_bucket_listv2_maxkeys_zero`), and each listed object
 * as both versions answer it (model `Object`): key, `LastModified`, the quoted ETag, the stored
 * checksum's algorithm and type but never its value, the plaintext `Size`, the storage class, and
 * an `Owner` when the version lists one (ListObjects always, ListObjectsV2 with `FetchOwner`), and
 * a `RestoreStatus` when asked for (`x-amz-optional-object-attributes: RestoreStatus`) and the
 * object has a restore in progress or a restored copy at the request's time.
 */

import { S3Error } from '../../errors.ts';
import type { ChecksumAlgorithm, ChecksumType } from '../../model/checksum.ts';
import { restoreStateAt } from '../../model/restore.ts';
import { flattened, header, type MemberBinding, struct, type XmlMember } from '../../protocol/binding.ts';
import type { BucketTarget, ListOptions, ListPage } from '../../storage/types.ts';
import type { S3OperationContext } from '../types.ts';
import { storedChecksum } from './checksums.ts';
import { type ObjectRecord, objectRecord } from './objects.ts';
import type { Grantee } from './owners.ts';

/** One listed object. */
export interface ListedObject {
  Key: string;
  LastModified: Date;
  /** Quoted, as S3 sends it. */
  ETag: string;
  /** The stored checksum's algorithm (one); absent for an object stored without a checksum. */
  ChecksumAlgorithm?: ChecksumAlgorithm[];
  ChecksumType?: ChecksumType;
  /** Plaintext bytes. */
  Size: number;
  /** The object's class (STANDARD for one written without). */
  StorageClass: string;
  /** ListObjects always; ListObjectsV2 with `FetchOwner` only. */
  Owner?: Grantee;
  /** Asked for with `OptionalObjectAttributes`, for an object being restored or restored. */
  RestoreStatus?: { IsRestoreInProgress: boolean; RestoreExpiryDate?: Date };
}

/** The `OptionalObjectAttributes` values (S3 API model, enum `OptionalObjectAttributes`). */
const OPTIONAL_OBJECT_ATTRIBUTES: readonly string[] = ['RestoreStatus'];

/** The `x-amz-optional-object-attributes` request header of ListObjects and ListObjectsV2. */
export const OPTIONAL_OBJECT_ATTRIBUTES_BINDING: MemberBinding = header('x-amz-optional-object-attributes', 'list');

/**
 * Whether a listing asks for each object's `RestoreStatus`.
 * @throws S3Error InvalidHeaderValue for a value outside the model's enum (UNCONFIRMED: S3's code
 *   and text for one are not captured).
 * @example wantsRestoreStatus(['RestoreStatus']) // true
 */
export function wantsRestoreStatus(attributes: readonly string[] | undefined): boolean {
  if (attributes === undefined) return false;
  for (const attribute of attributes) {
    if (!OPTIONAL_OBJECT_ATTRIBUTES.includes(attribute))
      throw new S3Error('InvalidHeaderValue', { detail: { value: 'The header x-amz-optional-object-attributes' } });
  }
  return attributes.length > 0;
}

/** The `Contents` of a `ListBucketResult`: flattened, one element per object, in the model's member order. */
export const LISTED_OBJECTS: XmlMember = flattened(
  struct({
    Key: 'string',
    LastModified: 'timestamp',
    ETag: 'string',
    ChecksumAlgorithm: flattened('string'),
    ChecksumType: 'string',
    Size: 'integer',
    StorageClass: 'string',
    Owner: struct({ ID: 'string', DisplayName: 'string' }),
    RestoreStatus: struct({ IsRestoreInProgress: 'boolean', RestoreExpiryDate: 'timestamp' }),
  }),
);

/** The `CommonPrefixes` of a `ListBucketResult`. */
export const LISTED_PREFIXES: XmlMember = flattened(struct({ Prefix: 'string' }));

const EMPTY_PAGE: ListPage = Object.freeze({ objects: [], commonPrefixes: [], isTruncated: false });

/**
 * One page of the bucket's listing: the store's, or for `maxKeys` 0 an empty page that is not
 * truncated (the store is not asked).
 * @example const page = await listingPage(context, bucket, { prefix: 'photos/', delimiter: '/', maxKeys: 1000 });
 */
export function listingPage(context: S3OperationContext, bucket: BucketTarget, options: ListOptions): Promise<ListPage> {
  return options.maxKeys === 0 ? Promise.resolve(EMPTY_PAGE) : context.store.listObjects(bucket, options);
}

/**
 * The page's objects as a listing answers them, each key passed through `text` (the URL encoding
 * of `EncodingType: url`, or none); with `restoreAt` (the request's time), each restore in progress
 * or restored copy as a `RestoreStatus` (ListObjectsV2 API reference: "IsRestoreInProgress" true
 * while it runs; false with "RestoreExpiryDate" once restored; nothing for an object not restored).
 * @example listedObjects(page, (key) => key, ownerOf(bucket.owner))
 */
export function listedObjects(page: ListPage, text: (value: string) => string, owner?: Grantee, restoreAt?: number): ListedObject[] {
  return page.objects.map((info): ListedObject => {
    const record = objectRecord(info);
    const checksum = storedChecksum(info.metadata);
    return {
      Key: text(info.key),
      LastModified: new Date(info.lastModified),
      ETag: record.etag,
      ...(checksum === undefined ? {} : { ChecksumAlgorithm: [checksum.algorithm], ChecksumType: checksum.type }),
      Size: record.size,
      StorageClass: record.storageClass,
      ...(owner === undefined ? {} : { Owner: owner }),
      ...(restoreAt === undefined ? {} : restoreStatusOf(record.restore, restoreAt)),
    };
  });
}

/** The `RestoreStatus` member of a listed object, if it has one at `now`. */
function restoreStatusOf(restore: ObjectRecord['restore'], now: number): Pick<ListedObject, 'RestoreStatus'> {
  const state = restoreStateAt(restore, now);
  if (state.kind === 'none') return {};
  if (state.kind === 'ongoing') return { RestoreStatus: { IsRestoreInProgress: true } };
  return { RestoreStatus: { IsRestoreInProgress: false, RestoreExpiryDate: new Date(state.expiry) } };
}

/**
 * The page's common prefixes, each through `text`.
 * @example listedPrefixes(page, urlEncodeKey) // [{ Prefix: 'a+b/' }]
 */
export function listedPrefixes(page: ListPage, text: (value: string) => string): { Prefix: string }[] {
  return page.commonPrefixes.map((common) => ({ Prefix: text(common) }));
}
