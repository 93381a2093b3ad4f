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
 * on first use per (account, Region, quota) and kept until the quotas are configured again.
 */

import { DEFAULT_CRYPTOGRAPHIC_QUOTA, isOperationName, OPERATION_QUOTAS, type QuotaClass } from '../operations/catalog.ts';

/**
 * Which quotas apply:
 * - `'cryptographic'` (the default): only the shared cryptographic quotas, the ones that throttle
 *   real workloads (S3 SSE-KMS uploads and downloads count against the symmetric one: "Request
 *   quotas", "How to use"), at AWS's rates for the Region. A test suite that creates keys and
 *   grants in a loop is not throttled, as it would not be against AWS, where each call takes tens
 *   of milliseconds rather than one.
 * - `'aws'`: also every control-plane operation's own quota from AWS's table (CreateKey 5/s,
 *   CreateGrant 50/s, DescribeKey 2,000/s, ...).
 */
export type QuotaProfile = 'cryptographic' | 'aws';

/** Quota configuration. */
export interface QuotaOptions {
  /** `false` turns throttling off entirely. Default true. */
  readonly enabled?: boolean;
  /** Which quotas apply (see `QuotaProfile`). Default `'cryptographic'`. */
  readonly profile?: QuotaProfile;
  /**
   * Multiplies every quota that applies, e.g. 0.01 to hit limits in a test quickly (CreateKey
   * 5/s × 0.1 = 0.5/s: one call every two seconds). Default 1.
   */
  readonly scale?: number;
  /**
   * The shared symmetric cryptographic quota, requests per second, in every Region. Default:
   * AWS's rate for the Region (10,000; 20,000 or 100,000 in the Regions AWS lists).
   */
  readonly cryptographic?: number;
  /**
   * Per-operation overrides (and `cryptographic`), requests per second, before `scale`. An
   * override applies under either profile.
   */
  readonly overrides?: Readonly<Partial<Record<QuotaClass, number>>>;
}

/** What a `Kms` accepts for quotas: options, `'aws'` for `{ profile: 'aws' }`, or `false` for none. */
export type QuotaSetting = QuotaOptions | 'aws' | false;

/** One quota of one account in one Region, as `RequestQuotas.usage` reports it. */
export interface QuotaUsage {
  readonly account: string;
  readonly region: string;
  /** `cryptographic` (the shared symmetric quota) or an operation name. */
  readonly quota: QuotaClass;
  /** The quota in force, requests per second (after overrides and scale). */
  readonly limit: number;
  /** Requests admitted in the last second. */
  readonly lastSecond: number;
  /** Requests admitted since the quotas were last configured. */
  readonly admitted: number;
  /** Requests throttled since the quotas were last configured. */
  readonly throttled: number;
}

/**
 * AWS's shared symmetric cryptographic quota by Region ("Request quotas" table, 2025): 100,000 in
 * us-east-1, us-west-2 and eu-west-1, 20,000 in six more, 10,000 elsewhere.
 */
