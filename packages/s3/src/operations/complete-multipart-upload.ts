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
 * KMS modes' fields; for SSE-C, the algorithm and key MD5 the request sent, none without (LS-snapshot:
 * an SSE-C completion sent without the key is 200 with no SSE fields; minio/minio-go#1980: one
 * sent with it is 200 with both headers). SSE-C members, when sent, must match the upload's key
 * (UNCONFIRMED: no capture shows a mismatch), and an SSE-C upload created with a checksum
 * algorithm needs them (`uploadCustomerKey`: 400, code and text UNCONFIRMED). Sent while the bucket
 * blocks SSE-C, they are refused as a part's are (403 AccessDenied: the User Guide's block covers
 * "any … Multipart Upload … request that specifies SSE-C"; UNCONFIRMED, no capture); a completion
 * without them specifies no SSE-C and is not refused.
 *
 * Checksums (`model/checksum-multipart.ts` has the rules and texts): the completion's
 * `x-amz-checksum-type` must be the upload's; each listed part's checksums are checked against the
 * stored ones (a COMPOSITE upload needs them, an upload without an algorithm takes none); the
 * object's checksum is made from the parts' stored values (COMPOSITE `…-N`, FULL_OBJECT the CRCs
 * combined, or S3's default CRC64NVME) without reading the object back, and a full-object value
 * the completion sends must equal it (400 BadDigest). The object keeps it for checksum-mode reads;
 * the response carries it except for KMS-encrypted objects (LocalStack records S3 omitting it
 * then; UNCONFIRMED by a capture of ours).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { S3Error } from '../errors.ts';
import { type ChecksumResponseMembers, type ChecksumType, checksumMember, type StoredChecksum } from '../model/checksum.ts';
import {
  type ChecksumValues,
  checkCompletionChecksum,
  checkCompletionChecksumType,
  checkMpuObjectSize,
  checksumValuesOf,
} from '../model/checksum-multipart.ts';
import { checkUnchangedSinceInitiation, parseWriteCondition, type WriteCondition } from '../model/conditional-write.ts';
import { multipartEtag } from '../model/etag.ts';
import { checkCompletedParts, checkPartList, invalidPart, type RequestedPart, type UploadedPart } from '../model/multipart.ts';
import { flattened, header, query, struct, xmlPayload } from '../protocol/binding.ts';
import { CHECKSUM_VALUE_HEADERS, CHECKSUM_XML_MEMBERS } from '../protocol/checksum-headers.ts';
import { SSE_C_REQUEST, SSE_RESPONSE } from '../protocol/sse-headers.ts';
import type { BucketTarget, CommitGuard } from '../storage/types.ts';
import { ownedBucket } from './shared/buckets.ts';
import { checksumFields } from './shared/checksums.ts';
import { conditionalWriteConditions, objectCreationConditions, writeEncryptionConditions } from './shared/conditions.ts';
import { findUpload, noSuchUpload, type PartRecord, partRecord, type UploadRecord, uploadCustomerKey } from './shared/multipart.ts';
import { keyVersion, multipartObjectFields, requireKey, type SseCustomerMembers, type SseResponseMembers, writeGuard } from './shared/objects.ts';
import { objectChecksumOf, partChecksumFields } from './shared/part-checksums.ts';
import { responseEncryption } from './shared/response.ts';
import type { OperationDefinition, S3OperationContext } from './types.ts';

/** One listed part, as the SDK names it. */
export interface CompletedPart {
  PartNumber?: number | undefined;
  ETag?: string | undefined;
  ChecksumCRC32?: string | undefined;
  ChecksumCRC32C?: string | undefined;
  ChecksumCRC64NVME?: string | undefined;
  ChecksumSHA1?: string | undefined;
  ChecksumSHA256?: string | undefined;
}

/** CompleteMultipartUpload request. */
export interface CompleteMultipartUploadRequest extends SseCustomerMembers {
  Bucket: string;
  Key: string;
  UploadId: string;
  MultipartUpload?: { Parts?: CompletedPart[] } | undefined;
  /** The object's full-object checksum, checked against the one combined from the parts. */
  ChecksumCRC32?: string | undefined;
  ChecksumCRC32C?: string | undefined;
  ChecksumCRC64NVME?: string | undefined;
  ChecksumSHA1?: string | undefined;
  ChecksumSHA256?: string | undefined;
  ChecksumMD5?: string | undefined;
  ChecksumSHA512?: string | undefined;
  ChecksumXXHASH64?: string | undefined;
  ChecksumXXHASH3?: string | undefined;
  ChecksumXXHASH128?: string | undefined;
  /** `x-amz-checksum-type`: must be the upload's. */
  ChecksumType?: string | undefined;
  /** `x-amz-mp-object-size`: the object's size, checked against the parts'. */
  MpuObjectSize?: number | undefined;
  /** Conditional write: complete only if the key's current ETag is this one (else 412; 404 without an object). */
  IfMatch?: string | undefined;
  /** Conditional write: `*`, complete only if the key has no object (else 412). */
  IfNoneMatch?: string | undefined;
}

/** CompleteMultipartUpload response. */
export interface CompleteMultipartUploadResponse extends SseResponseMembers, ChecksumResponseMembers {
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
                ...CHECKSUM_XML_MEMBERS,
              }),
              'Part',
            ),
          }),
        ),
        ...CHECKSUM_VALUE_HEADERS,
        ChecksumType: header('x-amz-checksum-type'),
        MpuObjectSize: header('x-amz-mp-object-size', 'integer'),
        IfMatch: header('if-match'),
        IfNoneMatch: header('if-none-match'),
        ...SSE_C_REQUEST,
      },
    },
    response: {
      members: { ...SSE_RESPONSE },
      xml: {
        root: 'CompleteMultipartUploadResult',
        shape: struct({
          Location: 'string',
          Bucket: 'string',
          Key: 'string',
          ETag: 'string',
          ...CHECKSUM_XML_MEMBERS,
          ChecksumType: 'string',
        }),
      },
    },
  },
  // CompleteMultipartUpload is authorized by s3:PutObject (with the SSE-C algorithm it may repeat).
  // With the conditional-write keys, so a bucket policy can require If-None-Match / If-Match.
  access: {
    action: 's3:PutObject',
    resource: 'object',
    conditions: (input, scope) => ({ ...writeEncryptionConditions(input, scope), ...conditionalWriteConditions(input), ...objectCreationConditions(true) }),
  },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const condition = parseWriteCondition(input.IfMatch, input.IfNoneMatch);
    const upload = await findUpload(context, bucket, key, input.UploadId);
    const requested = requestedParts(input.MultipartUpload?.Parts);
    checkPartList(requested);
    checkCompletionChecksumType(upload.checksum, input.ChecksumType);
    // Only its MD5 is answered: the part checksums are not sealed under the key here.
    // Sent while the bucket blocks SSE-C, it is a multipart request that specifies SSE-C: 403.
    const customerKeyMd5 = withoutKey(uploadCustomerKey(input, upload, context, { bucket, key }));
    // Parts are replaced but never removed while the upload lasts, so a part found here is still
    // there at the commit; its ETag, size and checksums are checked again inside it.
    const uploaded = await uploadedParts(context, bucket, upload.uploadId);
    const listed = requested.map((part) => {
      const found = uploaded.get(part.partNumber);
      if (found === undefined) throw invalidPart(upload.uploadId, part.partNumber, part.etag);
      return found;
    });
    checkCompletedParts(upload.uploadId, requested, listed.map(checkedPart(upload)), upload.checksum);
    checkMpuObjectSize(
      input.MpuObjectSize,
      listed.reduce((total, part) => total + part.size, 0),
    );
    // The object's checksum from the parts' stored values (no part is read back).
    const checksum = await objectChecksumOf(upload, listed);
    if (checksum !== undefined) checkCompletionChecksum(upload.checksum, checksumValuesOf(input), input.ChecksumType !== undefined, checksum.value);
    let etag = '';
    try {
      await context.store.completeUpload(
        bucket,
        upload.uploadId,
        requested.map((part) => part.partNumber),
        (stored) => {
          const parts = stored.map(partRecord);
          checkCompletedParts(upload.uploadId, requested, parts.map(checkedPart(upload)), upload.checksum);
          // A part replaced since the checksum was made (same ETag, other checksums) is not the one checked.
          for (const [index, part] of parts.entries()) {
            if (!sameValues(part.checksums, listed[index]?.checksums ?? {})) throw invalidPart(upload.uploadId, part.partNumber, requested[index]?.etag ?? '');
          }
          etag = multipartEtag(
            parts.map((part) => part.etag),
            context.crypto.md5,
          );
          return {
            ...multipartObjectFields(
              upload.mode,
              `"${etag}"`,
              parts,
              upload.contentType,
              upload.userMetadataJson,
              upload.modeFields,
              upload.headersJson,
              upload.attributes,
            ),
            ...(checksum === undefined ? {} : checksumFields(checksum)),
            ...partChecksumFields(checksum, parts),
          };
        },
        completionGuard(condition, upload, key),
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
      ...completionChecksumMembers(checksum, upload),
      ...responseEncryption('CompleteMultipartUpload', upload.mode, customerKeyMd5, upload.kms),
    };
  },
};

