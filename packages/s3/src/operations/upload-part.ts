/**
 * @module
 * UploadPart: seals one part's body in the upload's mode, bound to its part number, and stores it
 * durably, replacing a part of the same number. The part ETag is the plaintext MD5 for SSE-S3 and
 * 16 random bytes for the other modes, as a single PUT's. A KMS upload's part key is derived from
 * the upload's KMS key, which KMS decrypts now for the caller (kms:Decrypt, as S3 requires). An SSE-C upload needs the same customer key on
 * every part (400 InvalidRequest when missing or different); SSE-C members on another upload are
 * 400 too (model UploadPart; ../shared/reference/s3-sse.md §2.1). Content-MD5 is checked against
 * the plaintext (400 BadDigest, nothing kept). The response echoes the mode's encryption fields
 * (no context).
 *
 * Checksums: the part's checksum (a value, an algorithm or a trailer) is computed over its
 * plaintext and checked before the part is kept (400 BadDigest, nothing stored), as a PutObject's,
 * and stored with the part for ListParts and the completion. An upload that named an algorithm
 * takes only parts carrying that algorithm (400 InvalidRequest "Checksum Type mismatch occurred",
 * checked before the body is read); in an upload that named none, a part that sent another
 * algorithm also gets S3's default CRC64NVME computed, from which the object's default
 * full-object checksum is combined.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { type ChecksumMembers, type ChecksumResponseMembers, checksumMember } from '../model/checksum.ts';
import { checkPartChecksumAlgorithm } from '../model/checksum-multipart.ts';
import { checkPartNumber } from '../model/multipart.ts';
import { checkProposedSize } from '../model/upload-size.ts';
import { header, query, streamPayload } from '../protocol/binding.ts';
import { CHECKSUM_REQUEST, CHECKSUM_RESPONSE } from '../protocol/checksum-headers.ts';
import { SSE_C_REQUEST, SSE_HEADERS, SSE_RESPONSE } from '../protocol/sse-headers.ts';
import type { RequestBody } from './shared/body.ts';
import { ownedBucket } from './shared/buckets.ts';
import { checksummedBody, contentMd5 } from './shared/checksums.ts';
import { objectCreationConditions, writeEncryptionConditions } from './shared/conditions.ts';
import { findUpload, partCustomerKey, sealPart } from './shared/multipart.ts';
import { requireKey, type SseCustomerMembers, type SseResponseMembers } from './shared/objects.ts';
import { defaultChecksummedBody, needsDefaultChecksum } from './shared/part-checksums.ts';
import { responseEncryption } from './shared/response.ts';
import type { OperationDefinition } from './types.ts';

/** UploadPart request. */
export interface UploadPartRequest extends SseCustomerMembers, ChecksumMembers {
  Bucket: string;
  Key: string;
  UploadId: string;
  PartNumber: number;
  /** Not taken by UploadPart (S3 answers 400); bound so the part can refuse it. */
  ServerSideEncryption?: string;
  Body?: RequestBody;
  /** Base64 of the part's MD5, checked against what arrives. */
  ContentMD5?: string;
  /** The declared body size (`Content-Length`; the framed size of an aws-chunked body). */
  ContentLength?: number;
  /** `x-amz-decoded-content-length`: an aws-chunked body's own size. */
  DecodedContentLength?: number;
}

/** UploadPart response. */
export interface UploadPartResponse extends SseResponseMembers, Omit<ChecksumResponseMembers, 'ChecksumType'> {
  /** Quoted, as S3 sends it. */
  ETag: string;
  /** Plaintext bytes stored: not sent (the response binding has no such member); the CloudTrail event's `bytesTransferredIn`. */
  Size: number;
}

/** UploadPart. */
export const uploadPart: OperationDefinition<'UploadPart', UploadPartRequest, UploadPartResponse> = {
  name: 'UploadPart',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  // PUT /{Bucket}/{Key+}?partNumber=N&uploadId=U with the part as the body.
  rest: {
    method: 'PUT',
    path: 'object',
    query: ['partNumber', 'uploadId'],
    request: {
      members: {
        PartNumber: query('partNumber', 'integer'),
        UploadId: query('uploadId'),
        Body: streamPayload(),
        ContentMD5: header('content-md5'),
        ContentLength: header('content-length', 'integer'),
        DecodedContentLength: header('x-amz-decoded-content-length', 'integer'),
        // Bound so the part can refuse it (S3: 400), not because a part takes it.
        ServerSideEncryption: header(SSE_HEADERS.serverSideEncryption),
        ...SSE_C_REQUEST,
        ...CHECKSUM_REQUEST,
      },
    },
    response: { members: { ETag: header('etag'), ...SSE_RESPONSE, ...CHECKSUM_RESPONSE } },
  },
  // UploadPart is authorized by s3:PutObject; an SSE-C upload repeats the customer algorithm, which
  // policies requiring SSE-C test on every part (reference §4.1); s3:ObjectCreationOperation is
  // false (a policy requiring conditional writes exempts it).
  access: {
    action: 's3:PutObject',
    resource: 'object',
    conditions: (input, scope) => ({ ...writeEncryptionConditions(input, scope), ...objectCreationConditions(false) }),
  },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const partNumber = checkPartNumber(input.PartNumber);
    // The declared size, before the body is read: over 5 GiB is 400 EntityTooLarge.
    checkProposedSize(input.DecodedContentLength, input.ContentLength);
    const expectedMd5 = contentMd5(input.ContentMD5);
    const upload = await findUpload(context, bucket, key, input.UploadId);
    const customer = partCustomerKey(input, upload, context, { bucket, key });
    try {
      const checksummed = checksummedBody(input.Body, input);
      checkPartChecksumAlgorithm(upload.checksum, checksummed.requested ? checksummed.algorithm : undefined);
      const withDefault = needsDefaultChecksum(upload, checksummed.algorithm) ? defaultChecksummedBody(checksummed.body) : undefined;
      const { etag, size } = await sealPart(context, bucket, upload, partNumber, withDefault?.body ?? checksummed.body, customer?.key, expectedMd5, () => ({
        [checksummed.algorithm]: checksummed.checksum().value,
        ...(withDefault === undefined ? {} : { CRC64NVME: withDefault.value() }),
      }));
      const checksum = checksummed.requested ? checksummed.checksum() : undefined;
      return {
        ETag: etag,
        Size: size,
        ...(checksum === undefined ? {} : { [checksumMember(checksum.algorithm)]: checksum.value }),
        ...responseEncryption('UploadPart', upload.mode, customer?.keyMd5, upload.kms),
      };
    } finally {
      customer?.key.fill(0);
    }
  },
};
