/**
 * Sign and Verify for every signing key spec: signatures Strongbox makes verify with node:crypto
 * (OpenSSL) and signatures node:crypto makes verify with Strongbox, RAW and DIGEST alike; known
 * answers where the algorithm is deterministic (RFC 8032 Ed25519 and Ed25519ph, RFC 6979 ECDSA
 * P-256, PKCS #1 v1.5); ML-DSA's EXTERNAL_MU gives signatures of the same μ as RAW.
 */

import { constants, createHash, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateKeyPairMaterial } from '../../../src/model/key-types/key-material.ts';
import { checkSigningInput, digestOf, signMessage, verifyMessage } from '../../../src/model/key-types/signing.ts';
import { KEY_SPEC_TABLE, type KeySpec, type SigningAlgorithm } from '../../../src/model/key-types/spec-table.ts';
import { hex, keyPair, nodePrivateKey, nodePublicKey, scriptedRandom, utf8 } from './fixtures.ts';

const MESSAGE = utf8('test message !%$@ 1234567890');

/** node:crypto's options for verifying (or making) a signature of `algorithm`. */
function nodeOptions(algorithm: SigningAlgorithm): { hash: string | null; padding?: number; saltLength?: number; dsaEncoding?: 'der' } {
  if (algorithm.startsWith('RSASSA_PSS')) {
    const hash = `sha${algorithm.slice(-3)}`;
    return { hash, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(algorithm.slice(-3)) / 8 };
  }
  if (algorithm.startsWith('RSASSA_PKCS1')) return { hash: `sha${algorithm.slice(-3)}` };
  if (algorithm.startsWith('ECDSA')) return { hash: `sha${algorithm.slice(-3)}`, dsaEncoding: 'der' };
  return { hash: null };
}

const CLASSICAL: ReadonlyArray<[KeySpec, SigningAlgorithm]> = [
  ...(
    [
      'RSASSA_PSS_SHA_256',
      'RSASSA_PSS_SHA_384',
      'RSASSA_PSS_SHA_512',
      'RSASSA_PKCS1_V1_5_SHA_256',
      'RSASSA_PKCS1_V1_5_SHA_384',
      'RSASSA_PKCS1_V1_5_SHA_512',
    ] as const
  ).map((algorithm) => ['RSA_2048', algorithm] as [KeySpec, SigningAlgorithm]),
  ['ECC_NIST_P256', 'ECDSA_SHA_256'],
  ['ECC_NIST_P384', 'ECDSA_SHA_384'],
  ['ECC_NIST_P521', 'ECDSA_SHA_512'],
  ['ECC_SECG_P256K1', 'ECDSA_SHA_256'],
];

describe('RSA and ECDSA signatures interoperate with node:crypto', () => {
  for (const [spec, algorithm] of CLASSICAL) {
    describe(`${spec} ${algorithm}`, () => {
      it('a RAW signature verifies with crypto.verify, and with Verify', async () => {
        const pair = await keyPair(spec);
        const signature = signMessage(spec, pair.privateKey, algorithm, 'RAW', MESSAGE);
        const { hash, ...options } = nodeOptions(algorithm);
        expect(nodeVerify(hash, MESSAGE, { key: nodePublicKey(pair), ...options }, signature)).toBe(true);
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'RAW', MESSAGE, signature)).toBe(true);
      });

      it('a DIGEST signature is a signature of the message itself (crypto.verify of the RAW message)', async () => {
        const pair = await keyPair(spec);
        const digest = digestOf(algorithm, MESSAGE);
        const signature = signMessage(spec, pair.privateKey, algorithm, 'DIGEST', digest);
        const { hash, ...options } = nodeOptions(algorithm);
        expect(nodeVerify(hash, MESSAGE, { key: nodePublicKey(pair), ...options }, signature)).toBe(true);
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'DIGEST', digest, signature)).toBe(true);
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'RAW', MESSAGE, signature)).toBe(true);
      });

      it('a crypto.sign signature verifies RAW and DIGEST; a changed message or signature does not', async () => {
        const pair = await keyPair(spec);
        const { hash, ...options } = nodeOptions(algorithm);
        const signature = new Uint8Array(nodeSign(hash, MESSAGE, { key: nodePrivateKey(pair), ...options }));
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'RAW', MESSAGE, signature)).toBe(true);
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'DIGEST', digestOf(algorithm, MESSAGE), signature)).toBe(true);
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'RAW', utf8('bad message 321'), signature)).toBe(false);
        const flipped = signature.slice();
        flipped[flipped.length - 5] = (flipped[flipped.length - 5] ?? 0) ^ 0x01;
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'RAW', MESSAGE, flipped)).toBe(false);
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'DIGEST', digestOf(algorithm, MESSAGE), flipped)).toBe(false);
        expect(verifyMessage(spec, pair.publicKey, algorithm, 'RAW', MESSAGE, new Uint8Array(3))).toBe(false);
      });
    });
  }

  it('PKCS #1 v1.5 is deterministic: RAW, DIGEST and crypto.sign give the same bytes', async () => {
    const pair = await keyPair('RSA_2048');
    const raw = signMessage('RSA_2048', pair.privateKey, 'RSASSA_PKCS1_V1_5_SHA_384', 'RAW', MESSAGE);
    const digest = signMessage('RSA_2048', pair.privateKey, 'RSASSA_PKCS1_V1_5_SHA_384', 'DIGEST', digestOf('RSASSA_PKCS1_V1_5_SHA_384', MESSAGE));
    expect(digest).toEqual(raw);
    expect(raw).toEqual(new Uint8Array(nodeSign('sha384', MESSAGE, nodePrivateKey(pair))));
  });

  it('a signature under one algorithm does not verify under another of the same key', async () => {
    const pair = await keyPair('RSA_2048');
    const signature = signMessage('RSA_2048', pair.privateKey, 'RSASSA_PSS_SHA_256', 'RAW', MESSAGE);
    expect(verifyMessage('RSA_2048', pair.publicKey, 'RSASSA_PKCS1_V1_5_SHA_256', 'RAW', MESSAGE, signature)).toBe(false);
    expect(verifyMessage('RSA_2048', pair.publicKey, 'RSASSA_PSS_SHA_384', 'RAW', MESSAGE, signature)).toBe(false);
  });

  it('property: any message signed (RAW) verifies, and no other message does (ECC_NIST_P256)', async () => {
    const pair = await keyPair('ECC_NIST_P256');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 4096 }), fc.uint8Array({ minLength: 1, maxLength: 64 }), (message, other) => {
        const signature = signMessage('ECC_NIST_P256', pair.privateKey, 'ECDSA_SHA_256', 'RAW', message);
        expect(verifyMessage('ECC_NIST_P256', pair.publicKey, 'ECDSA_SHA_256', 'RAW', message, signature)).toBe(true);
        const sameBytes = other.length === message.length && other.every((byte, i) => byte === message[i]);
        if (!sameBytes) expect(verifyMessage('ECC_NIST_P256', pair.publicKey, 'ECDSA_SHA_256', 'RAW', other, signature)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });
});