/** The response's checksum: the object's, except on KMS-encrypted objects (LocalStack's record of S3). */
function completionChecksumMembers(checksum: StoredChecksum | undefined, upload: UploadRecord): ChecksumResponseMembers {
  if (checksum === undefined || upload.kms !== undefined) return {};
  const type: ChecksumType = checksum.type;
  return { [checksumMember(checksum.algorithm)]: checksum.value, ChecksumType: type };
}

/** A stored part as the model checks it: with its value of the upload's algorithm. */
function checkedPart(upload: UploadRecord): (part: PartRecord) => UploadedPart {
  return (part) => ({ partNumber: part.partNumber, etag: part.etag, size: part.size, checksum: part.checksums[upload.checksum.algorithm] });
}

function sameValues(a: ChecksumValues, b: ChecksumValues): boolean {
  const names = Object.keys(a);
  return names.length === Object.keys(b).length && names.every((name) => a[name as keyof ChecksumValues] === b[name as keyof ChecksumValues]);
}

/** The request's part list in the model's shape (a part without a number is not S3's schema). */
function requestedParts(parts: readonly CompletedPart[] | undefined): RequestedPart[] {
  return (parts ?? []).map((part) => {
    if (part === null || typeof part !== 'object' || typeof part.PartNumber !== 'number') throw new S3Error('MalformedXML');
    return { partNumber: part.PartNumber, etag: typeof part.ETag === 'string' ? part.ETag : '', checksums: checksumValuesOf(part) };
  });
}

