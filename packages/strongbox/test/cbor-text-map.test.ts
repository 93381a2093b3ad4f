/**
 * `cborTextMap`, read back by the SDK for JavaScript's own CBOR decoder (`@smithy/core/cbor`, the
 * codec of its Smithy RPC v2 CBOR clients), so that what a CBOR client receives is what was meant.
 */

import { createRequire } from 'node:module';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cborTextMap } from '../src/cbor-text-map.ts';

const { cbor } = createRequire(createRequire(import.meta.url).resolve('@aws-sdk/client-s3'))('@smithy/core/cbor') as {
  cbor: { deserialize: (bytes: Uint8Array) => unknown };
};

describe('cborTextMap', () => {
  it('encodes RFC 8949 appendix A examples byte for byte', () => {
    // RFC 8949 Appendix A: {"a": "A", "b": "B", "c": "C", "d": "D", "e": "E"} and "\u00fc".
    expect(Buffer.from(cborTextMap({ a: 'A', b: 'B', c: 'C', d: 'D', e: 'E' })).toString('hex')).toBe('a56161614161626142616361436164614461656145');
    expect(Buffer.from(cborTextMap({ '\u00fc': '' })).toString('hex')).toBe('a162c3bc60');
    expect(Buffer.from(cborTextMap({})).toString('hex')).toBe('a0');
  });

  it('writes each length in the head size its value needs: 23, 24, 255, 256, 65535 and 65536 bytes', () => {
    for (const length of [23, 24, 255, 256, 65_535, 65_536]) {
      const value = 'x'.repeat(length);
      expect([length, cbor.deserialize(cborTextMap({ message: value }))]).toEqual([length, { message: value }]);
    }
  });

  it('decodes, with the SDK for JavaScript’s CBOR codec, to the map it was given', () => {
    // The SDK's decoder stores a small map's pairs with `map[key] = value` on a plain object, so a
    // `__proto__` key hits the prototype setter and vanishes: such a map cannot round-trip through
    // it (the endpoint never writes one: its keys are `__type` and `message`).
    const key = fc.string({ unit: 'grapheme' }).filter((name) => name !== '__proto__');
    fc.assert(
      fc.property(fc.dictionary(key, fc.string({ unit: 'grapheme', maxLength: 400 })), (entries) => {
        expect(cbor.deserialize(cborTextMap(entries))).toEqual({ ...entries });
      }),
    );
  });
});
