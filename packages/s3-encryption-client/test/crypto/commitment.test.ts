/**
 * V3 key derivation: the HKDF known answers of the Go client
 * (`v4/internal/key_derivation_test.go` L34-83), and the commitment check.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commitKey, deriveContentKey, verifyAndDerive } from '../../src/crypto/commitment.ts';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

const KATS = [
  {
    dataKey: '80d90dc4cc7e77d8a6332efa44eba56230a7fe7b89af37d1e501ab2e07c0a163',
    messageId: 'b8ea76bed24c7b85382a148cb9dcd1cfdfb765f55ded4dfa6e0c4c79',
    dek: '6dd14f546cc006e639126e83f5d4d1b118576bb5df97f38c6fb3a1db87bbc338',
    commitKey: 'f89818bc0a346d3a3426b68e9509b6b2ae5fe1f904aa329fb73625db',
  },
  {
    dataKey: '501afb8227d22e75e68010414b8abdaf3064c081e8e922dafef4992036394d60',
    messageId: '61a00b4981a5aacfd136c55cb726e32d2a547dc7600a7d4675c69127',
    dek: 'e14786a714748d1d2c3a4a6816dec56ddf1881bbeabb4f39420ffb9f63700b2f',
    commitKey: '5c1e73e47f6fe3a70d6d094283aceaa76d2975feb829212d88f0afc1',
  },
];

describe('V3 key derivation (HKDF-SHA512)', () => {
  for (const [index, kat] of KATS.entries()) {
    it(`reproduces Go known answer ${index + 1}`, () => {
      expect(toHex(commitKey(hex(kat.dataKey), hex(kat.messageId)))).toBe(kat.commitKey);
      expect(toHex(deriveContentKey(hex(kat.dataKey), hex(kat.messageId)))).toBe(kat.dek);
      expect(toHex(verifyAndDerive(hex(kat.dataKey), hex(kat.messageId), hex(kat.commitKey)))).toBe(kat.dek);
    });
  }

  it('refuses a commitment differing in any bit', () => {
    const kat = KATS[0];
    if (kat === undefined) throw new Error('no KAT');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 28 * 8 - 1 }), (bit) => {
        const commitment = hex(kat.commitKey);
        commitment[bit >> 3] = (commitment[bit >> 3] ?? 0) ^ (1 << (bit & 7));
        expect(() => verifyAndDerive(hex(kat.dataKey), hex(kat.messageId), commitment)).toThrow(expect.objectContaining({ code: 'KeyCommitmentMismatch' }));
      }),
      { numRuns: 64 },
    );
  });

  it('refuses a data key that is not 32 bytes', () => {
    expect(() => commitKey(new Uint8Array(16), new Uint8Array(28))).toThrow(RangeError);
  });
});
