/**
 * @module
 * The encryption members of an object response: exactly what S3 echoes for the operation and
 * mode (the model's `echoedEncryption`), under the SDK's member names.
 */

import type { StoredKmsEncryption } from '../../crypto/index.ts';
import type { EncryptionMode } from '../../model/encryption.ts';
import { type EncryptionEchoOperation, echoedEncryption } from '../../model/response-encryption.ts';
import type { SseResponseMembers } from './objects.ts';

/**
 * The response members for an object stored as `mode` (SSE-C: the request's key MD5; SSE-KMS and
 * DSSE-KMS: the key ARN, bucket-key flag and caller context, from `storedKmsEncryption`).
 * @example
 * ```ts
 * responseEncryption('GetObject', 'SSE-S3', undefined); // { ServerSideEncryption: 'AES256' }
 * ```
 */
export function responseEncryption(
  operation: EncryptionEchoOperation,
  mode: EncryptionMode,
  customerKeyMd5: string | undefined,
  kms?: StoredKmsEncryption,
): SseResponseMembers {
  return addResponseEncryption({}, operation, mode, customerKeyMd5, kms);
}

/**
 * As `responseEncryption`, added to `members` (a response being built, so no object is made to
 * be copied into it); returns `members`.
 * @example
 * ```ts
 * const response: PutObjectResponse = { ETag: etag, Size: size };
 * addResponseEncryption(response, 'PutObject', 'SSE-S3', undefined);
 * ```
 */
export function addResponseEncryption<Members extends SseResponseMembers>(
  members: Members,
  operation: EncryptionEchoOperation,
  mode: EncryptionMode,
  customerKeyMd5: string | undefined,
  kms?: StoredKmsEncryption,
): Members {
  const echoed = echoedEncryption(
    operation,
    kms === undefined
      ? { mode, customerKeyMd5 }
      : { mode, customerKeyMd5, kmsKeyArn: kms.keyArn, bucketKeyEnabled: kms.bucketKeyEnabled, context: kms.context },
  );
  // Assigned one by one, in the members' order (every object response answers these): a literal
  // of conditional spreads makes V8 build a slow object.
  if (echoed.serverSideEncryption !== undefined) members.ServerSideEncryption = echoed.serverSideEncryption;
  if (echoed.kmsKeyId !== undefined) members.SSEKMSKeyId = echoed.kmsKeyId;
  if (echoed.encryptionContext !== undefined) members.SSEKMSEncryptionContext = echoed.encryptionContext;
  if (echoed.bucketKeyEnabled !== undefined) members.BucketKeyEnabled = echoed.bucketKeyEnabled;
  if (echoed.customerAlgorithm !== undefined) members.SSECustomerAlgorithm = echoed.customerAlgorithm;
  if (echoed.customerKeyMd5 !== undefined) members.SSECustomerKeyMD5 = echoed.customerKeyMd5;
  return members;
}
