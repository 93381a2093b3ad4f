/**
 * @module
 * ListObjectVersions (`GET /{Bucket}?versions`) of a bucket that was never versioned, every
 * Strongbox bucket: each object is its one version, `VersionId` `null`, `IsLatest` true, with the
 * members ListObjectsV2 lists (Key, LastModified, ETag, checksum algorithm and type, Size,
 * StorageClass) and always its `Owner` (`ID` only), and there are no delete markers (LS-snapshot
 * `test_list_object_versions_order_unversioned`, recorded against S3 in 2026). The page is
 * ListObjectsV2's, from the same store listing; only the markers differ:
 *
 * - `key-marker` lists the keys after it, and skips the common prefix it lies in
 *   (LS-snapshot `test_list_object_versions_pagination_common_prefixes`); `version-id-marker`
 *   continues after that version of that key, and the only version of a key is `null`, so with
 *   `null` the page is the one after the key alone. UNCONFIRMED: `null` for a key that does not
 *   exist is taken as the place after that key.
 * - `version-id-marker` without `key-marker` is 400 InvalidArgument (LS-snapshot
 *   `test_list_objects_versions_markers`), a key marker being one when sent, empty or not: beside
 *   an empty one, `null` is served, a page of nothing, and any other version id is refused after
 *   the bucket as below (brekkylab/backlot, measured against S3 2026-09-29, `backlot/routers/s3.py`
 *   at commit 07bef4332838e4c4ee55118732a8ac1520f70d16: "A `key-marker` sent empty is a
 *   `key-marker`: `?versions&key-marker=&version-id-marker=null` is served", "beside an empty
 *   key-marker real served a page of nothing"); alone, an empty key marker is none (the listing
 *   starts at the first key). An empty version id marker with a key marker is 400 InvalidArgument
 *   "A version-id marker cannot be empty."; any other marker but `null` names no version and is
 *   400 InvalidArgument "Invalid version id specified", naming `version-id-marker` and the value
 *   (captured against S3, us-east-1, 2026-09, in a third-party emulator's table of S3's answers);
 *   an empty one without a key marker is refused as any other without one, backlot's rule for a
 *   version id marker sent without a key marker (its `_versions_parse`; UNCONFIRMED for an empty
 *   one, which backlot does not say it sent).
 * - The checks run in S3's order (same capture): a `max-keys` that is not a 32-bit integer
 *   ("Provided max-keys not an integer or within integer range"), then the markers' shape (a
 *   version id marker without a key marker, an empty one), then a `versionId`, before the bucket is
 *   looked up, so a missing bucket is 400 then, and on the wire before the credential (the router
 *   runs the binding's integers and `rest.refusedFirst.refuse`, then the version id; the handler
 *   checks them again first for a call in process); after the bucket, an invalid version id marker,
 *   then `encoding-type`, then a negative `max-keys`: "max-keys cannot be negative", naming
 *   `max-keys` without a value (where ListObjects and ListObjectsV2 answer `maxKeys`).
 * - a truncated page names where it ended: `NextKeyMarker` the last key (with
 *   `NextVersionIdMarker` `null`) or the last common prefix (with none, LS-snapshot).
 * - `KeyMarker` and `VersionIdMarker` are always answered, empty when not sent (LS-snapshot).
 *
 * `MaxKeys` (default and ceiling 1000) counts versions and common prefixes; `EncodingType: url`
 * percent-encodes `Key`, `Prefix`, `Delimiter`, `KeyMarker`, `NextKeyMarker` and the common
 * prefixes (API reference, `EncodingType`). Authorized by `s3:ListBucketVersions`, with
 * `s3:prefix`, `s3:delimiter` and `s3:max-keys`. A data event, as ListObjects and ListObjectsV2
 * are (UNCONFIRMED for this one: no CloudTrail record of it at hand).
 */

import { S3Error } from '../errors.ts';
import { int32Argument } from '../model/int32.ts';
import { checkEncodingType, pageSize, urlEncodeKey } from '../model/listing.ts';
import { checkVersionId, NULL_VERSION_ID } from '../model/version-id.ts';
import { flattened, int32, query, struct } from '../protocol/binding.ts';
import type { ListPage } from '../storage/types.ts';
import { ownedBucket } from './shared/buckets.ts';
import { listConditions } from './shared/conditions.ts';
import {
  type ListedObject,
  listedObjects,
  listedPrefixes,
  listingPage,
  OPTIONAL_OBJECT_ATTRIBUTES_BINDING,
  wantsRestoreStatus,
} from './shared/listed-objects.ts';
import { ownerOf } from './shared/owners.ts';
import type { OperationDefinition } from './types.ts';

