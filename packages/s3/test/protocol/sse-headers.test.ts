import { describe, expect, it } from 'vitest';
import { copySourceSseRequestFromHeaders, sseRequestFromHeaders } from '../../src/index.ts';

describe('SSE header mapping', () => {
  it('reads every SSE header, whatever its case, from a record or a Map', () => {
    const headers = {
      'X-Amz-Server-Side-Encryption': 'aws:kms',
      'x-amz-server-side-encryption-aws-kms-key-id': 'alias/a',
      'x-amz-server-side-encryption-context': 'e30=',
      'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      'x-amz-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-server-side-encryption-customer-key': 'k',
      'x-amz-server-side-encryption-customer-key-MD5': 'm',
    };
    const expected = {
      serverSideEncryption: 'aws:kms',
      kmsKeyId: 'alias/a',
      encryptionContext: 'e30=',
      bucketKeyEnabled: 'true',
      customer: { algorithm: 'AES256', key: 'k', keyMd5: 'm' },
    };
    expect(sseRequestFromHeaders(headers)).toEqual(expected);
    expect(sseRequestFromHeaders(new Map(Object.entries(headers)))).toEqual(expected);
  });

  it('copy-source SSE-C headers map to the same shape, and the target ones are not mixed in', () => {
    const request = copySourceSseRequestFromHeaders({
      'x-amz-copy-source-server-side-encryption-customer-algorithm': 'AES256',
      'x-amz-copy-source-server-side-encryption-customer-key': 'k',
      'x-amz-copy-source-server-side-encryption-customer-key-md5': 'm',
      'x-amz-server-side-encryption-customer-key': 'target',
    });
    expect(request).toEqual({ customer: { algorithm: 'AES256', key: 'k', keyMd5: 'm' } });
  });
});
