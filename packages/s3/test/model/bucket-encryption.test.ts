import { describe, expect, it } from 'vitest';
import { applyBucketEncryption, blocksSseC, deletedBucketEncryption, newBucketEncryption } from '../../src/index.ts';
import { catchS3 } from '../helpers/errors.ts';

describe('bucket default encryption', () => {
  it('a new bucket is SSE-S3 without a bucket key and blocks SSE-C (April 2026)', () => {
    expect(newBucketEncryption('us-east-1')).toEqual({ algorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: ['SSE-C'] });
    expect(blocksSseC(newBucketEncryption('us-east-1'))).toBe(true);
  });

  it('a new bucket in Middle East (Bahrain) or (UAE), which the rollout excepted, does not block SSE-C', () => {
    for (const region of ['me-south-1', 'me-central-1']) {
      expect(newBucketEncryption(region)).toEqual({ algorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: [] });
      expect(blocksSseC(newBucketEncryption(region))).toBe(false);
    }
    expect(blocksSseC(newBucketEncryption('me-west-1'))).toBe(true);
  });

  it('an explicit NONE allows SSE-C; omitting BlockedEncryptionTypes keeps the current setting', () => {
    const allowed = applyBucketEncryption([{ algorithm: 'AES256', blockedEncryptionTypes: ['NONE'] }], newBucketEncryption('us-east-1'));
    expect(blocksSseC(allowed)).toBe(false);
    expect(blocksSseC(applyBucketEncryption([{ algorithm: 'aws:kms' }], allowed))).toBe(false);
    expect(blocksSseC(applyBucketEncryption([{ algorithm: 'aws:kms' }], newBucketEncryption('us-east-1')))).toBe(true);
  });

  it('stores the KMS key exactly as given (GetBucketEncryption returns it so)', () => {
    const configuration = applyBucketEncryption(
      [{ algorithm: 'aws:kms', kmsMasterKeyId: '01234567-89ab-cdef-0123-456789abcdef', bucketKeyEnabled: true }],
      newBucketEncryption('us-east-1'),
    );
    expect(configuration).toEqual({
      algorithm: 'aws:kms',
      kmsMasterKeyId: '01234567-89ab-cdef-0123-456789abcdef',
      bucketKeyEnabled: true,
      blockedEncryptionTypes: ['SSE-C'],
    });
  });

  it('no rule, two rules, an unknown algorithm or blocked type are MalformedXML', () => {
    for (const rules of [
      [],
      [{ algorithm: 'AES256' }, { algorithm: 'AES256' }],
      [{ algorithm: 'aes256' }],
      [{}],
      [{ algorithm: 'AES256', blockedEncryptionTypes: ['SSE-KMS'] }],
    ]) {
      const error = catchS3(() => applyBucketEncryption(rules, newBucketEncryption('us-east-1')));
      expect([error.status, error.code, error.message]).toEqual([
        400,
        'MalformedXML',
        'The XML you provided was not well-formed or did not validate against our published schema',
      ]);
    }
  });

  it('AES256 with a KMSMasterKeyID is 400 InvalidArgument naming ApplyServerSideEncryptionByDefault', () => {
    const error = catchS3(() => applyBucketEncryption([{ algorithm: 'AES256', kmsMasterKeyId: 'alias/x' }], newBucketEncryption('us-east-1')));
    expect([error.status, error.code, error.message]).toEqual([
      400,
      'InvalidArgument',
      'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse',
    ]);
    expect(error.fields).toEqual([['ArgumentName', 'ApplyServerSideEncryptionByDefault']]);
  });

  it('DeleteBucketEncryption goes back to SSE-S3 and keeps the SSE-C setting', () => {
    const kms = applyBucketEncryption(
      [{ algorithm: 'aws:kms', kmsMasterKeyId: 'alias/x', bucketKeyEnabled: true, blockedEncryptionTypes: ['NONE'] }],
      newBucketEncryption('us-east-1'),
    );
    expect(deletedBucketEncryption(kms)).toEqual({ algorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: ['NONE'] });
  });
});
