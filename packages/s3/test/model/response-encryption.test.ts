import { describe, expect, it } from 'vitest';
import { type EncryptionEchoOperation, echoedEncryption, encryptionResponseHeaders } from '../../src/index.ts';

const ARN = 'arn:aws:kms:us-east-1:111111111111:key/01234567-89ab-cdef-0123-456789abcdef';
const ALL: EncryptionEchoOperation[] = [
  'PutObject',
  'GetObject',
  'HeadObject',
  'CopyObject',
  'CreateMultipartUpload',
  'UploadPart',
  'UploadPartCopy',
  'CompleteMultipartUpload',
];

describe('the encryption fields S3 echoes', () => {
  it('SSE-S3: AES256 on every object response', () => {
    for (const operation of ALL) expect(echoedEncryption(operation, { mode: 'SSE-S3' })).toEqual({ serverSideEncryption: 'AES256' });
  });

  it('SSE-KMS with a bucket key (LS-snapshot PutObject): algorithm, full key ARN, bucket-key true', () => {
    expect(echoedEncryption('PutObject', { mode: 'SSE-KMS', kmsKeyArn: ARN, bucketKeyEnabled: true })).toEqual({
      serverSideEncryption: 'aws:kms',
      kmsKeyId: ARN,
      bucketKeyEnabled: true,
    });
    expect(echoedEncryption('CompleteMultipartUpload', { mode: 'SSE-KMS', kmsKeyArn: ARN, bucketKeyEnabled: true })).toEqual({
      serverSideEncryption: 'aws:kms',
      kmsKeyId: ARN,
      bucketKeyEnabled: true,
    });
  });

  it('the bucket-key flag is omitted when false, and never sent for DSSE-KMS', () => {
    expect(echoedEncryption('GetObject', { mode: 'SSE-KMS', kmsKeyArn: ARN, bucketKeyEnabled: false })).toEqual({
      serverSideEncryption: 'aws:kms',
      kmsKeyId: ARN,
    });
    expect(echoedEncryption('GetObject', { mode: 'DSSE-KMS', kmsKeyArn: ARN, bucketKeyEnabled: true })).toEqual({
      serverSideEncryption: 'aws:kms:dsse',
      kmsKeyId: ARN,
    });
  });

  it('the context only on PutObject, CopyObject and CreateMultipartUpload', () => {
    const context = { team: 'a' };
    const withContext = ALL.filter((operation) => echoedEncryption(operation, { mode: 'SSE-KMS', kmsKeyArn: ARN, context }).encryptionContext !== undefined);
    expect(withContext).toEqual(['PutObject', 'CopyObject', 'CreateMultipartUpload']);
    expect(atob(echoedEncryption('PutObject', { mode: 'SSE-KMS', kmsKeyArn: ARN, context }).encryptionContext!)).toBe('{"team":"a"}');
    expect(echoedEncryption('PutObject', { mode: 'SSE-KMS', kmsKeyArn: ARN, context: {} }).encryptionContext).toBeUndefined();
  });

  it('SSE-C: no x-amz-server-side-encryption; the algorithm and key MD5 sent, on every operation; nothing without a key', () => {
    const md5 = 'JMwgiexXqwuPqIPjYFmIZQ==';
    for (const operation of ALL) {
      const echoed = echoedEncryption(operation, { mode: 'SSE-C', customerKeyMd5: md5 });
      expect(echoed.serverSideEncryption).toBeUndefined();
      expect(echoed).toEqual({ customerAlgorithm: 'AES256', customerKeyMd5: md5 });
      expect(echoedEncryption(operation, { mode: 'SSE-C' })).toEqual({});
    }
  });

  it('maps to the modelled header names, booleans lowercase', () => {
    const headers = encryptionResponseHeaders({
      serverSideEncryption: 'aws:kms',
      kmsKeyId: ARN,
      encryptionContext: 'e30=',
      bucketKeyEnabled: true,
      customerAlgorithm: 'AES256',
      customerKeyMd5: 'm',
    });
    expect({ ...headers }).toEqual({
      'x-amz-server-side-encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': ARN,
      'x-amz-server-side-encryption-context': 'e30=',
      'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key-md5': 'm',
    });
  });
});
