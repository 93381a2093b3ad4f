/**
 * @module
 * ListParts: an upload's parts by number, a page at a time (`MaxParts`, default and ceiling 1000;
 * `PartNumberMarker` exclusive; `NextPartNumberMarker` the page's last part, `0` for an empty page,
 * truncated or not, as LocalStack's captures of S3 record it: `test_multipart_and_list_parts`), each
 * with its ETag, plaintext size and time, plus the upload's initiator, the bucket owner and the
 * storage class (model ListParts). Markers travel as strings, as the SDK types them. No
 * encryption fields are echoed. An upload that named a checksum algorithm lists each part's
 * checksum of it and the upload's `ChecksumAlgorithm` and `ChecksumType`. An upload that named
 * none lists no checksum at all, neither the one a part sent nor the CRC64NVME kept for the
 * object's default checksum: LocalStack's captures of S3 (February 2026:
 * `test_complete_multipart_parts_checksum_default`, whose part sent CRC32C,
 * `test_multipart_and_list_parts`, `test_upload_part_copy_range`, `test_multipart_upload_sse_c`)
 * list such parts with ETag, LastModified, PartNumber and Size only. (The API reference's `Part`
 * says ChecksumCRC64NVME is present "if the object was uploaded without a checksum"; S3 does not
 * list it for parts.)
 *
 * SSE-C: the upload's key, "needed only when the object was created using a checksum algorithm"
 * (API reference), is required then, and checked as a part's whenever sent (`uploadCustomerKey`;
 * UNCONFIRMED, no capture); an SSE-C upload without an algorithm lists without it (LS-snapshot
 * `test_multipart_upload_sse_c`).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { type ChecksumAlgorithm, type ChecksumType, checksumMember } from '../model/checksum.ts';
import { listArgument, listInteger, listPageSize } from '../model/multipart.ts';
import { flattened, int32, query, struct } from '../protocol/binding.ts';
import { CHECKSUM_XML_MEMBERS } from '../protocol/checksum-headers.ts';
import { SSE_C_REQUEST } from '../protocol/sse-headers.ts';
import type { PartListPage } from '../storage/types.ts';
import { ownedBucket } from './shared/buckets.ts';
import { findUpload, partRecord, uploadCustomerKey } from './shared/multipart.ts';
import { requireKey, type SseCustomerMembers } from './shared/objects.ts';
import { type Grantee, initiatorOf, ownerOf } from './shared/owners.ts';
import type { OperationDefinition } from './types.ts';

/** ListParts request. */
export interface ListPartsRequest extends SseCustomerMembers {
  Bucket: string;
  Key: string;
  UploadId: string;
  MaxParts?: number | undefined;
  /** Exclusive; a decimal part number (the SDK types it as a string). */
  PartNumberMarker?: string | number | undefined;
}

/** One listed part. */
export interface ListedPart {
  PartNumber: number;
  LastModified: Date;
  /** Quoted. */
  ETag: string;
  /** Plaintext bytes. */
  Size: number;
  ChecksumCRC32?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC64NVME?: string;
  ChecksumSHA1?: string;
  ChecksumSHA256?: string;
}

/** ListParts response. */
export interface ListPartsResponse {
  Bucket: string;
  Key: string;
  UploadId: string;
  PartNumberMarker: string;
  /** The page's last part number (`0` when it lists none), truncated or not. */
  NextPartNumberMarker: string;
  MaxParts: number;
  IsTruncated: boolean;
  /** Absent when the page is empty (as the SDK reads an answer without `Part` elements). */
  Parts?: ListedPart[];
  Initiator: Grantee;
  Owner: Grantee;
  /** The class the upload's object will have. */
  StorageClass: string;
  ChecksumAlgorithm?: ChecksumAlgorithm;
  ChecksumType?: ChecksumType;
}

