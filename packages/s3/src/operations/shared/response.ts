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
 */
export function responseEncryption(
  operation: EncryptionEchoOperation,
  mode: EncryptionMode,
  customerKeyMd5: string | undefined,
  kms?: StoredKmsEncryption,
): SseResponseMembers {
  const echoed = echoedEncryption(operation, {
    mode,
    customerKeyMd5,
    ...(kms === undefined ? {} : { kmsKeyArn: kms.keyArn, bucketKeyEnabled: kms.bucketKeyEnabled, context: kms.context }),
  });
  return {
    ...(echoed.serverSideEncryption === undefined ? {} : { ServerSideEncryption: echoed.serverSideEncryption }),
    ...(echoed.kmsKeyId === undefined ? {} : { SSEKMSKeyId: echoed.kmsKeyId }),
    ...(echoed.encryptionContext === undefined ? {} : { SSEKMSEncryptionContext: echoed.encryptionContext }),
    ...(echoed.bucketKeyEnabled === undefined ? {} : { BucketKeyEnabled: echoed.bucketKeyEnabled }),
    ...(echoed.customerAlgorithm === undefined ? {} : { SSECustomerAlgorithm: echoed.customerAlgorithm }),
    ...(echoed.customerKeyMd5 === undefined ? {} : { SSECustomerKeyMD5: echoed.customerKeyMd5 }),
  };
}
