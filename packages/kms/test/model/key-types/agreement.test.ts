/**
 * DeriveSharedSecret (ECDH), Encapsulate/Decapsulate (ML-KEM), GenerateMac/VerifyMac (HMAC) and
 * RSA-OAEP Encrypt/Decrypt: known answers (RFC 5903, RFC 4231, Wycheproof HMAC-SHA-256 from the
 * shared vectors), interop with node:crypto, and round-trip properties.
 */

import { constants, createECDH, createPublicKey, generateKeyPairSync, publicEncrypt } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHmacSha256, VECTORS_MISSING } from '../../../../envelope/test/helpers/wycheproof.ts';
import { deriveSharedSecret, parsePeerPublicKey } from '../../../src/model/key-types/ecdh.ts';
import { generateMac, verifyMac } from '../../../src/model/key-types/hmac.ts';
import { generateKeyPairMaterial } from '../../../src/model/key-types/key-material.ts';
import { decapsulate, encapsulate, ML_KEM_CIPHERTEXT_LENGTHS } from '../../../src/model/key-types/ml-kem.ts';
import { rsaDecrypt, rsaEncrypt } from '../../../src/model/key-types/rsa-oaep.ts';
import { type MacAlgorithm, maxRsaPlaintextLength } from '../../../src/model/key-types/spec-table.ts';
import { hex, keyPair, nodePublicKey, scriptedRandom, utf8 } from './fixtures.ts';

describe('ECDH', () => {
  it("derives RFC 5903 §8.1's P-256 shared secret (the x-coordinate)", async () => {
    const pair = await generateKeyPairMaterial('ECC_NIST_P256', scriptedRandom(hex('C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433')));
    const responder = createECDH('prime256v1');
    responder.setPrivateKey(Buffer.from(hex('C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53')));
    const peerSpki = createPublicKey({
      key: {
        kty: 'EC',
        crv: 'P-256',
        x: responder.getPublicKey().subarray(1, 33).toString('base64url'),
        y: responder.getPublicKey().subarray(33).toString('base64url'),
      },
      format: 'jwk',
    }).export({ format: 'der', type: 'spki' });
    const peer = parsePeerPublicKey('ECC_NIST_P256', new Uint8Array(peerSpki));
    expect(peer).toBeDefined();
    expect(Buffer.from(deriveSharedSecret(pair.privateKey, peer!)).toString('hex')).toBe('d6840f6b42f6edafd13116e0e12565202fef8e9ece7dce03812464d04b9442de');
  });

  for (const [spec, curve] of [
    ['ECC_NIST_P256', 'prime256v1'],
    ['ECC_NIST_P384', 'secp384r1'],
    ['ECC_NIST_P521', 'secp521r1'],
  ] as const) {
    it(`${spec}: both sides of an exchange with a node:crypto peer get the same secret`, async () => {
      const pair = await keyPair(spec);
      const peer = generateKeyPairSync('ec', { namedCurve: curve });
      const ours = deriveSharedSecret(pair.privateKey, parsePeerPublicKey(spec, new Uint8Array(peer.publicKey.export({ format: 'der', type: 'spki' })))!);
      const ecdh = createECDH(curve);
      ecdh.setPrivateKey(Buffer.from(peer.privateKey.export({ format: 'jwk' }).d ?? '', 'base64url'));
      const jwk = nodePublicKey(pair).export({ format: 'jwk' });
      const theirs = ecdh.computeSecret(Buffer.concat([Buffer.of(4), Buffer.from(jwk.x ?? '', 'base64url'), Buffer.from(jwk.y ?? '', 'base64url')]));
      expect(Buffer.from(ours).equals(theirs)).toBe(true);
    });
  }

  it('refuses a peer key on another curve, of another type, or not DER at all', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' });
    const rsa = (await keyPair('RSA_2048')).publicKey;
    expect(parsePeerPublicKey('ECC_NIST_P256', new Uint8Array(p384))).toBeUndefined();
    expect(parsePeerPublicKey('ECC_NIST_P256', rsa)).toBeUndefined();
    expect(parsePeerPublicKey('ECC_NIST_P256', utf8('not a key'))).toBeUndefined();
    expect(parsePeerPublicKey('ECC_NIST_P384', new Uint8Array(p384))).toBeDefined();
  });
});

describe('ML-KEM', () => {
  for (const spec of ['ML_KEM_512', 'ML_KEM_768', 'ML_KEM_1024'] as const) {
    it(`${spec}: Decapsulate recovers Encapsulate's 32-byte secret from a ciphertext of the documented length`, async () => {
      const pair = await keyPair(spec);
      const { sharedSecret, ciphertext } = encapsulate(spec, pair.publicKey);
      expect(sharedSecret).toHaveLength(32);
      expect(ciphertext).toHaveLength(ML_KEM_CIPHERTEXT_LENGTHS[spec]);
      expect(decapsulate(spec, pair.privateKey, ciphertext)).toEqual(sharedSecret);
    });
  }

  it('a ciphertext of the wrong length is refused; one for another key gives an unrelated secret (implicit rejection)', async () => {
    const pair = await keyPair('ML_KEM_768');
    const other = await generateKeyPairMaterial('ML_KEM_768', scriptedRandom());
    const { sharedSecret, ciphertext } = encapsulate('ML_KEM_768', other.publicKey);
    expect(decapsulate('ML_KEM_768', pair.privateKey, ciphertext.subarray(1))).toBeUndefined();
    const recovered = decapsulate('ML_KEM_768', pair.privateKey, ciphertext);
    expect(recovered).toHaveLength(32);
    expect(recovered).not.toEqual(sharedSecret);
  });
});

