/**
 * Request quotas on the fake clock: the sliding-window bounds (never more than the quota in any
 * one-second window, a burst of Q at once allowed), the ten-second accuracy under saturating demand
 * (10·Q within 1%, where a token bucket of capacity Q would admit 11·Q), and what each quota is
 * counted per: account, Region, operation (or the shared cryptographic quota), with scale,
 * overrides and disabling. AWS: https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
 */

import { ManualClock } from '@strongbox/service-kernel';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RequestQuotas as ModelQuotas, type QuotaClass, type QuotaSetting } from '../src/model/quotas.ts';
import { QUOTA_CATALOG } from '../src/operations/index.ts';

/** KMS's quotas with the registry's catalog, as `Kms` builds them. */
class RequestQuotas extends ModelQuotas {
  constructor(setting: QuotaSetting = {}) {
    super(setting, QUOTA_CATALOG);
  }
}

const ACCOUNT = '111122223333';
const OTHER_ACCOUNT = '444455556666';
const REGION = 'us-east-1';

/** Admission times (ms) of the requests arriving at `arrivals` (absolute ms, ascending). */
function admitted(quotas: RequestQuotas, arrivals: readonly number[], quota: QuotaClass = 'CreateKey'): number[] {
  const clock = new ManualClock(0);
  const out: number[] = [];
  for (const at of arrivals) {
    clock.set(at);
    if (quotas.tryAcquire(ACCOUNT, REGION, quota, clock.now())) out.push(at);
  }
  return out;
}

