/**
 * @module
 * CreateMultipartUpload: starts an upload whose encryption is decided here, once, as PutObject
 * decides it (the request's SSE members or the bucket default, the same SSE-C rules and the
 * bucket's SSE-C block): every part is then sealed in that mode, and an SSE-C upload keeps a
 * verifier of the customer key (never the key) so each part must bring the same key. SSE-KMS and
 * DSSE-KMS call KMS GenerateDataKey here, once per layer, on the caller's behalf (or take the
 * requester's bucket key), and keep only the KMS-wrapped key: each UploadPart decrypts it as its
 * caller (S3 requires kms:Decrypt for multipart uploads). The response echoes the encryption
 * fields S3 echoes for the mode (context included, as for PutObject).
 *
 * The upload's checksum is decided here too (`x-amz-checksum-algorithm`, `x-amz-checksum-type`;
 * `resolveUploadChecksum` has S3's rules: CRC64NVME full-object only, SHA-1 and SHA-256 composite
 * only, CRC32 and CRC32C either, composite by default), checked before anything else is done, and
 * echoed in the same two headers when the request named an algorithm.
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { storedKmsEncryption } from '../crypto/index.ts';
import { type ChecksumAlgorithm, type ChecksumType, resolveUploadChecksum } from '../model/checksum.ts';
import { type ObjectHeaders, objectHeadersJson, objectHeadersOf } from '../model/object-headers.ts';
import { checkStorageClass } from '../model/storage-class.ts';
import { NO_TAGS, parseTaggingHeader } from '../model/tagging.ts';
import { header, metadataHeaders, struct } from '../protocol/binding.ts';
import { OBJECT_HEADERS_BINDING } from '../protocol/object-headers.ts';
import { SSE_RESPONSE, SSE_WRITE_REQUEST } from '../protocol/sse-headers.ts';
import type { StoredFields } from '../storage/types.ts';
import { ownedBucket } from './shared/buckets.ts';
import { objectCreationConditions, writeEncryptionConditions } from './shared/conditions.ts';
import { customerKeyFields, uploadFields } from './shared/multipart.ts';
import { writtenObjectTags } from './shared/object-tags.ts';
import { attributeFields, keyVersion, requireKey, type SseResponseMembers, type SseWriteMembers, userMetadataField } from './shared/objects.ts';
import { responseEncryption } from './shared/response.ts';
import { decideObjectEncryption } from './shared/write.ts';
import type { OperationDefinition } from './types.ts';

/** CreateMultipartUpload request. */
export interface CreateMultipartUploadRequest extends SseWriteMembers, ObjectHeaders {
  Bucket: string;
  Key: string;
  ContentType?: string;
  Metadata?: Record<string, string>;
  /** `x-amz-checksum-algorithm`: the algorithm every part must carry. */
  ChecksumAlgorithm?: string;
  /** `x-amz-checksum-type`: COMPOSITE or FULL_OBJECT (needs an algorithm). */
  ChecksumType?: string;
  /** `x-amz-storage-class`: the object's class (`model/storage-class.ts`); STANDARD when absent. */
  StorageClass?: string;
  /** `x-amz-tagging`: the object's tags, URL query parameters (`model/tagging.ts`). */
  Tagging?: string;
}

/** CreateMultipartUpload response. */
export interface CreateMultipartUploadResponse extends SseResponseMembers {
  Bucket: string;
  Key: string;
  UploadId: string;
  /** Echoed when the request named one. */
  ChecksumAlgorithm?: ChecksumAlgorithm;
  ChecksumType?: ChecksumType;
}

