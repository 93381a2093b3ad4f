import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.ts';
import { normalizeEncryptionContext } from '../src/context.ts';
import { DEFAULT_FRAME_LENGTH, FRAME_TAG_LENGTH } from '../src/format/constants.ts';
import type { Keyring } from '../src/keyring.ts';
import { open, openWithHeader, readHeader, seal } from '../src/seal.ts';
import { defined } from './helpers/defined.ts';
import { BACKENDS, concat, expectBytes, nobleBackend, nodeBackend, pattern, splitFrames, testKeyring, utf8 } from './helpers/messages.ts';

const context = { purpose: 'round-trip', tenant: 'acme' };

/** Sizes 0..3F+1 (every one) for small frames; the boundaries only for the default frame. */
function boundarySizes(f: number): number[] {
  return [0, 1, f - 1, f, f + 1, 2 * f - 1, 2 * f, 2 * f + 1, 3 * f - 1, 3 * f, 3 * f + 1];
}

const PAIRS: [Backend, Backend][] = BACKENDS.flatMap((a) => BACKENDS.map((b): [Backend, Backend] => [a, b]));

function expectedSealedLength(headerLength: number, size: number, f: number): number {
  return headerLength + size + FRAME_TAG_LENGTH * (Math.floor(size / f) + 1);
}

