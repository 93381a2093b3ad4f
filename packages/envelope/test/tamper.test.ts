import { beforeAll, describe, expect, it } from 'vitest';
import { encodeEncryptionContext } from '../src/context.ts';
import { EnvelopeError, type EnvelopeErrorCode } from '../src/errors.ts';
import type { Keyring } from '../src/keyring.ts';
import { open, readHeader, seal } from '../src/seal.ts';
import { OpenEngine } from '../src/stream/open-engine.ts';
import { defined } from './helpers/defined.ts';
import {
  concat,
  countingBackend,
  fixedKeyKeyring,
  flipBit,
  joinFrames,
  paddedKeyring,
  pattern,
  splitFrames,
  testKey,
  testKeyring,
} from './helpers/messages.ts';

const F = 16;
const context = { purpose: 'tamper', tenant: 'acme' };
const keyring = testKeyring('tamper', 7);
const plaintext = pattern(3 * F + 5); // 3 full frames and a final frame of 5 bytes
let sealed: Uint8Array;
let referenceMessage: string;

/** Resolves to the error `open` (or `run`) rejected with; fails if it resolved. */
async function failure(run: Promise<unknown>): Promise<EnvelopeError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EnvelopeError);
  return error as EnvelopeError;
}

/** Every DECRYPT_FAILED must be indistinguishable: same code, message, name and no extra fields. */
async function expectDecryptFailed(run: Promise<unknown>): Promise<void> {
  const error = await failure(run);
  expect(error.code).toBe('DECRYPT_FAILED');
  expect(error.message).toBe(referenceMessage);
  expect(error.name).toBe('EnvelopeError');
  expect(Object.keys(error).sort()).toEqual(['code', 'name']);
  expect('cause' in error).toBe(false);
}

const openIt = (bytes: Uint8Array, options: { keyring?: Keyring | Keyring[]; context?: Record<string, string> } = {}) =>
  open(bytes, { keyring: options.keyring ?? keyring, ...(options.context ? { context: options.context } : {}) });

beforeAll(async () => {
  sealed = await seal(plaintext, { keyring, context, frameLength: F });
  const wrongKey = await failure(open(sealed, { keyring: testKeyring('tamper', 8) }));
  referenceMessage = wrongKey.message;
});

/** The byte ranges of the header fields of the fixture message. */
function regions(): { name: string; start: number; end: number; codes: EnvelopeErrorCode[] }[] {
  const header = readHeader(sealed);
  const contextLength = encodeEncryptionContext(context).length;
  const idLength = defined(header.wrappedKeys[0]).keyringId.length;
  const wrappedLength = defined(header.wrappedKeys[0]).ciphertext.length;
  const any: EnvelopeErrorCode[] = ['DECRYPT_FAILED', 'MALFORMED_MESSAGE', 'UNSUPPORTED_VERSION', 'UNSUPPORTED_SUITE'];
  const auth: EnvelopeErrorCode[] = ['DECRYPT_FAILED'];
  const list: [string, number, EnvelopeErrorCode[]][] = [
    ['version', 1, ['UNSUPPORTED_VERSION']],
    ['suite', 2, ['UNSUPPORTED_SUITE']],
    ['message id', 32, auth],
    ['context length', 2, any],
    ['context', contextLength, any],
    ['wrapped key count', 1, any],
    ['keyring id length', 2, any],
    ['keyring id', idLength, any],
    ['wrapped key length', 2, any],
    ['wrapped key', wrappedLength, auth],
    ['frame length', 4, any],
    ['key commitment', 32, auth],
    ['body', sealed.length - header.length, auth],
  ];
  let start = 0;
  const out = list.map(([name, size, codes]) => ({ name, start, end: (start += size), codes }));
  expect(defined(out.at(-2)).end).toBe(header.length);
  expect(defined(out.at(-1)).end).toBe(sealed.length);
  return out;
}

