/**
 * @module
 * `kms.quotas`: a running emulator's request quotas (the setting, each quota in force and its
 * counters) and the resource quotas' use, counted from the keys themselves.
 */

import type { Clock } from '@strongbox/service-kernel';
import type { QuotaClass, QuotaOptions, QuotaSetting, QuotaUsage, RequestQuotas } from '../model/quotas.ts';
import { CUSTOMER_MANAGED_KEYS, type ResourceQuotaUsage } from '../model/resource-quotas.ts';
import type { KmsState } from '../model/state.ts';

/**
 * A running emulator's request quotas (`kms.quotas`), for tests of throttling.
 * @example
 * ```ts
 * kms.quotas.configure({ profile: 'aws', overrides: { CreateKey: 1 } });
 * kms.quotas.usage(); // [{ account, region, quota: 'CreateKey', limit: 1, lastSecond, admitted, throttled }, ...]
 * kms.quotas.configure({ customerManagedKeys: 3 });
 * kms.quotas.resourceUsage(); // [{ account, region, quota: 'customerManagedKeys', limit: 3, usage: 1 }]
 * ```
 */
export interface KmsQuotas {
  /**
   * Replaces the quota setting (as the `quotas` option takes it); every counter starts afresh.
   * Each part changes only what it names: the key quota (`customerManagedKeys`) stays unless the
   * setting names it, and a setting naming only the key quota leaves throttling as it is.
   * @throws RangeError for a bad setting, which changes nothing.
   */
  configure(setting: QuotaSetting): void;
  /** The setting in force. */
  readonly options: QuotaOptions;
  /** The quota in force for `quota` (`cryptographic` or an operation), requests per second; `Infinity` if none. */
  limitOf(quota: QuotaClass, region?: string): number;
  /** Counters of every quota that has seen a request since the last `configure`. */
  usage(): QuotaUsage[];
  /**
   * The resource quotas' use: for each account and Region that has customer managed keys, how
   * many it has (in any key state) against the "AWS KMS keys" quota (`customerManagedKeys`).
   * Counted from the keys themselves, so `configure` changes only the limit.
   */
  resourceUsage(): ResourceQuotaUsage[];
}

/**
 * The frozen `kms.quotas` of an emulator: `quotas` read on `clock`, limits without a Region asked
 * for `region` (the emulator's default), resource use counted in the current `state()`.
 * @example const handle = kmsQuotas(new RequestQuotas({}, QUOTA_CATALOG), systemClock, () => store.state, 'us-east-1')
 */
export function kmsQuotas(quotas: RequestQuotas, clock: Clock, state: () => KmsState, region: string): KmsQuotas {
  return Object.freeze({
    configure: (setting: QuotaSetting) => quotas.configure(setting),
    get options(): QuotaOptions {
      return quotas.options;
    },
    limitOf: (quota: QuotaClass, inRegion?: string) => quotas.limitOf(quota, inRegion ?? region),
    usage: () => quotas.usage(clock.now()),
    resourceUsage: () => resourceUsageOf(state(), quotas.customerManagedKeys, clock.now()),
  });
}

/**
 * The key quota's use in each account and Region that has customer managed keys, at `now`. A key
 * whose deletion waiting period has ended is deleted only before the next call (`prepare`), so a
 * report between calls (after the clock is advanced) leaves such keys out itself, as that call
 * would.
 */
function resourceUsageOf(state: KmsState, limit: number, now: number): ResourceQuotaUsage[] {
  const due = new Map<string, number>();
  for (const key of state.keys()) {
    if (key.keyManager === 'AWS' || key.state !== 'PendingDeletion' || key.deletionDate === undefined || key.deletionDate > now) continue;
    const where = `${key.account}/${key.region}`;
    due.set(where, (due.get(where) ?? 0) + 1);
  }
  const usage: ResourceQuotaUsage[] = [];
  for (const { account, region, count } of state.customerManagedKeyCounts()) {
    const left = count - (due.get(`${account}/${region}`) ?? 0);
    if (left > 0) usage.push({ account, region, quota: CUSTOMER_MANAGED_KEYS, limit, usage: left });
  }
  return usage;
}