describe('HMAC', () => {
  // RFC 4231 §4.3, test case 2: key "Jefe", data "what do ya want for nothing?".
  const RFC_4231: Readonly<Record<MacAlgorithm, string>> = {
    HMAC_SHA_224: 'a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44',
    HMAC_SHA_256: '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    HMAC_SHA_384: 'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
    HMAC_SHA_512: '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
  };
  for (const [algorithm, expected] of Object.entries(RFC_4231) as [MacAlgorithm, string][]) {
    it(`${algorithm} gives RFC 4231 test case 2`, () => {
      const mac = generateMac(algorithm, utf8('Jefe'), utf8('what do ya want for nothing?'));
      expect(Buffer.from(mac).toString('hex')).toBe(expected);
      expect(verifyMac(algorithm, utf8('Jefe'), utf8('what do ya want for nothing?'), mac)).toBe(true);
    });
  }

  it.skipIf(VECTORS_MISSING !== undefined)('HMAC_SHA_256 agrees with every Wycheproof HMAC-SHA-256 case of a full-length tag', () => {
    let checked = 0;
    for (const group of loadHmacSha256().testGroups) {
      // KMS MACs are never truncated: only the groups with 256-bit tags apply.
      if (group.tagSize !== 256) continue;
      for (const test of group.tests) {
        const accepted = verifyMac('HMAC_SHA_256', hex(test.key), hex(test.msg), hex(test.tag));
        expect(accepted, `tcId ${test.tcId} (${test.comment})`).toBe(test.result === 'valid');
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('property: a MAC verifies, and flipping any bit of it or of the message does not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 28, maxLength: 64 }), fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), (key, message, position) => {
        const mac = generateMac('HMAC_SHA_384', key, message);
        expect(verifyMac('HMAC_SHA_384', key, message, mac)).toBe(true);
        const flipped = mac.slice();
        flipped[position % mac.length] = (flipped[position % mac.length] ?? 0) ^ (1 << (position % 8));
        expect(verifyMac('HMAC_SHA_384', key, message, flipped)).toBe(false);
        const changed = message.slice();
        changed[position % message.length] = (changed[position % message.length] ?? 0) ^ 0x80;
        expect(verifyMac('HMAC_SHA_384', key, changed, mac)).toBe(false);
        expect(verifyMac('HMAC_SHA_384', key, message, mac.subarray(1))).toBe(false);
      }),
      { numRuns: 100 },
    );
  });
});

describe('RSA-OAEP', () => {
  for (const algorithm of ['RSAES_OAEP_SHA_1', 'RSAES_OAEP_SHA_256'] as const) {
    it(`${algorithm}: a crypto.publicEncrypt ciphertext decrypts, up to the documented limit`, async () => {
      const pair = await keyPair('RSA_2048');
      const limit = maxRsaPlaintextLength('RSA_2048', algorithm);
      expect(limit).toBe(algorithm === 'RSAES_OAEP_SHA_1' ? 214 : 190);
      const plaintext = new Uint8Array(limit).fill(0x5a);
      const ciphertext = publicEncrypt(
        { key: nodePublicKey(pair), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: algorithm === 'RSAES_OAEP_SHA_1' ? 'sha1' : 'sha256' },
        plaintext,
      );
      expect(rsaDecrypt(algorithm, pair.privateKey, new Uint8Array(ciphertext))).toEqual(plaintext);
      expect(() => rsaEncrypt(algorithm, pair.publicKey, new Uint8Array(limit + 1))).toThrow();
    });
  }

  it('decrypting with the other hash, or a changed ciphertext, fails without saying why', async () => {
    const pair = await keyPair('RSA_2048');
    const ciphertext = rsaEncrypt('RSAES_OAEP_SHA_256', pair.publicKey, utf8('secret'));
    expect(rsaDecrypt('RSAES_OAEP_SHA_1', pair.privateKey, ciphertext)).toBeUndefined();
    const changed = ciphertext.slice();
    changed[10] = (changed[10] ?? 0) ^ 1;
    expect(rsaDecrypt('RSAES_OAEP_SHA_256', pair.privateKey, changed)).toBeUndefined();
    // One byte short at the end: cutting the first byte instead leaves the same number whenever that
    // byte is 0x00 (about 1 ciphertext in 256), which OpenSSL then decrypts.
    expect(rsaDecrypt('RSAES_OAEP_SHA_256', pair.privateKey, ciphertext.subarray(0, -1))).toBeUndefined();
  });

  it('property: Encrypt then Decrypt returns the plaintext', async () => {
    const pair = await keyPair('RSA_2048');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 190 }), (plaintext) => {
        expect(rsaDecrypt('RSAES_OAEP_SHA_256', pair.privateKey, rsaEncrypt('RSAES_OAEP_SHA_256', pair.publicKey, plaintext))).toEqual(plaintext);
      }),
      { numRuns: 30 },
    );
  });
});
