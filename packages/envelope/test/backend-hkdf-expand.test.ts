/**
 * `Backend.hkdfSha256Expand`, the derivation every message uses: HKDF-Expand of RFC 5869 §2.3.
 * Pinned against the Wycheproof HKDF-SHA-256 vectors (extract with HMAC, then expand, must give
 * each vector's output), and byte-identical across the two backends.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../src/backend/noble.ts';
import { nodeBackend } from '../src/backend/node.ts';
import type { Backend } from '../src/backend/types.ts';
import { hex, loadHkdfSha256, toHex, VECTORS_MISSING } from './helpers/wycheproof.ts';

describe.each([nobleBackend, nodeBackend] as Backend[])('hkdfSha256Expand on the $name backend', (backend) => {
  // Skipped, with the reason in its title, in a clone without the shared vectors.
  it.skipIf(VECTORS_MISSING !== undefined)(
    `extract (HMAC with the salt) then expand gives every valid Wycheproof HKDF-SHA-256 output${VECTORS_MISSING ? ` (skipped: ${VECTORS_MISSING})` : ''}`,
    () => {
      let checked = 0;
      for (const group of loadHkdfSha256().testGroups) {
        for (const test of group.tests) {
          if (test.result !== 'valid') continue;
          // RFC 5869 §2.2: an absent salt is HashLen zero bytes.
          const salt = test.salt === '' ? new Uint8Array(32) : hex(test.salt);
          const prk = backend.hmacSha256(salt, hex(test.ikm));
          expect(toHex(backend.hkdfSha256Expand(prk, hex(test.info), test.size)), `tcId ${test.tcId}`).toBe(test.okm);
          checked++;
        }
      }
      expect(checked).toBe(83);
    },
  );

  it('refuses a PRK shorter than a SHA-256 output and lengths beyond 255 blocks', () => {
    expect(() => backend.hkdfSha256Expand(new Uint8Array(31), new Uint8Array(0), 32)).toThrow(RangeError);
    expect(() => backend.hkdfSha256Expand(new Uint8Array(32), new Uint8Array(0), 255 * 32 + 1)).toThrow(RangeError);
    expect(() => backend.hkdfSha256Expand('prk' as unknown as Uint8Array, new Uint8Array(0), 32)).toThrow(TypeError);
  });
});

describe('hkdfSha256Expand across backends', () => {
  it('noble and node agree byte for byte (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 96 }),
        fc.uint8Array({ maxLength: 200 }),
        fc.integer({ min: 0, max: 1000 }),
        (prk, info, length) => {
          expect(toHex(nobleBackend.hkdfSha256Expand(prk, info, length))).toBe(toHex(nodeBackend.hkdfSha256Expand(prk, info, length)));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('agree at the longest output, 255 blocks (every counter octet, 1 to 255)', () => {
    const prk = Uint8Array.from({ length: 32 }, (_, i) => i);
    const info = Uint8Array.from({ length: 40 }, (_, i) => 255 - i);
    const okm = nodeBackend.hkdfSha256Expand(prk, info, 255 * 32);
    expect(toHex(okm)).toBe(toHex(nobleBackend.hkdfSha256Expand(prk, info, 255 * 32)));
    // Each block differs from the one before (no counter or chaining skipped).
    for (let block = 1; block < 255; block++)
      expect(toHex(okm.subarray(block * 32, block * 32 + 32))).not.toBe(toHex(okm.subarray(block * 32 - 32, block * 32)));
  });
});
