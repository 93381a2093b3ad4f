/**
 * The bucket key cache and the per-object derivation: one KMS call for any number of concurrent
 * users, expiry on the clock, bounded size, keys wiped on expiry, eviction and close; derived keys
 * bound to their object and nonce.
 */

import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { encodeEncryptionContext } from '@strongbox/envelope';
import { ManualClock } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketKeyCache, type BucketKeyMaterial, decodeBucketKeyWrapped, deriveObjectKey, encodeBucketKeyWrapped } from '../../src/index.ts';

const material = (): BucketKeyMaterial => ({
  key: new Uint8Array(randomBytes(32)),
  keyArn: 'arn:aws:kms:us-east-1:000000000000:key/k',
  blob: new Uint8Array([1, 2, 3]),
});

describe('deriveObjectKey', () => {
  it('is HKDF-SHA-256(bucket key, nonce, label ‖ SHA-256(canonical context)), 32 bytes (the documented derivation)', () => {
    const bucketKey = new Uint8Array(32).fill(7);
    const nonce = new Uint8Array(32).fill(9);
    const context = { 'aws:s3:arn': 'arn:aws:s3:::b/k' };
    const info = Buffer.concat([Buffer.from('strongbox/s3/bucket-key/v1\u0000'), createHash('sha256').update(encodeEncryptionContext(context)).digest()]);
    expect(deriveObjectKey(bucketKey, nonce, context)).toEqual(new Uint8Array(hkdfSync('sha256', bucketKey, nonce, info, 32)));
  });

  it('gives a different key for any other object, part or nonce', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b, nonce) => {
        const bucketKey = new Uint8Array(32).fill(1);
        const one = deriveObjectKey(bucketKey, nonce, { 'aws:s3:arn': `arn:aws:s3:::b/${a}` });
        expect(deriveObjectKey(bucketKey, nonce, { 'aws:s3:arn': `arn:aws:s3:::b/${a}` })).toEqual(one);
        if (a !== b) expect(deriveObjectKey(bucketKey, nonce, { 'aws:s3:arn': `arn:aws:s3:::b/${b}` })).not.toEqual(one);
        expect(deriveObjectKey(bucketKey, nonce, { 'aws:s3:arn': `arn:aws:s3:::b/${a}`, 'strongbox:part': '1' })).not.toEqual(one);
        const other = nonce.slice();
        other[0] = (other[0] ?? 0) ^ 1;
        expect(deriveObjectKey(bucketKey, other, { 'aws:s3:arn': `arn:aws:s3:::b/${a}` })).not.toEqual(one);
      }),
    );
  });

  it('refuses a bucket key or nonce of the wrong length', () => {
    expect(() => deriveObjectKey(new Uint8Array(16), new Uint8Array(32), {})).toThrow(RangeError);
    expect(() => deriveObjectKey(new Uint8Array(32), new Uint8Array(12), {})).toThrow(RangeError);
  });
});

describe('the wrapped form', () => {
  it('round-trips any blob and nonce, and refuses anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 700 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (blob, nonce) => {
        const wrapped = encodeBucketKeyWrapped(blob, nonce);
        expect(decodeBucketKeyWrapped(wrapped)).toEqual({ blob, nonce });
        expect(() => decodeBucketKeyWrapped(wrapped.subarray(0, wrapped.length - 1))).toThrow('not a bucket-key wrapped data key');
      }),
    );
    expect(() => decodeBucketKeyWrapped(new Uint8Array([2, 0, 1, 0]))).toThrow();
  });
});

