import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCustomerKeyVerifier, SSE_C_FIELDS, SseCProvider, verifyCustomerKey } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';

describe('SSE-C key verification', () => {
  it('a salted HMAC verifies the same key and no other', () => {
    const key = new Uint8Array(randomBytes(32));
    const verifier = createCustomerKeyVerifier(key);
    expect(verifyCustomerKey(key, verifier)).toBe(true);
    const other = key.slice();
    other[31]! ^= 1;
    expect(verifyCustomerKey(other, verifier)).toBe(false);
    expect(verifyCustomerKey(key, { ...verifier, hmac: 'AAAA' })).toBe(false);
  });

  it('two verifiers of one key differ (fresh salts), and neither contains the key', () => {
    const key = new Uint8Array(randomBytes(32));
    const a = createCustomerKeyVerifier(key);
    const b = createCustomerKeyVerifier(key);
    expect(a.hmac).not.toBe(b.hmac);
    for (const text of [JSON.stringify(a), JSON.stringify(b)]) {
      for (const form of [Buffer.from(key).toString('base64'), Buffer.from(key).toString('hex')]) expect(text).not.toContain(form);
    }
  });

  it('the provider stores only the verifier, and answers a wrong key with S3 403 AccessDenied', async () => {
    const provider = new SseCProvider();
    const key = new Uint8Array(randomBytes(32));
    const sealing = await provider.forSealing({ bucket: 'b', key: 'k' }, { customerKey: key });
    expect(Object.keys(sealing.fields).sort()).toEqual([SSE_C_FIELDS.hmac, SSE_C_FIELDS.salt].sort());
    sealing.dispose();
    const opening = await provider.forOpening({ bucket: 'b', key: 'k' }, { customerKey: key }, sealing.fields);
    expect(opening.layers).toHaveLength(1);
    opening.dispose();
    const error = await catchS3Async(() => provider.forOpening({ bucket: 'b', key: 'k' }, { customerKey: new Uint8Array(randomBytes(32)) }, sealing.fields));
    expect([error.status, error.code, error.message]).toEqual([
      403,
      'AccessDenied',
      'Requests specifying Server Side Encryption with Customer provided keys must provide the correct secret key.',
    ]);
  });
});
