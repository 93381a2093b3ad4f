/**
 * @module
 * GetBucketEncryption: the bucket's default encryption configuration. Every bucket has one since
 * January 2023 (SSE-S3 by default), so this never answers
 * ServerSideEncryptionConfigurationNotFoundError.
 */

import { xmlPayload } from '../protocol/binding.ts';
import { ownedBucket } from './shared/buckets.ts';
import { configurationOf, SERVER_SIDE_ENCRYPTION_CONFIGURATION, type ServerSideEncryptionConfiguration } from './shared/encryption-configuration.ts';
import type { OperationDefinition } from './types.ts';

/** GetBucketEncryption request. */
export interface GetBucketEncryptionRequest {
  Bucket: string;
}

/** GetBucketEncryption response. */
export interface GetBucketEncryptionResponse {
  ServerSideEncryptionConfiguration: ServerSideEncryptionConfiguration;
}

/** GetBucketEncryption. */
export const getBucketEncryption: OperationDefinition<'GetBucketEncryption', GetBucketEncryptionRequest, GetBucketEncryptionResponse> = {
  name: 'GetBucketEncryption',
  quota: { shared: 'read' },
  readOnly: true,
  eventCategory: 'Management',
  rest: {
    method: 'GET',
    path: 'bucket',
    query: ['encryption'],
    response: { members: { ServerSideEncryptionConfiguration: xmlPayload('ServerSideEncryptionConfiguration', SERVER_SIDE_ENCRYPTION_CONFIGURATION) } },
  },
  access: { action: 's3:GetEncryptionConfiguration', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    return { ServerSideEncryptionConfiguration: configurationOf(bucket.encryption) };
  },
  auditParameters: (input) => ({ bucketName: input.Bucket }),
};
