/**
 * @module
 * The "AWS KMS keys" resource quota: how many customer managed keys an account may have in one
 * Region. AWS: "Resource quotas", https://docs.aws.amazon.com/kms/latest/developerguide/resource-limits.html
 * ("You can have up to 100,000 customer managed keys in each Region of your AWS account. This
 * quota applies to all customer managed keys in all AWS Regions regardless of their key spec or
 * key state. [...] AWS managed keys and AWS owned keys do not count against this quota."), and
 * ReplicateKey ("KMS pricing and quotas for KMS keys apply to each primary key and replica key"):
 * a replica counts in its own Region.
 *
 * So every key record the customer manages counts in its account and Region from creation until
 * it is deleted: Enabled, Disabled, PendingImport (imported material), PendingDeletion and
 * PendingReplicaDeletion alike, primary and replica alike. The count lives in `KmsState`
 * (`customerManagedKeyCount`), which rebuilds it from the records when a data directory is
 * reopened. The quota itself is configuration (the `quotas` setting's `customerManagedKeys`),
 * since AWS raises it on request ("Adjustable: Yes").
 *
 * The other resource quotas of AWS's table are fixed where they are enforced: 50 aliases per key
 * (`operations/shared/aliases.ts`), 50,000 grants per customer managed key (`model/grants.ts`),
 * 25 on-demand rotations per key (`model/rotation.ts`), 32 KB key policies (`policy/validate.ts`);
 * custom key stores (10 per account and Region) are not modelled.
 */

/** AWS's default "AWS KMS keys" quota: customer managed keys per account and Region. */
export const DEFAULT_CUSTOMER_MANAGED_KEYS = 100_000;

/** The name of the key quota, in `quotas` settings and in resource usage reports. */
export const CUSTOMER_MANAGED_KEYS = 'customerManagedKeys';

/** One account's use of a resource quota in one Region, as `kms.quotas.resourceUsage()` reports it. */
export interface ResourceQuotaUsage {
  readonly account: string;
  readonly region: string;
  /** The quota: `customerManagedKeys` (the "AWS KMS keys" quota). */
  readonly quota: typeof CUSTOMER_MANAGED_KEYS;
  /** The quota in force. */
  readonly limit: number;
  /** Customer managed keys the account has in the Region now, in any key state. */
  readonly usage: number;
}

/**
 * Checks a configured key quota: a whole number of keys, 0 or more (0 refuses every new key).
 * @throws RangeError for anything else.
 * @example checkedKeyQuota(10) // 10
 */
export function checkedKeyQuota(value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`"quotas.${CUSTOMER_MANAGED_KEYS}" expected a whole number of keys, 0 or more, got ${String(value)}`);
  return value;
}
