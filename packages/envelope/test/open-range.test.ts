import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/types.ts';
import { EnvelopeError } from '../src/errors.ts';
import type { Keyring } from '../src/keyring.ts';
import { openRange, type RandomAccessSource } from '../src/open-range.ts';
import { readHeader, seal } from '../src/seal.ts';
import { defined } from './helpers/defined.ts';
import {
  concat,
  countingBackend,
  flipBit,
  joinFrames,
  nobleBackend,
  nodeBackend,
  paddedKeyring,
  pattern,
  splitFrames,
  testKeyring,
} from './helpers/messages.ts';

const keyring = testKeyring('range');
const context = { range: 'yes' };

interface Read {
  readonly offset: number;
  readonly length: number;
}

/** A RandomAccessSource over `bytes` that records every read (optionally answering asynchronously). */
function recordingSource(bytes: Uint8Array, asynchronous = false): RandomAccessSource & { reads: Read[] } {
  const reads: Read[] = [];
  return {
    size: bytes.length,
    reads,
    read(offset, length) {
      reads.push({ offset, length });
      const out = bytes.slice(offset, offset + length);
      return asynchronous ? new Promise((resolve) => setTimeout(() => resolve(out), 0)) : out;
    },
  };
}

/** Frame indices covering plaintext [offset, offset + length). */
const covering = (offset: number, length: number, F: number) => ({ first: Math.floor(offset / F), last: Math.floor((offset + length - 1) / F) });