/** CreateMultipartUpload. */
export const createMultipartUpload: OperationDefinition<'CreateMultipartUpload', CreateMultipartUploadRequest, CreateMultipartUploadResponse> = {
  name: 'CreateMultipartUpload',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',
  // POST /{Bucket}/{Key+}?uploads; the answer is <InitiateMultipartUploadResult>.
  rest: {
    method: 'POST',
    path: 'object',
    query: ['uploads'],
    request: {
      members: {
        ContentType: header('content-type'),
        Metadata: metadataHeaders(),
        ChecksumAlgorithm: header('x-amz-checksum-algorithm'),
        ChecksumType: header('x-amz-checksum-type'),
        StorageClass: header('x-amz-storage-class'),
        Tagging: header('x-amz-tagging'),
        ...OBJECT_HEADERS_BINDING,
        ...SSE_WRITE_REQUEST,
      },
    },
    response: {
      members: { ...SSE_RESPONSE, ChecksumAlgorithm: header('x-amz-checksum-algorithm'), ChecksumType: header('x-amz-checksum-type') },
      xml: { root: 'InitiateMultipartUploadResult', shape: struct({ Bucket: 'string', Key: 'string', UploadId: 'string' }) },
    },
  },
  // CreateMultipartUpload is authorized by s3:PutObject, with the write's encryption condition keys
  // and s3:ObjectCreationOperation false (a policy requiring conditional writes exempts it).
  access: {
    action: 's3:PutObject',
    resource: 'object',
    conditions: (input, scope) => ({ ...writeEncryptionConditions(input, scope), ...objectCreationConditions(false) }),
    // UNCONFIRMED that S3 gives CreateMultipartUpload's s3:PutObject the tags of its x-amz-tagging
    // (the reference lists the keys on the action, not per API): the tags the request sets.
    requestTags: (input) => (input.Tagging === undefined ? NO_TAGS : parseTaggingHeader(input.Tagging)),
  },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    checkStorageClass(input.StorageClass);
    const userMetadata = userMetadataField(input.Metadata);
    // Cache-Control, Content-Disposition, … (the redirect checked): the completed object's.
    const headersJson = objectHeadersJson(objectHeadersOf(input));
    // The completed object's storage class and tags (ListParts and ListMultipartUploads answer the class).
    const tags = input.Tagging === undefined ? [] : parseTaggingHeader(input.Tagging);
    // "To successfully set the tag-set with your PutObject request, you must have the
    // s3:PutObjectTagging" (PutObject API reference, "Permissions"), besides s3:PutObject.
    if (tags.length > 0) await context.authorize('s3:PutObjectTagging', bucket, key, undefined, writtenObjectTags(tags));
    const attributes = attributeFields(input.StorageClass, tags);
    const checksum = resolveUploadChecksum(input);
    const decided = decideObjectEncryption(input, bucket, key, context);
    let modeFields: StoredFields = {};
    let customerKeyMd5: string | undefined;
    if (decided.mode === 'SSE-C') {
      try {
        modeFields = customerKeyFields(decided.customerKey.key);
      } finally {
        decided.customerKey.key.fill(0);
      }
      customerKeyMd5 = decided.customerKey.keyMd5;
    } else if (decided.mode !== 'SSE-S3') {
      // One GenerateDataKey per layer now, on the caller's behalf (or the requester's bucket
      // key), before anything is stored: a KMS refusal is the answer and starts no upload. Only
      // the KMS-wrapped key is kept; each part decrypts it.
      const request = { caller: context.caller, region: bucket.region, keyId: decided.kmsKeyId, context: decided.context };
      modeFields =
        decided.mode === 'SSE-KMS'
          ? await context.crypto.sseKms.forUpload({ bucket: bucket.name, key }, { ...request, bucketKey: decided.bucketKeyEnabled })
          : await context.crypto.dsseKms.forUpload({ bucket: bucket.name, key }, request);
    }
    // The key's version now: a completion with If-Match / If-None-Match is refused (409) if the
    // key is written or deleted before it (LS-snapshot test_multipart_if_*, recorded against S3).
    const current = keyVersion(await context.store.headObject(bucket, key));
    const upload = await context.store.createUpload(
      bucket,
      key,
      uploadFields(decided.mode, input.ContentType, userMetadata, context.caller.arn, modeFields, checksum, current, headersJson, attributes),
    );
    const kms = decided.mode === 'SSE-KMS' || decided.mode === 'DSSE-KMS' ? storedKmsEncryption(modeFields) : undefined;
    return {
      Bucket: bucket.name,
      Key: key,
      UploadId: upload.uploadId,
      ...responseEncryption('CreateMultipartUpload', decided.mode, customerKeyMd5, kms),
      ...(checksum.requested ? { ChecksumAlgorithm: checksum.algorithm, ChecksumType: checksum.type } : {}),
    };
  },
};