const CRYPTOGRAPHIC_BY_REGION: ReadonlyMap<string, number> = new Map([
  ...['us-east-1', 'us-west-2', 'eu-west-1'].map((region) => [region, 100_000] as const),
  ...['us-east-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'eu-central-1', 'eu-west-2'].map((region) => [region, 20_000] as const),
]);

/**
 * AWS's default shared symmetric cryptographic quota in `region`, requests per second.
 * @example defaultCryptographicQuota('us-east-1') // 100000
 */
export function defaultCryptographicQuota(region: string): number {
  return CRYPTOGRAPHIC_BY_REGION.get(region) ?? DEFAULT_CRYPTOGRAPHIC_QUOTA;
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

  /** Admissions in the window at ticks after `horizon` (for `usage`; walks the runs). */
  countAfter(horizon: number): number {
    const capacity = this.#ticks.length;
    let count = 0;
    for (let i = 0; i < this.#runs; i++) {
      const slot = (this.#head + i) % capacity;
      if (this.#ticks[slot]! > horizon) count += this.#counts[slot]!;
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
  readonly account: string;
  readonly region: string;
  readonly quota: QuotaClass;
  readonly limit: number;
  readonly windows: readonly SlidingWindow[];
  lastTick: number;
  admitted: number;
  throttled: number;
}

/** A checked configuration. */
interface Config {
  readonly enabled: boolean;
  readonly profile: QuotaProfile;
  readonly scale: number;
  readonly cryptographic: number | undefined;
  readonly overrides: ReadonlyMap<QuotaClass, number>;
}

/**
 * Admits or throttles requests (see the module documentation for the algorithm). The
 * configuration can be replaced while requests run (`configure`), for tests of throttling.
 */
export class RequestQuotas {
  #config: Config;
  #buckets = new Map<string, Bucket>();

  /**
   * @throws RangeError for an unknown profile, a `scale` that is not a positive finite number, or
   *   a quota that is negative or NaN.
   */
  constructor(setting: QuotaSetting = {}) {
    this.#config = checkedConfig(setting);
  }

  /**
   * Replaces the configuration; every window starts afresh (counters too). A bad setting changes
   * nothing.
   * @throws RangeError as the constructor does.
   * @example quotas.configure({ profile: 'aws', overrides: { CreateKey: 1 } })
   */
  configure(setting: QuotaSetting): void {
    this.#config = checkedConfig(setting);
    this.#buckets = new Map();
  }

  /** The configuration in force, as options (`enabled: false` when off). */
  get options(): QuotaOptions {
    const { enabled, profile, scale, cryptographic, overrides } = this.#config;
    return {
      enabled,
      profile,
      scale,
      ...(cryptographic === undefined ? {} : { cryptographic }),
      ...(overrides.size === 0 ? {} : { overrides: Object.fromEntries(overrides) }),
    };
  }

  /**
   * The effective quota of `quota` in `region`, requests per second (after the profile, overrides
   * and `scale`); `Infinity` for a quota that does not apply.
   */
  limitOf(quota: QuotaClass, region?: string): number {
    const { enabled, profile, scale, cryptographic, overrides } = this.#config;
    if (!enabled) return Infinity;
    let base = overrides.get(quota);
    if (base === undefined) {
      if (quota === 'cryptographic') base = cryptographic ?? (region === undefined ? DEFAULT_CRYPTOGRAPHIC_QUOTA : defaultCryptographicQuota(region));
      // A control-plane operation's own quota only under the 'aws' profile; an operation missing
      // from AWS's table (none today) is not throttled rather than refused.
      else if (profile === 'aws') base = OPERATION_QUOTAS[quota as keyof typeof OPERATION_QUOTAS];
    }
    return base === undefined ? Infinity : base * scale;
  }

  /**
   * Counts one request of `account` in `region` against `quota` at time `now` (epoch ms).
   * @returns `false` when the request must be throttled (nothing is counted then).
   */
  tryAcquire(account: string, region: string, quota: QuotaClass, now: number): boolean {
    if (!this.#config.enabled) return true;
    const key = `${account}/${region}/${quota}`;
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      const limit = this.limitOf(quota, region);
      if (limit === Infinity) return true;
      bucket = { account, region, quota, limit, windows: limit === 0 ? [] : windowsFor(limit), lastTick: -Infinity, admitted: 0, throttled: 0 };
      this.#buckets.set(key, bucket);
    }
    if (bucket.limit === 0) {
      bucket.throttled += 1;
      return false;
    }
    // Millisecond ticks that never go backwards (a system clock may step back).
    const tick = Math.max(Math.floor(now), bucket.lastTick);
    bucket.lastTick = tick;
    const { windows } = bucket;
    for (let i = 0; i < windows.length; i++) {
      if (!windows[i]!.fits(tick)) {
        bucket.throttled += 1;
        return false;
      }
    }
    for (let i = 0; i < windows.length; i++) windows[i]!.add(tick);
    bucket.admitted += 1;
    return true;
  }

  /**
   * The counters of every quota that has seen a request since the quotas were last configured
   * (quotas that do not apply count nothing), at time `now` (epoch ms).
   * @example quotas.usage(clock.now()).find((u) => u.quota === 'cryptographic')?.lastSecond
   */
  usage(now: number): QuotaUsage[] {
    const out: QuotaUsage[] = [];
    for (const bucket of this.#buckets.values()) {
      const tick = Math.max(Math.floor(now), bucket.lastTick);
      // The first window is the one-second window, or a longer one for quotas under 1/s: it holds
      // every admission of the last second either way.
      const lastSecond = bucket.windows.length === 0 ? 0 : bucket.windows[0]!.countAfter(tick - SECOND_MS);
      const { account, region, quota, limit, admitted, throttled } = bucket;
      out.push({ account, region, quota, limit, lastSecond, admitted, throttled });
    }
    return out;
  }
}

function checkedConfig(setting: QuotaSetting): Config {
  if (setting === false) return { enabled: false, profile: 'cryptographic', scale: 1, cryptographic: undefined, overrides: new Map() };
  const options: QuotaOptions = setting === 'aws' ? { profile: 'aws' } : setting;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new RangeError(`"quotas" expected options, 'aws' or false, got ${JSON.stringify(setting)}`);
  const profile = options.profile ?? 'cryptographic';
  if (profile !== 'cryptographic' && profile !== 'aws') throw new RangeError(`"quotas.profile" expected 'cryptographic' or 'aws', got ${JSON.stringify(profile)}`);
  const scale = options.scale ?? 1;
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale > 0)) throw new RangeError(`"quotas.scale" expected a positive finite number, got ${String(options.scale)}`);
  const cryptographic = options.cryptographic === undefined ? undefined : checkedQuota('quotas.cryptographic', options.cryptographic);
  const overrides = new Map<QuotaClass, number>();
  for (const [name, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    if (name !== 'cryptographic' && !isOperationName(name)) throw new RangeError(`"quotas.overrides" has an unknown quota ${JSON.stringify(name)}`);
    overrides.set(name as QuotaClass, checkedQuota(`quotas.overrides.${name}`, value));
  }
  return { enabled: options.enabled !== false, profile, scale, cryptographic, overrides };
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
