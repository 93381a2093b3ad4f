/**
 * The canonical encryption-context encoding (src/context.ts): u16 pairCount, then per pair
 * u16 keyLength ‖ key ‖ u16 valueLength ‖ value (UTF-8, big-endian lengths), sorted by key bytes.
 * Pinned by known answers, injectivity and round-trip properties, and strict decoding.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contextEquals,
  decodeEncryptionContext,
  decodeKnownEncryptionContext,
  type EncryptionContext,
  encodeEncryptionContext,
  MAX_CONTEXT_BYTES,
  normalizeEncryptionContext,
  sharedCanonicalBytes,
} from '../src/context.ts';
import { defined, xorAt } from './helpers/defined.ts';
import { concat, toHex } from './helpers/wycheproof.ts';

const ascii = (text: string): number[] => [...text].map((char) => char.charCodeAt(0));
const encodeHex = (context: EncryptionContext | undefined): string => toHex(encodeEncryptionContext(context));
const invalid = (value: unknown): EncryptionContext => value as EncryptionContext;

/** A code unit that is not a surrogate, i.e. any Basic Multilingual Plane character. */
const bmpChar = fc
  .integer({ min: 0, max: 0xffff })
  .filter((c) => c < 0xd800 || c > 0xdfff)
  .map((c) => String.fromCharCode(c));
/** Strings over several alphabets, including a tiny one so that near-collisions are common. */
const stringArb = fc.oneof(
  fc.string({ unit: fc.constantFrom('a', 'b', 'é', '\u0000', '😀'), maxLength: 4 }),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.string({ unit: bmpChar, maxLength: 8 }),
);
const contextArb = fc.dictionary(stringArb, stringArb, { maxKeys: 6 });

function sameContext(a: EncryptionContext, b: EncryptionContext): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

