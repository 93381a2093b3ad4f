/**
 * @module
 * Request quotas (throttling) per account AND Region, each quota counted on its own, on the
 * injected clock. AWS: "Request quotas", https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
 * ("measured over one-second intervals"; the symmetric cryptographic operations share one quota,
 * every other operation has its own; calls an AWS service makes for a principal count against the
 * principal's account; cross-account use throttles the calling account).
 *
 * The limiter (`QuotaBuckets` of `@strongbox/service-kernel`) is an exact sliding window, not a token bucket: a bucket of capacity Q refilled at Q/s
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

import { QuotaBuckets } from '@strongbox/service-kernel';

/** The quota bucket an operation draws from: the shared cryptographic one, or its own (named after it). */
export type QuotaClass = 'cryptographic' | (string & {});

/** Default request quota of the shared symmetric cryptographic operations, per second. */
export const DEFAULT_CRYPTOGRAPHIC_QUOTA = 10_000;

/** Each operation's own quota (requests per second), by quota class: derived from the operation registry. */
export type QuotaTable = Readonly<Record<string, number>>;

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

/** Admits or throttles requests (see the module documentation for the algorithm). */
export class RequestQuotas {
  readonly #enabled: boolean;
  readonly #scale: number;
  readonly #cryptographic: number;
  readonly #overrides: Readonly<Partial<Record<QuotaClass, number>>>;
  readonly #table: QuotaTable;
  readonly #buckets = new QuotaBuckets();

  /**
   * @param table - each operation's default quota (the registry's `OPERATION_QUOTAS`).
   * @throws RangeError if `scale` is not a positive finite number, or a quota is negative or NaN.
   */
  constructor(options: QuotaOptions = {}, table: QuotaTable = {}) {
    this.#table = table;
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
    const base = this.#overrides[quota] ?? (quota === 'cryptographic' ? this.#cryptographic : this.#table[quota]);
    // An operation missing from AWS's table (none today) is not throttled rather than refused.
    return base === undefined ? Infinity : base * this.#scale;
  }

  /**
   * Counts one request of `account` in `region` against `quota` at time `now` (epoch ms).
   * @returns `false` when the request must be throttled (nothing is counted then).
   */
  tryAcquire(account: string, region: string, quota: QuotaClass, now: number): boolean {
    if (!this.#enabled) return true;
    return this.#buckets.tryAcquire(`${account}/${region}/${quota}`, () => this.limitOf(quota), now);
  }
}

function checkedQuota(name: string, value: number | undefined): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new RangeError(`"${name}" expected a non-negative number of requests per second, got ${String(value)}`);
  return value;
}
