import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeEncryptionContext } from '../src/context.ts';
import { EnvelopeError, type EnvelopeErrorCode } from '../src/errors.ts';
import { MAX_FRAME_LENGTH, MAX_KEYRING_ID_BYTES, MAX_WRAPPED_KEY_BYTES, MAX_WRAPPED_KEYS } from '../src/format/constants.ts';
import { encodeHeaderFields, type HeaderFields, parseHeader } from '../src/format/header.ts';
import { readHeader, seal } from '../src/seal.ts';
import { OpenEngine } from '../src/stream/open-engine.ts';
import { defined } from './helpers/defined.ts';
import { concat, paddedKeyring, pattern, testKeyring, thrown, utf8 } from './helpers/messages.ts';

const u16 = (n: number): Uint8Array => Uint8Array.of(n >> 8, n & 0xff);
const u32 = (n: number): Uint8Array => Uint8Array.of(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);

/** Header bytes up to (not including) the wrapped-key count, for a given raw context encoding. */
function prefixThroughContext(contextBytes: Uint8Array, version = 1, suite = 1): Uint8Array {
  return concat(Uint8Array.of(version), u16(suite), new Uint8Array(32).fill(7), u16(contextBytes.length), contextBytes);
}
const EMPTY_CONTEXT = encodeEncryptionContext({});
const wrappedKey = (id: string, length: number) => concat(u16(utf8(id).length), utf8(id), u16(length), new Uint8Array(length).fill(1));

function expectParseError(prefix: Uint8Array, code: EnvelopeErrorCode, pattern?: RegExp): void {
  const error = thrown(() => parseHeader(prefix));
  expect(error).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).code).toBe(code);
  if (pattern) expect((error as EnvelopeError).message).toMatch(pattern);
}

const fieldsArbitrary: fc.Arbitrary<HeaderFields> = fc.record({
  version: fc.constantFrom(1 as const, 2 as const),
  suite: fc.constant(1),
  messageId: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  contextBytes: fc
    .dictionary(fc.string({ unit: 'binary', maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 6 }), { maxKeys: 5 })
    .map((ctx) => encodeEncryptionContext(ctx)),
  wrappedKeys: fc.array(
    fc.record({
      keyringId: fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
      ciphertext: fc.uint8Array({ minLength: 1, maxLength: 80 }),
    }),
    { minLength: 1, maxLength: MAX_WRAPPED_KEYS },
  ),
  frameLength: fc.integer({ min: 1, max: MAX_FRAME_LENGTH }),
  commitment: fc.uint8Array({ minLength: 32, maxLength: 32 }),
});

