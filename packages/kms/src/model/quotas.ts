/**
 * @module
 * Request quotas (throttling) per account AND Region, each quota counted on its own, on the
 * injected clock. AWS: "Request quotas", https://docs.aws.amazon.com/kms/latest/developerguide/requests-per-second.html
 * ("measured over one-second intervals"; the cryptographic operations share one row per key
 * family: symmetric (HMAC included), RSA, ECC, ML-DSA; GenerateDataKeyPair has a row per key pair
 * spec; every other operation has its own quota; calls an AWS service makes for a principal count
 * against the principal's account; cross-account use throttles the calling account).
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
 * on first use per (account, Region, quota) and kept until the quotas are configured again.
 *
 * The same setting carries the "AWS KMS keys" resource quota (`customerManagedKeys`,
 * `model/resource-quotas.ts`), so that one `quotas` option, `kms.quotas.configure` and
 * `/_strongbox/quotas` configure every quota a test may want to lower. It is a count, not a rate:
 * nothing here throttles by it.
 */

import { QuotaBuckets } from '@strongbox/service-kernel';
import { ASYMMETRIC_QUOTAS, DATA_KEY_PAIR_QUOTAS, type KeySpec, type QuotaFamily } from './key-types/spec-table.ts';
import { checkedKeyQuota, DEFAULT_CUSTOMER_MANAGED_KEYS } from './resource-quotas.ts';

/**
 * A quota row of AWS's table: the shared symmetric cryptographic one (`cryptographic`), a key
 * family's asymmetric cryptographic row (`cryptographic:RSA`, `cryptographic:ECC`,
 * `cryptographic:ML-DSA`, `cryptographic:ML-KEM`), a key pair spec's GenerateDataKeyPair row
 * (`GenerateDataKeyPair:RSA_2048`, ...), or an operation's own quota (named after it).
 */
export type QuotaClass = 'cryptographic' | CryptographicRow | (string & {});

/** The asymmetric cryptographic rows ("Cryptographic operations (RSA) request rate", ...). */
export type CryptographicRow = 'cryptographic:RSA' | 'cryptographic:ECC' | 'cryptographic:ML-DSA' | 'cryptographic:ML-KEM';

const FAMILY_ROWS: Readonly<Record<Exclude<QuotaFamily, 'symmetric'>, CryptographicRow>> = Object.freeze({
  rsa: 'cryptographic:RSA',
  ecc: 'cryptographic:ECC',
  'ml-dsa': 'cryptographic:ML-DSA',
  'ml-kem': 'cryptographic:ML-KEM',
});

/** Default rate of each asymmetric row, by row name. */
const ROW_QUOTAS: ReadonlyMap<string, number> = new Map(
  (Object.entries(FAMILY_ROWS) as [Exclude<QuotaFamily, 'symmetric'>, CryptographicRow][]).map(([family, row]) => [row, ASYMMETRIC_QUOTAS[family]]),
);

/** Default rate of each GenerateDataKeyPair row, by row name. */
const PAIR_QUOTAS: ReadonlyMap<string, number> = new Map(
  Object.entries(DATA_KEY_PAIR_QUOTAS).map(([spec, rate]) => [dataKeyPairRow(spec as KeySpec), rate as number]),
);

/**
 * The row a key's cryptographic operations count against: symmetric and HMAC keys share
 * `cryptographic` (GenerateMac and VerifyMac are in its list), the others their family's row.
 * @example cryptographicRowOf('rsa') // 'cryptographic:RSA'
 */
export function cryptographicRowOf(family: QuotaFamily): QuotaClass {
  return family === 'symmetric' ? 'cryptographic' : FAMILY_ROWS[family];
}

/**
 * The GenerateDataKeyPair (and GenerateDataKeyPairWithoutPlaintext) row of a key pair spec.
 * @example dataKeyPairRow('RSA_2048') // 'GenerateDataKeyPair:RSA_2048'
 */
export function dataKeyPairRow(spec: KeySpec): QuotaClass {
  return `GenerateDataKeyPair:${spec}`;
}

/** Whether `name` is a row of AWS's table other than an operation's own (see `QuotaClass`). */
export function isQuotaRow(name: string): boolean {
  return name === 'cryptographic' || ROW_QUOTAS.has(name) || PAIR_QUOTAS.has(name);
}

/** Default request quota of the shared symmetric cryptographic operations, per second. */
export const DEFAULT_CRYPTOGRAPHIC_QUOTA = 10_000;

/**
 * What the quotas know of the operations, from the operation registry (injected: the model
 * imports nothing from `operations/`): each control-plane operation's own quota, and which names
 * are operations (for checking overrides).
 */
export interface QuotaCatalog {
  /** Each operation's own quota, requests per second, by operation name. */
  readonly perSecond: Readonly<Record<string, number>>;
  /** Whether `name` is an operation. */
  isOperation(name: string): boolean;
}

