/**
 * @module
 * Restores of archived objects (RestoreObject): the retrieval tiers, how long each takes here, when
 * a restored copy expires, and what state an object's restore is in at a given time. Pure: times
 * are the caller's (the engine's injected clock), so a test suite moves the clock instead of
 * waiting.
 *
 * A restore is kept as one stored field of the object's record (`RestoreRecord`, JSON): when it
 * was requested, when it completes and when its copy expires, fixed when it is requested (or its
 * tier upgraded: `upgradedRestore`), with the tier and `Days` it runs at. Its state is read against
 * the clock on every request, so nothing runs in the background and nothing is lost in a restart:
 * a restore in progress completes, and a restored copy expires, by the clock alone.
 */

import { S3Error } from '../errors.ts';

/** The `Tier` values of `GlacierJobParameters` (S3 API model, enum `Tier`). */
export const RESTORE_TIERS: readonly string[] = ['Standard', 'Bulk', 'Expedited'];

/** A retrieval tier. */
export type RestoreTier = 'Standard' | 'Bulk' | 'Expedited';

/** Each tier's speed, fastest first ("Archive retrieval options": Expedited, Standard, Bulk). */
const TIER_RANK: Readonly<Record<RestoreTier, number>> = Object.freeze({ Expedited: 0, Standard: 1, Bulk: 2 });

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long a restore takes here, per class and tier: the upper end of each range the User Guide
 * gives ("Archive retrieval options": S3 Glacier Flexible Retrieval Expedited 1–5 minutes,
 * Standard 3–5 hours, Bulk 5–12 hours; S3 Glacier Deep Archive Standard within 12 hours, Bulk
 * within 48 hours, Expedited not available), so a suite that advances the clock by the documented
 * time sees the restore done. Real S3's times vary within the ranges; Strongbox's are fixed.
 */
export const RESTORE_DURATIONS_MS: Readonly<Record<string, Readonly<Partial<Record<RestoreTier, number>>>>> = Object.freeze({
  GLACIER: Object.freeze({ Expedited: 5 * MINUTE, Standard: 5 * HOUR, Bulk: 12 * HOUR }),
  DEEP_ARCHIVE: Object.freeze({ Standard: 12 * HOUR, Bulk: 48 * HOUR }),
});

/** A restore as the object's record keeps it (epoch milliseconds). */
export interface RestoreRecord {
  /** When it was requested: at an earlier time (a clock moved back) there is no restore. */
  readonly requested: number;
  /** When the restored copy is readable. */
  readonly ready: number;
  /** When the restored copy is deleted again (a midnight UTC, after `ready`). */
  readonly expiry: number;
  /**
   * The tier it runs at (the latest upgrade's). Absent in a record kept before tiers were: such a
   * restore cannot be upgraded.
   */
  readonly tier?: RestoreTier;
  /**
   * The `Days` its copy lives for: the request's that started or upgraded it, then the latest
   * extension's (absent as `tier` is).
   */
  readonly days?: number;
}

/** What a restore is at a time: none (never requested, or its copy expired), in progress, or done. */
export type RestoreState = { readonly kind: 'none' } | { readonly kind: 'ongoing' } | { readonly kind: 'restored'; readonly expiry: number };

const NONE: RestoreState = Object.freeze({ kind: 'none' });
const ONGOING: RestoreState = Object.freeze({ kind: 'ongoing' });

/**
 * The state of `record` at `now`: ongoing before `ready`, restored until `expiry` (exclusive),
 * none after: the copy is deleted then and the object is archived again (User Guide, "Working
 * with archived objects": "Amazon S3 restores a temporary copy of the object only for the
 * specified duration. After that, it deletes the restored object copy"). None before `requested`
 * too: a test clock moved back before the request (`allowBackwards`, `reset()`) finds the object
 * archived and restorable, not locked "in progress" until the clock catches up. A clock moved back
 * between the request and completion finds the restore in progress again: the state is the
 * clock's.
 * @example restoreStateAt({ requested: 0, ready: 10, expiry: 20 }, 15) // { kind: 'restored', expiry: 20 }
 */
export function restoreStateAt(record: RestoreRecord | undefined, now: number): RestoreState {
  if (record === undefined || now < record.requested || now >= record.expiry) return NONE;
  if (now < record.ready) return ONGOING;
  return { kind: 'restored', expiry: record.expiry };
}

/**
 * The expiry of a restored copy made at `from` for `days` days: "Amazon S3 calculates the
 * expiration time of the restored object copy by adding the number of days specified in the
 * restoration request to the current time. It then rounds the resulting time to the next day at
 * midnight Universal Coordinated Time (UTC)" (User Guide, "Working with archived objects": a copy
 * of October 15, 2012 10:30 AM UTC for 3 days expires October 19, 2012 00:00 UTC). A time already
 * at midnight stays there (UNCONFIRMED: the guide's example is not at midnight).
 * @example new Date(restoreExpiry(Date.UTC(2012, 9, 15, 10, 30), 3)).toISOString() // '2012-10-19T00:00:00.000Z'
 */