/** ListObjectVersions request. */
export interface ListObjectVersionsRequest {
  Bucket: string;
  Prefix?: string;
  Delimiter?: string;
  /** 0..1000 entries per page (larger values are capped); default 1000. */
  MaxKeys?: number;
  /** List keys after this one. */
  KeyMarker?: string;
  /** With `KeyMarker`: list after this version of that key (only `null` exists here). */
  VersionIdMarker?: string;
  /** `url`: percent-encode keys and prefixes in the answer. */
  EncodingType?: string;
  /** `RestoreStatus`: each restored or restoring version's `RestoreStatus` (as ListObjectsV2). */
  OptionalObjectAttributes?: string[];
}

/** One listed version: every object's only one, `null`, listed as ListObjects lists it (with its owner). */
export interface ListedVersion extends ListedObject {
  VersionId: string;
  IsLatest: boolean;
}

/** ListObjectVersions response. */
export interface ListObjectVersionsResponse {
  Name: string;
  /** The request's prefix ('' when none), as S3 always echoes it. */
  Prefix: string;
  /** The request's key marker ('' when none). */
  KeyMarker: string;
  /** The request's version id marker ('' when none). */
  VersionIdMarker: string;
  NextKeyMarker?: string;
  NextVersionIdMarker?: string;
  MaxKeys: number;
  Delimiter?: string;
  IsTruncated: boolean;
  EncodingType?: 'url';
  Versions?: ListedVersion[];
  CommonPrefixes?: { Prefix: string }[];
}

/** ListObjectVersions. */
export const listObjectVersions: OperationDefinition<'ListObjectVersions', ListObjectVersionsRequest, ListObjectVersionsResponse> = {
  name: 'ListObjectVersions',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',
  // GET /{Bucket}?versions: the document is ListVersionsResult (model ListObjectVersionsOutput),
  // its elements in the order S3 sends them (versity/versitygw#2178, a capture of S3).
  rest: {
    method: 'GET',
    path: 'bucket',
    query: ['versions'],
    // The markers' shape comes before a versionId too (brekkylab/backlot, measured 2026-09-29:
    // `_versions_parse` ahead of `_version_id_refusal`).
    refusedFirst: {
      names: ['key-marker', 'version-id-marker'],
      refuse: (sent) => {
        markers(sent.get('key-marker'), sent.get('version-id-marker'));
      },
    },
    request: {
      members: {
        Prefix: query('prefix'),
        Delimiter: query('delimiter'),
        MaxKeys: query('max-keys', int32('InvalidMaxKeys')),
        KeyMarker: query('key-marker'),
        VersionIdMarker: query('version-id-marker'),
        EncodingType: query('encoding-type'),
        OptionalObjectAttributes: OPTIONAL_OBJECT_ATTRIBUTES_BINDING,
      },
    },
    response: {
      xml: {
        root: 'ListVersionsResult',
        shape: struct({
          Name: 'string',
          Prefix: 'string',
          KeyMarker: 'string',
          VersionIdMarker: 'string',
          NextKeyMarker: 'string',
          NextVersionIdMarker: 'string',
          MaxKeys: 'integer',
          Delimiter: 'string',
          IsTruncated: 'boolean',
          EncodingType: 'string',
          Versions: flattened(
            struct({
              Key: 'string',
              VersionId: 'string',
              IsLatest: 'boolean',
              LastModified: 'timestamp',
              ETag: 'string',
              ChecksumAlgorithm: flattened('string'),
              ChecksumType: 'string',
              Size: 'integer',
              Owner: struct({ ID: 'string', DisplayName: 'string' }),
              StorageClass: 'string',
              RestoreStatus: struct({ IsRestoreInProgress: 'boolean', RestoreExpiryDate: 'timestamp' }),
            }),
            'Version',
          ),
          CommonPrefixes: flattened(struct({ Prefix: 'string' })),
        }),
      },
    },
  },
  // Service Authorization Reference: ListObjectVersions is s3:ListBucketVersions, whose condition
  // keys include s3:prefix, s3:delimiter and s3:max-keys, as s3:ListBucket's do.
  access: { action: 's3:ListBucketVersions', resource: 'bucket', conditions: listConditions },

  async handler(input, context) {
    // S3's order (module documentation): a max-keys that is no 32-bit integer, the markers' shape,
    // the bucket, the version id marker, encoding-type, a negative max-keys.
    int32Argument(input.MaxKeys, 'InvalidMaxKeys');
    const { startAfter, versionIdMarker, nothing } = markers(input.KeyMarker, input.VersionIdMarker);
    const bucket = await ownedBucket(input.Bucket, context);
    checkVersionId(versionIdMarker, 'version-id-marker');
    const encode = checkEncodingType(input.EncodingType);
    const maxKeys = pageSize(input.MaxKeys, 'NegativeMaxKeys');
    const prefix = input.Prefix ?? '';
    const delimiter = input.Delimiter === '' ? undefined : input.Delimiter;
    // ListObjectsV2's page from the same listing: the key marker is its StartAfter, with the same
    // roll-up (a common prefix at or before the marker is not listed again).
    const page = await listingPage(context, bucket, { prefix, delimiter, startAfter, maxKeys: nothing === true ? 0 : maxKeys });
    const text = (value: string): string => (encode ? urlEncodeKey(value) : value);
    const restoreAt = wantsRestoreStatus(input.OptionalObjectAttributes) ? context.now : undefined;
    const versions = listedObjects(page, text, ownerOf(bucket.owner), restoreAt).map(
      (listed): ListedVersion => ({ ...listed, VersionId: NULL_VERSION_ID, IsLatest: true }),
    );
    return {
      Name: bucket.name,
      Prefix: text(prefix),
      KeyMarker: text(input.KeyMarker ?? ''),
      VersionIdMarker: input.VersionIdMarker ?? '',
      ...nextMarkers(page, text),
      MaxKeys: input.MaxKeys ?? maxKeys,
      ...(delimiter === undefined ? {} : { Delimiter: text(delimiter) }),
      IsTruncated: page.isTruncated,
      ...(encode ? { EncodingType: 'url' as const } : {}),
      ...(versions.length === 0 ? {} : { Versions: versions }),
      ...(page.commonPrefixes.length === 0 ? {} : { CommonPrefixes: listedPrefixes(page, text) }),
    };
  },
};