/**
 * Which quotas apply:
 * - `'cryptographic'` (the default): only the cryptographic quotas, the ones that throttle real
 *   workloads (S3 SSE-KMS uploads and downloads count against the symmetric one: "Request
 *   quotas", "How to use"): the shared symmetric row at AWS's rate for the Region and the RSA,
 *   ECC, ML-DSA (and ML-KEM) rows at 1,000/s. A test suite that creates keys and grants in a loop
 *   is not throttled, as it would not be against AWS, where each call takes tens of milliseconds
 *   rather than one.
 * - `'aws'`: also every control-plane operation's own quota from AWS's table (CreateKey 5/s,
 *   CreateGrant 50/s, DescribeKey 2,000/s, ...) and the GenerateDataKeyPair row of each key pair
 *   spec (RSA_4096 1/s: a suite generating RSA key pairs in a loop would trip it on loopback).
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
   * Overrides by row (`cryptographic`, `cryptographic:RSA`, `GenerateDataKeyPair:RSA_4096`, ...)
   * or operation name, requests per second, before `scale`. An override applies under either
   * profile.
   */
  readonly overrides?: Readonly<Partial<Record<QuotaClass, number>>>;
  /**
   * The "AWS KMS keys" resource quota: customer managed keys per account and Region, in any key
   * state (`model/resource-quotas.ts`). CreateKey and ReplicateKey (in the replica's Region) over
   * it answer LimitExceededException. Default 100,000. Not a rate: `enabled` and `scale` leave it
   * alone, and `quotas: false` keeps the default. A setting naming only this leaves the rates as
   * they are (at start, AWS's cryptographic quotas; in `configure`, the ones in force).
   */
  readonly customerManagedKeys?: number;
}

/** What a `Kms` accepts for quotas: options, `'aws'` for `{ profile: 'aws' }`, or `false` for none. */
export type QuotaSetting = QuotaOptions | 'aws' | false;

/** One quota of one account in one Region, as `RequestQuotas.usage` reports it. */
export interface QuotaUsage {
  readonly account: string;
  readonly region: string;
  /** The row: `cryptographic` (the shared symmetric quota), an asymmetric or GenerateDataKeyPair row, or an operation name. */
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

/** A checked configuration. */
interface Config {
  readonly enabled: boolean;
  readonly profile: QuotaProfile;
  readonly scale: number;
  readonly cryptographic: number | undefined;
  readonly overrides: ReadonlyMap<QuotaClass, number>;
  readonly customerManagedKeys: number;
}

/**
 * Admits or throttles requests (see the module documentation for the algorithm). The
 * configuration can be replaced while requests run (`configure`), for tests of throttling.
 */
export class RequestQuotas {
  #config: Config;
  readonly #catalog: QuotaCatalog;
  readonly #buckets = new QuotaBuckets();
  /** The bucket of the last request: its account, Region, quota, key and limit. */
  #last: { readonly account: string; readonly region: string; readonly quota: QuotaClass; readonly key: string; readonly limitOf: () => number } | undefined;

  /**
   * @param catalog - the operations' own quotas and names (from the registry).
   * @throws RangeError for an unknown profile, a `scale` that is not a positive finite number, or
   *   a quota that is negative or NaN.
   */
  constructor(setting: QuotaSetting, catalog: QuotaCatalog) {
    this.#catalog = catalog;
    this.#config = checkedConfig(setting, catalog);
  }

  /**
   * Replaces the configuration; every window starts afresh (counters too). The setting has two
   * parts, and each changes only what it names. The key quota (`customerManagedKeys`), a count
   * unrelated to the rates, stays as it is unless `setting` names it: `configure(false)` stops
   * throttling without lifting a lowered key quota. The request rates (`enabled`, `profile`,
   * `scale`, `cryptographic`, `overrides`) stay as they are when `setting` names only the key
   * quota: `configure({ customerManagedKeys: 3 })` neither turns throttling on nor resets a
   * profile. Any other setting replaces the rates whole (members it leaves out take their
   * defaults). A bad setting changes nothing.
   * @throws RangeError as the constructor does.
   * @example
   * ```ts
   * quotas.configure({ profile: 'aws', overrides: { CreateKey: 1 } });
   * quotas.configure({ customerManagedKeys: 3 }); // still the 'aws' profile, CreateKey 1/s
   * ```
   */
  configure(setting: QuotaSetting): void {
    this.#config = checkedConfig(setting, this.#catalog, this.#config);
    this.#buckets.clear();
  }

  /** The configuration in force, as options (`enabled: false` when off). */
  get options(): QuotaOptions {
    const { enabled, profile, scale, cryptographic, overrides, customerManagedKeys } = this.#config;
    return {
      enabled,
      profile,
      scale,
      ...(cryptographic === undefined ? {} : { cryptographic }),
      ...(overrides.size === 0 ? {} : { overrides: Object.fromEntries(overrides) }),
      customerManagedKeys,
    };
  }

  /** The "AWS KMS keys" resource quota in force: customer managed keys per account and Region. */
  get customerManagedKeys(): number {
    return this.#config.customerManagedKeys;
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
      else base = ROW_QUOTAS.get(quota);
      // A control-plane operation's own quota and the GenerateDataKeyPair rows only under the 'aws'
      // profile; an operation missing from AWS's table (none today) is not throttled rather than refused.
      if (base === undefined && profile === 'aws') base = PAIR_QUOTAS.get(quota) ?? this.#catalog.perSecond[quota];
    }
    return base === undefined ? Infinity : base * scale;
  }

