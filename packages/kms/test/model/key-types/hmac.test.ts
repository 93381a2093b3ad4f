/**
 * The HMAC helper (RFC 2104 on node:crypto's one-shot hash, with each key's pad blocks derived
 * once): known answers (RFC 4231 test cases 1 to 7 for SHA-224/256/384/512, the 131-byte keys
 * included; every Wycheproof HMAC-SHA-256 case, read from the shared vectors folder), equality with
 * node's `createHmac` for random keys and messages, and the pad blocks' lifetime.
 */

import { createHmac } from 'node:crypto';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadHmacSha256, VECTORS_MISSING } from '../../../../envelope/test/helpers/wycheproof.ts';
import { __TESTS, forgetMacKey, generateMac, verifyMac } from '../../../src/model/key-types/hmac.ts';
import type { MacAlgorithm } from '../../../src/model/key-types/spec-table.ts';
import { hex } from './fixtures.ts';

const NODE_HASH: Readonly<Record<MacAlgorithm, string>> = {
  HMAC_SHA_224: 'sha224',
  HMAC_SHA_256: 'sha256',
  HMAC_SHA_384: 'sha384',
  HMAC_SHA_512: 'sha512',
};
const ALGORITHMS = Object.keys(NODE_HASH) as MacAlgorithm[];

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

function nodeHmac(algorithm: MacAlgorithm, key: Uint8Array, message: Uint8Array): string {
  return createHmac(NODE_HASH[algorithm], key).update(message).digest('hex');
}

interface Rfc4231Case {
  readonly key: string;
  readonly data: string;
  /** Test case 5 gives only the leftmost 128 bits. */
  readonly truncatedTo?: number;
  readonly macs: readonly [sha224: string, sha256: string, sha384: string, sha512: string];
}

// RFC 4231 §4.2 to §4.8 (test cases 1 to 7), keys and data in hex.
const RFC_4231: readonly Rfc4231Case[] = [
  {
    key: '0b'.repeat(20),
    data: '4869205468657265',
    macs: [
      '896fb1128abbdf196832107cd49df33f47b4b1169912ba4f53684b22',
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
      'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6',
      '87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854',
    ],
  },
  {
    key: '4a656665',
    data: '7768617420646f2079612077616e7420666f72206e6f7468696e673f',
    macs: [
      'a30e01098bc6dbbf45690f3a7e9e6d0f8bbea2a39e6148008fd05e44',
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
      'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649',
      '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737',
    ],
  },
  {
    key: 'aa'.repeat(20),
    data: 'dd'.repeat(50),
    macs: [
      '7fb3cb3588c6c1f6ffa9694d7d6ad2649365b0c1f65d69d1ec8333ea',
      '773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe',
      '88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b2a5ab39dc13814b94e3ab6e101a34f27',
      'fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb',
    ],
  },
  {
    key: '0102030405060708090a0b0c0d0e0f10111213141516171819',
    data: 'cd'.repeat(50),
    macs: [
      '6c11506874013cac6a2abc1bb382627cec6a90d86efc012de7afec5a',
      '82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b',
      '3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e6801dd23c4a7d679ccf8a386c674cffb',
      'b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd',
    ],
  },
  {
    key: '0c'.repeat(20),
    data: '546573742057697468205472756e636174696f6e',
    truncatedTo: 16,
    macs: ['0e2aea68a90c8d37c988bcdb9fca6fa8', 'a3b6167473100ee06e0c796c2955552b', '3abf34c3503b2a23a46efc619baef897', '415fad6271580a531d4179bc891d87a6'],
  },
  {
    // 131-byte key: longer than every block, so it is hashed first.
    key: 'aa'.repeat(131),
    data: '54657374205573696e67204c6172676572205468616e20426c6f636b2d53697a65204b6579202d2048617368204b6579204669727374',
    macs: [
      '95e9a0db962095adaebe9b2d6f0dbce2d499f112f2d2b7273fa6870e',
      '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54',
      '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952',
      '80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598',
    ],
  },
  {
    key: 'aa'.repeat(131),
    data: '5468697320697320612074657374207573696e672061206c6172676572207468616e20626c6f636b2d73697a65206b657920616e642061206c6172676572207468616e20626c6f636b2d73697a6520646174612e20546865206b6579206e6565647320746f20626520686173686564206265666f7265206265696e6720757365642062792074686520484d414320616c676f726974686d2e',
    macs: [
      '3a854166ac5d9f023f54d517d0b39dbd946770db9c2b95c9f6f565d1',
      '9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2',
      '6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5a678cc31e799176d3860e6110c46523e',
      'e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58',
    ],
  },
];

