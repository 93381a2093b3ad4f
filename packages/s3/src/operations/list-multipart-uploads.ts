/**
 * @module
 * ListMultipartUploads: the bucket's uploads in progress, by key (UTF-8 order) then initiation,
 * a page at a time: `Prefix`, `Delimiter` (keys rolled up into `CommonPrefixes`), `KeyMarker`
 * (exclusive) and, with it, `UploadIdMarker` (uploads of that key after that one; S3 ignores it
 * without a key marker), `MaxUploads` (default and ceiling 1000; uploads and prefixes both count),
 * `NextKeyMarker` / `NextUploadIdMarker` when truncated, `EncodingType: url` (model
 * ListMultipartUploads).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import type { ChecksumAlgorithm, ChecksumType } from '../model/checksum.ts';
import { checkEncodingType, urlEncodeKey } from '../model/listing.ts';
import { listArgument, listPageSize } from '../model/multipart.ts';
import { flattened, int32, query, struct } from '../protocol/binding.ts';
import type { UploadListPage } from '../storage/types.ts';
import { ownedBucket } from './shared/buckets.ts';
import { uploadRecord } from './shared/multipart.ts';
import { type Grantee, initiatorOf, ownerOf } from './shared/owners.ts';
import type { OperationDefinition } from './types.ts';

/** ListMultipartUploads request. */
export interface ListMultipartUploadsRequest {
  Bucket: string;
  Prefix?: string | undefined;
  Delimiter?: string | undefined;
  KeyMarker?: string | undefined;
  UploadIdMarker?: string | undefined;
  MaxUploads?: number | undefined;
  /** `url`: URL-encode (`urlEncodeKey`: a space as `+`) keys, prefixes, the delimiter and key markers in the answer. */
  EncodingType?: string | undefined;
}

/** One listed upload. */
export interface ListedUpload {
  UploadId: string;
  Key: string;
  Initiated: Date;
  /** The class the upload's object will have. */
  StorageClass: string;
  Owner: Grantee;
  Initiator: Grantee;
  /** The upload's checksum algorithm and type, when CreateMultipartUpload named one. */
  ChecksumAlgorithm?: ChecksumAlgorithm;
  ChecksumType?: ChecksumType;
}

/** ListMultipartUploads response. */
export interface ListMultipartUploadsResponse {
  Bucket: string;
  /** As sent (empty when absent, as S3 sends the element empty). */
  KeyMarker: string;
  UploadIdMarker: string;
  /** The page's last upload's key ('' when it lists none), truncated or not. */
  NextKeyMarker: string;
  NextUploadIdMarker: string;
  Prefix?: string;
  Delimiter?: string;
  MaxUploads: number;
  EncodingType?: 'url';
  IsTruncated: boolean;
  /** Absent when the page holds none (as the SDK reads an answer without `Upload` elements). */
  Uploads?: ListedUpload[];
  CommonPrefixes?: { Prefix: string }[];
}

