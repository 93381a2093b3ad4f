/** Blob ids: 24 base64url characters of fresh randomness, distinct across pool refills and generators. */

import { describe, expect, it } from 'vitest';
import { blobIdGenerator } from '../../src/storage/blob-ids.ts';

describe('blobIdGenerator', () => {
  it('hands out distinct 24-character base64url ids, across several refills of its pool', () => {
    const newId = blobIdGenerator();
    const ids = Array.from({ length: 2000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives two generators different ids (each pool is its own randomness)', () => {
    const first = blobIdGenerator();
    const second = blobIdGenerator();
    const ids = new Set<string>();
    for (let index = 0; index < 300; index++) ids.add(first()).add(second());
    expect(ids.size).toBe(600);
  });
});