describe('BucketKeyCache', () => {
  it('makes one bucket key for any number of concurrent users, and a new one once the period ends', async () => {
    const clock = new ManualClock(0);
    const cache = new BucketKeyCache({ clock, periodMs: 1000 });
    let made = 0;
    const make = async (): Promise<BucketKeyMaterial> => {
      made++;
      return material();
    };
    const keys = await Promise.all(Array.from({ length: 20 }, () => cache.sealing('s', make, (entry) => entry.key.slice())));
    expect(made).toBe(1);
    expect(new Set(keys.map((key) => Buffer.from(key).toString('hex'))).size).toBe(1);
    clock.advance(999);
    await cache.sealing('s', make, () => undefined);
    expect(made).toBe(1);
    clock.advance(1);
    await cache.sealing('s', make, () => undefined);
    expect(made).toBe(2);
    // Sealing and opening keys are kept apart, and so are scopes.
    await cache.opening('s', make, () => undefined);
    await cache.sealing('t', make, () => undefined);
    expect(made).toBe(4);
    cache.close();
  });

  it('wipes a bucket key on expiry, on eviction and on close', async () => {
    const clock = new ManualClock(0);
    const cache = new BucketKeyCache({ clock, periodMs: 10_000, maxEntries: 2 });
    const made: Uint8Array[] = [];
    const make = async (): Promise<BucketKeyMaterial> => {
      const entry = material();
      made.push(entry.key);
      return entry;
    };
    const zero = (key: Uint8Array | undefined): boolean => key?.every((byte) => byte === 0) === true;
    await cache.sealing('a', make, () => undefined);
    clock.advance(10_000);
    await cache.sealing('b', make, () => undefined);
    expect(zero(made[0])).toBe(true); // expired: wiped at the next use of the cache
    await cache.sealing('c', make, () => undefined);
    await cache.sealing('d', make, () => undefined);
    expect(zero(made[1])).toBe(true); // evicted: the oldest of three in a cache of two
    expect(cache.size).toBe(2);
    expect(made.slice(2).some(zero)).toBe(false);
    cache.close();
    expect(made.every(zero)).toBe(true);
    await expect(cache.sealing('a', make, () => undefined)).rejects.toThrow('closed');
  });

  it('caches nothing when KMS refuses, and every waiter sees the refusal', async () => {
    const cache = new BucketKeyCache({ clock: new ManualClock(0) });
    const refusal = new Error('refused');
    const make = async (): Promise<BucketKeyMaterial> => {
      throw refusal;
    };
    const results = await Promise.allSettled([cache.sealing('s', make, () => 1), cache.sealing('s', make, () => 1)]);
    expect(results).toEqual([
      { status: 'rejected', reason: refusal },
      { status: 'rejected', reason: refusal },
    ]);
    expect(
      await cache.sealing(
        's',
        async () => material(),
        () => 2,
      ),
    ).toBe(2);
    cache.close();
  });

  it('hands `use` only live keys (not wiped, not expired), whatever the interleaving of uses, expiries and evictions (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ scope: fc.constantFrom('a', 'b', 'c'), delay: fc.nat({ max: 5 }), advance: fc.nat({ max: 1500 }), opening: fc.boolean() }), {
          minLength: 1,
          maxLength: 40,
        }),
        async (actions) => {
          const clock = new ManualClock(0);
          const cache = new BucketKeyCache({ clock, periodMs: 1000, maxEntries: 2 });
          const ticks = async (count: number): Promise<void> => {
            for (let index = 0; index < count; index++) await Promise.resolve();
          };
          // When each key was asked for (its period starts then), and by which action.
          const born = new Map<string, { requested: number; by: number }>();
          const live: boolean[] = [];
          await Promise.all(
            actions.map(async ({ scope, delay, advance, opening }, action) => {
              await ticks(delay);
              clock.advance(advance);
              const make = async (): Promise<BucketKeyMaterial> => {
                const requested = clock.now();
                await ticks(delay);
                const made = material();
                born.set(Buffer.from(made.key).toString('hex'), { requested, by: action });
                return made;
              };
              const use = (entry: BucketKeyMaterial): void => {
                // Never wiped; within its period, unless this action asked KMS for it (progress).
                const origin = born.get(Buffer.from(entry.key).toString('hex'));
                live.push(origin !== undefined && (clock.now() < origin.requested + 1000 || origin.by === action));
              };
              await (opening ? cache.opening(scope, make, use) : cache.sealing(scope, make, use));
            }),
          );
          cache.close();
          expect(live).toHaveLength(actions.length);
          expect(live.every(Boolean)).toBe(true);
        },
      ),
    );
  });

  it('makes progress when KMS answers slower than the period: the request that asked uses the key it got', async () => {
    const clock = new ManualClock(0);
    const cache = new BucketKeyCache({ clock, periodMs: 10 });
    let made = 0;
    const slow = async (): Promise<BucketKeyMaterial> => {
      if (++made > 3) throw new Error('asked KMS again and again');
      clock.advance(50);
      return material();
    };
    expect(await cache.sealing('s', slow, (entry) => entry.key.length)).toBe(32);
    expect(made).toBe(1);
    // A later request finds that key expired and asks again.
    await cache.sealing('s', slow, () => undefined);
    expect(made).toBe(2);
    cache.close();
  });

  it('refuses a period or size that is not a positive integer', () => {
    expect(() => new BucketKeyCache({ clock: new ManualClock(0), periodMs: 0 })).toThrow(RangeError);
    expect(() => new BucketKeyCache({ clock: new ManualClock(0), maxEntries: 1.5 })).toThrow(RangeError);
  });
});
