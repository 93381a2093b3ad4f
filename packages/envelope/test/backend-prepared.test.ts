/**
 * Prepared AES-GCM keys (`Backend.prepareAesGcm`): the path every frame takes. Same answers as the
 * one-shot functions for every Wycheproof vector, byte-identical across backends for many
 * messages under one key, tag checked before any plaintext exists, and nothing usable after
 * `destroy()`. Also `Backend.allocate`.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../src/backend/noble.ts';
import { nodeBackend } from '../src/backend/node.ts';
import type { Backend } from '../src/backend/types.ts';
import { defined, xorAt } from './helpers/defined.ts';
import { concat, hex, loadAesGcm, toHex, VECTORS_MISSING } from './helpers/wycheproof.ts';

const BACKENDS: readonly Backend[] = [nobleBackend, nodeBackend];

/** A copy of `bytes` at byte offset `shift` inside a larger buffer (to exercise unaligned views). */
function shifted(bytes: Uint8Array, shift: number): Uint8Array {
  const backing = new Uint8Array(bytes.length + shift);
  backing.set(bytes, shift);
  return backing.subarray(shift);
}

describe.each(BACKENDS)('prepared AES-GCM on the $name backend', (backend) => {
  // Skipped, with the reason in its title, in a clone without the shared vectors.
  it.skipIf(VECTORS_MISSING !== undefined)(
    `agrees with every Wycheproof AES-GCM vector, one prepared key per vector${VECTORS_MISSING ? ` (skipped: ${VECTORS_MISSING})` : ''}`,
    () => {
      let run = 0;
      for (const group of loadAesGcm().testGroups) {
        for (const test of group.tests) {
          const [key, iv, aad, msg] = [hex(test.key), hex(test.iv), hex(test.aad), hex(test.msg)];
          if (iv.length === 0) {
            // Zero-length IVs are invalid (SP 800-38D §5.2.1.1): refused with RangeError.
            const prepared = backend.prepareAesGcm(key);
            expect(() => prepared.encrypt(iv, msg, aad)).toThrow(RangeError);
            run++;
            continue;
          }
          const prepared = backend.prepareAesGcm(key, msg.length);
          const sealed = concat(hex(test.ct), hex(test.tag));
          if (test.result === 'valid') {
            expect(toHex(prepared.encrypt(iv, msg, aad)), `tcId ${test.tcId}`).toBe(toHex(sealed));
            expect(toHex(defined(prepared.decrypt(iv, sealed, aad))), `tcId ${test.tcId}`).toBe(toHex(msg));
          } else {
            expect(prepared.decrypt(iv, sealed, aad), `tcId ${test.tcId}`).toBeUndefined();
          }
          prepared.destroy();
          run++;
        }
      }
      expect(run).toBe(316);
    },
  );

  it('one prepared key seals many messages exactly as the one-shot function does (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.array(
          fc.record({
            nonce: fc.uint8Array({ minLength: 12, maxLength: 12 }),
            plaintext: fc.uint8Array({ maxLength: 300 }),
            aad: fc.uint8Array({ maxLength: 40 }),
            shift: fc.integer({ min: 0, max: 3 }),
          }),
          { minLength: 1, maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 200_000 }),
        (key, messages, expectedLength) => {
          const prepared = backend.prepareAesGcm(key, expectedLength);
          for (const { nonce, plaintext, aad, shift } of messages) {
            const expected = nodeBackend.aesGcmEncrypt(key, nonce, plaintext, aad);
            const output = shifted(new Uint8Array(plaintext.length + 16), shift);
            expect(prepared.encrypt(nonce, shifted(plaintext, shift), aad, output)).toBe(output);
            expect(toHex(output)).toBe(toHex(expected));
            const opened = shifted(new Uint8Array(plaintext.length), 3 - shift);
            expect(prepared.decrypt(nonce, shifted(expected, shift), aad, opened)).toBe(opened);
            expect(toHex(opened)).toBe(toHex(plaintext));
          }
          prepared.destroy();
        },
      ),
      { numRuns: 150 },
    );
  });

  it('rejects every single-bit flip of ciphertext, tag or AAD, zeroing the output it was given', () => {
    const key = new Uint8Array(32).fill(9);
    const nonce = new Uint8Array(12).fill(1);
    const prepared = backend.prepareAesGcm(key, 64);
    const plaintext = Uint8Array.from({ length: 40 }, (_, i) => i + 1);
    const aad = Uint8Array.of(1, 2, 3);
    const sealed = prepared.encrypt(nonce, plaintext, aad);
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const tampered = sealed.slice();
      xorAt(tampered, bit >> 3, 1 << (bit & 7));
      const output = new Uint8Array(plaintext.length).fill(0xee);
      expect(prepared.decrypt(nonce, tampered, aad, output)).toBeUndefined();
      expect(output.every((byte) => byte === 0)).toBe(true);
    }
    for (let bit = 0; bit < aad.length * 8; bit++) {
      const tamperedAad = aad.slice();
      xorAt(tamperedAad, bit >> 3, 1 << (bit & 7));
      expect(prepared.decrypt(nonce, sealed, tamperedAad)).toBeUndefined();
    }
  });

  it('refuses use after destroy(), and does not depend on the caller keeping the key', () => {
    const key = new Uint8Array(32).fill(4);
    const prepared = backend.prepareAesGcm(key);
    const nonce = new Uint8Array(12);
    const sealed = prepared.encrypt(nonce, Uint8Array.of(1, 2, 3));
    key.fill(0); // the caller wipes its own copy: the prepared key is unaffected
    expect(prepared.decrypt(nonce, sealed)).toEqual(Uint8Array.of(1, 2, 3));
    prepared.destroy();
    expect(() => prepared.encrypt(nonce, Uint8Array.of(1))).toThrow(/destroyed/);
    expect(() => prepared.decrypt(nonce, sealed)).toThrow(/destroyed/);
  });

  it('rejects bad keys, nonces and outputs with TypeError or RangeError', () => {
    expect(() => backend.prepareAesGcm(new Uint8Array(31))).toThrow(RangeError);
    expect(() => backend.prepareAesGcm('key' as unknown as Uint8Array)).toThrow(TypeError);
    const prepared = backend.prepareAesGcm(new Uint8Array(32));
    expect(() => prepared.encrypt(new Uint8Array(0), Uint8Array.of(1))).toThrow(RangeError);
    expect(() => prepared.encrypt(new Uint8Array(12), Uint8Array.of(1), undefined, new Uint8Array(16))).toThrow(RangeError);
    expect(() => prepared.encrypt(new Uint8Array(12), 'text' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('allocate() returns a buffer of the requested length, of its own', () => {
    const a = backend.allocate(1000);
    const b = backend.allocate(1000);
    expect(a).toBeInstanceOf(Uint8Array);
    expect(a.constructor).toBe(Uint8Array);
    expect(a.length).toBe(1000);
    expect(a.buffer).not.toBe(b.buffer);
  });
});