describe('header codec', () => {
  it('parse(encode(fields) ‖ body) returns every field unchanged (property)', () => {
    fc.assert(
      fc.property(fieldsArbitrary, fc.uint8Array({ maxLength: 20 }), (fields, body) => {
        const encoded = encodeHeaderFields(fields);
        const parsed = parseHeader(concat(encoded, body));
        if (!('header' in parsed)) throw new Error('expected a complete header');
        const { header } = parsed;
        expect(header.version).toBe(fields.version);
        expect(header.suite).toBe(fields.suite);
        expect(header.messageId).toEqual(fields.messageId);
        expect(encodeEncryptionContext(header.context)).toEqual(fields.contextBytes);
        expect(header.wrappedKeys.map((k) => ({ ...k }))).toEqual(fields.wrappedKeys.map((k) => ({ ...k })));
        expect(header.frameLength).toBe(fields.frameLength);
        expect(header.commitment).toEqual(fields.commitment);
        expect(header.bytes).toEqual(encoded);
        expect(header.length).toBe(encoded.length);
      }),
      { numRuns: 200 },
    );
  });

  it('every proper prefix parses to { needed } with needed beyond the prefix, growing monotonically (property)', () => {
    fc.assert(
      fc.property(fieldsArbitrary, (fields) => {
        const header = encodeHeaderFields(fields);
        let previous = 0;
        for (let length = 0; length < header.length; length++) {
          const parsed = parseHeader(header.subarray(0, length));
          if (!('needed' in parsed)) throw new Error(`prefix of ${length} bytes parsed as a header`);
          expect(parsed.needed).toBeGreaterThan(length);
          expect(parsed.needed).toBeLessThanOrEqual(header.length);
          expect(parsed.needed).toBeGreaterThanOrEqual(previous);
          previous = parsed.needed;
        }
        expect('header' in parseHeader(header)).toBe(true);
      }),
      { numRuns: 50 },
    );
  });

  it('encodes the documented byte layout', async () => {
    const sealed = await seal(new Uint8Array(0), { keyring: paddedKeyring('kr', 40), context: { k: 'v' }, frameLength: 0x010203 });
    const header = readHeader(sealed);
    const contextBytes = encodeEncryptionContext({ k: 'v' });
    const expected = concat(
      Uint8Array.of(0x02, 0x00, 0x01),
      header.messageId,
      u16(contextBytes.length),
      contextBytes,
      Uint8Array.of(1),
      u16(2),
      utf8('kr'),
      u16(40),
      defined(header.wrappedKeys[0]).ciphertext,
      Uint8Array.of(0x00, 0x01, 0x02, 0x03),
      header.commitment,
    );
    expect(sealed.subarray(0, header.length)).toEqual(expected);
    expect(sealed.length).toBe(expected.length + 16);
  });

  it('refuses to encode counts and lengths outside the format maxima (RangeError)', () => {
    const base = { version: 2 as const, suite: 1, messageId: new Uint8Array(32), contextBytes: EMPTY_CONTEXT, frameLength: 16, commitment: new Uint8Array(32) };
    const key = (keyringId: string, length: number) => ({ keyringId, ciphertext: new Uint8Array(length) });
    const bad = [
      [],
      Array.from({ length: MAX_WRAPPED_KEYS + 1 }, () => key('k', 1)),
      [key('', 1)],
      [key('x'.repeat(MAX_KEYRING_ID_BYTES + 1), 1)],
      [key('k', 0)],
      [key('k', MAX_WRAPPED_KEY_BYTES + 1)],
    ];
    for (const wrappedKeys of bad) expect(() => encodeHeaderFields({ ...base, wrappedKeys })).toThrow(RangeError);
    const ok = [Array.from({ length: MAX_WRAPPED_KEYS }, () => key('k', 1)), [key('x'.repeat(MAX_KEYRING_ID_BYTES), MAX_WRAPPED_KEY_BYTES)]];
    for (const wrappedKeys of ok) expect('header' in parseHeader(concat(encodeHeaderFields({ ...base, wrappedKeys }), new Uint8Array(16)))).toBe(true);
  });
});

describe('encodeHeaderFields argument types', () => {
  it('a wrapped key that is not a Uint8Array is a TypeError (wrong type), a keyring id that is not a string too', () => {
    const base = { version: 2 as const, suite: 1, messageId: new Uint8Array(32), contextBytes: EMPTY_CONTEXT, frameLength: 16, commitment: new Uint8Array(32) };
    for (const ciphertext of [[1, 2], 'ab', null, undefined, new ArrayBuffer(2), new Uint16Array(1), { length: 2 }]) {
      expect(() => encodeHeaderFields({ ...base, wrappedKeys: [{ keyringId: 'k', ciphertext: ciphertext as never }] })).toThrow(TypeError);
    }
    for (const keyringId of [1, null, undefined, '\ud800']) {
      expect(() => encodeHeaderFields({ ...base, wrappedKeys: [{ keyringId: keyringId as never, ciphertext: new Uint8Array(1) }] })).toThrow(TypeError);
    }
  });
});