export function restoreExpiry(from: number, days: number): number {
  return Math.ceil((from + days * DAY) / DAY) * DAY;
}

/**
 * The latest expiry an HTTP date (`x-amz-restore`'s `expiry-date`) can carry: 9999-12-31.
 * Strongbox's own bound on `Days`, which S3 does not document.
 */
const LATEST_EXPIRY = Date.UTC(9999, 11, 31);

/**
 * Checks the form of a restore request's `Days` when it has one: a whole number of days, at least
 * 1 (the User Guide's Batch Operations page: restores of S3 Glacier Flexible Retrieval and Deep
 * Archive objects "require that you set ExpirationInDays to 1 or greater"). Whether `Days` is
 * required depends on the object's class (`restorableDays`).
 * @throws S3Error InvalidRestoreDays for less than 1.
 * @example checkRestoreDays(7) // 7
 */
export function checkRestoreDays(days: number | undefined): number | undefined {
  if (days !== undefined && (!Number.isSafeInteger(days) || days < 1)) throw new S3Error('InvalidRestoreDays');
  return days;
}

/**
 * The `Days` a restore of a `storageClass` object runs for, or why it cannot run.
 * @throws S3Error RestoreDaysForIntelligentTiering for INTELLIGENT_TIERING with `Days` ("400
 *   (InvalidArgument): INTELLIGENT_TIERING objects are not subject to restore expiry. Do not
 *   specify Days when restoring this object", s3tools/s3cmd#1377, a capture of S3);
 *   ObjectAlreadyInActiveTier for INTELLIGENT_TIERING without (no archive access tiers here, so
 *   the object is always in an active tier); RestoreNotAllowedForClass for any other class that
 *   is not archived; MalformedXML for GLACIER or DEEP_ARCHIVE without `Days` ("The Days element
 *   is required for regular restores", S3 API model, RestoreRequest; the error code is
 *   UNCONFIRMED).
 * @example restorableDays('GLACIER', 3) // 3
 */
export function restorableDays(storageClass: string, days: number | undefined): number {
  if (storageClass === 'INTELLIGENT_TIERING') throw new S3Error(days === undefined ? 'ObjectAlreadyInActiveTier' : 'RestoreDaysForIntelligentTiering');
  if (RESTORE_DURATIONS_MS[storageClass] === undefined) throw new S3Error('RestoreNotAllowedForClass');
  if (days === undefined) throw new S3Error('MalformedXML');
  return days;
}

/**
 * `restoreExpiry(from, days)`, the expiry a record keeps, checked against the latest date
 * `x-amz-restore` writes (a 5-digit year is no HTTP date, and a listing's `RestoreExpiryDate`
 * would then fail the SDK's parsing of the whole page).
 * @throws S3Error RestoreExpiryTooLate past 9999-12-31.
 * @example checkedRestoreExpiry(Date.UTC(2012, 9, 15, 10, 30), 3) // Date.UTC(2012, 9, 19)
 */
export function checkedRestoreExpiry(from: number, days: number): number {
  const expiry = restoreExpiry(from, days);
  if (expiry > LATEST_EXPIRY) throw new S3Error('RestoreExpiryTooLate');
  return expiry;
}

/**
 * How long a restore of a `storageClass` object at `tier` takes.
 * @throws S3Error RestoreNotAllowedForClass for a class that is not archived (nothing to restore);
 *   InvalidRestoreTier for Expedited on DEEP_ARCHIVE ("Expedited retrievals and provisioned
 *   capacity are not available for objects stored in the S3 Glacier Deep Archive storage class",
 *   RestoreObject API reference).
 * @example restoreDuration('GLACIER', 'Expedited') // 300000
 */
export function restoreDuration(storageClass: string, tier: RestoreTier): number {
  const durations = RESTORE_DURATIONS_MS[storageClass];
  if (durations === undefined) throw new S3Error('RestoreNotAllowedForClass');
  const duration = durations[tier];
  if (duration === undefined) throw new S3Error('InvalidRestoreTier', { detail: { value: `${tier} retrieval for the ${storageClass} storage class` } });
  return duration;
}

