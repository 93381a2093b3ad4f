/**
 * @module
 * Targets (shown with PASS or MISS, never asserted) and the paired ratio every comparison uses.
 */

import { type Measurement, median } from './harness.ts';
import { formatNumber } from './table.ts';

/** A target: shown with PASS or MISS, never asserted. */
export interface Target {
  readonly id: string;
  readonly description: string;
  readonly measured: number;
  readonly threshold: number;
  readonly comparison: '>=' | '<=';
  readonly unit: 'x' | 'ops/s' | 'MiB';
  readonly pass: boolean;
  /** False when the run could not judge it (quick mode: sizes and samples too small). */
  readonly conclusive: boolean;
}

/**
 * `a ÷ b` as the median of the per-round ratios: round i's samples of a and b were taken back to
 * back (the harness interleaves peers), so each ratio compares the two under the same machine
 * conditions; the median then discards the rounds a neighbour disturbed.
 */
export function pairedRatio(a: Measurement, b: Measurement): number {
  const n = Math.min(a.samples.length, b.samples.length);
  const rate = (s: Measurement['samples'][number]): number => s.ops / s.ns;
  const ratios: number[] = [];
  for (let i = 0; i < n; i++) ratios.push(rate(a.samples[i]!) / rate(b.samples[i]!));
  return n > 0 ? median(ratios) : a.opsPerSec / b.opsPerSec;
}

/** Builds a target and judges it. */
export function target(
  id: string,
  description: string,
  measured: number,
  comparison: Target['comparison'],
  threshold: number,
  unit: Target['unit'],
  conclusive: boolean,
): Target {
  const pass = comparison === '>=' ? measured >= threshold : measured <= threshold;
  return { id, description, measured, threshold, comparison, unit, pass, conclusive };
}

/** `≥0.85x PASS`, `≥50,000/s MISS (quick)`, … */
export function verdict(t: Target): string {
  const threshold = t.unit === 'x' ? `${t.threshold}x` : t.unit === 'MiB' ? `${t.threshold} MiB` : `${formatNumber(t.threshold)}/s`;
  return `${t.comparison === '>=' ? '≥' : '≤'}${threshold} ${t.pass ? 'PASS' : 'MISS'}${t.conclusive ? '' : ' (quick)'}`;
}