/** ListParts. */
export const listParts: OperationDefinition<'ListParts', ListPartsRequest, ListPartsResponse> = {
  name: 'ListParts',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Data',
  // GET /{Bucket}/{Key+}?uploadId=U; answers <ListPartsResult>.
  rest: {
    method: 'GET',
    path: 'object',
    query: ['uploadId'],
    request: {
      members: {
        UploadId: query('uploadId'),
        // Refused when not a 32-bit integer before the bucket is looked up (`S3_ERRORS`).
        MaxParts: query('max-parts', int32('InvalidMaxParts')),
        PartNumberMarker: query('part-number-marker', int32('InvalidPartNumberMarker')),
        ...SSE_C_REQUEST,
      },
    },
    response: {
      xml: {
        root: 'ListPartsResult',
        shape: struct({
          Bucket: 'string',
          Key: 'string',
          UploadId: 'string',
          PartNumberMarker: 'string',
          NextPartNumberMarker: 'string',
          MaxParts: 'integer',
          IsTruncated: 'boolean',
          Parts: flattened(
            struct({
              PartNumber: 'integer',
              LastModified: 'timestamp',
              ETag: 'string',
              Size: 'integer',
              ...CHECKSUM_XML_MEMBERS,
            }),
            'Part',
          ),
          Initiator: struct({ ID: 'string', DisplayName: 'string' }),
          Owner: struct({ ID: 'string', DisplayName: 'string' }),
          StorageClass: 'string',
          ChecksumAlgorithm: 'string',
          ChecksumType: 'string',
        }),
      },
    },
  },
  // ListParts is authorized by s3:ListMultipartUploadParts on the object.
  access: { action: 's3:ListMultipartUploadParts', resource: 'object' },

  async handler(input, context) {
    // S3's order (model/int32.ts): an argument that is no 32-bit integer before the bucket, a
    // negative one after it, the same for a call in process as on the wire.
    listArgument(input.MaxParts, 'max-parts');
    listArgument(input.PartNumberMarker, 'part-number-marker');
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const maxParts = listPageSize(input.MaxParts, 'max-parts');
    const marker = partNumberMarker(input.PartNumberMarker);
    const upload = await findUpload(context, bucket, key, input.UploadId);
    // An SSE-C upload created with a checksum algorithm lists its parts only for its key.
    uploadCustomerKey(input, upload, context)?.key.fill(0);
    // MaxParts 0 is an empty page, not a truncated one (as ListObjectsV2 answers MaxKeys 0).
    const page: PartListPage =
      maxParts === 0 ? { parts: [], isTruncated: false } : await context.store.listParts(bucket, upload.uploadId, { maxParts, partNumberMarker: marker });
    const declared = upload.checksum.requested ? upload.checksum : undefined;
    // The algorithm each part lists: the upload's, and none for an upload that named none.
    const listed: ChecksumAlgorithm | undefined = declared?.algorithm;
    const parts = page.parts.map(partRecord).map((part): ListedPart => {
      const checksum = listed === undefined ? undefined : part.checksums[listed];
      return {
        PartNumber: part.partNumber,
        LastModified: new Date(part.lastModified),
        ETag: `"${part.etag}"`,
        Size: part.size,
        ...(listed === undefined || checksum === undefined ? {} : { [checksumMember(listed)]: checksum }),
      };
    });
    return {
      Bucket: bucket.name,
      Key: key,
      UploadId: upload.uploadId,
      PartNumberMarker: String(marker),
      NextPartNumberMarker: String(page.nextPartNumberMarker ?? page.parts.at(-1)?.partNumber ?? 0),
      MaxParts: maxParts,
      IsTruncated: page.isTruncated,
      ...(parts.length === 0 ? {} : { Parts: parts }),
      Initiator: initiatorOf(upload.initiator),
      Owner: ownerOf(bucket.owner),
      StorageClass: upload.storageClass,
      ...(declared === undefined ? {} : { ChecksumAlgorithm: declared.algorithm, ChecksumType: declared.type }),
    };
  },
};

/** The exclusive marker: 0 when absent or empty (as S3 serves `part-number-marker=`, LS-snapshot). */
function partNumberMarker(value: string | number | undefined): number {
  return value === undefined || value === '' ? 0 : listInteger(value, 'part-number-marker');
}
