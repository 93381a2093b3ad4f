import { describe, expect, it } from 'vitest';
import { encryptionHeaders } from '../../src/demo/wire.ts';

describe('the wire recorder', () => {
  it('keeps the encryption and metadata headers, sorted and lowercased', () => {
    expect(
      encryptionHeaders({
        Authorization: 'AWS4-HMAC-SHA256 Credential=test/...',
        'X-Amz-Server-Side-Encryption': 'aws:kms',
        'x-amz-meta-x-amz-c': '115',
        'content-length': '40',
        'x-amz-server-side-encryption-bucket-key-enabled': 'true',
      }),
    ).toEqual([
      ['x-amz-meta-x-amz-c', '115'],
      ['x-amz-server-side-encryption', 'aws:kms'],
      ['x-amz-server-side-encryption-bucket-key-enabled', 'true'],
    ]);
  });

  it('replaces the SSE-C key with a placeholder, in any case, keeping its MD5', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    for (const name of ['x-amz-server-side-encryption-customer-key', 'X-Amz-Server-Side-Encryption-Customer-Key']) {
      const kept = encryptionHeaders({ [name]: key, 'x-amz-server-side-encryption-customer-key-MD5': 'md5==' });
      expect(kept).toEqual([
        ['x-amz-server-side-encryption-customer-key', '(32-byte key, base64, not shown)'],
        ['x-amz-server-side-encryption-customer-key-md5', 'md5=='],
      ]);
      expect(JSON.stringify(kept)).not.toContain(key);
    }
  });
});