describe('encodeEncryptionContext', () => {
  it('encodes the known answers byte for byte', () => {
    expect([...encodeEncryptionContext(undefined)]).toEqual([0, 0]);
    expect([...encodeEncryptionContext({})]).toEqual([0, 0]);
    expect([...encodeEncryptionContext({ purpose: 'backup' })]).toEqual([0, 1, 0, 7, ...ascii('purpose'), 0, 6, ...ascii('backup')]);
    expect([...encodeEncryptionContext({ b: '2', a: '1' })]).toEqual([0, 2, 0, 1, 0x61, 0, 1, 0x31, 0, 1, 0x62, 0, 1, 0x32]);
    expect([...encodeEncryptionContext({ '': '' })]).toEqual([0, 1, 0, 0, 0, 0]);
    expect([...encodeEncryptionContext({ é: '€' })]).toEqual([0, 1, 0, 2, 0xc3, 0xa9, 0, 3, 0xe2, 0x82, 0xac]);
    // Lengths are big-endian u16: 300 = 0x012c.
    expect([...encodeEncryptionContext({ k: 'v'.repeat(300) }).subarray(0, 8)]).toEqual([0, 1, 0, 1, 0x6b, 0x01, 0x2c, 0x76]);
  });

  it('sorts keys by UTF-8 bytes, not by UTF-16 code units', () => {
    // U+FF61 is EF BD A1 in UTF-8 and U+1F600 is F0 9F 98 80, but in UTF-16 U+1F600 (D83D DE00) sorts first.
    expect(encodeHex({ '😀': '', '\uff61': '' })).toBe('0002' + '0003efbda1' + '0000' + '0004f09f9880' + '0000');
  });

  it('keeps length-prefixed fields apart where a plain concatenation would collide', () => {
    expect(encodeHex({ ab: 'c' })).not.toBe(encodeHex({ a: 'bc' }));
    expect(encodeHex({ a: 'b', c: 'd' })).not.toBe(encodeHex({ abcd: '' }));
    expect(encodeHex({ a: '' })).not.toBe(encodeHex({}));
  });

  it('maps distinct contexts to distinct encodings, and equal ones to equal encodings', () => {
    fc.assert(
      fc.property(contextArb, contextArb, (a, b) => {
        expect(encodeHex(a) === encodeHex(b)).toBe(sameContext(a, b));
        expect(contextEquals(a, b)).toBe(sameContext(a, b));
      }),
      { numRuns: 500 },
    );
  });

  it('distinguishes every way of splitting one string into a key and a value', () => {
    fc.assert(
      fc.property(stringArb, stringArb, fc.nat(), fc.nat(), (left, right, i, j) => {
        const text = left + right;
        const [x, y] = [i % (text.length + 1), j % (text.length + 1)];
        const [keyX, keyY] = [text.slice(0, x), text.slice(0, y)];
        fc.pre(keyX.isWellFormed() && keyY.isWellFormed() && text.slice(x).isWellFormed() && text.slice(y).isWellFormed());
        expect(encodeHex({ [keyX]: text.slice(x) }) === encodeHex({ [keyY]: text.slice(y) })).toBe(x === y);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores insertion order', () => {
    const entriesArb = fc.uniqueArray(fc.tuple(stringArb, stringArb), { selector: ([key]) => key, maxLength: 6 });
    const permuted = entriesArb.chain((entries) =>
      fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length, maxLength: entries.length })),
    );
    fc.assert(
      fc.property(permuted, ([entries, shuffled]) => {
        const encoded = encodeHex(Object.fromEntries(entries));
        expect(encodeHex(Object.fromEntries(shuffled))).toBe(encoded);
        expect(encodeHex(Object.fromEntries(entries.toReversed()))).toBe(encoded);
      }),
    );
  });

  it('returns a new buffer every time, even for the empty context', () => {
    const first = encodeEncryptionContext({});
    first[1] = 9;
    expect([...encodeEncryptionContext({})]).toEqual([0, 0]);
    expect(encodeEncryptionContext({ a: 'b' })).not.toBe(encodeEncryptionContext({ a: 'b' }));
  });

  it('rejects lone surrogates in keys or values with TypeError', () => {
    for (const context of [{ '\ud800': 'x' }, { x: '\udc00' }, { 'a\ud83d': '' }, { '': 'b\ude00c' }]) {
      expect(() => encodeEncryptionContext(context)).toThrow(TypeError);
    }
    fc.assert(
      fc.property(stringArb, fc.integer({ min: 0xd800, max: 0xdfff }), fc.boolean(), (text, unit, inKey) => {
        const broken = String.fromCharCode(unit) + text.replace(/^[\udc00-\udfff]/, '');
        expect(() => encodeEncryptionContext(inKey ? { [broken]: 'v' } : { k: broken })).toThrow(TypeError);
      }),
    );
  });

  it('rejects non-object contexts and non-string values with TypeError', () => {
    for (const context of [null, 'a=b', 42, ['a'], true]) expect(() => encodeEncryptionContext(invalid(context))).toThrow(TypeError);
    for (const value of [1, null, undefined, {}, ['x'], true, Symbol('s'), 1n]) {
      expect(() => encodeEncryptionContext(invalid({ a: 'b', k: value })), String(value)).toThrow(TypeError);
    }
  });

  it('enforces the u16 limits on UTF-8 bytes with RangeError', () => {
    expect(() => encodeEncryptionContext({ ['k'.repeat(65536)]: '' })).toThrow(RangeError);
    expect(() => encodeEncryptionContext({ k: 'v'.repeat(65536) })).toThrow(RangeError);
    // 21846 euro signs are 65538 UTF-8 bytes but only 21846 UTF-16 code units.
    expect(() => encodeEncryptionContext({ k: '€'.repeat(21846) })).toThrow(RangeError);
    // The whole encoding: 2 + 2 + 0 + 2 + 65529 = 65535 bytes fits; one byte more does not.
    const largest = encodeEncryptionContext({ '': 'x'.repeat(65529) });
    expect(largest).toHaveLength(MAX_CONTEXT_BYTES);
    expect(decodeEncryptionContext(largest)).toEqual({ '': 'x'.repeat(65529) });
    expect(() => encodeEncryptionContext({ '': 'x'.repeat(65530) })).toThrow(RangeError);
    expect(() => encodeEncryptionContext({ a: 'x'.repeat(40000), b: 'y'.repeat(30000) })).toThrow(RangeError);
  });
});

