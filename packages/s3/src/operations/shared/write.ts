/**
 * @module
 * The keys a new object is sealed with, for the encryption a write decided (PutObject's, CopyObject's
 * destination): a fresh SSE-S3 data key; one wrapped by the request's SSE-C key (wiped here once
 * used); or, for SSE-KMS and DSSE-KMS, data keys from KMS called now, on the caller's behalf, in
 * the destination bucket's Region (or from the caller's bucket key), so a KMS refusal is the answer
 * before anything is stored. And the decision itself, which PutObject, CreateMultipartUpload and
 * CopyObject's destination make alike.
 */

import { type ObjectKeys, type StoredKmsEncryption, storedKmsEncryption } from '../../crypto/index.ts';
import { type DecidedEncryption, decideWriteEncryption } from '../../model/encryption.ts';
import type { S3OperationContext } from '../types.ts';
import type { BucketRecord } from './buckets.ts';
import { type SseWriteMembers, sseRequestOf } from './objects.ts';

/** Sealing keys and what the response echoes for them. */
export interface WriteKeys {
  /** The caller disposes them. */
  readonly keys: ObjectKeys;
  /** SSE-C: the request's key MD5, echoed (never stored). */
  readonly customerKeyMd5: string | undefined;
  /** SSE-KMS and DSSE-KMS: the key ARN, bucket-key flag and caller context the response echoes. */
  readonly kms: StoredKmsEncryption | undefined;
}

/**
 * The keys to seal `key` in `bucket` with under `decided`.
 * @throws S3Error KMS.* errors, AccessDenied and SlowDown as S3 reports KMS's refusals.
 */
export async function writeKeys(
  decided: DecidedEncryption,
  bucket: { readonly name: string; readonly region: string },
  key: string,
  context: S3OperationContext,
): Promise<WriteKeys> {
  const object = { bucket: bucket.name, key };
  const { crypto } = context;
  switch (decided.mode) {
    case 'SSE-S3':
      return { keys: await crypto.sseS3.forSealing(object, undefined), customerKeyMd5: undefined, kms: undefined };
    case 'SSE-C': {
      const customerKey = decided.customerKey.key;
      try {
        return { keys: await crypto.sseC.forSealing(object, { customerKey }), customerKeyMd5: decided.customerKey.keyMd5, kms: undefined };
      } finally {
        customerKey.fill(0);
      }
    }
    case 'SSE-KMS':
    case 'DSSE-KMS': {
      // A copy's context is the request's own: S3 never carries the source's over (model CopyObject).
      const request = { caller: context.caller, region: bucket.region, keyId: decided.kmsKeyId, context: decided.context };
      const keys =
        decided.mode === 'SSE-KMS'
          ? await crypto.sseKms.forSealing(object, { ...request, bucketKey: decided.bucketKeyEnabled })
          : await crypto.dsseKms.forSealing(object, request);
      return { keys, customerKeyMd5: undefined, kms: storedKmsEncryption(keys.fields) };
    }
  }
}

/**
 * The encryption a new object `key` in `bucket` is written with: the request's SSE members or the
 * bucket's default, with the model's rules (SSE-C over TLS, the bucket's SSE-C block). IAM
 * authorizes PutObject, CreateMultipartUpload and CopyObject's destination as s3:PutObject, so the
 * SSE-C block's message names that action for all three.
 * @throws S3Error as `decideWriteEncryption`.
 * @example
 * ```ts
 * const decided = decideObjectEncryption(input, bucket, key, context);
 * ```
 */
export function decideObjectEncryption(input: SseWriteMembers, bucket: BucketRecord, key: string, context: S3OperationContext): DecidedEncryption {
  return decideWriteEncryption(
    sseRequestOf(input),
    bucket.encryption,
    {
      secureTransport: context.secureTransport,
      withoutSigV4: context.withoutSigV4,
      region: bucket.region,
      principalArn: context.caller.arn,
      action: 's3:PutObject',
      resource: `arn:aws:s3:::${bucket.name}/${key}`,
    },
    context.crypto.md5,
  );
}
