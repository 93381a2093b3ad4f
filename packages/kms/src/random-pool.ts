/**
 * @module
 * A pooled CSPRNG: draws 4 KiB at a time from the backend and hands out copies, wiping each
 * region as it leaves. One `randomFillSync` costs about 1.5 µs whatever its size, and a
 * GenerateDataKey needs two draws (key and nonce), so pooling matters at 150,000 calls per second.
 */

import type { Backend } from '@strongbox/envelope';
import type { Random } from './model/environment.ts';

const POOL_SIZE = 4096;

/** A `Random` backed by a pool refilled from `backend.randomBytes`. */
export function pooledRandom(backend: Pick<Backend, 'randomBytes'>): Random {
  let pool: Uint8Array = new Uint8Array(0);
  let offset = 0;
  return {
    bytes(length: number): Uint8Array {
      if (length > POOL_SIZE) return backend.randomBytes(length);
      if (offset + length > pool.length) {
        pool.fill(0);
        pool = backend.randomBytes(POOL_SIZE);
        offset = 0;
      }
      const out = pool.slice(offset, offset + length);
      pool.fill(0, offset, offset + length);
      offset += length;
      return out;
    },
  };
}
