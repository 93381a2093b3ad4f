import { beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeError } from '../src/errors.ts';
import type { Keyring } from '../src/keyring.ts';
import { openRange, type RandomAccessSource } from '../src/open-range.ts';
import { RawAesKeyring } from '../src/raw-aes-keyring.ts';
import { open, readHeader, seal } from '../src/seal.ts';
import { createOpenStream, createSealStream } from '../src/stream/web.ts';
import { pattern, runTransform, testKey, testKeyring } from './helpers/messages.ts';

/** The values every argument is probed with. */
const BAD: readonly [string, unknown][] = [
  ['null', null],
  ['undefined', undefined],
  ['1', 1],
  ["'str'", 'str'],
  ['{}', {}],
  ['[]', []],
  ['Uint32Array(4)', new Uint32Array(4)],
  ['spoofed { length: 1e30 }', { length: 1e30 }],
];

type Outcome = 'ok' | typeof TypeError | typeof RangeError;
/** Outcome per BAD label for an argument; anything not listed must be a TypeError. */
type Exceptions = Readonly<Record<string, Outcome>>;

const keyring = testKeyring('args');
const plaintext = pattern(40);
let sealed: Uint8Array;
beforeAll(async () => {
  sealed = await seal(plaintext, { keyring, frameLength: 16 });
});

async function outcome(run: () => unknown): Promise<unknown> {
  try {
    await run();
    return 'ok';
  } catch (error) {
    return error;
  }
}

async function probe(name: string, call: (value: unknown) => unknown, exceptions: Exceptions = {}): Promise<void> {
  for (const [label, value] of BAD) {
    const expected = exceptions[label] ?? TypeError;
    const result = await outcome(() => call(value));
    if (expected === 'ok') expect(result, `${name} = ${label}`).toBe('ok');
    else {
      expect(result, `${name} = ${label}`).toBeInstanceOf(expected);
      expect(result, `${name} = ${label}`).not.toBeInstanceOf(EnvelopeError);
    }
  }
}

const asAny = (value: unknown) => value as never;

describe('type-rejection table', () => {
  it('seal: plaintext, options, keyring, context, frameLength', async () => {
    await probe('plaintext', (v) => seal(asAny(v), { keyring }));
    await probe('options', (v) => seal(plaintext, asAny(v)));
    await probe('keyring', (v) => seal(plaintext, { keyring: asAny(v) }));
    await probe('context', (v) => seal(plaintext, { keyring, context: asAny(v) }), { undefined: 'ok', '{}': 'ok' });
    await probe('frameLength', (v) => seal(plaintext, { keyring, frameLength: asAny(v) }), { undefined: 'ok', '1': 'ok' });
  });

  it('open: sealed, options, keyring, context', async () => {
    await probe('sealed', (v) => open(asAny(v), { keyring }));
    await probe('options', (v) => open(sealed, asAny(v)));
    await probe('keyring', (v) => open(sealed, { keyring: asAny(v) }));
    await probe('context', (v) => open(sealed, { keyring, context: asAny(v) }), { undefined: 'ok', '{}': 'ok' });
  });

  it('openRange: source, offset, length, options', async () => {
    await probe('source', (v) => openRange(asAny(v), 0, 1, { keyring }));
    await probe('offset', (v) => openRange(sealed, asAny(v), 1, { keyring }), { '1': 'ok' });
    await probe('length', (v) => openRange(sealed, 0, asAny(v), { keyring }), { '1': 'ok' });
    await probe('options', (v) => openRange(sealed, 0, 1, asAny(v)));
    await probe('source.size', (v) => openRange({ size: asAny(v), read: () => new Uint8Array(0) }, 0, 1, { keyring }), { '1': RangeError });
    await probe('source.read()', (v) => openRange({ size: sealed.length, read: () => asAny(v) }, 0, 1, { keyring }));
  });

  it('readHeader: sealed', async () => {
    await probe('sealed', (v) => readHeader(asAny(v)));
  });

  it('context values and keys must be well-formed strings', async () => {
    await probe('context value', (v) => seal(plaintext, { keyring, context: { k: asAny(v) } }), { "'str'": 'ok' });
    // A well-formed expected context that differs from the message's is DECRYPT_FAILED, not an argument error.
    const mismatchIsOk = (e: unknown) => {
      if (!(e instanceof EnvelopeError)) throw e;
    };
    await probe('expected context value', (v) => open(sealed, { keyring, context: { k: asAny(v) } }).catch(mismatchIsOk), { "'str'": 'ok' });
    for (const context of [{ k: '\ud800' }, { '\udfff': 'v' }, { k: 'a\ud83d' }]) {
      await expect(seal(plaintext, { keyring, context })).rejects.toThrow(TypeError);
    }
  });

  it('createSealStream and createOpenStream: a bad chunk errors the stream with TypeError', async () => {
    for (const [label, value] of BAD) {
      const sealing = await runTransform([pattern(3), asAny(value)], createSealStream({ keyring }));
      expect(sealing.error, `seal chunk ${label}`).toBeInstanceOf(TypeError);
      const opening = await runTransform([sealed.subarray(0, 10), asAny(value)], createOpenStream({ keyring }));
      expect(opening.error, `open chunk ${label}`).toBeInstanceOf(TypeError);
    }
  });

  it('createSealStream: bad options error the stream with TypeError / RangeError', async () => {
    expect((await runTransform([pattern(3)], createSealStream(asAny(null)))).error).toBeInstanceOf(TypeError);
    expect((await runTransform([pattern(3)], createSealStream({ keyring: asAny({}) }))).error).toBeInstanceOf(TypeError);
    expect((await runTransform([pattern(3)], createSealStream({ keyring, frameLength: 0 }))).error).toBeInstanceOf(RangeError);
  });

  it('RawAesKeyring: options, name and key', async () => {
    const key = testKey(1);
    await probe('options', (v) => new RawAesKeyring(asAny(v)));
    await probe('name', (v) => new RawAesKeyring({ name: asAny(v), key }), { "'str'": 'ok' });
    await probe('key', (v) => new RawAesKeyring({ name: 'n', key: asAny(v) }));
  });
});

