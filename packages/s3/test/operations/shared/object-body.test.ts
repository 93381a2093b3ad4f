/**
 * `ObjectBody`, a GetObject response body: its plaintext is made when it is first read, and what
 * it holds (the object's reader and keys) is released exactly once however the reading stops: at
 * the end, on a failure, on an early `return`, or by `discard` before any read.
 */

import { describe, expect, it } from 'vitest';
import { ObjectBody } from '../../../src/index.ts';

function body(source: () => AsyncIterable<Uint8Array>): { body: ObjectBody; releases: () => number; made: () => number } {
  let releases = 0;
  let made = 0;
  const make = (): AsyncIterable<Uint8Array> => {
    made++;
    return source();
  };
  return {
    body: new ObjectBody(make, async () => {
      releases++;
    }),
    releases: () => releases,
    made: () => made,
  };
}

async function* chunks(...sizes: number[]): AsyncGenerator<Uint8Array> {
  for (const size of sizes) yield new Uint8Array(size).fill(size);
}

describe('ObjectBody', () => {
  it('makes its plaintext at the first read and releases once, after the end', async () => {
    const { body: object, releases, made } = body(() => chunks(1, 2));
    expect(made()).toBe(0);
    expect(await object.transformToByteArray()).toEqual(new Uint8Array([1, 2, 2]));
    expect([made(), releases()]).toEqual([1, 1]);
    await object.discard();
    expect(releases()).toBe(1);
  });

  it('releases once on a failure, the failure passed on', async () => {
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1);
      throw new Error('DECRYPT_FAILED');
    }
    const { body: object, releases } = body(failing);
    await expect(object.transformToByteArray()).rejects.toThrow('DECRYPT_FAILED');
    expect(releases()).toBe(1);
  });

  it('releases once when making the plaintext fails, at the first read', async () => {
    const { body: object, releases } = body(() => {
      throw new RangeError('reader is closed');
    });
    const iterator = object[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow('reader is closed');
    expect(releases()).toBe(1);
    await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
  });

  it('closes the plaintext and releases once when the reader stops early, even before the first chunk', async () => {
    let closed = false;
    async function* source(): AsyncGenerator<Uint8Array> {
      try {
        yield new Uint8Array(1);
        yield new Uint8Array(2);
      } finally {
        closed = true;
      }
    }
    const early = body(source);
    for await (const _ of early.body) break;
    expect([closed, early.releases()]).toEqual([true, 1]);

    const unread = body(source);
    await unread.body[Symbol.asyncIterator]().return?.();
    expect([unread.made(), unread.releases()]).toEqual([0, 1]);
  });

  it('releases an unread body on discard, and cannot then be read', async () => {
    const { body: object, releases, made } = body(() => chunks(1));
    await object.discard();
    expect([made(), releases()]).toEqual([0, 1]);
    expect(() => object[Symbol.asyncIterator]()).toThrow('already been read');
  });
});
