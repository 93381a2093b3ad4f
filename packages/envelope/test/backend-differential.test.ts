/**
 * Differential properties: the noble and node backends must produce byte-identical output for
 * arbitrary keys, nonces (both sides of noble's 8-byte and OpenSSL's 128-byte switches), plaintexts,
 * AAD, chunkings, and HMAC/HKDF inputs, and each must open what the other sealed.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../src/backend/noble.ts';
import { nodeBackend } from '../src/backend/node.ts';
import type { Backend } from '../src/backend/types.ts';
import { xorAt } from './helpers/defined.ts';
import { concat, toHex } from './helpers/wycheproof.ts';

const BACKENDS: readonly Backend[] = [nobleBackend, nodeBackend];

const keyArb = fc.constantFrom(16, 24, 32).chain((length) => fc.uint8Array({ minLength: length, maxLength: length }));
const nonceArb = fc.oneof(
  fc.uint8Array({ minLength: 12, maxLength: 12 }),
  fc.uint8Array({ minLength: 1, maxLength: 8 }),
  fc.uint8Array({ minLength: 1, maxLength: 64, size: 'max' }),
);
const longNonceArb = fc.uint8Array({ minLength: 65, maxLength: 300, size: 'max' });
const plaintextArb = fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 2000, size: 'max' }));
const aadArb = fc.option(fc.uint8Array({ maxLength: 100, size: 'max' }), { nil: undefined });
/** Byte offset of the view an input is passed in (noble's CTR needs 4-byte alignment internally). */
const offsetArb = fc.integer({ min: 0, max: 3 });
/** Cut points, reduced modulo the input length when used. */
const cutsArb = fc.array(fc.nat(), { maxLength: 8 });

/** `bytes` as a view at `offset` into a larger buffer. */
function at(offset: number, bytes: Uint8Array): Uint8Array {
  const backing = new Uint8Array(bytes.length + offset + 1);
  backing.set(bytes, offset);
  return backing.subarray(offset, offset + bytes.length);
}

/** Splits `bytes` at the given cut points (taken modulo length + 1), in order; empty chunks allowed. */
function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = cuts.map((cut) => cut % (bytes.length + 1)).sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let start = 0;
  for (const point of [...points, bytes.length]) {
    chunks.push(bytes.subarray(start, point));
    start = point;
  }
  return chunks;
}

describe('noble and node backends agree', () => {
  it('on one-shot AES-GCM output, and each opens what the other sealed', () => {
    fc.assert(
      fc.property(keyArb, nonceArb, plaintextArb, aadArb, offsetArb, (key, nonce, plaintext, aad, offset) => {
        const input = at(offset, plaintext);
        const [fromNoble, fromNode] = BACKENDS.map((backend) => backend.aesGcmEncrypt(key, nonce, input, aad));
        expect(fromNoble).toHaveLength(plaintext.length + 16);
        expect(toHex(fromNode!)).toBe(toHex(fromNoble!));
        expect(toHex(nodeBackend.aesGcmDecrypt(key, nonce, at(offset, fromNoble!), aad) ?? new Uint8Array(1))).toBe(toHex(plaintext));
        expect(toHex(nobleBackend.aesGcmDecrypt(key, nonce, at(offset, fromNode!), aad) ?? new Uint8Array(1))).toBe(toHex(plaintext));
      }),
      { numRuns: 200 },
    );
  });

  it('on nonces longer than 64 bytes, including those OpenSSL cannot take (> 128)', () => {
    fc.assert(
      fc.property(keyArb, longNonceArb, plaintextArb, aadArb, (key, nonce, plaintext, aad) => {
        const fromNoble = nobleBackend.aesGcmEncrypt(key, nonce, plaintext, aad);
        expect(toHex(nodeBackend.aesGcmEncrypt(key, nonce, plaintext, aad))).toBe(toHex(fromNoble));
        expect(nodeBackend.aesGcmDecrypt(key, nonce, fromNoble, aad)).toEqual(plaintext);
        const encryptor = nodeBackend.aesGcmEncryptor(key, nonce, aad);
        expect(toHex(concat(encryptor.update(plaintext), encryptor.final()))).toBe(toHex(fromNoble));
      }),
      { numRuns: 60 },
    );
  });

  it('on rejecting a sealed message with one flipped bit', () => {
    fc.assert(
      fc.property(keyArb, nonceArb, plaintextArb, aadArb, fc.nat(), (key, nonce, plaintext, aad, position) => {
        const sealed = nobleBackend.aesGcmEncrypt(key, nonce, plaintext, aad);
        const bit = position % (sealed.length * 8);
        xorAt(sealed, bit >> 3, 1 << (bit & 7));
        for (const backend of BACKENDS) expect(backend.aesGcmDecrypt(key, nonce, sealed, aad)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });

  it.each(BACKENDS.map((backend) => [backend.name, backend] as const))(
    '%s streaming with arbitrary chunk splits equals the one-shot result both ways',
    (_name, backend) => {
      fc.assert(
        fc.property(keyArb, nonceArb, plaintextArb, aadArb, cutsArb, offsetArb, (key, nonce, plaintext, aad, cuts, offset) => {
          const oneShot = (backend === nobleBackend ? nodeBackend : nobleBackend).aesGcmEncrypt(key, nonce, plaintext, aad);
          const encryptor = backend.aesGcmEncryptor(key, nonce, aad);
          const ciphertext = concat(...split(at(offset, plaintext), cuts).map((chunk) => encryptor.update(chunk)));
          expect(toHex(concat(ciphertext, encryptor.final()))).toBe(toHex(oneShot));

          const decryptor = backend.aesGcmUnverifiedDecryptor(key, nonce, aad);
          const body = at(offset, oneShot.subarray(0, plaintext.length));
          const opened = concat(...split(body, cuts.toReversed()).map((chunk) => decryptor.updateUnverified(chunk)));
          expect(toHex(opened)).toBe(toHex(plaintext));
          expect(decryptor.verify(oneShot.subarray(plaintext.length))).toBe(true);
        }),
        { numRuns: 150 },
      );
    },
  );

  it('on HMAC-SHA-256 for keys shorter and longer than the block size', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200, size: 'max' }), fc.uint8Array({ maxLength: 1000, size: 'max' }), (key, data) => {
        const mac = nobleBackend.hmacSha256(key, data);
        expect(mac).toHaveLength(32);
        expect(toHex(nodeBackend.hmacSha256(key, data))).toBe(toHex(mac));
      }),
      { numRuns: 200 },
    );
  });

  it('on HKDF-SHA-256 for any ikm, salt, info and output length 0..8160', () => {
    const lengthArb = fc.oneof(fc.constantFrom(0, 1, 31, 32, 33, 64, 8159, 8160), fc.integer({ min: 0, max: 8160 }));
    const field = fc.uint8Array({ maxLength: 100, size: 'max' });
    fc.assert(
      fc.property(field, field, field, lengthArb, (ikm, salt, info, length) => {
        const okm = nobleBackend.hkdfSha256(ikm, salt, info, length);
        expect(okm).toHaveLength(length);
        expect(toHex(nodeBackend.hkdfSha256(ikm, salt, info, length))).toBe(toHex(okm));
      }),
      { numRuns: 120 },
    );
  });
});