/** The MD5 of a checked customer key, the key itself wiped. */
function withoutKey(customer: { key: Uint8Array; keyMd5: string } | undefined): string | undefined {
  customer?.key.fill(0);
  return customer?.keyMd5;
}

async function uploadedParts(context: S3OperationContext, bucket: BucketTarget, uploadId: string): Promise<Map<number, PartRecord>> {
  const parts = new Map<number, PartRecord>();
  let marker: number | undefined;
  for (;;) {
    const page = await context.store.listParts(bucket, uploadId, { maxParts: 1000, partNumberMarker: marker });
    for (const part of page.parts) parts.set(part.partNumber, partRecord(part));
    if (!page.isTruncated) return parts;
    marker = page.nextPartNumberMarker;
  }
}

/** S3's `Location`: the object's virtual-hosted URL, its key percent-encoded segment by segment. */
function objectLocation(bucket: string, region: string, key: string): string {
  const host = region === 'us-east-1' ? `${bucket}.s3.amazonaws.com` : `${bucket}.s3.${region}.amazonaws.com`;
  return `https://${host}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * A conditional completion's store guard (LS-snapshot test_multipart_if_*, recorded against S3):
 * the condition against the object the completion replaces (412, or 404 for `If-Match` without
 * one), then, the condition holding, the key unchanged since the upload began (else 409
 * ConditionalRequestConflict: even a write of identical bytes, or a delete, in between).
 */
function completionGuard(condition: WriteCondition, upload: UploadRecord, key: string): CommitGuard | undefined {
  const check = writeGuard(condition, key);
  if (check === undefined) return undefined;
  return (current) => {
    check(current);
    checkUnchangedSinceInitiation(condition, upload.keyVersionAtInitiation, keyVersion(current), key);
  };
}
