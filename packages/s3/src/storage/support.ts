/**
 * @module
 * Small helpers the stores share: S3's key order (UTF-8 bytes, which is Unicode code point order,
 * not JavaScript's UTF-16 order), a keyed lock that serialises the commit steps touching one name,
 * and which streamed bodies hand their chunks over.
 */

import type { BodySource } from './types.ts';

/**
 * Compares two strings by their UTF-8 bytes, the order S3 lists keys in. UTF-8 preserves code
 * point order; UTF-16 does not (a surrogate pair, U+10000 and up, sorts below U+E000 in UTF-16).
 */
export function compareUtf8(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let index = 0; index < length; index++) {
    const x = a.charCodeAt(index);
    const y = b.charCodeAt(index);
    if (x === y) continue;
    // Below the surrogates and above them UTF-16 agrees with code point order; a surrogate
    // (U+D800..DFFF) stands for a code point above U+FFFF, so it sorts after every BMP unit.
    const surrogateX = x >= 0xd800 && x <= 0xdfff;
    const surrogateY = y >= 0xd800 && y <= 0xdfff;
    if (surrogateX !== surrogateY) return surrogateX ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

/** Runs async sections one at a time per name; different names run concurrently. */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<void>>();

  /** Runs `section` after every earlier section under `name` has settled. */
  async run<T>(name: string, section: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(name) ?? Promise.resolve();
    let release!: () => void;
    const tail = new Promise<void>((resolve) => (release = resolve));
    this.#tails.set(name, tail);
    await previous;
    try {
      return await section();
    } finally {
      release();
      if (this.#tails.get(name) === tail) this.#tails.delete(name);
    }
  }

  /** Resolves once every section started so far has settled. */
  async idle(): Promise<void> {
    await Promise.all([...this.#tails.values()]);
  }
}

/** Checks a streamed chunk's type (a body of strings would otherwise be stored as garbage). */
export function assertChunk(chunk: unknown): Uint8Array {
  if (!(chunk instanceof Uint8Array)) throw new TypeError(`body chunks expected Uint8Array, got ${chunk === null ? 'null' : typeof chunk}`);
  return chunk;
}

/** Bodies whose chunks are handed over to the store (see `handOver`). */
const handedOver = new WeakSet<object>();

/**
 * Marks `body` as handing its chunks over: its producer keeps no reference to any chunk it yields
 * and never writes to it again (a cipher's fresh output), so a store may keep the chunks as they
 * are instead of copying them. Any other body's chunks are copied by a store that keeps them in
 * memory, since their owner may reuse its buffers.
 * @example await store.putObject('b', 'k', handOver(sealedChunks), fields);
 */
export function handOver<T extends AsyncIterable<Uint8Array>>(body: T): T {
  handedOver.add(body);
  return body;
}

/** Whether `body` was marked by `handOver`. */
export function isHandedOver(body: BodySource): boolean {
  return handedOver.has(body);
}