/** ListMultipartUploads. */
export const listMultipartUploads: OperationDefinition<'ListMultipartUploads', ListMultipartUploadsRequest, ListMultipartUploadsResponse> = {
  name: 'ListMultipartUploads',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',
  // GET /{Bucket}?uploads; answers <ListMultipartUploadsResult>.
  rest: {
    method: 'GET',
    path: 'bucket',
    query: ['uploads'],
    request: {
      members: {
        Prefix: query('prefix'),
        Delimiter: query('delimiter'),
        KeyMarker: query('key-marker'),
        UploadIdMarker: query('upload-id-marker'),
        // Refused when not a 32-bit integer before the bucket is looked up (`S3_ERRORS`).
        MaxUploads: query('max-uploads', int32('InvalidMaxUploads')),
        EncodingType: query('encoding-type'),
      },
    },
    response: {
      xml: {
        root: 'ListMultipartUploadsResult',
        shape: struct({
          Bucket: 'string',
          KeyMarker: 'string',
          UploadIdMarker: 'string',
          NextKeyMarker: 'string',
          NextUploadIdMarker: 'string',
          Prefix: 'string',
          Delimiter: 'string',
          MaxUploads: 'integer',
          EncodingType: 'string',
          IsTruncated: 'boolean',
          Uploads: flattened(
            struct({
              UploadId: 'string',
              Key: 'string',
              Initiated: 'timestamp',
              StorageClass: 'string',
              Owner: struct({ ID: 'string', DisplayName: 'string' }),
              Initiator: struct({ ID: 'string', DisplayName: 'string' }),
              ChecksumAlgorithm: 'string',
              ChecksumType: 'string',
            }),
            'Upload',
          ),
          CommonPrefixes: flattened(struct({ Prefix: 'string' })),
        }),
      },
    },
  },
  access: { action: 's3:ListBucketMultipartUploads', resource: 'bucket' },

  async handler(input, context) {
    // S3's order (model/int32.ts): an argument that is no 32-bit integer before the bucket, a
    // negative one after it, the same for a call in process as on the wire.
    listArgument(input.MaxUploads, 'max-uploads');
    const bucket = await ownedBucket(input.Bucket, context);
    const encode = checkEncodingType(input.EncodingType);
    const maxUploads = listPageSize(input.MaxUploads, 'max-uploads');
    const keyMarker = input.KeyMarker === '' ? undefined : input.KeyMarker;
    // MaxUploads 0 is an empty page, not a truncated one (as ListObjectsV2 answers MaxKeys 0).
    const page: UploadListPage =
      maxUploads === 0
        ? { uploads: [], commonPrefixes: [], isTruncated: false }
        : await context.store.listUploads(bucket, {
            prefix: input.Prefix,
            delimiter: input.Delimiter,
            keyMarker,
            uploadIdMarker: keyMarker === undefined || input.UploadIdMarker === '' ? undefined : input.UploadIdMarker,
            maxUploads,
          });
    // Model ListMultipartUploads: with encoding-type=url, Key, Prefix, Delimiter, KeyMarker and
    // NextKeyMarker are URL-encoded (common prefixes too, as ListObjectsV2 encodes them).
    const text = (value: string): string => (encode ? urlEncodeKey(value) : value);
    const owner = ownerOf(bucket.owner);
    const uploads = page.uploads.map(uploadRecord).map(
      (upload): ListedUpload => ({
        UploadId: upload.uploadId,
        Key: text(upload.key),
        Initiated: new Date(upload.initiated),
        StorageClass: upload.storageClass,
        Owner: owner,
        Initiator: initiatorOf(upload.initiator),
        // LocalStack's provider (recorded against S3) lists them only for an upload that named an algorithm.
        ...(upload.checksum.requested ? { ChecksumAlgorithm: upload.checksum.algorithm, ChecksumType: upload.checksum.type } : {}),
      }),
    );
    return {
      Bucket: bucket.name,
      KeyMarker: text(input.KeyMarker ?? ''),
      UploadIdMarker: input.UploadIdMarker ?? '',
      // Truncated or not, S3 names the page's last upload (LocalStack's captures of S3, February
      // 2026: `test_multipart_and_list_parts` lists one upload untruncated with both markers, and
      // an empty listing with both ""); a page ending in a common prefix (UNCONFIRMED) names the
      // store's markers when truncated, else the last upload listed.
      NextKeyMarker: text(page.nextKeyMarker ?? page.uploads.at(-1)?.key ?? ''),
      NextUploadIdMarker: page.nextUploadIdMarker ?? page.uploads.at(-1)?.uploadId ?? '',
      ...(input.Prefix === undefined ? {} : { Prefix: text(input.Prefix) }),
      ...(input.Delimiter === undefined ? {} : { Delimiter: text(input.Delimiter) }),
      MaxUploads: maxUploads,
      ...(encode ? { EncodingType: 'url' as const } : {}),
      IsTruncated: page.isTruncated,
      ...(uploads.length === 0 ? {} : { Uploads: uploads }),
      ...(page.commonPrefixes.length === 0 ? {} : { CommonPrefixes: page.commonPrefixes.map((prefix) => ({ Prefix: text(prefix) })) }),
    };
  },
};
