/**
 * `stableChunks`: an opener that keeps views of a frame arriving across several chunks (and the
 * node backend's `decryptPieces` beneath it) accepts exactly what the copying path accepts,
 * releases no unauthenticated plaintext, and never writes into the caller's chunks.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nobleBackend } from '../src/backend/noble.ts';
import { nodeBackend } from '../src/backend/node.ts';
import type { Backend } from '../src/backend/types.ts';
import { EnvelopeError } from '../src/errors.ts';
import { seal } from '../src/seal.ts';
import { OpenEngine } from '../src/stream/open-engine.ts';
import { defined } from './helpers/defined.ts';
import { concat, cutAt, flipBit, splitFrames, testKeyring } from './helpers/messages.ts';

const keyring = testKeyring('stable');
const context = { stable: 'chunks' };
const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 12 });
const BACKENDS: readonly Backend[] = [nodeBackend, nobleBackend];

async function openStable(chunks: readonly Uint8Array[], backend: Backend): Promise<{ released: Uint8Array[]; error?: unknown }> {
  const engine = new OpenEngine({ keyring, context, backend, stableChunks: true });
  const released: Uint8Array[] = [];
  try {
    for (const chunk of chunks) released.push(...(await engine.write(chunk)));
    released.push(...engine.end());
    return { released };
  } catch (error) {
    return { released, error };
  }
}

/** Frozen copies of the chunks, to show the engine wrote into none of them. */
function snapshot(chunks: readonly Uint8Array[]): Uint8Array[] {
  return chunks.map((chunk) => chunk.slice());
}

describe.each(BACKENDS)('stable chunks on the $name backend', (backend) => {
  it('a stable-chunk open returns the plaintext of a one-shot seal, however it is cut (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), fc.integer({ min: 1, max: 40 }), cuts, async (plaintext, frameLength, at) => {
        const sealed = await seal(plaintext, { keyring, context, frameLength, backend });
        const chunks = cutAt(sealed, at);
        const before = snapshot(chunks);
        const { released, error } = await openStable(chunks, backend);
        expect(error).toBeUndefined();
        expect(concat(...released)).toEqual(plaintext);
        expect(chunks).toEqual(before);
      }),
      { numRuns: 150 },
    );
  });

  it('a corrupted frame releases only whole frames before it, never a byte of its own, however it is cut (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        fc.nat(),
        cuts,
        async (plaintext, frameLength, frameSeed, bit, at) => {
          const { header, frames } = splitFrames(await seal(plaintext, { keyring, context, frameLength, backend }));
          const k = frameSeed % frames.length;
          const target = defined(frames[k]);
          const corrupted = frames.map((frame, i) => (i === k ? flipBit(frame, bit % (target.length * 8)) : frame));
          const { released, error } = await openStable(cutAt(concat(header, ...corrupted), at), backend);
          expect(error).toBeInstanceOf(EnvelopeError);
          expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
          // Whole frames before the corrupted one (those completed by the failing write are not
          // returned either, as with the copying engine), never a byte of frame k or after.
          const got = concat(...released);
          expect(got.length % frameLength).toBe(0);
          expect(got.length).toBeLessThanOrEqual(k * frameLength);
          expect(got).toEqual(plaintext.subarray(0, got.length));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('input truncated anywhere in the body fails at the end, after releasing only whole regular frames', async () => {
    const plaintext = new Uint8Array(100).map((_, i) => i);
    const sealed = await seal(plaintext, { keyring, context, frameLength: 16, backend });
    const { header } = splitFrames(sealed);
    for (let length = header.length; length < sealed.length; length += 7) {
      const { released, error } = await openStable(cutAt(sealed.subarray(0, length), [length - 20, length - 3]), backend);
      expect((error as EnvelopeError).code).toBe('DECRYPT_FAILED');
      expect(concat(...released).length % 16).toBe(0);
    }
  });
});

describe('decryptPieces (node backend)', () => {
  const prepared = defined(nodeBackend.prepareAesGcm(new Uint8Array(32).fill(7)));
  const nonce = new Uint8Array(12).fill(3);

  it('equals decrypt of the joined bytes, for any split (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), cuts, fc.option(fc.uint8Array({ maxLength: 20 }), { nil: undefined }), (plaintext, at, aad) => {
        const sealed = prepared.encrypt(nonce, plaintext, aad);
        const opened = defined(defined(prepared.decryptPieces)(nonce, cutAt(sealed, at), aad));
        expect(opened.every((piece) => piece.length > 0)).toBe(true);
        expect(concat(...opened)).toEqual(plaintext);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses any bit flip, and fewer than 16 bytes, with undefined (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), cuts, fc.nat(), (plaintext, at, bit) => {
        const sealed = prepared.encrypt(nonce, plaintext);
        const flipped = flipBit(sealed, bit % (sealed.length * 8));
        expect(defined(prepared.decryptPieces)(nonce, cutAt(flipped, at))).toBeUndefined();
        expect(defined(prepared.decryptPieces)(nonce, cutAt(sealed.subarray(0, 15), at))).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });
});
