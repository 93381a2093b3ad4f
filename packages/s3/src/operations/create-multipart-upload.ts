/**
 * @module
 * CreateMultipartUpload: starts an upload whose encryption is decided here, once, as PutObject
 * decides it (the request's SSE members or the bucket default, the same SSE-C rules and the
 * bucket's SSE-C block): every part is then sealed in that mode, and an SSE-C upload keeps a
 * verifier of the customer key (never the key) so each part must bring the same key. SSE-KMS and
 * DSSE-KMS answer 501 NotImplemented, as PutObject does, before anything is stored. The response
 * echoes the encryption fields S3 echoes for the mode (context included, as for PutObject).
 *
 * A data event: CloudTrail records it only in trails with S3 data events enabled.
 */

import { decideWriteEncryption } from '../model/encryption.ts';
import { ownedBucket } from './shared/buckets.ts';
import { customerKeyFields, uploadFields } from './shared/multipart.ts';
import { notBuilt, requireKey, type SseResponseMembers, type SseWriteMembers, sseRequestOf, userMetadataField } from './shared/objects.ts';
import { responseEncryption } from './shared/response.ts';
import type { OperationDefinition } from './types.ts';

/** CreateMultipartUpload request. */
export interface CreateMultipartUploadRequest extends SseWriteMembers {
  Bucket: string;
  Key: string;
  ContentType?: string;
  Metadata?: Record<string, string>;
}

/** CreateMultipartUpload response. */
export interface CreateMultipartUploadResponse extends SseResponseMembers {
  Bucket: string;
  Key: string;
  UploadId: string;
}

/** CreateMultipartUpload. */
export const createMultipartUpload: OperationDefinition<'CreateMultipartUpload', CreateMultipartUploadRequest, CreateMultipartUploadResponse> = {
  name: 'CreateMultipartUpload',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Data',

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const key = requireKey(input.Key);
    const userMetadata = userMetadataField(input.Metadata);
    const decided = decideWriteEncryption(
      sseRequestOf(input),
      bucket.encryption,
      {
        secureTransport: context.secureTransport,
        region: bucket.region,
        principalArn: context.caller.arn,
        // IAM authorizes CreateMultipartUpload as s3:PutObject (the SSE-C block message names it).
        action: 's3:PutObject',
        resource: `arn:aws:s3:::${bucket.name}/${key}`,
      },
      context.crypto.md5,
    );
    let modeFields = {};
    let customerKeyMd5: string | undefined;
    if (decided.mode === 'SSE-C') {
      try {
        modeFields = customerKeyFields(decided.customerKey.key);
      } finally {
        decided.customerKey.key.fill(0);
      }
      customerKeyMd5 = decided.customerKey.keyMd5;
    } else if (decided.mode !== 'SSE-S3') throw notBuilt(decided.mode);
    const upload = await context.store.createUpload(
      bucket.name,
      key,
      uploadFields(decided.mode, input.ContentType, userMetadata, context.caller.arn, modeFields),
    );
    return { Bucket: bucket.name, Key: key, UploadId: upload.uploadId, ...responseEncryption('CreateMultipartUpload', decided.mode, customerKeyMd5) };
  },
};