  /**
   * Counts one request of `account` in `region` against `quota` at time `now` (epoch ms).
   * @returns `false` when the request must be throttled (nothing is counted then).
   */
  tryAcquire(account: string, region: string, quota: QuotaClass, now: number): boolean {
    if (!this.#config.enabled) return true;
    // Calls mostly repeat the previous one's account, Region and quota: its bucket key and limit
    // function are kept, rather than a key string and a closure made per call.
    const last = this.#last;
    if (last !== undefined && last.account === account && last.region === region && last.quota === quota) {
      return this.#buckets.tryAcquire(last.key, last.limitOf, now);
    }
    const next = { account, region, quota, key: `${account}/${region}/${quota}`, limitOf: () => this.limitOf(quota, region) };
    this.#last = next;
    return this.#buckets.tryAcquire(next.key, next.limitOf, now);
  }

  /**
   * The counters of every quota that has seen a request since the quotas were last configured
   * (quotas that do not apply count nothing), at time `now` (epoch ms).
   * @example quotas.usage(clock.now()).find((u) => u.quota === 'cryptographic')?.lastSecond
   */
  usage(now: number): QuotaUsage[] {
    return this.#buckets.usage(now).map(({ key, limit, lastSecond, admitted, throttled }) => {
      // Keys are account/Region/quota, none of which holds a '/'.
      const [account = '', region = '', quota = ''] = key.split('/');
      return { account, region, quota, limit, lastSecond, admitted, throttled };
    });
  }
}

/** The rate members of `QuotaOptions`: every member but the key quota. */
const RATE_MEMBERS = ['enabled', 'profile', 'scale', 'cryptographic', 'overrides'] as const;

/** The configuration of the default setting (`{}`): AWS's cryptographic quotas, 100,000 keys. */
const DEFAULT_RATES: Omit<Config, 'customerManagedKeys'> = Object.freeze({
  enabled: true,
  profile: 'cryptographic',
  scale: 1,
  cryptographic: undefined,
  overrides: new Map<QuotaClass, number>(),
});

/**
 * `current`: the configuration in force (none when the quotas are first made, which then start
 * from the default setting's). Each part of `setting` changes only what it names: the key quota
 * stays unless `setting` names it, and the rates stay when `setting` names nothing else.
 */
function checkedConfig(setting: QuotaSetting, catalog: QuotaCatalog, current?: Config): Config {
  const keys = current?.customerManagedKeys ?? DEFAULT_CUSTOMER_MANAGED_KEYS;
  if (setting === false) return { ...DEFAULT_RATES, enabled: false, customerManagedKeys: keys };
  const options: QuotaOptions = setting === 'aws' ? { profile: 'aws' } : setting;
  if (typeof options !== 'object' || options === null || Array.isArray(options))
    throw new RangeError(`"quotas" expected options, 'aws' or false, got ${JSON.stringify(setting)}`);
  // A setting naming the key quota alone leaves throttling as it was (on or off, profile, scale,
  // overrides): lowering the key quota of a running emulator is not a request to throttle it.
  const namesRates = RATE_MEMBERS.some((member) => options[member] !== undefined);
  if (!namesRates && options.customerManagedKeys !== undefined)
    return { ...(current ?? DEFAULT_RATES), customerManagedKeys: checkedKeyQuota(options.customerManagedKeys) };
  const profile = options.profile ?? 'cryptographic';
  if (profile !== 'cryptographic' && profile !== 'aws')
    throw new RangeError(`"quotas.profile" expected 'cryptographic' or 'aws', got ${JSON.stringify(profile)}`);
  const scale = options.scale ?? 1;
  if (!(typeof scale === 'number' && Number.isFinite(scale) && scale > 0))
    throw new RangeError(`"quotas.scale" expected a positive finite number, got ${String(options.scale)}`);
  const cryptographic = options.cryptographic === undefined ? undefined : checkedQuota('quotas.cryptographic', options.cryptographic);
  const overrides = new Map<QuotaClass, number>();
  for (const [name, value] of Object.entries(options.overrides ?? {})) {
    if (value === undefined) continue;
    if (!isQuotaRow(name) && !catalog.isOperation(name)) throw new RangeError(`"quotas.overrides" has an unknown quota ${JSON.stringify(name)}`);
    overrides.set(name as QuotaClass, checkedQuota(`quotas.overrides.${name}`, value));
  }
  const customerManagedKeys = options.customerManagedKeys === undefined ? keys : checkedKeyQuota(options.customerManagedKeys);
  return { enabled: options.enabled !== false, profile, scale, cryptographic, overrides, customerManagedKeys };
}

function checkedQuota(name: string, value: number | undefined): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0)
    throw new RangeError(`"${name}" expected a non-negative number of requests per second, got ${String(value)}`);
  return value;
}