/** The largest number of `times` (ascending) inside any half-open window [x, x + windowMs). */
function densest(times: readonly number[], windowMs: number): number {
  let best = 0;
  for (let end = 0, start = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

/**
 * Saturating demand on the fake clock: from `start`, every millisecond for `durationMs`, requests
 * until one is refused. Returns the admission times.
 */
function saturate(quotas: RequestQuotas, start: number, durationMs: number): number[] {
  const clock = new ManualClock(start);
  const out: number[] = [];
  for (let tick = 0; tick < durationMs; tick++) {
    while (quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', clock.now())) out.push(clock.now());
    clock.advance(1);
  }
  return out;
}

const countIn = (times: readonly number[], from: number, to: number): number => times.filter((t) => t >= from && t < to).length;

/** Random arrivals: groups of simultaneous requests separated by random gaps. */
const arrivalsArbitrary = fc
  .array(fc.record({ gap: fc.integer({ min: 0, max: 1500 }), burst: fc.integer({ min: 1, max: 40 }) }), { minLength: 1, maxLength: 200 })
  .map((groups) => {
    const arrivals: number[] = [];
    let t = 1_700_000_000_000;
    for (const { gap, burst } of groups) {
      t += gap;
      for (let i = 0; i < burst; i++) arrivals.push(t);
    }
    return arrivals;
  });

describe('the sliding window', () => {
  it('never admits more than ⌈Q⌉ in any one-second window, nor more than round(10·Q) in any ten seconds, whatever the arrivals', () => {
    fc.assert(
      fc.property(fc.double({ min: 1, max: 60, noNaN: true }), arrivalsArbitrary, (q, arrivals) => {
        const times = admitted(new RequestQuotas({ overrides: { CreateKey: q } }), arrivals);
        expect(densest(times, 1000)).toBeLessThanOrEqual(Math.ceil(q));
        if (!Number.isInteger(q)) expect(densest(times, 10_000)).toBeLessThanOrEqual(Math.round(10 * q));
      }),
      { numRuns: 200 },
    );
  });

  it('admits at most one request per 1/Q seconds for quotas below one per second (C = 1 in any C/Q window)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0.05, max: 0.99, noNaN: true }), arrivalsArbitrary, (q, arrivals) => {
        const times = admitted(new RequestQuotas({ overrides: { CreateKey: q } }), arrivals);
        expect(densest(times, Math.floor(1000 / q))).toBeLessThanOrEqual(1);
      }),
      { numRuns: 100 },
    );
  });

  it('admits 10·Q within 1% over any ten seconds of saturating demand, whatever the start alignment', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 5, max: 3000 }), fc.double({ min: 5, max: 3000, noNaN: true })),
        fc.integer({ min: 0, max: 86_400_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (q, offset, later) => {
          const start = 1_700_000_000_000 + offset;
          const times = saturate(new RequestQuotas({ overrides: { CreateKey: q } }), start, 30_000);
          for (const from of [start, start + later]) {
            const accepted = countIn(times, from, from + 10_000);
            expect(Math.abs(accepted - 10 * q)).toBeLessThanOrEqual(0.01 * 10 * q);
            // A whole-number quota is exact: Q in every second, 10·Q in every ten seconds.
            if (Number.isInteger(q)) expect(accepted).toBe(10 * q);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('allows a burst of the whole quota at one instant, then nothing until that second has passed (not a token bucket)', () => {
    const quotas = new RequestQuotas('aws'); // CreateKey: 5 per second
    const t0 = Date.UTC(2024, 0, 1);
    const at = (t: number): boolean => quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t);
    expect([1, 2, 3, 4, 5].map(() => at(t0))).toEqual([true, true, true, true, true]);
    expect(at(t0)).toBe(false);
    expect(at(t0 + 999)).toBe(false);
    // A refill-as-you-go bucket would have admitted one more by now; the window admits all 5 again at t0 + 1 s.
    expect([1, 2, 3, 4, 5, 6].map(() => at(t0 + 1000))).toEqual([true, true, true, true, true, false]);
  });

  it('does not count refused requests', () => {
    const quotas = new RequestQuotas({ overrides: { CreateKey: 2 } });
    const t0 = Date.UTC(2024, 0, 1);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 500)).toBe(true);
    for (let i = 0; i < 50; i++) expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 600 + i)).toBe(false);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 1000)).toBe(true);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 1499)).toBe(false);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 1500)).toBe(true);
  });

  it('treats a clock that steps backwards as standing still', () => {
    const quotas = new RequestQuotas({ overrides: { CreateKey: 1 } });
    const t0 = Date.UTC(2024, 0, 1);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 - 5000)).toBe(false);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 1000)).toBe(true);
  });

  it('serves a huge scaled quota (100,000/s × 1,000) exactly, from a bounded window', () => {
    const quotas = new RequestQuotas({ cryptographic: 100_000, scale: 1000 });
    const t0 = Date.UTC(2024, 0, 1);
    let admittedCount = 0;
    // Saturate 2 ms of a 10^8/s quota: everything is admitted, one window of runs per millisecond.
    for (let i = 0; i < 300_000; i++) if (quotas.tryAcquire(ACCOUNT, REGION, 'cryptographic', t0 + (i % 2))) admittedCount++;
    expect(admittedCount).toBe(300_000);
    expect(quotas.limitOf('cryptographic')).toBe(100_000_000);
  });
});

