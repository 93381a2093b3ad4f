import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.ts';
import { MAX_FRAME_COUNT } from '../src/format/constants.ts';
import { frameNonce } from '../src/format/frames.ts';
import { createMessageOpener } from '../src/message.ts';
import { readHeader, seal } from '../src/seal.ts';
import { defined } from './helpers/defined.ts';
import { describeNonce, fixedKeyKeyring, hex, nodeBackend, pattern, testKey, testKeyring } from './helpers/messages.ts';

const SEALS = 2000;

/** A backend recording the (key, nonce) of every AES-GCM encryption. */
function encryptRecorder(): Backend & { pairs: string[]; nonces: Uint8Array[] } {
  const pairs: string[] = [];
  const nonces: Uint8Array[] = [];
  return {
    ...nodeBackend,
    pairs,
    nonces,
    aesGcmEncrypt(key, nonce, plaintext, aad, output) {
      pairs.push(`${hex(key)}:${hex(nonce)}`);
      nonces.push(nonce.slice());
      return nodeBackend.aesGcmEncrypt(key, nonce, plaintext, aad, output);
    },
    // Frames are sealed through a prepared key: record those (key, nonce) pairs too.
    prepareAesGcm(key, expectedLength) {
      const keyHex = hex(key);
      const prepared = nodeBackend.prepareAesGcm(key, expectedLength);
      return {
        ...prepared,
        encrypt: (nonce, plaintext, aad, output) => {
          pairs.push(`${keyHex}:${hex(nonce)}`);
          nonces.push(nonce.slice());
          return prepared.encrypt(nonce, plaintext, aad, output);
        },
        // Streaming sealers take this path: record it the same way.
        encryptParts: (nonce, plaintext, aad) => {
          pairs.push(`${keyHex}:${hex(nonce)}`);
          nonces.push(nonce.slice());
          const sealed = prepared.encrypt(nonce, plaintext, aad);
          return [sealed.subarray(0, plaintext.length), sealed.subarray(plaintext.length)] as const;
        },
      };
    },
  };
}

describe('randomness across many seals', () => {
  it(`${SEALS} seals of one plaintext under one keyring have distinct message ids, wrap nonces and outputs`, async () => {
    const keyring = testKeyring('unique');
    const plaintext = pattern(24);
    const ids = new Set<string>();
    const wrapNonces = new Set<string>();
    const outputs = new Set<string>();
    for (let i = 0; i < SEALS; i++) {
      const sealed = await seal(plaintext, { keyring, frameLength: 16 });
      const header = readHeader(sealed);
      ids.add(hex(header.messageId));
      wrapNonces.add(hex(defined(header.wrappedKeys[0]).ciphertext.subarray(0, 12)));
      outputs.add(hex(sealed));
    }
    expect(ids.size).toBe(SEALS);
    expect(wrapNonces.size).toBe(SEALS);
    expect(outputs.size).toBe(SEALS);
  });

  it('no AES-GCM (key, nonce) pair is used twice, across messages and within one, even when a data key is reused', async () => {
    const backend = encryptRecorder();
    const keyring = testKeyring('pairs', 1, backend);
    const reused = fixedKeyKeyring(testKey(5));
    for (let i = 0; i < 200; i++) {
      await seal(pattern(50), { keyring, frameLength: 16, backend });
      await seal(pattern(50), { keyring: reused, frameLength: 16, backend });
    }
    // Per seal: wrap (raw keyring only) + 4 frames.
    expect(backend.pairs.length).toBe(200 * (1 + 4) + 200 * 4);
    expect(new Set(backend.pairs).size).toBe(backend.pairs.length);
  });

  it('one message uses frame nonces 0..n-1 once each, only the last marked final', async () => {
    const backend = encryptRecorder();
    await seal(pattern(5 * 16 + 1), { keyring: testKeyring('n', 1, nodeBackend), frameLength: 16, backend });
    expect(backend.nonces.map(describeNonce)).toEqual([
      ...[0, 1, 2, 3, 4].map((index) => ({ kind: 'frame', index, final: false })),
      { kind: 'frame', index: 5, final: true },
    ]);
  });
});

describe('nonce construction', () => {
  it('encodes u32 kind ‖ u64 index, big-endian', () => {
    expect(hex(frameNonce(0, false))).toBe('000000000000000000000000');
    expect(hex(frameNonce(1, false))).toBe('000000000000000000000001');
    expect(hex(frameNonce(0, true))).toBe('000000010000000000000000');
    expect(hex(frameNonce(0x01020304, true))).toBe('000000010000000001020304');
    expect(hex(frameNonce(MAX_FRAME_COUNT - 1, false))).toBe('0000000000000000fffffffe');
  });

  it('frame nonces are distinct for every index and final flag', () => {
    const seen = new Set<string>();
    const indices = [...Array.from({ length: 4096 }, (_, i) => i), 2 ** 16, 2 ** 24, 2 ** 31, 2 ** 31 + 1, MAX_FRAME_COUNT - 2, MAX_FRAME_COUNT - 1];
    for (const index of indices) {
      for (const final of [false, true]) {
        const nonce = frameNonce(index, final);
        expect(nonce.length).toBe(12);
        seen.add(hex(nonce));
      }
    }
    expect(seen.size).toBe(indices.length * 2);
  });

  it('frameNonce is injective over all 32-bit indices and both flags (property)', () => {
    const index = fc.integer({ min: 0, max: MAX_FRAME_COUNT - 1 });
    fc.assert(
      fc.property(index, fc.boolean(), index, fc.boolean(), (i, f, j, g) => {
        const same = hex(frameNonce(i, f)) === hex(frameNonce(j, g));
        expect(same).toBe(i === j && f === g);
        expect(describeNonce(frameNonce(i, f))).toEqual({ kind: 'frame', index: i, final: f });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the frame index bound (MAX_FRAME_COUNT)', () => {
  it('frameNonce refuses an index the 32-bit field cannot hold (RangeError) instead of truncating it', () => {
    for (const index of [-1, MAX_FRAME_COUNT, 2 ** 32, 2 ** 32 + 5, 2 ** 40]) {
      for (const final of [false, true]) expect(() => frameNonce(index, final)).toThrow(RangeError);
    }
    for (const index of [0.5, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => frameNonce(index, true)).toThrow(TypeError);
  });

  it('openFrame refuses indices from MAX_FRAME_COUNT on (and a regular frame at MAX_FRAME_COUNT - 1), zeroing the output', async () => {
    const keyring = testKeyring('bound');
    const sealed = await seal(pattern(5), { keyring, frameLength: 16 });
    const header = readHeader(sealed);
    const frame = sealed.subarray(header.length);
    const opener = await createMessageOpener(header, { keyring });
    try {
      expect(opener.openFrame(0, true, frame)).toEqual(pattern(5));
      // 2^32 truncated to 32 bits would be index 0: this very frame would open.
      for (const index of [2 ** 32, MAX_FRAME_COUNT, 2 ** 33]) expect(opener.openFrame(index, true, frame)).toBeUndefined();
      expect(opener.openFrame(MAX_FRAME_COUNT - 1, false, frame)).toBeUndefined();
      const output = new Uint8Array(5).fill(9);
      expect(opener.openFrame(2 ** 32, true, frame, output)).toBeUndefined();
      expect(output).toEqual(new Uint8Array(5));
    } finally {
      opener.destroy();
    }
  });
});
