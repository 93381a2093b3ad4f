/**
 * Event and request ids: version-4 UUIDs (RFC 9562 §5.4) cut from 4 KiB batches of randomness,
 * unique across batch boundaries whichever of `fill` and `next` takes them.
 */

import { describe, expect, it } from 'vitest';
import { EventIds } from '@strongbox/service-kernel';
import { formatUuid } from '@strongbox/service-kernel';

const V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('EventIds', () => {
  it('gives distinct version-4 UUIDs across batches, mixing fill and next', () => {
    let batches = 0;
    const ids = new EventIds({
      bytes: (length) => {
        batches += 1;
        return crypto.getRandomValues(new Uint8Array(length));
      },
    });
    const seen = new Set<string>();
    const target = new Uint8Array(32);
    // 4096-byte batches: 1,000 rounds of 16 + 32 bytes cross about a dozen boundaries, at every alignment.
    for (let round = 0; round < 1000; round += 1) {
      seen.add(ids.next());
      ids.fill(target, 0, 32);
      seen.add(formatUuid(target, 0));
      seen.add(formatUuid(target, 16));
    }
    expect(batches).toBeGreaterThan(10);
    expect(seen.size).toBe(3000);
    for (const id of seen) expect(id).toMatch(V4);
  });
});
