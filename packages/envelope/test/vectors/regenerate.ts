/**
 * Rewrites test/vectors/golden-v2.json from the specs below, sealing each with the deterministic
 * backend (see README.md in this folder). golden-v1.json is frozen: version 1 is no longer the
 * format written by default, and its vectors stay as they were sealed. Run from the repository root:
 *
 *   npx tsx packages/envelope/test/vectors/regenerate.ts
 *
 * Regenerating changes the pinned bytes: do it only for an intended, versioned format change.
 */

import { writeFileSync } from 'node:fs';
import { type GoldenSpec, type GoldenVector, hex, sealGolden, utf8 } from '../helpers/messages.ts';

const KEY_A = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const KEY_B = 'f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';

const SPECS: readonly GoldenSpec[] = (
  [
    {
      name: 'empty',
      description: 'Empty plaintext, empty context, default 64 KiB frames: a header and one empty final frame.',
      seed: 1,
      keyrings: [{ name: 'golden', keyHex: KEY_A }],
      context: {},
      plaintextHex: '',
    },
    {
      name: 'hello',
      description: "'hello' under one context pair, default 64 KiB frames: a single final frame of 5 bytes.",
      seed: 2,
      keyrings: [{ name: 'golden', keyHex: KEY_A }],
      context: { purpose: 'golden-vector' },
      plaintextHex: hex(utf8('hello')),
    },
    {
      name: 'three-frames',
      description: '40 bytes with 16-byte frames: regular frames 0 and 1 (16 bytes each), final frame 2 (8 bytes).',
      seed: 3,
      keyrings: [{ name: 'golden', keyHex: KEY_A }],
      frameLength: 16,
      context: { tenant: 'acme', object: 'reports/2024.csv' },
      plaintextHex: hex(utf8('The quick brown fox jumps over the dog.!')),
    },
    {
      name: 'exact-multiple',
      description: '32 bytes with 16-byte frames: two regular frames and an empty final frame.',
      seed: 4,
      keyrings: [{ name: 'golden', keyHex: KEY_A }],
      frameLength: 16,
      context: {},
      plaintextHex: hex(Uint8Array.from({ length: 32 }, (_, i) => i)),
    },
    {
      name: 'unicode-context',
      description: 'A context with non-ASCII keys and values (sorted by UTF-8 bytes, not UTF-16 code units) and two keyrings.',
      seed: 5,
      keyrings: [
        { name: 'golden', keyHex: KEY_A },
        { name: 'golden-второй', keyHex: KEY_B },
      ],
      frameLength: 7,
      context: { clé: 'välue ✓', '🔑': '鍵', ｚ: 'fullwidth', a: '' },
      plaintextHex: hex(utf8('grüße, 世界 🌍')),
    },
  ] as const satisfies readonly GoldenSpec[]
).map((spec): GoldenSpec => ({ ...spec, formatVersion: 2 }));

const vectors: GoldenVector[] = [];
for (const spec of SPECS) vectors.push({ ...spec, sealedHex: hex(await sealGolden(spec)) });

const file = new URL('./golden-v2.json', import.meta.url);
const document = {
  comment: 'Known-answer vectors of the Strongbox sealed-message format v2, suite 0x0001. Produced by regenerate.ts; see README.md.',
  vectors,
};
writeFileSync(file, `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${vectors.length} vectors to ${file.pathname}`);
