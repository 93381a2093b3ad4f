/**
 * @module
 * ListObjects (version 1, `GET /{Bucket}`): the listing ListObjectsV2 makes, over the same model
 * (`storage/listing.ts`), paged by key instead of by token (model `ListObjects`, API reference
 * "ListObjects"). `Marker` lists the keys after it in UTF-8 binary order (any string, a key or
 * not; `""` is no marker) and is echoed on every page, `""` when none was sent; a common prefix
 * that sorts at or before the marker is not repeated, so a marker inside a rolled-up prefix
 * continues after it (LS-snapshot `test_list_objects_marker_common_prefixes`, recorded against S3
 * in February 2026). `NextMarker`, the page's last key or common prefix, is answered only on a
 * truncated page of a request with a `Delimiter` ("This element is returned only if you have the
 * delimiter request parameter specified"; without one a client continues from the last `Key`).
 * Every object carries its `Owner` (the bucket owner's canonical id, no `DisplayName` since S3
 * stopped returning it in 2025), unlike ListObjectsV2 without `FetchOwner`. `Prefix`, `MaxKeys`,
 * `Delimiter` (`""` is none) and `EncodingType` are ListObjectsV2's; with `EncodingType: url` S3
 * encodes Delimiter, Marker, Prefix, NextMarker and Key (API reference), and the common prefixes
 * as ListObjectsV2 does.
 *
 * Routed for a bucket GET with no `list-type` or a `list-type` other than 2: moto and MinIO route
 * that way, and so does real S3 for `list-type=1`, `0` and a word (a third party's capture,
 * brekkylab/backlot#204, September 2026; UNCONFIRMED by AWS documentation, which only names
 * `list-type=2`).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, with the query
 * as sent as its `requestParameters`.
 */

import { int32Argument } from '../model/int32.ts';
import { checkEncodingType, OTHER_VERSION_ARGUMENTS, pageSize, refuseOtherListingVersion, urlEncodeKey } from '../model/listing.ts';
import { int32, query, struct } from '../protocol/binding.ts';
import { queryParameters } from './shared/audit.ts';
import { ownedBucket } from './shared/buckets.ts';
import { listConditions } from './shared/conditions.ts';
import {
  LISTED_OBJECTS,
  LISTED_PREFIXES,
  type ListedObject,
  listedObjects,
  listedPrefixes,
  listingPage,
  OPTIONAL_OBJECT_ATTRIBUTES_BINDING,
  wantsRestoreStatus,
} from './shared/listed-objects.ts';
import { ownerOf } from './shared/owners.ts';
import type { OperationDefinition } from './types.ts';

/** ListObjects request. */
export interface ListObjectsRequest {
  Bucket: string;
  Prefix?: string;
  Delimiter?: string;
  /** List keys after this one (exclusive); `""` is none. */
  Marker?: string;
  /** 0..1000 entries per page (larger values are capped); default 1000. */
  MaxKeys?: number;
  /** `url`: URL-encode (`urlEncodeKey`: a space as `+`) keys, prefixes, the delimiter and the markers in the answer. */
  EncodingType?: string;
  /** `RestoreStatus`: each restored or restoring object's `RestoreStatus`. */
  OptionalObjectAttributes?: string[];
}

/** ListObjects response. */
export interface ListObjectsResponse {
  Name: string;
  /** The request's prefix ('' when none), as S3 always echoes it. */
  Prefix: string;
  /** The request's marker, '' when none (S3 always sends the element). */
  Marker: string;
  /** With a `Delimiter` only, on a truncated page: the marker of the next page. */
  NextMarker?: string;
  MaxKeys: number;
  Delimiter?: string;
  EncodingType?: 'url';
  IsTruncated: boolean;
  /** Each with its `Owner`. */
  Contents?: ListedObject[];
  CommonPrefixes?: { Prefix: string }[];
}