describe('single-bit flips', () => {
  it('every flipped bit anywhere in the message makes open fail, with the code its region allows', async () => {
    expect(await openIt(sealed, { context })).toEqual(plaintext);
    for (const region of regions()) {
      for (let bit = region.start * 8; bit < region.end * 8; bit++) {
        const error = await failure(openIt(flipBit(sealed, bit)));
        expect(region.codes, `${region.name}, bit ${bit}: got ${error.code}`).toContain(error.code);
        if (error.code === 'DECRYPT_FAILED') expect(error.message).toBe(referenceMessage);
      }
    }
  });

  it('the streaming opener also rejects every flipped bit, whatever the chunking', async () => {
    for (let bit = 0; bit < sealed.length * 8; bit++) {
      const engine = new OpenEngine({ keyring });
      const bytes = flipBit(sealed, bit);
      const size = 1 + (bit % 53);
      const run = (async () => {
        for (let i = 0; i < bytes.length; i += size) await engine.write(bytes.subarray(i, i + size));
        engine.end();
      })();
      await failure(run);
    }
  });
});

describe('truncation and extension', () => {
  it('every truncated length fails: MALFORMED_MESSAGE inside the header, DECRYPT_FAILED after it', async () => {
    const headerLength = readHeader(sealed).length;
    for (let length = 0; length < sealed.length; length++) {
      const run = openIt(sealed.subarray(0, length));
      if (length < headerLength) expect((await failure(run)).code).toBe('MALFORMED_MESSAGE');
      else await expectDecryptFailed(run);
    }
  });

  it('truncation at every frame boundary fails (a regular frame is never accepted as final)', async () => {
    const { header, frames } = splitFrames(sealed);
    for (let kept = 0; kept < frames.length; kept++) await expectDecryptFailed(openIt(joinFrames(header, frames.slice(0, kept))));
    const exact = splitFrames(await seal(pattern(2 * F), { keyring, frameLength: F }));
    expect(defined(exact.frames.at(-1)).length).toBe(16);
    await expectDecryptFailed(openIt(joinFrames(exact.header, exact.frames.slice(0, -1))));
  });

  it('appending bytes or whole frames fails', async () => {
    for (const extra of [1, 15, 16, 17, F + 16]) await expectDecryptFailed(openIt(concat(sealed, new Uint8Array(extra))));
    const { header, frames } = splitFrames(sealed);
    await expectDecryptFailed(openIt(joinFrames(header, [...frames, defined(frames.at(-1))])));
    await expectDecryptFailed(openIt(joinFrames(header, [...frames, defined(frames[0])])));
  });
});

describe('frame surgery', () => {
  it('reordering, duplicating or dropping frames fails', async () => {
    const { header, frames } = splitFrames(sealed);
    const [f0, f1, f2, last] = frames as [Uint8Array, Uint8Array, Uint8Array, Uint8Array];
    const variants = [
      [f1, f0, f2, last],
      [f0, f2, f1, last],
      [f0, f0, f1, f2, last],
      [f0, f1, f1, last],
      [f0, f2, last],
      [f1, f2, last],
      [f0, f1, f2],
      [f0, f1, last],
    ];
    for (const variant of variants) await expectDecryptFailed(openIt(joinFrames(header, variant)));
  });

  it('a frame spliced in from another message fails, even from a message under the same data key', async () => {
    const { header, frames } = splitFrames(sealed);
    const other = splitFrames(await seal(pattern(3 * F + 5, 9), { keyring, context, frameLength: F }));
    for (let i = 0; i < frames.length; i++) {
      const spliced = frames.map((frame, j) => (j === i ? defined(other.frames[i]) : frame));
      await expectDecryptFailed(openIt(joinFrames(header, spliced)));
    }
    await expectDecryptFailed(openIt(joinFrames(other.header, frames)));

    const reused = fixedKeyKeyring(testKey(42));
    const a = splitFrames(await seal(plaintext, { keyring: reused, frameLength: F }));
    const b = splitFrames(await seal(plaintext, { keyring: reused, frameLength: F }));
    expect(await open(joinFrames(a.header, a.frames), { keyring: reused })).toEqual(plaintext);
    await expectDecryptFailed(open(joinFrames(a.header, [defined(b.frames[0]), ...a.frames.slice(1)]), { keyring: reused }));
    await expectDecryptFailed(open(joinFrames(a.header, b.frames), { keyring: reused }));
  });

  it('a header whose context was swapped for another canonical context fails even if the keyring ignores the context', async () => {
    const insecure = paddedKeyring('padded');
    const original = await seal(plaintext, { keyring: insecure, context: { tenant: 'acme' }, frameLength: F });
    const oldContext = encodeEncryptionContext({ tenant: 'acme' });
    const newContext = encodeEncryptionContext({ tenant: 'evil' });
    expect(newContext.length).toBe(oldContext.length);
    const forged = original.slice();
    forged.set(newContext, 1 + 2 + 32 + 2);
    expect(readHeader(forged).context).toEqual({ tenant: 'evil' });
    await expectDecryptFailed(open(forged, { keyring: insecure }));
  });
});