describe('seal then open round trips', () => {
  for (const f of [7, 16]) {
    for (const [sealer, opener] of PAIRS) {
      it(`returns the plaintext for every size 0..${3 * f + 1} with F=${f}, sealed by ${sealer.name}, opened by ${opener.name}`, async () => {
        const sealKeyring = testKeyring('rt', 1, sealer);
        const openKeyring = testKeyring('rt', 1, opener);
        for (let size = 0; size <= 3 * f + 1; size++) {
          const plaintext = pattern(size, f);
          const sealed = await seal(plaintext, { keyring: sealKeyring, context, frameLength: f, backend: sealer });
          const header = readHeader(sealed);
          expect(header.frameLength).toBe(f);
          expect(sealed.length).toBe(expectedSealedLength(header.length, size, f));
          expect(await open(sealed, { keyring: openKeyring, context, backend: opener })).toEqual(plaintext);
        }
      });
    }
  }

  for (const [sealer, opener] of PAIRS) {
    it(`returns the plaintext at every boundary of the default 64 KiB frame (${sealer.name} -> ${opener.name})`, async () => {
      const sealKeyring = testKeyring('rt', 1, sealer);
      const openKeyring = testKeyring('rt', 1, opener);
      for (const size of boundarySizes(DEFAULT_FRAME_LENGTH)) {
        const plaintext = pattern(size, 3);
        const sealed = await seal(plaintext, { keyring: sealKeyring, backend: sealer });
        const header = readHeader(sealed);
        expect(header.frameLength).toBe(DEFAULT_FRAME_LENGTH);
        expect(sealed.length).toBe(expectedSealedLength(header.length, size, DEFAULT_FRAME_LENGTH));
        expectBytes(await open(sealed, { keyring: openKeyring, backend: opener }), plaintext);
      }
    });
  }

  it('lays out frames as F-byte regular frames and a shorter final frame (empty for exact multiples)', async () => {
    const keyring = testKeyring();
    for (const size of [0, 15, 16, 17, 32, 47, 48]) {
      const { frames } = splitFrames(await seal(pattern(size), { keyring, frameLength: 16 }));
      expect(frames.length).toBe(Math.floor(size / 16) + 1);
      expect(frames.slice(0, -1).every((frame) => frame.length === 16 + FRAME_TAG_LENGTH)).toBe(true);
      expect(defined(frames.at(-1)).length).toBe((size % 16) + FRAME_TAG_LENGTH);
    }
  });

  it('accepts the extreme frame lengths 1 and 4 MiB', async () => {
    const keyring = testKeyring();
    const plaintext = pattern(37);
    for (const frameLength of [1, 4 * 1024 * 1024]) {
      const sealed = await seal(plaintext, { keyring, frameLength });
      expect(readHeader(sealed).frameLength).toBe(frameLength);
      expect(await open(sealed, { keyring })).toEqual(plaintext);
    }
  });

  it('round trips arbitrary plaintexts, contexts and frame lengths (property)', async () => {
    const keyring = testKeyring();
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 8 }), { maxKeys: 4 }),
        fc.integer({ min: 1, max: 64 }),
        async (plaintext, ctx, frameLength) => {
          const sealed = await seal(plaintext, { keyring, context: ctx, frameLength });
          expect(await open(sealed, { keyring, context: ctx })).toEqual(plaintext);
          expect({ ...readHeader(sealed).context }).toEqual({ ...ctx });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('stores the encryption context in the header, readable without a key, and opens without an expected context', async () => {
    const keyring = testKeyring();
    const sealed = await seal(utf8('hi'), { keyring, context: { b: '2', a: '1' } });
    expect({ ...readHeader(sealed).context }).toEqual({ a: '1', b: '2' });
    expect(await open(sealed, { keyring })).toEqual(utf8('hi'));
    expect(await open(sealed, { keyring, context: { a: '1', b: '2' } })).toEqual(utf8('hi'));
  });

  it('an opener expecting a normalized context reads the header as that very context, and any other still fails', async () => {
    const keyring = testKeyring();
    const expected = normalizeEncryptionContext({ a: '1', b: '2' });
    const sealed = await seal(utf8('hi'), { keyring, context: { b: '2', a: '1' } });
    const opened = await openWithHeader(sealed, { keyring, context: expected });
    expect(opened.header.context).toBe(expected);
    expect(opened.plaintext).toEqual(utf8('hi'));
    for (const other of [{ a: '1' }, { a: '1', b: '3' }, { a: '1', b: '2', c: '' }]) {
      await expect(openWithHeader(sealed, { keyring, context: normalizeEncryptionContext(other) })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    }
  });

  it('does not modify the plaintext or sealed buffers it is given', async () => {
    const keyring = testKeyring();
    const plaintext = pattern(50);
    const sealed = await seal(plaintext, { keyring, frameLength: 16 });
    expect(plaintext).toEqual(pattern(50));
    const copy = sealed.slice();
    await open(sealed, { keyring });
    expect(sealed).toEqual(copy);
  });

  it('accepts Node Buffers and subarray views as plaintext and sealed input', async () => {
    const keyring = testKeyring();
    const backing = pattern(100);
    const view = backing.subarray(10, 70);
    const sealed = await seal(view, { keyring, frameLength: 16 });
    expect(await open(Buffer.from(sealed), { keyring })).toEqual(backing.slice(10, 70));
    const padded = new Uint8Array(sealed.length + 20);
    padded.set(sealed, 10);
    expect(await open(padded.subarray(10, 10 + sealed.length), { keyring })).toEqual(backing.slice(10, 70));
  });

  it('uses the default (node) backend when none is given, interoperable with noble', async () => {
    const plaintext = pattern(33);
    const sealed = await seal(plaintext, { keyring: testKeyring(), frameLength: 16 });
    expect(await open(sealed, { keyring: testKeyring('test', 1, nobleBackend), backend: nobleBackend })).toEqual(plaintext);
    const sealedByNoble = await seal(plaintext, { keyring: testKeyring('test', 1, nobleBackend), backend: nobleBackend });
    expect(await open(sealedByNoble, { keyring: testKeyring('test', 1, nodeBackend) })).toEqual(plaintext);
  });
});

describe('failure paths', () => {
  it('open wipes the derived frame key when the backend fails to prepare it (seal too)', async () => {
    const keyring = testKeyring('prepare');
    const sealed = await seal(pattern(40), { keyring, frameLength: 16 });
    const failure = new Error('AES-GCM unavailable');
    const handed: Uint8Array[] = [];
    // The backend gets the frame key itself (a view of the derived bytes): it must be zero afterwards.
    const backend: Backend = {
      ...nodeBackend,
      prepareAesGcm(key) {
        handed.push(key);
        throw failure;
      },
    };
    await expect(open(sealed, { keyring, backend })).rejects.toBe(failure);
    await expect(seal(pattern(40), { keyring, backend })).rejects.toBe(failure);
    expect(handed).toHaveLength(2);
    for (const key of handed) expect(key).toEqual(new Uint8Array(32));
  });

  it('open refuses a body no sealer could write (DECRYPT_FAILED) before calling any keyring', async () => {
    const inner = testKeyring('layout');
    let unwraps = 0;
    const counting: Keyring = { wrapDataKey: (key, ctx) => inner.wrapDataKey(key, ctx), unwrapDataKey: (w, ctx) => (unwraps++, inner.unwrapDataKey(w, ctx)) };
    const sealed = await seal(pattern(40), { keyring: inner, frameLength: 16 });
    const headerLength = readHeader(sealed).length;
    // A body shorter than a tag, and one whose final frame would hold a whole frame or more.
    for (const bad of [sealed.subarray(0, headerLength + 15), concat(sealed, new Uint8Array(16)), concat(sealed, new Uint8Array(40))]) {
      await expect(open(bad, { keyring: counting })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    }
    expect(unwraps).toBe(0);
    expect(await open(sealed, { keyring: counting })).toEqual(pattern(40));
    expect(unwraps).toBe(1);
  });
});