describe('what each quota is counted per', () => {
  const t0 = Date.UTC(2024, 0, 1);

  it('counts each account on its own: one account throttled, another not', () => {
    const quotas = new RequestQuotas({ overrides: { CreateKey: 1 } });
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(false);
    expect(quotas.tryAcquire(OTHER_ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
  });

  it('counts each Region on its own', () => {
    const quotas = new RequestQuotas({ overrides: { CreateKey: 1 } });
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(false);
    expect(quotas.tryAcquire(ACCOUNT, 'eu-west-1', 'CreateKey', t0)).toBe(true);
  });

  it('counts each operation quota on its own: CreateKey throttled does not affect CreateAlias or the cryptographic quota', () => {
    const quotas = new RequestQuotas('aws');
    for (let i = 0; i < 5; i++) quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(false);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateAlias', t0)).toBe(true);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'cryptographic', t0)).toBe(true);
  });

  it("takes AWS's shared cryptographic quota by Region by default, and no control-plane quota", () => {
    const quotas = new RequestQuotas();
    expect(quotas.limitOf('cryptographic')).toBe(10_000);
    expect(quotas.limitOf('cryptographic', 'us-east-1')).toBe(100_000);
    expect(quotas.limitOf('cryptographic', 'eu-west-2')).toBe(20_000);
    expect(quotas.limitOf('cryptographic', 'ca-central-1')).toBe(10_000);
    expect(quotas.limitOf('CreateKey')).toBe(Infinity);
    for (let i = 0; i < 1000; i++) expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
  });

  it("takes AWS's per-operation table too under the 'aws' profile", () => {
    for (const quotas of [new RequestQuotas('aws'), new RequestQuotas({ profile: 'aws' })]) {
      expect(quotas.limitOf('cryptographic', 'ca-central-1')).toBe(10_000);
      expect(quotas.limitOf('CreateKey')).toBe(5);
      expect(quotas.limitOf('CreateGrant')).toBe(50);
      expect(quotas.limitOf('DescribeKey')).toBe(2000);
      expect(quotas.limitOf('GetParametersForImport')).toBe(1);
    }
  });

  it('applies an override under the default profile too', () => {
    const quotas = new RequestQuotas({ overrides: { CreateKey: 1 } });
    expect(quotas.limitOf('CreateKey')).toBe(1);
    expect(quotas.limitOf('CreateAlias')).toBe(Infinity);
  });

  it('multiplies every quota by scale, fractions included (5 × 0.1 = one CreateKey every 2 s)', () => {
    const quotas = new RequestQuotas({ profile: 'aws', scale: 0.1, cryptographic: 20_000 });
    expect(quotas.limitOf('cryptographic')).toBe(2000);
    expect(quotas.limitOf('CreateKey')).toBe(0.5);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 1999)).toBe(false);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + 2000)).toBe(true);
  });

  it('applies overrides before scale, and takes 0 as "always throttle" and Infinity as "never"', () => {
    const quotas = new RequestQuotas({ scale: 2, overrides: { CreateKey: 3, ListKeys: 0, DescribeKey: Infinity } });
    expect(quotas.limitOf('CreateKey')).toBe(6);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'ListKeys', t0)).toBe(false);
    for (let i = 0; i < 10_000; i++) expect(quotas.tryAcquire(ACCOUNT, REGION, 'DescribeKey', t0)).toBe(true);
  });

  it('never throttles when disabled', () => {
    const quotas = new RequestQuotas({ enabled: false, overrides: { CreateKey: 1 } });
    for (let i = 0; i < 100; i++) expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
  });

  it('refuses malformed options with RangeError', () => {
    expect(() => new RequestQuotas({ scale: 0 })).toThrow(RangeError);
    expect(() => new RequestQuotas({ scale: Number.NaN })).toThrow(RangeError);
    expect(() => new RequestQuotas({ cryptographic: -1 })).toThrow(RangeError);
    expect(() => new RequestQuotas({ overrides: { CreateKey: Number.NaN } })).toThrow(RangeError);
    expect(() => new RequestQuotas({ overrides: { CreatKey: 1 } as never })).toThrow(/unknown quota "CreatKey"/);
    expect(() => new RequestQuotas({ profile: 'all' as never })).toThrow(/"quotas.profile" expected 'cryptographic' or 'aws'/);
    expect(() => new RequestQuotas('AWS' as never)).toThrow(RangeError);
  });
});

