/**
 * @module
 * Request quota windows: the limiter every service's throttling uses. AWS services measure
 * request quotas "over one-second intervals" (KMS "Request quotas"), per account and Region; the
 * numbers are each service's (KMS's live in `@strongbox/kms`), the mechanism is shared.
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
 * on first use per key and kept for the owner's lifetime.
 */

/** Milliseconds in the one-second and ten-second windows. */
const SECOND_MS = 1000;
const TEN_SECONDS_MS = 10_000;

/**
 * At most `limit` admissions in any half-open window (t − windowMs, t], over integer millisecond
 * ticks that never decrease. Admissions are stored as (tick, count) runs in a ring.
 */
export class SlidingWindow {
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
    while (this.#runs > 0 && (this.#ticks[this.#head] ?? Infinity) <= horizon) {
      this.#total -= this.#counts[this.#head] ?? 0;
      this.#head = this.#head + 1 === capacity ? 0 : this.#head + 1;
      this.#runs -= 1;
    }
    return this.#total < this.#limit;
  }

  /** Admissions in the window at ticks after `horizon` (for usage reports; walks the runs). */
  countAfter(horizon: number): number {
    const capacity = this.#ticks.length;
    let count = 0;
    for (let i = 0; i < this.#runs; i++) {
      const slot = (this.#head + i) % capacity;
      if ((this.#ticks[slot] ?? -Infinity) > horizon) count += this.#counts[slot] ?? 0;
    }
    return count;
  }

  /** Records one admission at `tick` (call only after `fits(tick)` answered true). */
  add(tick: number): void {
    const capacity = this.#ticks.length;
    this.#total += 1;
    if (this.#runs > 0) {
      const last = (this.#head + this.#runs - 1) % capacity;
      if (this.#ticks[last] === tick) {
        this.#counts[last] = (this.#counts[last] ?? 0) + 1;
        return;
      }
    }
    const slot = (this.#head + this.#runs) % capacity;
    this.#ticks[slot] = tick;
    this.#counts[slot] = 1;
    this.#runs += 1;
  }
}

/** One quota bucket: its limit, windows, the last tick seen and its counters. */
interface Bucket {
  readonly limit: number;
  readonly windows: readonly SlidingWindow[];
  lastTick: number;
  admitted: number;
  throttled: number;
}

/** One bucket's counters, as `QuotaBuckets.usage` reports them. */
export interface BucketUsage {
  /** The bucket's key. */
  readonly key: string;
  /** Its quota, requests per second. */
  readonly limit: number;
  /** Requests admitted in the last second. */
  readonly lastSecond: number;
  /** Requests admitted since the bucket was created. */
  readonly admitted: number;
  /** Requests throttled since the bucket was created. */
  readonly throttled: number;
}

/**
 * Quota buckets by key (a service keys them by account, Region and quota class).
 *
 * @example
 * ```ts
 * const buckets = new QuotaBuckets();
 * buckets.tryAcquire('111122223333/us-east-1/CreateKey', () => 5, Date.now()); // true
 * ```
 */
export class QuotaBuckets {
  #buckets = new Map<string, Bucket>();

  /**
   * Counts one request against the bucket `key` at `now` (epoch ms); `limitOf` gives the bucket's
   * quota in requests per second the first time the key is seen (`Infinity`: never throttled,
   * and no bucket is kept).
   * @returns `false` when the request must be throttled (nothing is counted then).
   */
  tryAcquire(key: string, limitOf: () => number, now: number): boolean {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      const limit = limitOf();
      if (limit === Infinity) return true;
      bucket = { limit, windows: limit === 0 ? [] : windowsFor(limit), lastTick: -Infinity, admitted: 0, throttled: 0 };
      this.#buckets.set(key, bucket);
    }
    if (bucket.limit === 0) {
      bucket.throttled += 1;
      return false;
    }
    // Millisecond ticks that never go backwards (a system clock may step back).
    const tick = Math.max(Math.floor(now), bucket.lastTick);
    bucket.lastTick = tick;
    for (const window of bucket.windows) {
      if (!window.fits(tick)) {
        bucket.throttled += 1;
        return false;
      }
    }
    for (const window of bucket.windows) window.add(tick);
    bucket.admitted += 1;
    return true;
  }

  /** The counters of every bucket, at `now` (epoch ms). */
  usage(now: number): BucketUsage[] {
    const out: BucketUsage[] = [];
    for (const [key, bucket] of this.#buckets) {
      const tick = Math.max(Math.floor(now), bucket.lastTick);
      // The first window is the one-second window, or a longer one for quotas under 1/s: it holds
      // every admission of the last second either way.
      const first = bucket.windows[0];
      const lastSecond = first === undefined ? 0 : first.countAfter(tick - SECOND_MS);
      out.push({ key, limit: bucket.limit, lastSecond, admitted: bucket.admitted, throttled: bucket.throttled });
    }
    return out;
  }

  /** Forgets every bucket (windows and counters start afresh). */
  clear(): void {
    this.#buckets = new Map();
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