describe('hostile headers are rejected as soon as the bad field is read', () => {
  it('an unknown version or suite is reported from the first bytes', () => {
    for (const version of [0x00, 0x03, 0x80, 0xff]) expectParseError(Uint8Array.of(version), 'UNSUPPORTED_VERSION');
    for (const suite of [0x0000, 0x0002, 0x0100, 0xffff]) expectParseError(concat(Uint8Array.of(1), u16(suite)), 'UNSUPPORTED_SUITE');
  });

  it('a wrapped key count of 0 or 17 is MALFORMED_MESSAGE right after the count byte', () => {
    const prefix = prefixThroughContext(EMPTY_CONTEXT);
    for (const count of [0, MAX_WRAPPED_KEYS + 1, 255]) expectParseError(concat(prefix, Uint8Array.of(count)), 'MALFORMED_MESSAGE', /wrapped key count/);
    expect(parseHeader(concat(prefix, Uint8Array.of(MAX_WRAPPED_KEYS)))).toEqual({ needed: prefix.length + 3 });
  });

  it('a keyring id length of 0 or 1025 is MALFORMED_MESSAGE right after the length field', () => {
    const prefix = concat(prefixThroughContext(EMPTY_CONTEXT), Uint8Array.of(1));
    for (const length of [0, MAX_KEYRING_ID_BYTES + 1, 0xffff]) expectParseError(concat(prefix, u16(length)), 'MALFORMED_MESSAGE', /keyring id length/);
    expect(parseHeader(concat(prefix, u16(MAX_KEYRING_ID_BYTES)))).toEqual({ needed: prefix.length + 2 + MAX_KEYRING_ID_BYTES });
    expectParseError(concat(prefix, u16(2), Uint8Array.of(0xc3, 0x28)), 'MALFORMED_MESSAGE', /UTF-8/);
  });

  it('a wrapped key length of 0 or 8193 is MALFORMED_MESSAGE right after the length field', () => {
    const prefix = concat(prefixThroughContext(EMPTY_CONTEXT), Uint8Array.of(1), u16(1), utf8('k'));
    for (const length of [0, MAX_WRAPPED_KEY_BYTES + 1, 0xffff]) expectParseError(concat(prefix, u16(length)), 'MALFORMED_MESSAGE', /wrapped key length/);
    expect(parseHeader(concat(prefix, u16(MAX_WRAPPED_KEY_BYTES)))).toEqual({ needed: prefix.length + 2 + MAX_WRAPPED_KEY_BYTES });
  });

  it('a frame length of 0 or 4 MiB + 1 is MALFORMED_MESSAGE right after the length field', () => {
    const prefix = concat(prefixThroughContext(EMPTY_CONTEXT), Uint8Array.of(1), wrappedKey('k', 3));
    for (const length of [0, MAX_FRAME_LENGTH + 1, 0xffffffff]) expectParseError(concat(prefix, u32(length)), 'MALFORMED_MESSAGE', /frame length/);
    expect(parseHeader(concat(prefix, u32(MAX_FRAME_LENGTH)))).toEqual({ needed: prefix.length + 4 + 32 });
  });

  it('a non-canonical encryption context is MALFORMED_MESSAGE as soon as the context bytes are in', () => {
    const pair = (k: string, v: string) => concat(u16(utf8(k).length), utf8(k), u16(utf8(v).length), utf8(v));
    const nonCanonical = [
      concat(u16(2), pair('b', '1'), pair('a', '2')), // unsorted keys
      concat(u16(2), pair('a', '1'), pair('a', '2')), // duplicate key
      concat(u16(1), pair('a', '1'), Uint8Array.of(0)), // trailing byte
      concat(u16(2), pair('a', '1')), // count larger than the pairs present
      concat(u16(1), u16(1), Uint8Array.of(0xff), u16(0)), // invalid UTF-8 key
      Uint8Array.of(0), // shorter than the pair count
    ];
    for (const contextBytes of nonCanonical) {
      expectParseError(prefixThroughContext(contextBytes), 'MALFORMED_MESSAGE', /context/);
    }
  });

  it('the streaming opener rejects a hostile prefix on the write that delivers it, without waiting for more', async () => {
    const prefix = concat(prefixThroughContext(EMPTY_CONTEXT), Uint8Array.of(1), u16(1), utf8('k'), u16(MAX_WRAPPED_KEY_BYTES + 1));
    const engine = new OpenEngine({ keyring: testKeyring() });
    const error = await engine.write(prefix).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EnvelopeError);
    expect((error as EnvelopeError).code).toBe('MALFORMED_MESSAGE');
  });
});

describe('readHeader', () => {
  it('returns the unauthenticated header of a sealed message', async () => {
    const sealed = await seal(pattern(20), { keyring: [testKeyring('a'), testKeyring('b')], context: { x: 'y' }, frameLength: 8 });
    const header = readHeader(sealed);
    expect(header.wrappedKeys.map((k) => k.keyringId)).toEqual(['raw-aes:a', 'raw-aes:b']);
    expect(header.context).toEqual({ x: 'y' });
    expect(header.frameLength).toBe(8);
    expect(Object.isFrozen(header)).toBe(true);
  });

  it('reports MALFORMED_MESSAGE for every truncation inside the header', async () => {
    const sealed = await seal(pattern(5), { keyring: testKeyring(), context: { x: 'y' } });
    const { length } = readHeader(sealed);
    for (let cut = 0; cut < length; cut++) {
      const error = thrown(() => readHeader(sealed.subarray(0, cut)));
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).code).toBe('MALFORMED_MESSAGE');
      expect((error as EnvelopeError).message).toMatch(/truncated header/);
    }
    expect(readHeader(sealed.subarray(0, length)).length).toBe(length);
  });
});