describe('changing quotas while running', () => {
  const t0 = Date.UTC(2024, 0, 1);

  it('applies a new setting at once, with fresh counters; a bad one changes nothing', () => {
    const quotas = new RequestQuotas();
    for (let i = 0; i < 10; i++) expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
    quotas.configure({ profile: 'aws', overrides: { CreateKey: 2 } });
    expect(quotas.usage(t0)).toEqual([]);
    expect([1, 2, 3].map(() => quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0))).toEqual([true, true, false]);
    expect(() => quotas.configure({ scale: -1 })).toThrow(RangeError);
    expect(quotas.options).toEqual({ enabled: true, profile: 'aws', scale: 1, overrides: { CreateKey: 2 }, customerManagedKeys: 100_000 });
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(false);
    quotas.configure(false);
    expect(quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0)).toBe(true);
    expect(quotas.options.enabled).toBe(false);
  });

  it('keeps the key quota in force when a new setting does not name it (it is a count, not a rate)', () => {
    const quotas = new RequestQuotas({ customerManagedKeys: 5 });
    quotas.configure(false);
    expect(quotas.customerManagedKeys).toBe(5);
    quotas.configure('aws');
    expect(quotas.customerManagedKeys).toBe(5);
    quotas.configure({ scale: 2 });
    expect(quotas.options).toEqual({ enabled: true, profile: 'cryptographic', scale: 2, customerManagedKeys: 5 });
    quotas.configure(false);
    quotas.configure({ customerManagedKeys: 7 });
    expect(quotas.customerManagedKeys).toBe(7);
    // A bad setting changes nothing, the key quota included.
    expect(() => quotas.configure({ customerManagedKeys: -1 })).toThrow(RangeError);
    expect(quotas.options).toEqual({ enabled: false, profile: 'cryptographic', scale: 1, customerManagedKeys: 7 });
    // A new engine starts from AWS's default.
    expect(new RequestQuotas(false).customerManagedKeys).toBe(100_000);
  });

  it('leaves the request rates as they are when a new setting names only the key quota', () => {
    // Throttling off stays off: lowering the key quota is not a request to throttle.
    const off = new RequestQuotas(false);
    off.configure({ customerManagedKeys: 3 });
    expect(off.options).toEqual({ enabled: false, profile: 'cryptographic', scale: 1, customerManagedKeys: 3 });
    expect(off.limitOf('cryptographic', REGION)).toBe(Infinity);
    for (let i = 0; i < 200_000; i += 1000) expect(off.tryAcquire(ACCOUNT, REGION, 'cryptographic', t0)).toBe(true);
    // A profile, a scale and overrides stay as configured (their counters start afresh).
    const aws = new RequestQuotas({ profile: 'aws', scale: 0.5, cryptographic: 8, overrides: { CreateKey: 2 } });
    aws.configure({ customerManagedKeys: 9 });
    expect(aws.options).toEqual({ enabled: true, profile: 'aws', scale: 0.5, cryptographic: 8, overrides: { CreateKey: 2 }, customerManagedKeys: 9 });
    expect([aws.limitOf('CreateKey'), aws.limitOf('cryptographic'), aws.limitOf('CreateGrant')]).toEqual([1, 4, 25]);
    expect([1, 2].map(() => aws.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0))).toEqual([true, false]);
    // At start there is nothing to keep: a setting naming only the key quota means AWS's default rates.
    expect(new RequestQuotas({ customerManagedKeys: 4 }).options).toEqual({ enabled: true, profile: 'cryptographic', scale: 1, customerManagedKeys: 4 });
    // A setting naming a rate member replaces the rates whole, as before.
    aws.configure({ scale: 2, customerManagedKeys: 5 });
    expect(aws.options).toEqual({ enabled: true, profile: 'cryptographic', scale: 2, customerManagedKeys: 5 });
    // A bad key quota changes nothing, the rates included.
    off.configure('aws');
    expect(() => off.configure({ customerManagedKeys: 1.5 })).toThrow(RangeError);
    expect(off.options).toEqual({ enabled: true, profile: 'aws', scale: 1, customerManagedKeys: 3 });
  });

  it('reports per quota the admissions of the last second and the totals admitted and throttled', () => {
    const quotas = new RequestQuotas({ profile: 'aws', overrides: { CreateKey: 3 } });
    for (let i = 0; i < 5; i++) quotas.tryAcquire(ACCOUNT, REGION, 'CreateKey', t0 + i * 100);
    quotas.tryAcquire(ACCOUNT, REGION, 'cryptographic', t0);
    const usage = (now: number) => Object.fromEntries(quotas.usage(now).map((u) => [u.quota, u]));
    expect(usage(t0 + 500)['CreateKey']).toEqual({ account: ACCOUNT, region: REGION, quota: 'CreateKey', limit: 3, lastSecond: 3, admitted: 3, throttled: 2 });
    expect(usage(t0 + 1100)['CreateKey']).toMatchObject({ lastSecond: 1, admitted: 3 });
    expect(usage(t0 + 5000)['CreateKey']).toMatchObject({ lastSecond: 0, admitted: 3, throttled: 2 });
    expect(usage(t0 + 500)['cryptographic']).toMatchObject({ limit: 100_000, lastSecond: 1, admitted: 1, throttled: 0 });
  });
});
