/**
 * A body signed by its SHA-256 (`x-amz-content-sha256: <hex>`) passes through `authenticatedBody`
 * unchanged, chunk for chunk, and fails at its end with S3's XAmzContentSHA256Mismatch when its
 * hash is not the signed one; a consumer that stops early releases the source (pinned for
 * anyone who replaces the async generator with a hand-written iterator).
 */

import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authenticatedBody, ObservedBody, ServiceError } from '../../src/index.ts';

async function* chunksOf(chunks: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* chunks;
}

describe('a body signed by its SHA-256', () => {
  it('passes every chunk on in order, and fails at its end exactly when the hash differs (property)', async () => {
    await fc.assert(
      // Streamed, or held whole (the in-process handler's bodies); none (a GET's) included.
      fc.asyncProperty(
        fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 6 }),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        async (chunks, honest, upper, held) => {
          const actual = createHash('sha256').update(Buffer.concat(chunks)).digest('hex');
          const signed = honest ? actual : createHash('sha256').update('other').digest('hex');
          const source = held ? ObservedBody.of(chunks) : chunksOf(chunks);
          const body = authenticatedBody(source, { 'x-amz-content-sha256': upper ? signed.toUpperCase() : signed });
          const received: Uint8Array[] = [];
          let failure: unknown;
          try {
            for await (const chunk of body) received.push(chunk);
          } catch (error) {
            failure = error;
          }
          expect(received).toEqual(chunks);
          if (honest) expect(failure).toBeUndefined();
          else {
            expect(failure).toBeInstanceOf(ServiceError);
            expect((failure as ServiceError).code).toBe('XAmzContentSHA256Mismatch');
            expect((failure as ServiceError).fields).toEqual([
              ['ClientComputedContentSHA256', signed],
              ['S3ComputedContentSHA256', actual],
            ]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('ends for good once it has ended or failed', async () => {
    const wrong = '0'.repeat(64);
    const iterator = authenticatedBody(chunksOf([Buffer.from('abc')]), { 'x-amz-content-sha256': wrong })[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toEqual(Buffer.from('abc'));
    await expect(iterator.next()).rejects.toMatchObject({ code: 'XAmzContentSHA256Mismatch' });
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('returns the source when the consumer stops early (a for-await left by break)', async () => {
    let returned = false;
    const source: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: () => Promise.resolve({ done: false, value: Buffer.from('x') }),
        return: () => {
          returned = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      }),
    };
    const signed = createHash('sha256').update('x').digest('hex');
    for await (const chunk of authenticatedBody(source, { 'x-amz-content-sha256': signed })) {
      expect(chunk).toEqual(Buffer.from('x'));
      break;
    }
    expect(returned).toBe(true);
  });
});