describe('known answers', () => {
  it('ECDSA P-256 SHA-256 over a DIGEST gives RFC 6979 A.2.5\'s deterministic signature of "sample"', async () => {
    const x = hex('C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721');
    const pair = await generateKeyPairMaterial('ECC_NIST_P256', scriptedRandom(x));
    const jwk = nodePublicKey(pair).export({ format: 'jwk' });
    expect(Buffer.from(jwk.x ?? '', 'base64url').toString('hex')).toBe('60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6');
    const digest = createHash('sha256').update('sample').digest();
    const signature = signMessage('ECC_NIST_P256', pair.privateKey, 'ECDSA_SHA_256', 'DIGEST', digest);
    const r = 'efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716';
    const s = 'f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8';
    // DER: SEQUENCE { INTEGER r, INTEGER s }, each with a 0x00 pad (the high bit is set): not normalised to low S.
    expect(Buffer.from(signature).toString('hex')).toBe(`3046022100${r}022100${s}`);
    expect(verifyMessage('ECC_NIST_P256', pair.publicKey, 'ECDSA_SHA_256', 'RAW', utf8('sample'), signature)).toBe(true);
  });

  it('Ed25519 (ED25519_SHA_512, RAW) gives RFC 8032 §7.1 TEST 1', async () => {
    const pair = await generateKeyPairMaterial(
      'ECC_NIST_EDWARDS25519',
      scriptedRandom(hex('9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60')),
    );
    expect(Buffer.from(pair.publicKey.slice(-32)).toString('hex')).toBe('d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a');
    const signature = signMessage('ECC_NIST_EDWARDS25519', pair.privateKey, 'ED25519_SHA_512', 'RAW', new Uint8Array(0));
    expect(Buffer.from(signature).toString('hex')).toBe(
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
    );
    expect(nodeVerify(null, new Uint8Array(0), nodePublicKey(pair), signature)).toBe(true);
  });

  it('Ed25519ph (ED25519_PH_SHA_512) hashes its input once more: RFC 8032 §7.3 TEST abc', async () => {
    const pair = await generateKeyPairMaterial(
      'ECC_NIST_EDWARDS25519',
      scriptedRandom(hex('833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42')),
    );
    const signature = signMessage('ECC_NIST_EDWARDS25519', pair.privateKey, 'ED25519_PH_SHA_512', 'DIGEST', utf8('abc'));
    expect(Buffer.from(signature).toString('hex')).toBe(
      '98a70222f0b8121aa9d30f813d683f809e462b469c7ff87639499bb94e6dae4131f85042463c2a355a2003d062adf5aaa10b8c61e636062aaad11c2a26083406',
    );
    expect(verifyMessage('ECC_NIST_EDWARDS25519', pair.publicKey, 'ED25519_PH_SHA_512', 'DIGEST', utf8('abc'), signature)).toBe(true);
    expect(verifyMessage('ECC_NIST_EDWARDS25519', pair.publicKey, 'ED25519_PH_SHA_512', 'DIGEST', utf8('abd'), signature)).toBe(false);
  });
});