describe('HMAC known answers', () => {
  for (const [index, test] of RFC_4231.entries()) {
    ALGORITHMS.forEach((algorithm, column) => {
      it(`RFC 4231 test case ${index + 1}: ${algorithm}`, () => {
        const key = hex(test.key);
        const data = hex(test.data);
        const mac = generateMac(algorithm, key, data);
        const expected = test.macs[column];
        if (test.truncatedTo === undefined) {
          expect(toHex(mac)).toBe(expected);
          expect(verifyMac(algorithm, key, data, mac)).toBe(true);
        } else {
          expect(toHex(mac.subarray(0, test.truncatedTo))).toBe(expected);
          // KMS compares whole MACs: a truncated one does not verify.
          expect(verifyMac(algorithm, key, data, mac.subarray(0, test.truncatedTo))).toBe(false);
        }
      });
    });
  }

  it.skipIf(VECTORS_MISSING !== undefined)('HMAC_SHA_256 agrees with every Wycheproof HMAC-SHA-256 case', () => {
    let valid = 0;
    let invalid = 0;
    for (const group of loadHmacSha256().testGroups) {
      const tagLength = group.tagSize / 8;
      for (const test of group.tests) {
        const key = hex(test.key);
        const message = hex(test.msg);
        const tag = hex(test.tag);
        const label = `tcId ${test.tcId} (${test.comment})`;
        // Truncated-tag groups compare the MAC's leftmost bytes; KMS itself only takes whole MACs.
        const matches = toHex(generateMac('HMAC_SHA_256', key, message).subarray(0, tagLength)) === toHex(tag);
        expect(matches, label).toBe(test.result === 'valid');
        if (tagLength === 32) expect(verifyMac('HMAC_SHA_256', key, message, tag), label).toBe(test.result === 'valid');
        if (test.result === 'valid') valid++;
        else invalid++;
      }
    }
    expect(valid).toBeGreaterThan(0);
    expect(invalid).toBeGreaterThan(0);
  });
});

describe('HMAC equals createHmac', () => {
  it('property: for every hash, random keys (0..300 bytes) and messages (0..4096 bytes), with the key used twice', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALGORITHMS),
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 4096 }),
        fc.uint8Array({ maxLength: 300 }),
        (algorithm, key, message, other) => {
          expect(toHex(generateMac(algorithm, key, message))).toBe(nodeHmac(algorithm, key, message));
          // The second call runs on the pad blocks the first derived.
          expect(toHex(generateMac(algorithm, key, other))).toBe(nodeHmac(algorithm, key, other));
          expect(verifyMac(algorithm, key, other, hex(nodeHmac(algorithm, key, other)))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('gives the right MAC when one key array is used with each hash in turn', () => {
    const key = new Uint8Array(200).map((_, i) => (i * 7 + 1) % 256);
    const message = new TextEncoder().encode('one key, four hashes');
    for (let round = 0; round < 2; round++) {
      for (const algorithm of ALGORITHMS) expect(toHex(generateMac(algorithm, key, message))).toBe(nodeHmac(algorithm, key, message));
    }
  });

  it('handles messages longer than its shared buffer, shorter ones after them, and views into larger arrays', () => {
    const key = new Uint8Array(32).fill(9);
    const backing = new Uint8Array(20_000).map((_, i) => (i * 31 + 7) % 251);
    for (const [start, length] of [
      [0, 10_000],
      [3, 5],
      [1, 4096],
      [17, 19_000],
      [5, 0],
      [2, 64],
    ] as const) {
      const message = backing.subarray(start, start + length);
      for (const algorithm of ALGORITHMS) expect(toHex(generateMac(algorithm, key, message))).toBe(nodeHmac(algorithm, key, message));
    }
  });

  it('leaves its arguments unchanged and returns a new array each call', () => {
    const key = new Uint8Array(64).map((_, i) => i);
    const message = new Uint8Array(100).fill(3);
    const first = generateMac('HMAC_SHA_256', key, message);
    const second = generateMac('HMAC_SHA_256', key, message);
    expect(second).not.toBe(first);
    expect(second).toEqual(first);
    expect(key).toEqual(new Uint8Array(64).map((_, i) => i));
    expect(message).toEqual(new Uint8Array(100).fill(3));
  });

  it('refuses an unknown algorithm with a TypeError naming only the algorithm', () => {
    const key = new Uint8Array(32).fill(0xab);
    for (const algorithm of ['HMAC_SHA_1', '__proto__', 'toString']) {
      expect(() => generateMac(algorithm as MacAlgorithm, key, new Uint8Array(1))).toThrow(TypeError);
      expect(() => generateMac(algorithm as MacAlgorithm, key, new Uint8Array(1))).toThrow(`got ${algorithm}`);
    }
  });
});