/**
 * `record`, a restore in progress at `now`, upgraded to `tier` by a request for `days` (User
 * Guide, "Upgrading the speed of an in-progress restore": "A restore speed upgrade overrides an
 * in-progress restore request with a faster restore tier. You cannot slow down an in-progress
 * restore request"; "you must choose a tier that is faster than the tier that the in-progress
 * restore request is using. You must not change any other parameters, such as the `Days` request
 * element"). It completes when `tier` would from `now`, or when it was to if that is sooner: an
 * upgrade never slows a restore (UNCONFIRMED: with S3's varying times the guide does not say
 * what a faster tier requested late in a slower one's run does). Its copy then keeps `days` from
 * completion, as a new restore's does.
 * @throws S3Error RestoreAlreadyInProgress for the same or a slower tier, for other `days`
 *   ("You cannot update the restoration period when Amazon S3 is actively processing your current
 *   restore request", RestoreObject API reference; the answer to either is UNCONFIRMED against a
 *   capture: 409 RestoreAlreadyInProgress is the API reference's error for a restore in
 *   progress), and for a record kept without its tier; InvalidRestoreTier first, whatever the
 *   `days` or the record, for a tier the class has not (Expedited on DEEP_ARCHIVE, as for a new
 *   restore: UNCONFIRMED whether S3 answers this or 409 for a restore in progress);
 *   RestoreExpiryTooLate.
 * @example upgradedRestore({ requested: 0, ready: 43_200_000, expiry: 172_800_000, tier: 'Bulk', days: 1 }, 'GLACIER', 'Expedited', 1, 0).ready // 300000
 */
export function upgradedRestore(record: RestoreRecord, storageClass: string, tier: RestoreTier, days: number, now: number): RestoreRecord {
  // The tier is weighed against the class first: that depends on the request and the object
  // alone, so a tier the class has not is refused as for a new restore, whatever the Days or the
  // record kept.
  const duration = restoreDuration(storageClass, tier);
  if (record.tier === undefined || TIER_RANK[tier] >= TIER_RANK[record.tier] || days !== record.days) throw new S3Error('RestoreAlreadyInProgress');
  const ready = Math.min(record.ready, now + duration);
  return { requested: record.requested, ready, expiry: checkedRestoreExpiry(ready, days), tier, days };
}

/**
 * `record`, a restored copy at `now`, extended by a request for `days`: "Amazon S3 updates the
 * expiration period relative to the current time" (User Guide, "Working with archived objects").
 * The copy then lives for `days` ("Lifetime of the active copy in days", S3 API model,
 * RestoreRequest `Days`), which the record keeps; a record kept before tiers were keeps no `days`
 * (tier and days are kept together or not at all).
 * @throws S3Error RestoreExpiryTooLate.
 * @example extendedRestore({ requested: 0, ready: 1, expiry: 86_400_000, tier: 'Bulk', days: 1 }, 3, 0).days // 3
 */
export function extendedRestore(record: RestoreRecord, days: number, now: number): RestoreRecord {
  const expiry = checkedRestoreExpiry(now, days);
  if (record.tier === undefined) return { requested: record.requested, ready: record.ready, expiry };
  return { requested: record.requested, ready: record.ready, expiry, tier: record.tier, days };
}

/**
 * The `x-amz-restore` header of GetObject and HeadObject for a state (none: no header), as the
 * GetObject API reference writes it: `ongoing-request="true"` while in progress, then
 * `ongoing-request="false", expiry-date="Fri, 21 Dec 2012 00:00:00 GMT"`.
 * @example restoreHeader({ kind: 'ongoing' }) // 'ongoing-request="true"'
 */
export function restoreHeader(state: RestoreState): string | undefined {
  if (state.kind === 'none') return undefined;
  if (state.kind === 'ongoing') return 'ongoing-request="true"';
  return `ongoing-request="false", expiry-date="${new Date(state.expiry).toUTCString()}"`;
}

/**
 * The stored form of a restore (JSON of its three times, then its tier and days when it has them).
 * @example restoreJson({ requested: 0, ready: 1, expiry: 2, tier: 'Bulk', days: 1 }) // '{"requested":0,"ready":1,"expiry":2,"tier":"Bulk","days":1}'
 */
export function restoreJson(record: RestoreRecord): string {
  return JSON.stringify({ requested: record.requested, ready: record.ready, expiry: record.expiry, tier: record.tier, days: record.days });
}

/**
 * A stored restore read back; absent (no field): none. A record kept before tiers were has three
 * times only, and is read back without a tier and days.
 * @throws Error for a field that is not three times, or whose tier or days are not one (days:
 *   a whole number, at least 1, as `checkRestoreDays` takes them): a damaged record, never a
 *   caller's input, refused as the times are.
 * @example parseRestore('{"requested":0,"ready":1,"expiry":2}') // { requested: 0, ready: 1, expiry: 2 }
 */
export function parseRestore(text: string | undefined): RestoreRecord | undefined {
  if (text === undefined) return undefined;
  const parsed = JSON.parse(text) as { requested?: unknown; ready?: unknown; expiry?: unknown; tier?: unknown; days?: unknown };
  const { requested, ready, expiry, tier, days } = parsed;
  if (typeof requested !== 'number' || typeof ready !== 'number' || typeof expiry !== 'number') throw new Error('a stored restore is not three times');
  if (tier === undefined && days === undefined) return Object.freeze({ requested, ready, expiry });
  if (typeof tier !== 'string' || !RESTORE_TIERS.includes(tier) || typeof days !== 'number' || !Number.isSafeInteger(days) || days < 1)
    throw new Error('a stored restore has no valid tier and days');
  return Object.freeze({ requested, ready, expiry, tier: tier as RestoreTier, days });
}