describe('range and size errors', () => {
  it('frameLength: out of range is RangeError, not an integer is TypeError', async () => {
    const cases: [unknown, Outcome][] = [
      [0, RangeError],
      [-1, RangeError],
      [4 * 1024 * 1024 + 1, RangeError],
      [2 ** 32, RangeError],
      [1.5, TypeError],
      [Number.NaN, TypeError],
      [Infinity, TypeError],
      [2 ** 53, TypeError],
      ['16', TypeError],
      [16n, TypeError],
      [1, 'ok'],
      [4 * 1024 * 1024, 'ok'],
    ];
    for (const [frameLength, expected] of cases) {
      const result = await outcome(() => seal(plaintext, { keyring, frameLength: asAny(frameLength) }));
      if (expected === 'ok') expect(result).toBe('ok');
      else expect(result, `frameLength ${String(frameLength)}`).toBeInstanceOf(expected);
    }
  });

  it('openRange: negative or past-the-end offsets and lengths are RangeError; non-integers TypeError', async () => {
    const cases: [number, number, Outcome][] = [
      [-1, 1, RangeError],
      [0, -1, RangeError],
      [41, 0, RangeError],
      [0, 41, RangeError],
      [2 ** 53 - 1, 1, RangeError],
      [1.5, 1, TypeError],
      [0, 0.5, TypeError],
      [Number.NaN, 1, TypeError],
      [0, Infinity, TypeError],
      [2 ** 53, 0, TypeError],
      [40, 0, 'ok'],
      [0, 40, 'ok'],
    ];
    for (const [offset, length, expected] of cases) {
      const result = await outcome(() => openRange(sealed, offset, length, { keyring }));
      if (expected === 'ok') expect(result).toBe('ok');
      else expect(result, `openRange(${offset}, ${length})`).toBeInstanceOf(expected);
    }
  });

  it('a RandomAccessSource with a negative size or a short read is a RangeError', async () => {
    const read = (offset: number, length: number) => sealed.slice(offset, offset + length);
    await expect(openRange({ size: -1, read }, 0, 1, { keyring })).rejects.toThrow(RangeError);
    const short: RandomAccessSource = { size: sealed.length, read: (offset, length) => read(offset, length).subarray(1) };
    await expect(openRange(short, 0, 1, { keyring })).rejects.toThrow(RangeError);
    await expect(openRange({ size: sealed.length, read }, 0, 1, { keyring })).resolves.toEqual(plaintext.subarray(0, 1));
  });

  it('RawAesKeyring: a key of the wrong size or an over-long name is a RangeError', () => {
    for (const length of [0, 16, 31, 33, 64]) {
      expect(() => new RawAesKeyring({ name: 'n', key: new Uint8Array(length) })).toThrow(RangeError);
    }
    expect(() => new RawAesKeyring({ name: 'x'.repeat(1001), key: testKey(1) })).toThrow(RangeError);
    expect(() => new RawAesKeyring({ name: 'é'.repeat(501), key: testKey(1) })).toThrow(RangeError);
    expect(new RawAesKeyring({ name: 'x'.repeat(1000), key: Buffer.from(testKey(1)) }).id).toBe(`raw-aes:${'x'.repeat(1000)}`);
    for (const name of ['', '\ud800']) expect(() => new RawAesKeyring({ name, key: testKey(1) })).toThrow(TypeError);
  });

  it('an empty keyring array and a keyring lacking a method are TypeErrors', async () => {
    const half = { wrapDataKey: keyring.wrapDataKey.bind(keyring) } as unknown as Keyring;
    for (const bad of [[], [keyring, half], half, [keyring, null]]) {
      await expect(seal(plaintext, { keyring: asAny(bad) })).rejects.toThrow(TypeError);
      await expect(open(sealed, { keyring: asAny(bad) })).rejects.toThrow(TypeError);
    }
  });

  it('argument errors are thrown before any header parsing for non-bytes, and EnvelopeErrors only for message content', async () => {
    await expect(open(new Uint8Array([2]), { keyring })).rejects.toBeInstanceOf(EnvelopeError);
    await expect(open(asAny('not bytes'), { keyring })).rejects.toThrow(TypeError);
  });

  it('bad options are a TypeError even when the message itself is malformed (arguments first)', async () => {
    const truncatedBody = sealed.subarray(0, sealed.length - 1);
    for (const options of [null, {}, { keyring: [] }]) {
      await expect(open(truncatedBody, asAny(options))).rejects.toThrow(TypeError);
      await expect(openRange(truncatedBody, 0, 1, asAny(options))).rejects.toThrow(TypeError);
      await expect(open(new Uint8Array([2]), asAny(options))).rejects.toThrow(TypeError);
    }
  });
});