describe('openRange', () => {
  it('returns plaintext.slice(o, o + l) for every valid range, from a buffer (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 120 }), fc.integer({ min: 1, max: 20 }), fc.nat(), fc.nat(), async (plaintext, F, a, b) => {
        const sealed = await seal(plaintext, { keyring, context, frameLength: F });
        const offset = a % (plaintext.length + 1);
        const length = b % (plaintext.length - offset + 1);
        expect(await openRange(sealed, offset, length, { keyring, context })).toEqual(plaintext.slice(offset, offset + length));
      }),
      { numRuns: 200 },
    );
  });

  it('returns the right bytes for every (offset, length) of a small message, with either backend', async () => {
    const plaintext = pattern(3 * 7 + 2);
    for (const backend of [countingBackend(), nobleBackend]) {
      const k = testKeyring('range', 1, backend);
      const sealed = await seal(plaintext, { keyring: k, frameLength: 7, backend });
      for (let offset = 0; offset <= plaintext.length; offset++) {
        for (let length = 0; offset + length <= plaintext.length; length++) {
          expect(await openRange(sealed, offset, length, { keyring: k, backend })).toEqual(plaintext.slice(offset, offset + length));
        }
      }
    }
  });

  it('throws RangeError for a range past the end of the plaintext', async () => {
    const sealed = await seal(pattern(40), { keyring, frameLength: 16 });
    for (const [offset, length] of [
      [41, 0],
      [40, 1],
      [0, 41],
      [39, 2],
      [Number.MAX_SAFE_INTEGER, 1],
    ] as const) {
      await expect(openRange(sealed, offset, length, { keyring })).rejects.toThrow(RangeError);
    }
    expect(await openRange(sealed, 40, 0, { keyring })).toEqual(new Uint8Array(0));
    const exact = await seal(pattern(32), { keyring, frameLength: 16 });
    await expect(openRange(exact, 32, 1, { keyring })).rejects.toThrow(RangeError);
    expect(await openRange(exact, 16, 16, { keyring })).toEqual(pattern(32).slice(16));
  });

  it('decrypts only the frames covering the range (property)', async () => {
    const F = 8;
    const plaintext = pattern(10 * F + 3);
    const sealed = await seal(plaintext, { keyring, frameLength: F });
    await fc.assert(
      fc.asyncProperty(fc.nat(plaintext.length - 1), fc.integer({ min: 1, max: plaintext.length }), async (offset, l) => {
        const length = Math.min(l, plaintext.length - offset);
        const backend = countingBackend();
        expect(await openRange(sealed, offset, length, { keyring, backend })).toEqual(plaintext.slice(offset, offset + length));
        const { first, last } = covering(offset, length, F);
        const expected = Array.from({ length: last - first + 1 }, (_, i) => ({ kind: 'frame', index: first + i, final: first + i === 10 }));
        expect(backend.decrypts.map((call) => call.nonce)).toEqual(expected);
        expect(backend.decrypts.every((call) => call.ok)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('version 2: an empty range reads no frame (the commitment authenticated the header), and refuses a tampered header', async () => {
    const F = 8;
    const sealed = await seal(pattern(3 * F + 2), { keyring, frameLength: F });
    const backend = countingBackend();
    expect(await openRange(sealed, 5, 0, { keyring, backend })).toEqual(new Uint8Array(0));
    expect(backend.decrypts).toEqual([]);
    // A keyring that ignores the context: only the commitment (over the header) can notice a changed context value.
    const careless = paddedKeyring('careless');
    const message = await seal(pattern(3 * F + 2), { keyring: careless, context: { a: 'x' }, frameLength: F });
    const at = readHeader(message).bytes.indexOf(0x78, 37); // the value 'x' inside the encoded context
    const tampered = message.slice();
    tampered[at] = 0x79; // 'y'
    expect(readHeader(tampered).context).toEqual({ a: 'y' });
    await expect(openRange(tampered, 0, 0, { keyring: careless })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(openRange(tampered, 0, 5, { keyring: careless })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    expect(await openRange(message, 0, 5, { keyring: careless })).toEqual(pattern(5));
  });

  it('version 1: an empty range authenticates the header through the final frame, and refuses a tampered one', async () => {
    const F = 8;
    const sealed = await seal(pattern(3 * F + 2), { keyring, frameLength: F, formatVersion: 1 });
    const backend = countingBackend();
    expect(await openRange(sealed, 5, 0, { keyring, backend })).toEqual(new Uint8Array(0));
    expect(backend.decrypts.map((call) => call.nonce)).toEqual([{ kind: 'frame', index: 3, final: true }]);
    // A keyring that ignores the context: only the frames' AAD can notice a changed context value.
    const careless = paddedKeyring('careless');
    const message = await seal(pattern(3 * F + 2), { keyring: careless, context: { a: 'x' }, frameLength: F, formatVersion: 1 });
    const at = readHeader(message).bytes.indexOf(0x78, 37); // the value 'x' inside the encoded context
    const tampered = message.slice();
    tampered[at] = 0x79; // 'y'
    expect(readHeader(tampered).context).toEqual({ a: 'y' });
    await expect(openRange(tampered, 0, 0, { keyring: careless })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    await expect(openRange(tampered, 0, 5, { keyring: careless })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    expect(await openRange(message, 0, 5, { keyring: careless })).toEqual(pattern(5));
  });

  it('reads only the header and then exactly the sealed frames covering the range', async () => {
    const F = 16;
    const plaintext = pattern(400 * F + 9); // body far larger than the 4 KiB header read
    const sealed = await seal(plaintext, { keyring, frameLength: F });
    const headerLength = readHeader(sealed).length;
    for (const [offset, length] of [
      [300 * F, 1],
      [300 * F + 5, 3 * F],
      [399 * F + 1, F + 8],
      [250 * F - 1, 2],
    ] as const) {
      const source = recordingSource(sealed);
      expect(await openRange(source, offset, length, { keyring })).toEqual(plaintext.slice(offset, offset + length));
      const [headerRead, ...frameReads] = source.reads;
      expect(headerRead).toEqual({ offset: 0, length: 4096 });
      const { first, last } = covering(offset, length, F);
      const end = Math.min(headerLength + (last + 1) * (F + 16), sealed.length);
      expect(frameReads).toEqual([{ offset: headerLength + first * (F + 16), length: end - headerLength - first * (F + 16) }]);
    }
  });

  it('reads a header larger than the first 4 KiB read in further bounded reads', async () => {
    const big = [paddedKeyring('k1', 8192), paddedKeyring('k2', 5000)];
    const plaintext = pattern(100);
    const sealed = await seal(plaintext, { keyring: big, frameLength: 10 });
    const headerLength = readHeader(sealed).length;
    expect(headerLength).toBeGreaterThan(13_000);
    const source = recordingSource(sealed, true);
    expect(await openRange(source, 55, 10, { keyring: defined(big[1]) })).toEqual(plaintext.slice(55, 65));
    const headerReads = source.reads.slice(0, -1);
    let next = 0;
    for (const read of headerReads) {
      expect(read.offset).toBe(next);
      next += read.length;
    }
    expect(next).toBe(headerLength);
    expect(source.reads.at(-1)).toEqual({ offset: headerLength + 5 * 26, length: 2 * 26 });
  });

  it('works with an asynchronous RandomAccessSource', async () => {
    const plaintext = pattern(1000);
    const sealed = await seal(plaintext, { keyring, context, frameLength: 64 });
    const source = recordingSource(sealed, true);
    expect(await openRange(source, 100, 500, { keyring, context })).toEqual(plaintext.slice(100, 600));
    expect(await openRange(source, 0, 1000, { keyring, context })).toEqual(plaintext);
  });

  it('fails with DECRYPT_FAILED when a frame inside the range is tampered with', async () => {
    const plaintext = pattern(5 * 16 + 4);
    const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: 16 }));
    for (let k = 0; k < frames.length; k++) {
      const tampered = joinFrames(
        header,
        frames.map((f, i) => (i === k ? flipBit(f, 9) : f)),
      );
      const error = await openRange(tampered, k * 16, 1, { keyring }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvelopeError);
      expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
    }
  });

  it('is not affected by tampering outside the range (documented: only covering frames are checked)', async () => {
    const plaintext = pattern(5 * 16 + 4);
    const { header, frames } = splitFrames(await seal(plaintext, { keyring, frameLength: 16 }));
    const tampered = joinFrames(
      header,
      frames.map((f, i) => (i === 0 || i === 4 || i === 5 ? flipBit(f, 9) : f)),
    );
    expect(await openRange(tampered, 16, 3 * 16, { keyring })).toEqual(plaintext.slice(16, 64));
  });

  it('authenticates the header first: a wrong key, context or tampered header fails with DECRYPT_FAILED', async () => {
    const sealed = await seal(pattern(50), { keyring, context, frameLength: 16 });
    const headerLength = readHeader(sealed).length;
    const attempts = [
      openRange(sealed, 0, 1, { keyring: testKeyring('range', 2) }),
      openRange(sealed, 0, 1, { keyring, context: { range: 'no' } }),
      openRange(flipBit(sealed, (headerLength - 1) * 8), 0, 1, { keyring }),
      openRange(sealed.subarray(0, headerLength + 2 * 32), 0, 1, { keyring }),
    ];
    for (const attempt of attempts) {
      const error = await attempt.catch((e: unknown) => e);
      expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
    }
  });

  it('reports a truncated header as MALFORMED_MESSAGE', async () => {
    const sealed = await seal(pattern(50), { keyring });
    const error = await openRange(sealed.subarray(0, 50), 0, 1, { keyring }).catch((e: unknown) => e);
    expect((error as EnvelopeError).code).toBe('MALFORMED_MESSAGE');
  });
});

describe('openRange output and checks', () => {
  /** A backend recording, per frame decryption, the output buffer it was given and what it returned. */
  function outputRecorder(): Backend & { calls: { output: Uint8Array | undefined; returned: Uint8Array | undefined }[] } {
    const calls: { output: Uint8Array | undefined; returned: Uint8Array | undefined }[] = [];
    return {
      ...nodeBackend,
      calls,
      prepareAesGcm(key, expectedLength) {
        const prepared = nodeBackend.prepareAesGcm(key, expectedLength);
        return {
          ...prepared,
          decrypt(nonce, sealed, aad, output) {
            const returned = prepared.decrypt(nonce, sealed, aad, output);
            calls.push({ output, returned });
            return returned;
          },
        };
      },
    };
  }

  it('decrypts frames lying wholly inside the range straight into the result; partial ones through a wiped temporary (property)', async () => {
    const F = 8;
    const plaintext = pattern(10 * F + 3);
    const sealed = await seal(plaintext, { keyring, frameLength: F });
    await fc.assert(
      fc.asyncProperty(fc.nat(plaintext.length), fc.nat(plaintext.length), async (a, b) => {
        const offset = Math.min(a, plaintext.length);
        const length = Math.min(b, plaintext.length - offset);
        const backend = outputRecorder();
        const result = await openRange(sealed, offset, length, { keyring, backend });
        expect(result).toEqual(plaintext.slice(offset, offset + length));
        const first = length === 0 ? 10 : Math.floor(offset / F);
        // Version 2: an empty range needs no frame (the header was authenticated by the commitment).
        expect(backend.calls).toHaveLength(length === 0 ? 0 : Math.floor((offset + length - 1) / F) - first + 1);
        backend.calls.forEach(({ output, returned }, i) => {
          const start = (first + i) * F - offset;
          const plaintextLength = first + i === 10 ? 3 : F;
          const inside = length > 0 && start >= 0 && start + plaintextLength <= length;
          if (inside) {
            // Written in place: a view of the very buffer returned, at the frame's position.
            expect(output?.buffer).toBe(result.buffer);
            expect(output?.byteOffset).toBe(result.byteOffset + start);
          } else {
            expect(output).toBeUndefined();
            expect(returned?.every((byte) => byte === 0)).toBe(true);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('checks the body layout and the range before calling any keyring', async () => {
    let unwraps = 0;
    const counting: Keyring = {
      wrapDataKey: (key, ctx) => keyring.wrapDataKey(key, ctx),
      unwrapDataKey: (w, ctx) => (unwraps++, keyring.unwrapDataKey(w, ctx)),
    };
    const sealed = await seal(pattern(40), { keyring, frameLength: 16 });
    await expect(openRange(sealed, 30, 11, { keyring: counting })).rejects.toThrow(RangeError);
    await expect(openRange(concat(sealed, new Uint8Array(16)), 0, 1, { keyring: counting })).rejects.toMatchObject({ code: 'DECRYPT_FAILED' });
    expect(unwraps).toBe(0);
    expect(await openRange(sealed, 30, 10, { keyring: counting })).toEqual(pattern(40).slice(30));
    expect(unwraps).toBe(1);
  });
});