describe('HMAC pad blocks', () => {
  it('are derived per key array: new material gets its own, never another key’s', () => {
    const message = new TextEncoder().encode('message');
    const first = new Uint8Array(32).fill(1);
    const second = new Uint8Array(32).fill(2);
    expect(__TESTS.hasPadBlocks(first)).toBe(false);
    expect(toHex(generateMac('HMAC_SHA_256', first, message))).toBe(nodeHmac('HMAC_SHA_256', first, message));
    expect(__TESTS.hasPadBlocks(first)).toBe(true);
    expect(__TESTS.hasPadBlocks(second)).toBe(false);
    expect(toHex(generateMac('HMAC_SHA_256', second, message))).toBe(nodeHmac('HMAC_SHA_256', second, message));
    // An equal copy is other material as far as the cache goes (derived again, same answer).
    const copy = first.slice();
    expect(__TESTS.hasPadBlocks(copy)).toBe(false);
    expect(generateMac('HMAC_SHA_256', copy, message)).toEqual(generateMac('HMAC_SHA_256', first, message));
  });

  it('show nothing of themselves to JSON.stringify or util.inspect', () => {
    const key = new Uint8Array(32).fill(0x41);
    generateMac('HMAC_SHA_256', key, new Uint8Array(8));
    const blocks = __TESTS.padBlocksOf(key);
    expect(blocks).toBeDefined();
    // K0 ⊕ ipad is 0x77 repeated here, K0 ⊕ opad 0x1d: neither may show in any rendering.
    const renderings = [JSON.stringify(blocks), inspect(blocks, { showHidden: true, depth: Number.POSITIVE_INFINITY, maxArrayLength: null }), String(blocks)];
    for (const text of renderings) {
      expect(text).not.toMatch(/\b(119|29)\b/);
      expect(text).not.toMatch(/77|1d/i);
    }
  });

  it('forgetMacKey drops them, so material changed in place afterwards is used as it now is', () => {
    const message = new TextEncoder().encode('message');
    const key = new Uint8Array(48).fill(5);
    const before = toHex(generateMac('HMAC_SHA_384', key, message));
    expect(before).toBe(nodeHmac('HMAC_SHA_384', key, message));
    forgetMacKey(key);
    expect(__TESTS.hasPadBlocks(key)).toBe(false);
    key.fill(6);
    const after = toHex(generateMac('HMAC_SHA_384', key, message));
    expect(after).toBe(nodeHmac('HMAC_SHA_384', key, message));
    expect(after).not.toBe(before);
    // Forgetting a key never used is harmless.
    expect(() => forgetMacKey(new Uint8Array(3))).not.toThrow();
  });
});
