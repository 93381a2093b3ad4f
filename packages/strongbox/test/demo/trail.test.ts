import { describe, expect, it } from 'vitest';
import { parseEvent } from '../../src/demo/trail.ts';

describe('reading a CloudTrail record', () => {
  it('takes the key, the encryption context and invokedBy of a KMS call S3 made', () => {
    const record = {
      userIdentity: { type: 'Root', invokedBy: 's3.amazonaws.com' },
      eventSource: 'kms.amazonaws.com',
      requestParameters: { keyId: 'arn:aws:kms:us-east-1:000000000000:key/k', encryptionContext: { 'aws:s3:arn': 'arn:aws:s3:::b' } },
    };
    expect(parseEvent('GenerateDataKey', 'kms.amazonaws.com', JSON.stringify(record))).toEqual({
      eventName: 'GenerateDataKey',
      eventSource: 'kms.amazonaws.com',
      keyId: 'arn:aws:kms:us-east-1:000000000000:key/k',
      encryptionContext: 'aws:s3:arn=arn:aws:s3:::b',
      invokedBy: 's3.amazonaws.com',
    });
  });

  it('keeps the error code of a refused call and the bucket of an S3 event', () => {
    expect(parseEvent('GenerateDataKey', 'kms.amazonaws.com', JSON.stringify({ errorCode: 'ThrottlingException', requestParameters: null }))).toEqual({
      eventName: 'GenerateDataKey',
      eventSource: 'kms.amazonaws.com',
      errorCode: 'ThrottlingException',
    });
    expect(parseEvent('PutBucketPolicy', 's3.amazonaws.com', JSON.stringify({ requestParameters: { bucketName: 'b' } })).bucketName).toBe('b');
  });

  it('shows the name and source of a record that is not JSON', () => {
    expect(parseEvent('Decrypt', 'kms.amazonaws.com', '{not json')).toEqual({ eventName: 'Decrypt', eventSource: 'kms.amazonaws.com' });
  });
});
