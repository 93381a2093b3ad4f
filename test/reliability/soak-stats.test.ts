/**
 * The soak's figures (bench/reliability/soak-stats.ts): nearest-rank latency percentiles, and the
 * plateau verdict that tells a cache filling up and levelling off from a leak.
 */

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plateauVerdict, summariseLatencies } from '../../bench/reliability/soak-stats.ts';

describe('summariseLatencies', () => {
  it('gives nearest-rank percentiles and the maximum', () => {
    const samples = Array.from({ length: 100 }, (_, index) => 100 - index);
    expect(summariseLatencies(samples)).toEqual({ count: 100, p50: 50, p90: 90, p99: 99, max: 100 });
  });

  it('is NaN for no samples', () => {
    expect(summariseLatencies([]).p50).toBeNaN();
  });

  it('orders p50 ≤ p90 ≤ p99 ≤ max, all samples', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 }), (samples) => {
        const { p50, p90, p99, max } = summariseLatencies(samples);
        expect(p50 <= p90 && p90 <= p99 && p99 <= max).toBe(true);
        expect(max).toBe(Math.round(Math.max(...samples) * 100) / 100);
      }),
    );
  });
});

describe('plateauVerdict', () => {
  it('calls a series that grows early and levels off a plateau', () => {
    const verdict = plateauVerdict([100, 140, 170, 185, 190, 191, 190, 192, 191], 4);
    expect(verdict.plateau).toBe(true);
    expect(verdict.earlyGrowthMiB).toBeGreaterThan(verdict.lateGrowthMiB);
  });

  it('calls a series that keeps growing at the same pace growing, however small the pace past the slack', () => {
    fc.assert(
      fc.property(fc.integer({ min: 6, max: 60 }), fc.double({ min: 1, max: 50, noNaN: true }), (count, step) => {
        const series = Array.from({ length: count }, (_, index) => 100 + index * step);
        // The last third grows about as much as the earlier ones: more than the slack once steps add up.
        const slack = (step * Math.floor(count / 3)) / 2;
        expect(plateauVerdict(series, slack).plateau).toBe(false);
      }),
    );
  });

  it('calls a flat series with noise within the slack a plateau', () => {
    expect(plateauVerdict([200, 203, 198, 201, 199, 204, 200, 202], 8).plateau).toBe(true);
  });

  it('gives no verdict on fewer than six samples', () => {
    expect(plateauVerdict([1, 2, 3, 4, 5], 1).plateau).toBeUndefined();
    expect(plateauVerdict([1, 2, 3, 4, 5, Number.NaN], 1).plateau).toBeUndefined();
  });
});
