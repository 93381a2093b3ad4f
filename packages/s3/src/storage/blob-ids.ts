/**
 * @module
 * Blob ids: 18 random bytes, base64url (24 characters), one per stored blob. Only uniqueness
 * matters (an id names a blob in storage and is never shown to a client as a secret), so the
 * bytes come from a pool refilled from node:crypto many ids at a time: a CSPRNG call per PUT cost
 * more than everything else the store does to name the blob.
 */

import { randomFillSync } from 'node:crypto';

/** Random bytes per id. */
const ID_BYTES = 18;
/** Ids drawn per refill of the pool. */
const IDS_PER_REFILL = 256;

/**
 * A generator of fresh blob ids, with its own pool.
 * @example const newId = blobIdGenerator(); newId() // 'q0f3…' (24 base64url characters)
 */
export function blobIdGenerator(): () => string {
  const pool = Buffer.alloc(ID_BYTES * IDS_PER_REFILL);
  let offset = pool.length;
  return () => {
    if (offset === pool.length) {
      randomFillSync(pool);
      offset = 0;
    }
    const start = offset;
    offset += ID_BYTES;
    return pool.toString('base64url', start, offset);
  };
}
