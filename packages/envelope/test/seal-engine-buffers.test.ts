import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { open } from '../src/seal.ts';
import { __TESTS, SealEngine } from '../src/stream/seal-engine.ts';
import { concat, cutAt, pattern, testKeyring } from './helpers/messages.ts';

const keyring = testKeyring('seal-engine-buffers');
const context = { buffers: 'spare' };

/** Plaintext with no zero byte, so any byte of it left in a spare buffer shows. */
function nonZero(size: number, seed: number): Uint8Array {
  return pattern(size, seed).map((byte) => byte | 1);
}

async function sealAll(plaintext: Uint8Array, frameLength: number, at: readonly number[]): Promise<Uint8Array> {
  const engine = await SealEngine.create({ keyring, context, frameLength });
  const sealed: Uint8Array[] = [];
  for (const chunk of cutAt(plaintext, at)) sealed.push(...engine.write(chunk));
  sealed.push(...engine.end());
  return concat(...sealed);
}

describe('SealEngine frame buffers', () => {
  it('a finished message leaves its frame buffer for the next one, with every byte it held wiped', async () => {
    const F = 5000;
    // Chunks smaller than a frame: the buffer grows to a whole frame and holds plaintext.
    const sealed = await sealAll(nonZero(3 * F + 123, 1), F, [700, 1400, 2100, 9000, 12_000]);
    expect(await open(sealed, { keyring, context })).toEqual(nonZero(3 * F + 123, 1));
    const spares = __TESTS.spareBuffers(F);
    expect(spares.length).toBeGreaterThan(0);
    for (const spare of spares) {
      expect(spare.length).toBe(F);
      expect(spare.every((byte) => byte === 0)).toBe(true);
    }
  });

  it('an aborted message wipes the plaintext it buffered before its frame buffer is kept', async () => {
    const F = 6000;
    await sealAll(nonZero(2 * F, 2), F, [100, 3000]); // leaves a spare frame buffer
    const before = __TESTS.spareBuffers(F).length;
    const engine = await SealEngine.create({ keyring, context, frameLength: F });
    engine.write(nonZero(100, 3));
    engine.write(nonZero(F - 200, 4)); // takes the spare: a partial frame, never sealed
    expect(__TESTS.spareBuffers(F).length).toBe(before - 1);
    engine.abort();
    expect(__TESTS.spareBuffers(F).length).toBe(before);
    expect(__TESTS.spareBuffers(F).every((spare) => spare.every((byte) => byte === 0))).toBe(true);
  });

  it('messages sealed at the same time never share a buffer: interleaved writes each open to their own plaintext (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 4097, max: 9000 }),
        fc.array(fc.record({ which: fc.nat(2), size: fc.nat(7000) }), { maxLength: 24 }),
        async (F, writes) => {
          const engines = await Promise.all([0, 1, 2].map(() => SealEngine.create({ keyring, context, frameLength: F })));
          const plaintexts: Uint8Array[][] = [[], [], []];
          const sealed: Uint8Array[][] = [[], [], []];
          for (const [index, { which, size }] of writes.entries()) {
            const chunk = nonZero(size, index);
            plaintexts[which]!.push(chunk);
            sealed[which]!.push(...engines[which]!.write(chunk));
            // A message ending mid-way hands its buffer on to the next message created.
            if (index % 7 === 6) {
              sealed[which]!.push(...engines[which]!.end());
              expect(Buffer.from(await open(concat(...sealed[which]!), { keyring, context })).equals(concat(...plaintexts[which]!))).toBe(true);
              engines[which] = await SealEngine.create({ keyring, context, frameLength: F });
              plaintexts[which] = [];
              sealed[which] = [];
            }
          }
          for (const which of [0, 1, 2]) {
            sealed[which]!.push(...engines[which]!.end());
            expect(Buffer.from(await open(concat(...sealed[which]!), { keyring, context })).equals(concat(...plaintexts[which]!))).toBe(true);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('SealEngine with stable chunks', () => {
  /** Seals `plaintext` cut at `at` with stable chunks; the chunks as written, and the sealed bytes. */
  async function sealStable(plaintext: Uint8Array, frameLength: number, at: readonly number[]): Promise<{ chunks: Uint8Array[]; sealed: Uint8Array }> {
    const engine = await SealEngine.create({ keyring, context, frameLength, stableChunks: true });
    const chunks = cutAt(plaintext, at);
    const sealed: Uint8Array[] = [];
    for (const chunk of chunks) sealed.push(...engine.write(chunk));
    sealed.push(...engine.end());
    return { chunks, sealed: concat(...sealed) };
  }

  it('opens to the plaintext however it is cut, and never writes into (or wipes) the caller’s chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4000 }),
        fc.integer({ min: 8, max: 300 }),
        fc.array(fc.nat({ max: 4000 }), { maxLength: 8 }),
        async (size, frameLength, at) => {
          const plaintext = nonZero(size, size);
          const { chunks, sealed } = await sealStable(plaintext, frameLength, at);
          expect(Buffer.from(await open(sealed, { keyring, context })).equals(plaintext)).toBe(true);
          expect(Buffer.from(concat(...chunks)).equals(plaintext)).toBe(true);
        },
      ),
      { numRuns: 80 },
    );
  });

  it('a body of one chunk shorter than a frame is sealed where it lies (no copy); without stable chunks it is copied at once', async () => {
    for (const stableChunks of [true, false]) {
      const engine = await SealEngine.create({ keyring, context, frameLength: 4096, stableChunks });
      const chunk = nonZero(1000, 9);
      const sealed = [...engine.write(chunk)];
      // What a caller breaking the stable-chunks promise would see: the bytes at `end` are sealed.
      chunk[0] = 0;
      sealed.push(...engine.end());
      const opened = await open(concat(...sealed), { keyring, context });
      expect(opened[0]).toBe(stableChunks ? 0 : nonZero(1000, 9)[0]);
      expect(opened.subarray(1)).toEqual(nonZero(1000, 9).subarray(1));
    }
  });

  it('an aborted engine lets a held chunk go untouched', async () => {
    const engine = await SealEngine.create({ keyring, context, frameLength: 4096, stableChunks: true });
    const chunk = nonZero(100, 5);
    engine.write(chunk);
    engine.abort();
    expect(chunk).toEqual(nonZero(100, 5));
    expect(() => engine.end()).toThrow(/already finished/);
  });
});