describe('wrong keys and contexts', () => {
  it('a wrong wrapping key or keyring name fails', async () => {
    await expectDecryptFailed(openIt(sealed, { keyring: testKeyring('tamper', 8) }));
    await expectDecryptFailed(openIt(sealed, { keyring: testKeyring('tamper2', 7) }));
    await expectDecryptFailed(openIt(sealed, { keyring: [testKeyring('a', 7), testKeyring('tamper', 9)] }));
  });

  it('an expected context that differs in any way fails', async () => {
    const wrong = [{ purpose: 'tamper' }, { ...context, extra: 'x' }, { purpose: 'tamper', tenant: 'ACME' }, { purpose: 'tamper', Tenant: 'acme' }, {}];
    for (const expected of wrong) await expectDecryptFailed(openIt(sealed, { context: expected }));
    expect(await openIt(sealed, { context: { tenant: 'acme', purpose: 'tamper' } })).toEqual(plaintext);
  });

  it('a data key that fails the key commitment is rejected before anything is decrypted', async () => {
    const backend = countingBackend();
    const liar: Keyring = {
      wrapDataKey: () => Promise.reject(new Error('unused')),
      unwrapDataKey: async () => new Uint8Array(32).fill(0x11),
    };
    await expectDecryptFailed(open(sealed, { keyring: liar, backend }));
    expect(backend.decrypts).toEqual([]);
  });

  it('all of these failures carry one and the same message', async () => {
    const header = readHeader(sealed);
    const failures = await Promise.all([
      failure(openIt(sealed, { keyring: testKeyring('tamper', 8) })),
      failure(openIt(flipBit(sealed, (header.length - 1) * 8))),
      failure(openIt(flipBit(sealed, header.length * 8))),
      failure(openIt(flipBit(sealed, (header.length - 20) * 8))),
      failure(openIt(sealed.subarray(0, sealed.length - 1))),
      failure(openIt(sealed, { context: {} })),
    ]);
    expect(failures.map((e) => e.code)).toEqual(Array(6).fill('DECRYPT_FAILED'));
    expect(new Set(failures.map((e) => e.message)).size).toBe(1);
    expect(defined(failures[0]).message).toBe('unable to open the sealed message');
  });
});

describe("the header is every frame's AAD", () => {
  it('with a keyring that ignores the context, every flipped bit of the encoded context still fails open', async () => {
    const careless = paddedKeyring('careless');
    const message = await seal(plaintext, { keyring: careless, context, frameLength: F });
    const contextStart = 37;
    const contextEnd = contextStart + encodeEncryptionContext(context).length;
    for (let bit = contextStart * 8; bit < contextEnd * 8; bit++) {
      const error = await failure(open(flipBit(message, bit), { keyring: careless }));
      expect(['DECRYPT_FAILED', 'MALFORMED_MESSAGE']).toContain(error.code);
    }
  });
});
