/**
 * Key material: every asymmetric spec generates a key pair whose serialized forms node:crypto (or,
 * for ML-DSA/ML-KEM, the DER layout of RFC 9881 and the ML-KEM profile) reads back, the public key
 * is recomputed from the persisted private key alone, and HMAC keys have the spec's length.
 */

import { createPrivateKey, createPublicKey } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSeedPkcs8, decodeSpki, encodeSeedPkcs8, encodeSpki, ML_DSA_OIDS, ML_KEM_OIDS } from '../../../src/model/key-types/der.ts';
import { generateHmacKey, mlSeed, publicKeyOf } from '../../../src/model/key-types/key-material.ts';
import { KEY_SPEC_TABLE, type KeySpec } from '../../../src/model/key-types/spec-table.ts';
import { keyPair, systemRandom } from './fixtures.ts';

const NODE_SPECS: readonly [KeySpec, string, string | undefined][] = [
  ['RSA_2048', 'rsa', undefined],
  ['ECC_NIST_P256', 'ec', 'prime256v1'],
  ['ECC_NIST_P384', 'ec', 'secp384r1'],
  ['ECC_NIST_P521', 'ec', 'secp521r1'],
  ['ECC_SECG_P256K1', 'ec', 'secp256k1'],
  ['ECC_NIST_EDWARDS25519', 'ed25519', undefined],
];

describe('asymmetric key pairs', () => {
  for (const [spec, type, curve] of NODE_SPECS) {
    it(`${spec}: PKCS #8 and SPKI that node:crypto reads as ${type}${curve ? ` on ${curve}` : ''}; the public key follows from the private key`, async () => {
      const pair = await keyPair(spec);
      const privateKey = createPrivateKey({ key: Buffer.from(pair.privateKey), format: 'der', type: 'pkcs8' });
      const publicKey = createPublicKey({ key: Buffer.from(pair.publicKey), format: 'der', type: 'spki' });
      expect(privateKey.asymmetricKeyType).toBe(type);
      expect(publicKey.asymmetricKeyType).toBe(type);
      if (curve) expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe(curve);
      if (type === 'rsa') expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(KEY_SPEC_TABLE[spec].bits);
      expect(publicKeyOf(spec, pair.privateKey)).toEqual(pair.publicKey);
    });
  }

  for (const spec of ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024'] as const) {
    it(`${spec}: a seed-form PKCS #8 private key and an SPKI with the NIST OID; the public key follows from the seed`, async () => {
      const pair = await keyPair(spec);
      const oid = spec.startsWith('ML_DSA') ? ML_DSA_OIDS[spec as 'ML_DSA_44'] : ML_KEM_OIDS[spec as 'ML_KEM_512'];
      const seed = mlSeed(spec, pair.privateKey);
      expect(seed).toHaveLength(spec.startsWith('ML_DSA') ? 32 : 64);
      expect(decodeSpki(oid, pair.publicKey)).toBeDefined();
      expect(publicKeyOf(spec, pair.privateKey)).toEqual(pair.publicKey);
    });
  }

  it('ML-DSA-44 public key: SPKI header per RFC 9881 (SEQUENCE, AlgorithmIdentifier without parameters, BIT STRING)', async () => {
    const pair = await keyPair('ML_DSA_44');
    // 30 82 0532 | 30 0b 06 09 608648016503040311 | 03 82 0521 00 <1312 bytes>
    expect(Buffer.from(pair.publicKey.subarray(0, 22)).toString('hex')).toBe('30820532' + '300b' + '0609' + '608648016503040311' + '03820521' + '00');
    expect(pair.publicKey).toHaveLength(4 + 13 + 5 + 1312);
  });
});

describe('HMAC keys', () => {
  it('have the key spec length', () => {
    expect(generateHmacKey('HMAC_224', systemRandom)).toHaveLength(28);
    expect(generateHmacKey('HMAC_256', systemRandom)).toHaveLength(32);
    expect(generateHmacKey('HMAC_384', systemRandom)).toHaveLength(48);
    expect(generateHmacKey('HMAC_512', systemRandom)).toHaveLength(64);
    expect(() => generateHmacKey('RSA_2048', systemRandom)).toThrow(RangeError);
  });
});

describe('DER codec', () => {
  it('property: SPKI and seed PKCS #8 decode to what was encoded, and reject another OID or a changed length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (publicKey, seed) => {
        const spki = encodeSpki(ML_DSA_OIDS.ML_DSA_65, publicKey);
        expect(decodeSpki(ML_DSA_OIDS.ML_DSA_65, spki)).toEqual(publicKey);
        expect(decodeSpki(ML_DSA_OIDS.ML_DSA_44, spki)).toBeUndefined();
        expect(decodeSpki(ML_DSA_OIDS.ML_DSA_65, spki.subarray(0, spki.length - 1))).toBeUndefined();
        const pkcs8 = encodeSeedPkcs8(ML_DSA_OIDS.ML_DSA_65, seed);
        expect(decodeSeedPkcs8(ML_DSA_OIDS.ML_DSA_65, 32, pkcs8)).toEqual(seed);
        expect(decodeSeedPkcs8(ML_DSA_OIDS.ML_DSA_87, 32, pkcs8)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