/** ListObjects. */
export const listObjects: OperationDefinition<'ListObjects', ListObjectsRequest, ListObjectsResponse> = {
  name: 'ListObjects',
  quota: { shared: 'read' },
  readOnly: true,
  // CloudTrail logs ListObjects and ListObjectsV2 as S3 data events, both named ListObjects; the
  // request parameters are the query as sent (`{"bucketName": …, "Host": …, "prefix": ""}`).
  eventCategory: 'Data',
  auditParameters: (input, scope) => queryParameters(listObjects.rest, input, scope),
  // GET /{Bucket}: the document is ListBucketResult (model ListObjectsOutput), its elements in the
  // order S3 writes them (Name, Prefix, Marker, NextMarker, MaxKeys, Delimiter, ...).
  rest: {
    method: 'GET',
    path: 'bucket',
    // Any `list-type` but 2 (ListObjectsV2's) is ListObjects, read and ignored: claimed by the
    // route, not a member of the request (the SDKs' ListObjectsRequest has none).
    claims: ['list-type'],
    // ListObjectsV2's `continuation-token` and `start-after` are refused, before the credential
    // and the bucket (`refuseOtherListingVersion`); the SDKs' ListObjectsRequest has neither.
    refusedFirst: { names: OTHER_VERSION_ARGUMENTS.v1, refuse: (sent) => refuseOtherListingVersion(sent, false) },
    request: {
      members: {
        Prefix: query('prefix'),
        Delimiter: query('delimiter'),
        Marker: query('marker'),
        MaxKeys: query('max-keys', int32('InvalidMaxKeys')),
        EncodingType: query('encoding-type'),
        OptionalObjectAttributes: OPTIONAL_OBJECT_ATTRIBUTES_BINDING,
      },
    },
    response: {
      xml: {
        root: 'ListBucketResult',
        shape: struct({
          Name: 'string',
          Prefix: 'string',
          Marker: 'string',
          NextMarker: 'string',
          MaxKeys: 'integer',
          Delimiter: 'string',
          EncodingType: 'string',
          IsTruncated: 'boolean',
          Contents: LISTED_OBJECTS,
          CommonPrefixes: LISTED_PREFIXES,
        }),
      },
    },
  },
  // ListObjects is authorized by s3:ListBucket, with s3:prefix, s3:delimiter and s3:max-keys, as
  // ListObjectsV2 is.
  access: { action: 's3:ListBucket', resource: 'bucket', conditions: listConditions },

  async handler(input, context) {
    // S3's order (model/int32.ts): an argument that is no 32-bit integer before the bucket, a
    // negative one after it, the same for a call in process as on the wire.
    int32Argument(input.MaxKeys, 'InvalidMaxKeys');
    const bucket = await ownedBucket(input.Bucket, context);
    const encode = checkEncodingType(input.EncodingType);
    const maxKeys = pageSize(input.MaxKeys);
    const prefix = input.Prefix ?? '';
    // An empty delimiter is none: S3 answers no Delimiter element for it (LS-snapshot
    // `test_list_objects_with_prefix[]`); whether it would give a NextMarker is UNCONFIRMED.
    const delimiter = input.Delimiter === '' ? undefined : input.Delimiter;
    // An empty marker lists from the start and is echoed as "" (LS-snapshot `test_list_objects_next_marker`).
    const marker = input.Marker === '' ? undefined : input.Marker;
    const page = await listingPage(context, bucket, { prefix, delimiter, startAfter: marker, maxKeys });
    const text = (value: string): string => (encode ? urlEncodeKey(value) : value);
    const restoreAt = wantsRestoreStatus(input.OptionalObjectAttributes) ? context.now : undefined;
    const contents = listedObjects(page, text, ownerOf(bucket.owner), restoreAt);
    const nextMarker = delimiter !== undefined && page.isTruncated ? page.nextStartAfter : undefined;
    return {
      Name: bucket.name,
      Prefix: text(prefix),
      Marker: text(input.Marker ?? ''),
      ...(nextMarker === undefined ? {} : { NextMarker: text(nextMarker) }),
      MaxKeys: input.MaxKeys ?? maxKeys,
      ...(delimiter === undefined ? {} : { Delimiter: text(delimiter) }),
      ...(encode ? { EncodingType: 'url' as const } : {}),
      IsTruncated: page.isTruncated,
      ...(contents.length === 0 ? {} : { Contents: contents }),
      ...(page.commonPrefixes.length === 0 ? {} : { CommonPrefixes: listedPrefixes(page, text) }),
    };
  },
};
