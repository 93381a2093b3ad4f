/**
 * A bucket's record is read from its stored fields once per version of them: the same fields give
 * the same (frozen) record, replaced fields a new one.
 */

import { describe, expect, it } from 'vitest';
import { bucketRecord, newBucketFields, withEncryption } from '../../../src/operations/shared/buckets.ts';
import type { BucketInfo } from '../../../src/storage/types.ts';

describe('bucketRecord', () => {
  const info: BucketInfo = { name: 'records', id: 'first', created: 1, metadata: newBucketFields('111122223333', 'us-east-1') };

  it('reads the same stored fields once, into a record nothing can change', () => {
    const record = bucketRecord(info);
    expect(bucketRecord({ ...info })).toBe(record);
    expect(Object.isFrozen(record) && Object.isFrozen(record.encryption) && Object.isFrozen(record.encryption.blockedEncryptionTypes)).toBe(true);
    expect(record).toMatchObject({ name: 'records', owner: '111122223333', region: 'us-east-1', encryption: { algorithm: 'AES256' } });
  });

  it('reads replaced fields (an updated bucket) again', () => {
    const record = bucketRecord(info);
    const updated: BucketInfo = {
      ...info,
      metadata: withEncryption(record, { algorithm: 'aws:kms', bucketKeyEnabled: true, blockedEncryptionTypes: [] }, true),
    };
    const reread = bucketRecord(updated);
    expect(reread).not.toBe(record);
    expect(reread.encryption).toMatchObject({ algorithm: 'aws:kms', bucketKeyEnabled: true });
    expect(reread.encryptionConfigured).toBe(true);
  });

  it('does not take one bucket for another with the same fields object', () => {
    const other: BucketInfo = { ...info, name: 'other-records' };
    expect(bucketRecord(other).name).toBe('other-records');
  });

  it('does not take a bucket created again under the name for the one it replaced', () => {
    const first = bucketRecord(info);
    const again = bucketRecord({ ...info, id: 'second' });
    expect([first.id, again.id]).toEqual(['first', 'second']);
  });
});