/**
 * The markers' shape, checked before the bucket is looked up (S3's order): where the page starts,
 * as the store listing's exclusive `startAfter` (after the key marker, whether or not the version
 * marker, `null` being the key's only version, is given; nowhere for an empty key marker beside a
 * version marker), and the version id marker left to check once the bucket is known.
 * @throws S3Error VersionIdMarkerWithoutKeyMarker, EmptyVersionIdMarker.
 */
function markers(keyMarker: string | undefined, versionIdMarker: string | undefined): Markers {
  if (versionIdMarker === undefined) {
    // Alone, an empty key marker is no marker: the page starts at the first key.
    return keyMarker === undefined || keyMarker === '' ? {} : { startAfter: keyMarker };
  }
  if (keyMarker === undefined) {
    // An empty one too (backlot's rule; UNCONFIRMED for an empty one, module documentation).
    throw new S3Error('VersionIdMarkerWithoutKeyMarker', { fields: [['ArgumentValue', versionIdMarker]] });
  }
  if (versionIdMarker === '') throw new S3Error('EmptyVersionIdMarker', { fields: [['ArgumentValue', '']] });
  // Beside a version id marker, an empty key marker is one, and S3 answers a page of nothing
  // (backlot, module documentation).
  if (keyMarker === '') return { versionIdMarker, nothing: true };
  return { startAfter: keyMarker, versionIdMarker };
}

/** Where a page starts (`markers`). */
interface Markers {
  /** The store listing's exclusive start. */
  readonly startAfter?: string;
  /** The version id marker, checked once the bucket is known. */
  readonly versionIdMarker?: string;
  /** The markers name a place after every version: the page is empty. */
  readonly nothing?: boolean;
}

/**
 * A truncated page's markers: the last key with its version (`null`), or the last common prefix
 * alone (a prefix has no version).
 */
function nextMarkers(page: ListPage, text: (value: string) => string): { NextKeyMarker?: string; NextVersionIdMarker?: string } {
  const last = page.nextStartAfter;
  if (!page.isTruncated || last === undefined) return {};
  // A key under a common prefix is rolled into it, so the last entry is a prefix exactly when it
  // is the page's last common prefix.
  if (page.commonPrefixes.at(-1) === last) return { NextKeyMarker: text(last) };
  return { NextKeyMarker: text(last), NextVersionIdMarker: NULL_VERSION_ID };
}
