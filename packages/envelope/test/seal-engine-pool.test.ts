import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { open } from '../src/seal.ts';
import { __TESTS, SealEngine } from '../src/stream/seal-engine.ts';
import { concat, pattern, testKeyring } from './helpers/messages.ts';

const keyring = testKeyring('seal-engine-pool');
const context = { buffers: 'pool' };

/** The most spare frame buffers kept, over every frame length (`MAX_SPARE_BUFFERS`). */
const MAX_SPARES = 4;

/**
 * Seals `count` messages of frame length `frameLength` at the same time, each a partial frame
 * (half a frame, at most 4 KiB: the first buffer a message fills is then a whole frame), and
 * checks that each opens to its plaintext.
 */
async function sealTogether(frameLength: number, count: number): Promise<void> {
  const engines = await Promise.all(Array.from({ length: count }, () => SealEngine.create({ keyring, context, frameLength })));
  const plaintext = pattern(Math.max(1, frameLength >> 1), frameLength);
  const sealed = engines.map((engine) => [...engine.write(plaintext)]);
  for (const [index, engine] of engines.entries()) sealed[index]!.push(...engine.end());
  for (const parts of sealed) expect(Buffer.from(await open(concat(...parts), { keyring, context })).equals(plaintext)).toBe(true);
}

const spareBytes = (): number => __TESTS.allSpareBuffers().reduce((sum, spare) => sum + spare.length, 0);

describe('SealEngine spare frame buffers, over all frame lengths', () => {
  it('many distinct frame lengths keep at most four spare buffers in total, all wiped', async () => {
    let largest = 0;
    for (let i = 0; i < 100; i++) {
      const frameLength = 4096 - i * 7;
      largest = Math.max(largest, frameLength);
      await sealTogether(frameLength, 4);
      expect(__TESTS.allSpareBuffers().length).toBeLessThanOrEqual(MAX_SPARES);
      expect(spareBytes()).toBeLessThanOrEqual(MAX_SPARES * largest);
    }
    // The lengths used last displace the older ones: the four spares are the last length's.
    expect(__TESTS.spareBuffers(4096 - 99 * 7)).toHaveLength(MAX_SPARES);
    for (const spare of __TESTS.allSpareBuffers()) expect(spare.every((byte) => byte === 0)).toBe(true);
  });

  it('a repeated frame length reuses its spare buffer after other lengths were used', async () => {
    const F = 3001;
    for (let i = 0; i < 20; i++) await sealTogether(2000 + i, 2);
    await sealTogether(F, 1);
    const [kept] = __TESTS.spareBuffers(F);
    expect(kept).toBeDefined();
    // The next message of that length fills the kept buffer: it leaves the pool while in use ...
    const engine = await SealEngine.create({ keyring, context, frameLength: F });
    engine.write(pattern(100, 1));
    expect(__TESTS.spareBuffers(F)).toHaveLength(0);
    engine.end();
    // ... and the very same buffer comes back when the message ends.
    expect(__TESTS.spareBuffers(F)).toEqual([kept]);
    expect(__TESTS.spareBuffers(F)[0]).toBe(kept);
  });

  it('whatever the sequence of frame lengths and concurrency, the pool holds at most four wiped frames (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ frameLength: fc.integer({ min: 1, max: 5000 }), count: fc.integer({ min: 1, max: 6 }) }), { maxLength: 12 }),
        async (batches) => {
          for (const { frameLength, count } of batches) {
            await sealTogether(frameLength, count);
            const spares = __TESTS.allSpareBuffers();
            expect(spares.length).toBeLessThanOrEqual(MAX_SPARES);
            expect(spares.every((spare) => spare.every((byte) => byte === 0))).toBe(true);
            // Never the same buffer twice: two messages could otherwise fill one buffer at once.
            expect(new Set(spares).size).toBe(spares.length);
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