describe('ML-DSA', () => {
  for (const spec of ['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87'] as const) {
    it(`${spec}: RAW signs and verifies; an EXTERNAL_MU signature of μ verifies as a RAW signature of the message`, async () => {
      const pair = await keyPair(spec);
      const signature = signMessage(spec, pair.privateKey, 'ML_DSA_SHAKE_256', 'RAW', MESSAGE);
      expect(verifyMessage(spec, pair.publicKey, 'ML_DSA_SHAKE_256', 'RAW', MESSAGE, signature)).toBe(true);
      expect(verifyMessage(spec, pair.publicKey, 'ML_DSA_SHAKE_256', 'RAW', utf8('other'), signature)).toBe(false);
      // FIPS 204 §6.2 / Algorithm 2: μ = SHAKE256(tr ‖ M′, 64), tr = SHAKE256(pk, 64), M′ = 0 ‖ |ctx| = 0 ‖ M.
      const rawPublicKey = pair.publicKey.slice(pair.publicKey.length - { ML_DSA_44: 1312, ML_DSA_65: 1952, ML_DSA_87: 2592 }[spec]);
      const tr = createHash('shake256', { outputLength: 64 }).update(rawPublicKey).digest();
      const mu = new Uint8Array(createHash('shake256', { outputLength: 64 }).update(tr).update(Uint8Array.of(0, 0)).update(MESSAGE).digest());
      const muSignature = signMessage(spec, pair.privateKey, 'ML_DSA_SHAKE_256', 'EXTERNAL_MU', mu);
      expect(verifyMessage(spec, pair.publicKey, 'ML_DSA_SHAKE_256', 'RAW', MESSAGE, muSignature)).toBe(true);
      expect(verifyMessage(spec, pair.publicKey, 'ML_DSA_SHAKE_256', 'EXTERNAL_MU', mu, signature)).toBe(true);
    });
  }
});

describe('checkSigningInput: what KMS refuses before signing', () => {
  it('accepts each algorithm of each signing key spec with a RAW message', () => {
    for (const info of Object.values(KEY_SPEC_TABLE)) {
      for (const algorithm of info.usages.SIGN_VERIFY?.signing ?? []) {
        const type = algorithm === 'ED25519_PH_SHA_512' ? 'DIGEST' : 'RAW';
        const message = type === 'DIGEST' ? new Uint8Array(64) : MESSAGE;
        expect(checkSigningInput(info.spec, algorithm, type, message), `${info.spec} ${algorithm}`).toBeUndefined();
      }
    }
  });

  it('refuses an algorithm the key spec does not offer', () => {
    expect(checkSigningInput('ECC_NIST_P256', 'ECDSA_SHA_384', 'RAW', MESSAGE)).toBe('incompatible-algorithm');
    expect(checkSigningInput('RSA_2048', 'ECDSA_SHA_256', 'RAW', MESSAGE)).toBe('incompatible-algorithm');
    expect(checkSigningInput('HMAC_256', 'ECDSA_SHA_256', 'RAW', MESSAGE)).toBe('incompatible-algorithm');
  });

  it('refuses DIGESTs whose length is not the hash length', () => {
    expect(checkSigningInput('ECC_NIST_P256', 'ECDSA_SHA_256', 'DIGEST', new Uint8Array(31))).toBe('digest-length');
    expect(checkSigningInput('ECC_NIST_P256', 'ECDSA_SHA_256', 'DIGEST', new Uint8Array(32))).toBeUndefined();
    expect(checkSigningInput('RSA_3072', 'RSASSA_PSS_SHA_384', 'DIGEST', new Uint8Array(32))).toBe('digest-length');
    expect(checkSigningInput('RSA_3072', 'RSASSA_PSS_SHA_384', 'DIGEST', new Uint8Array(48))).toBeUndefined();
  });

  it('ties Ed25519 algorithms to their message type, and ML-DSA to RAW or a 64-byte EXTERNAL_MU', () => {
    expect(checkSigningInput('ECC_NIST_EDWARDS25519', 'ED25519_SHA_512', 'DIGEST', new Uint8Array(64))).toBe('message-type');
    expect(checkSigningInput('ECC_NIST_EDWARDS25519', 'ED25519_PH_SHA_512', 'RAW', MESSAGE)).toBe('message-type');
    expect(checkSigningInput('ML_DSA_65', 'ML_DSA_SHAKE_256', 'DIGEST', new Uint8Array(64))).toBe('message-type');
    expect(checkSigningInput('ML_DSA_65', 'ML_DSA_SHAKE_256', 'EXTERNAL_MU', new Uint8Array(63))).toBe('mu-length');
    expect(checkSigningInput('ECC_NIST_P256', 'ECDSA_SHA_256', 'EXTERNAL_MU', new Uint8Array(64))).toBe('message-type');
  });

  it('refuses RAW messages over 4096 bytes', () => {
    expect(checkSigningInput('ECC_NIST_P256', 'ECDSA_SHA_256', 'RAW', new Uint8Array(4096))).toBeUndefined();
    expect(checkSigningInput('ECC_NIST_P256', 'ECDSA_SHA_256', 'RAW', new Uint8Array(4097))).toBe('message-too-long');
  });
});
