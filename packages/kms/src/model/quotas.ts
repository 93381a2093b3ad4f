/**
 * @module
 * Request quotas (throttling) per account AND Region, each quota counted on its own, on the
 * injected clock. AWS: "Request quotas", https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
 * ("measured over one-second intervals"; the symmetric cryptographic operations share one quota,
 * every other operation has its own; calls an AWS service makes for a principal count against the
 * principal's account; cross-account use throttles the calling account).
 *
 * The limiter is an exact sliding window, not a token bucket: a bucket of capacity Q refilled at Q/s
 * admits Q + 10Q requests in 10 s of saturating demand, 10% over the quota. For a quota of Q
 * requests per second:
 *
 * - Q ≥ 1: at most ⌈Q⌉ admissions in any one-second window (a burst of Q at once is allowed), and,
 *   when Q is not a whole number, at most round(10·Q) in any ten-second window, so that a
 *   fractional quota (5 × 0.37 = 1.85/s) still averages Q over ten seconds instead of ⌈Q⌉.
 * - 0 < Q < 1: one admission per 1/Q seconds (0.5/s: one request every 2 s).
 * - Q = 0 throttles every call; Q = Infinity never throttles.
 *
 * Saturating demand then gets exactly Q per second for whole Q, and round(10·Q) per ten seconds
 * otherwise, whatever the alignment of the ten seconds. Windows are half-open, (t − W, t], and
 * measured at the clock's millisecond resolution (fractional milliseconds are truncated; a clock
 * that steps backwards is treated as standing still).
 *
 * Memory: a window keeps (millisecond, count) runs, at most min(limit, window in ms) of them, so a
 * bucket holds at most 1,000 + 10,000 runs (about 130 KiB) however large a scaled quota gets
 * (100,000/s × 1,000 costs the same as 1,000/s). Each check is amortised O(1). Buckets are created
 * on first use per (account, Region, quota) and kept for the emulator's lifetime.
 */

import { DEFAULT_CRYPTOGRAPHIC_QUOTA, OPERATION_QUOTAS, type QuotaClass } from '../operations/catalog.ts';

/** Quota configuration. */
export interface QuotaOptions {
  /** `false` turns throttling off entirely. Default true. */
  readonly enabled?: boolean;
  /**
   * Multiplies every quota, e.g. 0.01 to hit limits in a test quickly (CreateKey 5/s × 0.1 =
   * 0.5/s: one call every two seconds). Default 1.
   */
  readonly scale?: number;
  /** The shared symmetric cryptographic quota, requests per second. Default 10,000. */
  readonly cryptographic?: number;
  /** Per-operation overrides (and `cryptographic`), requests per second, before `scale`. */
  readonly overrides?: Readonly<Partial<Record<QuotaClass, number>>>;
}

/** Milliseconds in the one-second and ten-second windows. */
const SECOND_MS = 1000;
const TEN_SECONDS_MS = 10_000;

/**
 * At most `limit` admissions in any half-open window (t − windowMs, t], over integer millisecond
 * ticks that never decrease. Admissions are stored as (tick, count) runs in a ring.
 */
class SlidingWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #ticks: Float64Array;
  readonly #counts: Uint32Array;
  #head = 0;
  #runs = 0;
  #total = 0;

  constructor(limit: number, windowMs: number) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    // Once the expired runs are dropped, every run is a distinct integer tick in (t − W, t]: there
    // are at most ⌈W⌉ such ticks, and never more runs than admissions (< limit before an add).
    const capacity = Math.max(1, Math.min(limit, Math.ceil(windowMs)));
    this.#ticks = new Float64Array(capacity);
    this.#counts = new Uint32Array(capacity);
  }

  /** Drops the runs that left the window ending at `tick`; whether one more admission fits. */
  fits(tick: number): boolean {
    const horizon = tick - this.#windowMs;
    const capacity = this.#ticks.length;
    while (this.#runs > 0 && this.#ticks[this.#head]! <= horizon) {
      this.#total -= this.#counts[this.#head]!;
      this.#head = this.#head + 1 === capacity ? 0 : this.#head + 1;
      this.#runs -= 1;
    }
    return this.#total < this.#limit;
  }

  /** Records one admission at `tick` (call only after `fits(tick)` answered true). */
  add(tick: number): void {
    const capacity = this.#ticks.length;
    this.#total += 1;
    if (this.#runs > 0) {
      const last = (this.#head + this.#runs - 1) % capacity;
      if (this.#ticks[last] === tick) {
        this.#counts[last]! += 1;
        return;
      }
    }
    const slot = (this.#head + this.#runs) % capacity;
    this.#ticks[slot] = tick;
    this.#counts[slot] = 1;
    this.#runs += 1;
  }
}

/** One quota of one account in one Region. */
interface Bucket {
  readonly windows: readonly SlidingWindow[];
  lastTick: number;
}

/** Admits or throttles requests (see the module documentation for the algorithm). */
export class RequestQuotas {
  readonly #enabled: boolean;
  readonly #scale: number;
  readonly #cryptographic: number;
  readonly #overrides: Readonly<Partial<Record<QuotaClass, number>>>;
  readonly #buckets = new Map<string, Bucket>();

  /**
   * @throws RangeError if `scale` is not a positive finite number, or a quota is negative or NaN.
   */
  constructor(options: QuotaOptions = {}) {
    this.#enabled = options.enabled !== false;
    this.#scale = options.scale ?? 1;
    if (!(Number.isFinite(this.#scale) && this.#scale > 0)) throw new RangeError(`"quotas.scale" expected a positive finite number, got ${String(options.scale)}`);
    this.#cryptographic = checkedQuota('quotas.cryptographic', options.cryptographic ?? DEFAULT_CRYPTOGRAPHIC_QUOTA);
    const overrides: Partial<Record<QuotaClass, number>> = {};
    for (const [name, value] of Object.entries(options.overrides ?? {})) {
      overrides[name as QuotaClass] = checkedQuota(`quotas.overrides.${name}`, value);
    }
    this.#overrides = overrides;
  }

  /** The effective quota of `quota` in requests per second (after overrides and `scale`). */
  limitOf(quota: QuotaClass): number {
    const base = this.#overrides[quota] ?? (quota === 'cryptographic' ? this.#cryptographic : OPERATION_QUOTAS[quota as keyof typeof OPERATION_QUOTAS]);
    // An operation missing from AWS's table (none today) is not throttled rather than refused.
    return base === undefined ? Infinity : base * this.#scale;
  }

  /**
   * Counts one request of `account` in `region` against `quota` at time `now` (epoch ms).
   * @returns `false` when the request must be throttled (nothing is counted then).
   */
  tryAcquire(account: string, region: string, quota: QuotaClass, now: number): boolean {
    if (!this.#enabled) return true;
    const key = `${account}/${region}/${quota}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      const limit = this.limitOf(quota);
      if (limit === Infinity) return true;
      if (limit === 0) return false;
      bucket = { windows: windowsFor(limit), lastTick: -Infinity };
      this.#buckets.set(key, bucket);
    }
    // Millisecond ticks that never go backwards (a system clock may step back).
    const tick = Math.max(Math.floor(now), bucket.lastTick);
    bucket.lastTick = tick;
    const { windows } = bucket;
    for (let i = 0; i < windows.length; i++) if (!windows[i]!.fits(tick)) return false;
    for (let i = 0; i < windows.length; i++) windows[i]!.add(tick);
    return true;
  }
}

/** The windows that enforce `limit` requests per second (0 < limit < Infinity). */
function windowsFor(limit: number): SlidingWindow[] {
  if (limit < 1) return [new SlidingWindow(1, SECOND_MS / limit)];
  const perSecond = new SlidingWindow(Math.ceil(limit), SECOND_MS);
  if (Number.isInteger(limit)) return [perSecond];
  // ⌈Q⌉ per second alone would let a fractional quota run at ⌈Q⌉/s; the ten-second window brings
  // the average back to Q (round(10·Q) per ten seconds, within 0.5 request of 10·Q).
  return [perSecond, new SlidingWindow(Math.max(1, Math.round(limit * 10)), TEN_SECONDS_MS)];
}

function checkedQuota(name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`"${name}" expected a non-negative number of requests per second, got ${String(value)}`);
  return value;
}
