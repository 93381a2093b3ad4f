/**
 * @module
 * CompleteMultipartUpload: the listed parts, in order, become the object, atomically (replacing
 * any object of the key; unlisted parts are discarded). The list must be strictly ascending (400
 * InvalidPartOrder); every listed part must have been uploaded with the ETag given (400
 * InvalidPart); every part but the last must hold at least 5 MiB (400 EntityTooSmall). The ETag
 * and size checks run inside the store's completion, under the upload, so no concurrent
 * UploadPart can replace a part between the check and the commit. The object keeps each part's
 * sealed segment as it is (nothing is re-encrypted) and its ETag is
 * `hex(MD5(part digest ‖ …))-N` (model `Object.ETag`; §1.4). The response echoes SSE-S3's and the
 * KMS modes' fields but none for SSE-C (LS-snapshot: an SSE-C completion sent without the key is
 * 200 with no SSE fields); SSE-C members, when sent, must match the upload's key (UNCONFIRMED:
 * S3 documents them as optional here and no capture shows a mismatch).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { S3Error } from '../errors.ts';
import { multipartEtag } from '../model/etag.ts';
import { checkCompletedParts, checkPartList, invalidPart, type RequestedPart } from '../model/multipart.ts';
import { flattened, query, struct, xmlPayload } from '../protocol/binding.ts';
import { SSE_C_REQUEST, SSE_RESPONSE } from '../protocol/sse-headers.ts';
import { ownedBucket } from './shared/buckets.ts';
import { writeEncryptionConditions } from './shared/conditions.ts';
import { findUpload, noSuchUpload, partCustomerKey, partRecord, type UploadRecord } from './shared/multipart.ts';
import { multipartObjectFields, requireKey, type SseCustomerMembers, type SseResponseMembers } from './shared/objects.ts';
import { responseEncryption } from './shared/response.ts';
import type { OperationDefinition, S3OperationContext } from './types.ts';

/** One listed part, as the SDK names it. */
export interface CompletedPart {
  PartNumber?: number | undefined;
  ETag?: string | undefined;
}

/** CompleteMultipartUpload request. */
export interface CompleteMultipartUploadRequest extends SseCustomerMembers {
  Bucket: string;
  Key: string;
  UploadId: string;
  MultipartUpload?: { Parts?: CompletedPart[] } | undefined;
}

/** CompleteMultipartUpload response. */
export interface CompleteMultipartUploadResponse extends SseResponseMembers {
  /** The object's URL, as S3 answers it. */
  Location: string;
  Bucket: string;
  Key: string;
  /** Quoted, `"<32 hex>-<parts>"`. */
  ETag: string;
}

/** CompleteMultipartUpload. */
export const completeMultipartUpload: OperationDefinition<'CompleteMultipartUpload', CompleteMultipartUploadRequest, CompleteMultipartUploadResponse> = {
  name: 'CompleteMultipartUpload',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  // POST /{Bucket}/{Key+}?uploadId=U with <CompleteMultipartUpload>; answers <CompleteMultipartUploadResult>.
  rest: {
    method: 'POST',
    path: 'object',
    query: ['uploadId'],
    request: {
      members: {
        UploadId: query('uploadId'),
        MultipartUpload: xmlPayload(
          'CompleteMultipartUpload',
          struct({
            Parts: flattened(
              struct({
                PartNumber: 'integer',
                ETag: 'string',
                ChecksumCRC32: 'string',
                ChecksumCRC32C: 'string',
                ChecksumCRC64NVME: 'string',
                ChecksumSHA1: 'string',
                ChecksumSHA256: 'string',
              }),
              'Part',
            ),
          }),
        ),
        ...SSE_C_REQUEST,
      },
    },
    response: {
      members: { ...SSE_RESPONSE },
      xml: { root: 'CompleteMultipartUploadResult', shape: struct({ Location: 'string', Bucket: 'string', Key: 'string', ETag: 'string' }) },
    },
  },
  // CompleteMultipartUpload is authorized by s3:PutObject (with the SSE-C algorithm it may repeat).
  access: { action: 's3:PutObject', resource: 'object', conditions: writeEncryptionConditions },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const upload = await findUpload(context, bucket.name, key, input.UploadId);
    const requested = requestedParts(input.MultipartUpload?.Parts);
    checkPartList(requested);
    partCustomerKeyIfSent(input, upload, context);
    // Parts are replaced but never removed while the upload lasts, so a part found here is still
    // there at the commit; its ETag and size are checked again inside it.
    const uploaded = await uploadedPartNumbers(context, bucket.name, upload.uploadId);
    for (const part of requested) if (!uploaded.has(part.partNumber)) throw invalidPart(upload.uploadId, part.partNumber, part.etag);
    let etag = '';
    try {
      await context.store.completeUpload(
        bucket.name,
        upload.uploadId,
        requested.map((part) => part.partNumber),
        (stored) => {
          const parts = stored.map(partRecord);
          checkCompletedParts(upload.uploadId, requested, parts);
          etag = multipartEtag(
            parts.map((part) => part.etag),
            context.crypto.md5,
          );
          return multipartObjectFields(upload.mode, `"${etag}"`, parts, upload.contentType, upload.userMetadataJson, upload.modeFields);
        },
      );
    } catch (error) {
      // Completed or aborted by another request since it was found.
      if (error instanceof S3Error && error.reason === 'NoSuchUpload') throw noSuchUpload(upload.uploadId);
      throw error;
    }
    return {
      Location: objectLocation(bucket.name, bucket.region, key),
      Bucket: bucket.name,
      Key: key,
      ETag: `"${etag}"`,
      ...responseEncryption('CompleteMultipartUpload', upload.mode, undefined, upload.kms),
    };
  },
};

/** The request's part list in the model's shape (a part without a number is not S3's schema). */
function requestedParts(parts: readonly CompletedPart[] | undefined): RequestedPart[] {
  return (parts ?? []).map((part) => {
    if (part === null || typeof part !== 'object' || typeof part.PartNumber !== 'number') throw new S3Error('MalformedXML');
    return { partNumber: part.PartNumber, etag: typeof part.ETag === 'string' ? part.ETag : '' };
  });
}

/** SSE-C members sent on a completion must be the upload's key (checked as a part's), then wiped. */
function partCustomerKeyIfSent(input: CompleteMultipartUploadRequest, upload: UploadRecord, context: S3OperationContext): void {
  if (input.SSECustomerAlgorithm === undefined && input.SSECustomerKey === undefined && input.SSECustomerKeyMD5 === undefined) return;
  partCustomerKey(input, upload, context)?.key.fill(0);
}

async function uploadedPartNumbers(context: S3OperationContext, bucket: string, uploadId: string): Promise<Set<number>> {
  const numbers = new Set<number>();
  let marker: number | undefined;
  for (;;) {
    const page = await context.store.listParts(bucket, uploadId, { maxParts: 1000, partNumberMarker: marker });
    for (const part of page.parts) numbers.add(part.partNumber);
    if (!page.isTruncated) return numbers;
    marker = page.nextPartNumberMarker;
  }
}

/** S3's `Location`: the object's virtual-hosted URL, its key percent-encoded segment by segment. */
function objectLocation(bucket: string, region: string, key: string): string {
  const host = region === 'us-east-1' ? `${bucket}.s3.amazonaws.com` : `${bucket}.s3.${region}.amazonaws.com`;
  return `https://${host}/${key.split('/').map(encodeURIComponent).join('/')}`;
}
