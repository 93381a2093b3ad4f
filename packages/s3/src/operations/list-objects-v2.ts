/**
 * @module
 * ListObjectsV2: a bucket's objects in UTF-8 binary key order, a page at a time (model
 * `ListObjectsV2`, ../shared/reference/s3-sse.md §5.3). `Prefix` filters; `Delimiter` rolls the
 * keys that contain it after the prefix into `CommonPrefixes`; objects and common prefixes both
 * count against `MaxKeys` (default and ceiling 1000) and `KeyCount`. A truncated page carries a
 * `NextContinuationToken`, opaque and refused when altered; a `ContinuationToken` takes precedence
 * over `StartAfter`, which is then not echoed (LS-snapshot
 * `test_list_objects_v2_continuation_start_after`). `EncodingType: url` URL-encodes the keys,
 * prefixes, delimiter and `StartAfter` of the answer (`urlEncodeKey`: a space as `+`). Sizes are plaintext sizes; listings carry no
 * encryption fields, but each object's checksum algorithm and type (model `Object`
 * `ChecksumAlgorithm`, a flattened list, and `ChecksumType`; LS-snapshot
 * `test_delete_keys_in_versioned_bucket` and `test_put_get_object_special_character`, recorded
 * against S3 in 2026: `"ChecksumAlgorithm": ["CRC32"], "ChecksumType": "FULL_OBJECT"`), never the value. `MaxKeys: 0` answers an empty page that is not truncated (ceph s3-tests
 * `test_bucket_listv2_maxkeys_zero`).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled, named
 * `ListObjects`, with the query as sent (`list-type: "2"` among it) as its `requestParameters`.
 */

import { decodeContinuationToken, encodeContinuationToken } from '../model/continuation-token.ts';
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

/** ListObjectsV2 request. */
export interface ListObjectsV2Request {
  Bucket: string;
  Prefix?: string;
  Delimiter?: string;
  /** 0..1000 entries per page (larger values are capped); default 1000. */
  MaxKeys?: number;
  /** A `NextContinuationToken` of the previous page. */
  ContinuationToken?: string;
  /** List keys after this one (ignored with a `ContinuationToken`). */
  StartAfter?: string;
  /** Include each object's `Owner`. */
  FetchOwner?: boolean;
  /** `url`: URL-encode (`urlEncodeKey`: a space as `+`) keys and prefixes in the answer. */
  EncodingType?: string;
  /** `RestoreStatus`: each restored or restoring object's `RestoreStatus`. */
  OptionalObjectAttributes?: string[];
}

/** ListObjectsV2 response. */
export interface ListObjectsV2Response {
  Name: string;
  /** The request's prefix ('' when none), as S3 always echoes it. */
  Prefix: string;
  Delimiter?: string;
  MaxKeys: number;
  EncodingType?: 'url';
  KeyCount: number;
  IsTruncated: boolean;
  ContinuationToken?: string;
  NextContinuationToken?: string;
  StartAfter?: string;
  Contents?: ListedObject[];
  CommonPrefixes?: { Prefix: string }[];
}

/** ListObjectsV2. */
export const listObjectsV2: OperationDefinition<'ListObjectsV2', ListObjectsV2Request, ListObjectsV2Response> = {
  name: 'ListObjectsV2',
  quota: { shared: 'read' },
  readOnly: true,
  // CloudTrail logs ListObjects and ListObjectsV2 as S3 data events, both named ListObjects and told
  // apart by `list-type` in `requestParameters` (a captured event of `aws s3 ls`, which lists with
  // ListObjectsV2: `"eventName": "ListObjects"`, `"requestParameters": {"list-type": "2", ...}`).
  eventCategory: 'Data',
  auditName: 'ListObjects',
  auditParameters: (input, scope) => queryParameters(listObjectsV2.rest, input, scope),
  // GET /{Bucket}?list-type=2: the document is ListBucketResult (model ListObjectsV2Output).
  rest: {
    method: 'GET',
    path: 'bucket',
    query: ['list-type=2'],
    // ListObjects' `marker` is refused, before the credential and the bucket
    // (`refuseOtherListingVersion`); the SDKs' ListObjectsV2Request has none.
    refusedFirst: { names: OTHER_VERSION_ARGUMENTS.v2, refuse: (sent) => refuseOtherListingVersion(sent, true) },
    request: {
      members: {
        Prefix: query('prefix'),
        Delimiter: query('delimiter'),
        MaxKeys: query('max-keys', int32('InvalidMaxKeys')),
        ContinuationToken: query('continuation-token'),
        StartAfter: query('start-after'),
        FetchOwner: query('fetch-owner', 'boolean'),
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
          Delimiter: 'string',
          MaxKeys: 'integer',
          EncodingType: 'string',
          KeyCount: 'integer',
          IsTruncated: 'boolean',
          ContinuationToken: 'string',
          NextContinuationToken: 'string',
          StartAfter: 'string',
          Contents: LISTED_OBJECTS,
          CommonPrefixes: LISTED_PREFIXES,
        }),
      },
    },
  },
  // ListObjectsV2 is authorized by s3:ListBucket, with s3:prefix, s3:delimiter and s3:max-keys.
  access: { action: 's3:ListBucket', resource: 'bucket', conditions: listConditions },

  async handler(input, context) {
    // S3's order (model/int32.ts): an argument that is no 32-bit integer before the bucket, a
    // negative one after it, the same for a call in process as on the wire.
    int32Argument(input.MaxKeys, 'InvalidMaxKeys');
    const bucket = await ownedBucket(input.Bucket, context);
    const encode = checkEncodingType(input.EncodingType);
    const maxKeys = pageSize(input.MaxKeys);
    const mac = context.crypto.continuationTokenMac;
    const token = input.ContinuationToken;
    // An empty token is refused too (LS-snapshot), so presence, not truthiness, decides.
    const startAfter = token === undefined ? input.StartAfter : decodeContinuationToken(token, bucket.name, mac);
    const prefix = input.Prefix ?? '';
    const delimiter = input.Delimiter === '' ? undefined : input.Delimiter;
    const page = await listingPage(context, bucket, { prefix, delimiter, startAfter, maxKeys });
    const text = (value: string): string => (encode ? urlEncodeKey(value) : value);
    const restoreAt = wantsRestoreStatus(input.OptionalObjectAttributes) ? context.now : undefined;
    const contents = listedObjects(page, text, input.FetchOwner === true ? ownerOf(bucket.owner) : undefined, restoreAt);
    return {
      Name: bucket.name,
      Prefix: text(prefix),
      ...(delimiter === undefined ? {} : { Delimiter: text(delimiter) }),
      MaxKeys: input.MaxKeys ?? maxKeys,
      ...(encode ? { EncodingType: 'url' as const } : {}),
      KeyCount: page.objects.length + page.commonPrefixes.length,
      IsTruncated: page.isTruncated,
      ...(token === undefined ? {} : { ContinuationToken: token }),
      ...(page.isTruncated && page.nextStartAfter !== undefined
        ? { NextContinuationToken: encodeContinuationToken(bucket.name, page.nextStartAfter, mac) }
        : {}),
      ...(token === undefined && input.StartAfter !== undefined ? { StartAfter: text(input.StartAfter) } : {}),
      ...(contents.length === 0 ? {} : { Contents: contents }),
      ...(page.commonPrefixes.length === 0 ? {} : { CommonPrefixes: listedPrefixes(page, text) }),
    };
  },
};
