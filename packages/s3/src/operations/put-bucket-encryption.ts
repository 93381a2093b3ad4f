/**
 * @module
 * PutBucketEncryption: the bucket's default encryption (SSE-S3, SSE-KMS or DSSE-KMS, the bucket
 * key flag) and `BlockedEncryptionTypes` (`SSE-C` or `NONE`). The rules and their errors are the
 * model's (`applyBucketEncryption`); a KMS key is stored as given and checked only when an object
 * is written, as S3 does.
 */

import { applyBucketEncryption } from '../model/bucket-encryption.ts';
import { xmlPayload } from '../protocol/binding.ts';
import { bucketParameters } from './shared/audit.ts';
import { bucketRecord, ownedBucket, withEncryption } from './shared/buckets.ts';
import { rulesOf, SERVER_SIDE_ENCRYPTION_CONFIGURATION, type ServerSideEncryptionConfiguration } from './shared/encryption-configuration.ts';
import type { OperationDefinition } from './types.ts';

/** PutBucketEncryption request. */
export interface PutBucketEncryptionRequest {
  Bucket: string;
  ServerSideEncryptionConfiguration: ServerSideEncryptionConfiguration;
}

/** PutBucketEncryption. */
export const putBucketEncryption: OperationDefinition<'PutBucketEncryption', PutBucketEncryptionRequest, void> = {
  name: 'PutBucketEncryption',
  quota: { shared: 'write' },
  readOnly: false,
  eventCategory: 'Management',
  rest: {
    method: 'PUT',
    path: 'bucket',
    query: ['encryption'],
    request: { members: { ServerSideEncryptionConfiguration: xmlPayload('ServerSideEncryptionConfiguration', SERVER_SIDE_ENCRYPTION_CONFIGURATION) } },
  },
  access: { action: 's3:PutEncryptionConfiguration', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    const rules = rulesOf(input.ServerSideEncryptionConfiguration);
    // Checked on the bucket as read (a refused configuration changes nothing), then applied to
    // the bucket as it is when written: a concurrent PutBucketPolicy is kept.
    applyBucketEncryption(rules, bucket.encryption);
    await context.store.updateBucket(bucket, (current) => {
      const now = bucketRecord(current);
      return withEncryption(now, applyBucketEncryption(rules, now.encryption), true);
    });
  },
  // CloudTrail logs the configuration under its XML element names, as S3 received it.
  auditParameters: (input) => bucketParameters(input, { ServerSideEncryptionConfiguration: input.ServerSideEncryptionConfiguration }),
};