describe('decodeEncryptionContext', () => {
  it('round-trips every context and returns a frozen copy', () => {
    fc.assert(
      fc.property(contextArb, (context) => {
        const decoded = decodeEncryptionContext(encodeEncryptionContext(context));
        expect(decoded).toEqual(context);
        expect(Object.isFrozen(decoded)).toBe(true);
        expect(normalizeEncryptionContext(context)).toEqual(context);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts only canonical bytes: whatever decodes re-encodes to exactly the same bytes', () => {
    fc.assert(
      fc.property(contextArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (context, position, delta) => {
        const mutated = encodeEncryptionContext(context);
        xorAt(mutated, position % mutated.length, delta);
        const decoded = decodeEncryptionContext(mutated);
        if (decoded !== undefined) expect(encodeHex(decoded)).toBe(toHex(mutated));
      }),
      { numRuns: 500 },
    );
  });

  it('rejects every truncation of a valid encoding', () => {
    fc.assert(
      fc.property(contextArb, (context) => {
        const encoded = encodeEncryptionContext(context);
        for (let length = 0; length < encoded.length; length++) expect(decodeEncryptionContext(encoded.subarray(0, length))).toBeUndefined();
      }),
    );
  });

  it('rejects unsorted keys, duplicate keys, trailing bytes, bad UTF-8 and wrong pair counts', () => {
    const pair = (key: number[], value: number[] = []): number[] => [0, key.length, ...key, 0, value.length, ...value];
    const cases: Record<string, number[]> = {
      'unsorted keys': [0, 2, ...pair([0x62]), ...pair([0x61])],
      'duplicate keys': [0, 2, ...pair([0x61], [0x31]), ...pair([0x61], [0x32])],
      'trailing byte': [...encodeEncryptionContext({ a: 'b' }), 0],
      'trailing byte after empty': [0, 0, 0],
      'invalid byte in key': [0, 1, ...pair([0xff])],
      'overlong NUL in value': [0, 1, ...pair([0x61], [0xc0, 0x80])],
      'UTF-8 surrogate in key': [0, 1, ...pair([0xed, 0xa0, 0x80])],
      'cut multi-byte value': [0, 1, ...pair([0x61], [0xe2, 0x82])],
      'count too high': [0, 2, ...pair([0x61])],
      'count too low': [0, 1, ...pair([0x61]), ...pair([0x62])],
      'field length past the end': [0, 1, 0, 5, 0x61],
    };
    expect(decodeEncryptionContext(Uint8Array.from(pair([0x61])).subarray(0, 0))).toBeUndefined();
    for (const [name, bytes] of Object.entries(cases)) expect(decodeEncryptionContext(Uint8Array.from(bytes)), name).toBeUndefined();
    // Control: the same builders produce a canonical encoding when the input is canonical.
    expect(decodeEncryptionContext(Uint8Array.from([0, 2, ...pair([0x61]), ...pair([0x62])]))).toEqual({ a: '', b: '' });
  });

  it('keeps a leading byte-order mark instead of stripping it', () => {
    expect(decodeEncryptionContext(encodeEncryptionContext({ '\ufeffa': '\ufeff' }))).toEqual({ '\ufeffa': '\ufeff' });
    expect(encodeHex({ '\ufeffa': '' })).not.toBe(encodeHex({ a: '' }));
  });

  it('round-trips __proto__ and other Object.prototype names as plain own keys', () => {
    const context = JSON.parse('{"__proto__":"x","constructor":"c","toString":"t","hasOwnProperty":"h"}') as EncryptionContext;
    const encoded = encodeEncryptionContext(context);
    expect(toHex(encoded)).toContain(toHex(concat(Uint8Array.of(0, 9), new TextEncoder().encode('__proto__'))));
    const decoded = defined(decodeEncryptionContext(encoded));
    expect(Object.keys(decoded).sort()).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(Object.getOwnPropertyDescriptor(decoded, '__proto__')?.value).toBe('x');
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(contextEquals(decoded, context)).toBe(true);
    expect(contextEquals(decoded, { constructor: 'c', toString: 't', hasOwnProperty: 'h' })).toBe(false);
  });
});

describe('contextEquals and normalizeEncryptionContext', () => {
  it('compare exact pairs: order-free, case-sensitive, undefined equal to empty', () => {
    expect(contextEquals({ a: '1', b: '2' }, { b: '2', a: '1' })).toBe(true);
    expect(contextEquals(undefined, {})).toBe(true);
    expect(contextEquals({ a: 'b' }, { a: 'B' })).toBe(false);
    expect(contextEquals({ a: 'b' }, { A: 'b' })).toBe(false);
    expect(contextEquals({ a: '' }, {})).toBe(false);
    expect(contextEquals({ a: 'b' }, { a: 'b', c: 'd' })).toBe(false);
    expect(() => contextEquals({ a: 'b' }, invalid({ a: 1 }))).toThrow(TypeError);
    expect(() => contextEquals(invalid(null), {})).toThrow(TypeError);
  });

  it('normalizes to a frozen copy with keys in canonical order', () => {
    const normalized = normalizeEncryptionContext({ b: '2', a: '1', é: '3' });
    expect(Object.keys(normalized)).toEqual(['a', 'b', 'é']);
    expect(Object.isFrozen(normalized)).toBe(true);
    expect(() => normalizeEncryptionContext(invalid({ a: 1 }))).toThrow(TypeError);
  });
});

describe('normalized contexts and their cached encoding', () => {
  it('keeps a __proto__ key as an ordinary pair, in canonical order, frozen', () => {
    const context = JSON.parse('{"z":"1","__proto__":"p","a":"2"}') as Record<string, string>;
    const normalized = normalizeEncryptionContext(context);
    expect(Object.keys(normalized)).toEqual(['__proto__', 'a', 'z']);
    expect(Object.getOwnPropertyDescriptor(normalized, '__proto__')?.value).toBe('p');
    expect(Object.getPrototypeOf(normalized)).toBe(Object.prototype);
    expect(Object.isFrozen(normalized)).toBe(true);
    expect(encodeEncryptionContext(normalized)).toEqual(encodeEncryptionContext(context));
  });

  it('hands out a fresh copy of a cached encoding, so a caller cannot corrupt the next one', () => {
    const normalized = normalizeEncryptionContext({ purpose: 'cache' });
    const first = encodeEncryptionContext(normalized);
    first.fill(0xff);
    expect(encodeEncryptionContext(normalized)).toEqual(encodeEncryptionContext({ purpose: 'cache' }));
  });

  it('returns an already normalized context as it is', () => {
    const normalized = normalizeEncryptionContext({ b: '2', a: '1' });
    expect(normalizeEncryptionContext(normalized)).toBe(normalized);
  });

  it('a decoded context is already normalized, its validated bytes cached (a private copy) (property)', () => {
    fc.assert(
      fc.property(contextArb, (context) => {
        const bytes = encodeEncryptionContext(context);
        const decoded = defined(decodeEncryptionContext(bytes));
        expect(normalizeEncryptionContext(decoded)).toBe(decoded);
        // Cached: the same shared bytes every time, never re-encoded.
        const shared = sharedCanonicalBytes(decoded);
        expect(sharedCanonicalBytes(decoded)).toBe(shared);
        expect(shared).not.toBe(bytes);
        expect(toHex(shared)).toBe(toHex(bytes));
        // The caller's buffer may be reused: the cached encoding does not follow it.
        bytes.fill(0xee);
        expect(toHex(encodeEncryptionContext(decoded))).toBe(toHex(shared));
        expect(contextEquals(decoded, context)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('contextEquals agrees with comparing canonical encodings, for normalized, decoded and raw contexts (property)', () => {
    fc.assert(
      fc.property(contextArb, contextArb, fc.nat(2), fc.nat(2), (a, b, formA, formB) => {
        const shaped = (context: EncryptionContext, form: number): EncryptionContext =>
          form === 0 ? context : form === 1 ? normalizeEncryptionContext(context) : defined(decodeEncryptionContext(encodeEncryptionContext(context)));
        const expected = encodeHex(a) === encodeHex(b);
        expect(contextEquals(shaped(a, formA), shaped(b, formB))).toBe(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('an encoding over the maximum decodes but is not cached, so encoding it again still throws RangeError', () => {
    const big = concat(
      Uint8Array.of(0, 2),
      Uint8Array.of(0, 1, ...ascii('a'), 0xff, 0xff),
      new Uint8Array(0xffff).fill(0x61),
      Uint8Array.of(0, 1, ...ascii('b'), 0, 0),
    );
    const decoded = decodeEncryptionContext(big);
    expect(decoded).toBeDefined();
    expect(() => encodeEncryptionContext(decoded)).toThrow(RangeError);
    expect(() => normalizeEncryptionContext(decoded)).toThrow(RangeError);
  });
});

describe('decodeKnownEncryptionContext (an opener that knows the context it expects)', () => {
  it('returns the expected normalized object itself when the bytes are its encoding', () => {
    const known = normalizeEncryptionContext({ 'aws:s3:arn': 'arn:aws:s3:::b/k' });
    expect(decodeKnownEncryptionContext(encodeEncryptionContext({ 'aws:s3:arn': 'arn:aws:s3:::b/k' }), known)).toBe(known);
  });

  it('decodes exactly as decodeEncryptionContext whatever context is expected', () => {
    fc.assert(
      fc.property(contextArb, contextArb, (a, b) => {
        const bytes = encodeEncryptionContext(a);
        const known = normalizeEncryptionContext(b);
        const decoded = decodeKnownEncryptionContext(bytes, known);
        expect(decoded).toEqual(decodeEncryptionContext(bytes));
        // The expected object only for its own pairs; another context is a decoded one of its own.
        expect(decoded === known).toBe(sameContext(a, b));
        expect(Object.isFrozen(decoded)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never takes a context that was not normalized on trust: a plain object is only a hint to ignore', () => {
    const plain = { a: 'b' };
    const decoded = decodeKnownEncryptionContext(encodeEncryptionContext(plain), plain);
    expect(decoded).not.toBe(plain);
    expect(decoded).toEqual({ a: 'b' });
  });

  it('still refuses bytes that are not canonical, even naming the expected pairs', () => {
    const known = normalizeEncryptionContext({ a: '1', b: '2' });
    // The same two pairs out of order, and with a trailing byte: neither is the canonical encoding.
    const unsorted = Uint8Array.of(0, 2, 0, 1, 0x62, 0, 1, 0x32, 0, 1, 0x61, 0, 1, 0x31);
    expect(decodeKnownEncryptionContext(unsorted, known)).toBeUndefined();
    expect(decodeKnownEncryptionContext(concat(encodeEncryptionContext(known), Uint8Array.of(0)), known)).toBeUndefined();
  });
});

describe('a context whose getter changes its answer', () => {
  it('is read once per value: the normalized copy and its canonical bytes always agree', () => {
    let reads = 0;
    const flipping = Object.defineProperty({}, 'tenant', { enumerable: true, get: () => (reads++ === 0 ? 'acme' : 'evil') }) as Record<string, string>;
    const normalized = normalizeEncryptionContext(flipping);
    expect({ ...normalized }).toEqual({ tenant: 'acme' });
    expect(encodeEncryptionContext(normalized)).toEqual(encodeEncryptionContext({ tenant: 'acme' }));
    expect(reads).toBe(1);
  });
});
