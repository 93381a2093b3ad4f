/**
 * The content cipher's streaming forms give the bytes of the whole-buffer forms: an in-memory
 * plaintext encrypted as a stream of chunks is `encryptContent`'s ciphertext ‖ tag, whatever the
 * chunk size; a body decrypted chunk by chunk as it arrives is the plaintext, whatever the chunking,
 * and any altered byte, a missing or extra byte fails it with DecryptionFailed and releases nothing.
 */

import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decryptChunks, encryptChunks, encryptContent } from '../../src/crypto/content-cipher.ts';
import type { ContentKey } from '../../src/crypto/content-key.ts';

const key = (aad?: Uint8Array): ContentKey => ({
  mode: 'gcm',
  key: new Uint8Array(randomBytes(32)),
  iv: new Uint8Array(randomBytes(12)),
  ...(aad === undefined ? {} : { aad }),
});

async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** `bytes` cut at the given points. */
function cut(bytes: Uint8Array, points: readonly number[]): Uint8Array[] {
  const bounds = [0, ...[...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b), bytes.length];
  return bounds.slice(1).map((end, index) => bytes.subarray(bounds[index], end));
}

async function* from(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

describe('encryptChunks', () => {
  it('streams exactly encryptContent’s bytes, for any plaintext and chunk size (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.integer({ min: 1, max: 6000 }), fc.boolean(), async (plaintext, chunkSize, withAad) => {
        const contentKey = key(withAad ? Uint8Array.of(1, 2, 3) : undefined);
        const whole = Buffer.from(encryptContent(contentKey, plaintext));
        expect((await bytesOf(encryptChunks(contentKey, plaintext, chunkSize))).equals(whole)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('can be made again for a retry, giving the same bytes', async () => {
    const contentKey = key();
    const plaintext = new Uint8Array(randomBytes(9 * 1024 * 1024 + 3));
    const first = await bytesOf(encryptChunks(contentKey, plaintext));
    expect(first.length).toBe(plaintext.length + 16);
    expect((await bytesOf(encryptChunks(contentKey, plaintext))).equals(first)).toBe(true);
  });
});

describe('decryptChunks', () => {
  it('decrypts a body cut anywhere, the tag split or not (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 3000 }), fc.array(fc.nat(), { maxLength: 6 }), async (plaintext, points) => {
        const contentKey = key(Uint8Array.of(9));
        const body = encryptContent(contentKey, plaintext);
        const opened = await decryptChunks(contentKey, from(cut(body, points)), body.length);
        expect(Buffer.from(opened).equals(Buffer.from(plaintext))).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('refuses any altered bit, a short or a long body with DecryptionFailed', async () => {
    const contentKey = key();
    const body = encryptContent(contentKey, new Uint8Array(randomBytes(1000)));
    for (const index of [0, 500, 999, 1000, 1015]) {
      const altered = new Uint8Array(body);
      altered[index] = (altered[index] ?? 0) ^ 0x01;
      await expect(decryptChunks(contentKey, from([altered]), body.length)).rejects.toMatchObject({ code: 'DecryptionFailed' });
    }
    await expect(decryptChunks(contentKey, from([body.subarray(0, -1)]), body.length)).rejects.toMatchObject({ code: 'DecryptionFailed' });
    await expect(decryptChunks(contentKey, from([body, Uint8Array.of(0)]), body.length)).rejects.toMatchObject({ code: 'DecryptionFailed' });
    await expect(decryptChunks(contentKey, from([body.subarray(0, 10)]), 10)).rejects.toMatchObject({ code: 'DecryptionFailed' });
  });

  it('lets the source’s own error through, not as a decryption failure', async () => {
    const contentKey = key();
    const failing = (async function* () {
      yield new Uint8Array(100);
      throw new Error('socket hang up');
    })();
    await expect(decryptChunks(contentKey, failing, 1000)).rejects.toThrow('socket hang up');
  });
});
