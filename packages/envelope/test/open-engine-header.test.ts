/**
 * How the streaming opener accumulates the header: it re-parses only once the bytes the parser last
 * asked for have arrived, so a header trickling in byte by byte costs one parse per field, not one
 * (of the whole prefix) per byte; a header that arrives whole in the first chunk is parsed once. `parseHeader` is wrapped in a spy for this file only.
 */

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import * as headerModule from '../src/format/header.ts';
import { readHeader, seal } from '../src/seal.ts';
import { OpenEngine } from '../src/stream/open-engine.ts';
import { chunksOf, concat, cutAt, paddedKeyring, pattern, testKeyring } from './helpers/messages.ts';

vi.mock('../src/format/header.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/format/header.ts')>();
  return { ...original, parseHeader: vi.fn(original.parseHeader) };
});

const parseHeader = vi.mocked(headerModule.parseHeader);
const keyring = testKeyring('header-feed');

/** Header fields the parser stops at: 4 fixed ones, 4 per wrapped key, frame length and commitment. */
const fieldCount = (wrappedKeys: number): number => 4 + 1 + 4 * wrappedKeys + 2;

describe('OpenEngine header accumulation', () => {
  it('a header fed byte by byte is parsed once per field, not once per byte', async () => {
    const keyrings = [keyring, paddedKeyring('second', 300), paddedKeyring('third', 1000)];
    const sealed = await seal(pattern(50), { keyring: keyrings, context: { purpose: 'x'.repeat(500) }, frameLength: 16 });
    const headerLength = readHeader(sealed).length;
    expect(headerLength).toBeGreaterThan(1800);
    parseHeader.mockClear();
    const engine = new OpenEngine({ keyring });
    const released: Uint8Array[] = [];
    for (const chunk of chunksOf(sealed, 1)) released.push(...(await engine.write(chunk)));
    released.push(...engine.end());
    expect(concat(...released)).toEqual(pattern(50));
    expect(parseHeader.mock.calls.length).toBeLessThanOrEqual(fieldCount(keyrings.length) + 1);
    // Every parse saw only the bytes the previous one asked for: never a prefix longer than the header.
    expect(Math.max(...parseHeader.mock.calls.map(([bytes]) => bytes.length))).toBe(headerLength);
  });

  it('any chunking opens the message with at most one parse per field (property)', async () => {
    const plaintext = pattern(40);
    const sealed = await seal(plaintext, { keyring, context: { a: 'b' }, frameLength: 8 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(sealed.length), { maxLength: 40 }), async (at) => {
        parseHeader.mockClear();
        const engine = new OpenEngine({ keyring });
        const released: Uint8Array[] = [];
        for (const chunk of cutAt(sealed, at)) released.push(...(await engine.write(chunk)));
        released.push(...engine.end());
        expect(concat(...released)).toEqual(plaintext);
        expect(parseHeader.mock.calls.length).toBeLessThanOrEqual(fieldCount(1) + 1);
      }),
      { numRuns: 100 },
    );
  });

  it('a header that arrives whole in the first chunk is parsed once, for any later chunking (property)', async () => {
    const plaintext = pattern(40);
    const sealed = await seal(plaintext, { keyring, context: { a: 'b' }, frameLength: 8 });
    const headerLength = readHeader(sealed).length;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: headerLength, max: sealed.length }), fc.array(fc.nat(sealed.length), { maxLength: 10 }), async (first, at) => {
        parseHeader.mockClear();
        const engine = new OpenEngine({ keyring });
        const released: Uint8Array[] = [];
        released.push(...(await engine.write(sealed.subarray(0, first))));
        for (const chunk of cutAt(sealed.subarray(first), at)) released.push(...(await engine.write(chunk)));
        released.push(...engine.end());
        expect(concat(...released)).toEqual(plaintext);
        expect(parseHeader.mock.calls.length).toBe(1);
      }),
      { numRuns: 50 },
    );
  });
});
