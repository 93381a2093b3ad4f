/**
 * @module
 * How the trail measures and bounds the variable fields of an event (`requestParameters`,
 * `responseElements`, `additionalEventData`), as CloudTrail bounds its records: a field larger
 * than 100 KB of JSON, or nested deeper than the trail walks, is recorded as `{"omitted": true}`.
 * Measuring stops at the limit, so an oversized field costs no more than a limit's worth; a field
 * that a service records for many calls is frozen and measured once (`immutableAuditField`).
 */

/** CloudTrail's maximum size of `requestParameters` and `responseElements`: 100 KB. */
export const MAX_FIELD_BYTES: number = 100 * 1024;
/**
 * How deep a recorded field may nest. A request can carry JSON nested tens of thousands deep
 * within CloudTrail's 100 KB (a bucket policy of `[[[[…]]]]`, recorded parsed under
 * `bucketPolicy`): walking it, and later writing it out with `JSON.stringify`, would exhaust the
 * stack, failing the request with a 500 and every LookupEvents that met the event. Deeper fields
 * are recorded as omitted, like oversized ones. Known difference: CloudTrail documents no depth
 * limit; no AWS request shape nests anywhere near this deep.
 */
const MAX_FIELD_DEPTH = 256;
/** What a field over `MAX_FIELD_BYTES` is recorded as. */
export const OMITTED: Readonly<Record<string, unknown>> = Object.freeze({ omitted: true });
/** The counted size of `OMITTED`. */
export const OMITTED_SIZE: number = jsonSize(OMITTED, MAX_FIELD_BYTES);

/** What an absent field counts (`null`). */
const NULL_SIZE = 4;
/** The measured size of each field registered with `immutableAuditField`. */
const IMMUTABLE_FIELD_SIZES = new WeakMap<object, number>();

/**
 * Freezes `field` (deeply) and registers it as an audit field the trail measures once: a service
 * that records the same rendered field for many calls (KMS interns each distinct
 * `requestParameters` of flat members) hands the trail the one object every time, which the ring
 * then retains without a new object per call, and whose size is looked up rather than measured
 * again. Its JSON rendering is the same as before freezing.
 * @returns `field` itself, frozen.
 * @example const parameters = immutableAuditField({ keyId: 'alias/orders', macAlgorithm: 'HMAC_SHA_256' });
 */
export function immutableAuditField<T extends Record<string, unknown>>(field: T): Readonly<T> {
  if (!IMMUTABLE_FIELD_SIZES.has(field)) {
    deepFreeze(field, 0);
    IMMUTABLE_FIELD_SIZES.set(field, jsonSize(field, MAX_FIELD_BYTES));
  }
  return field;
}

function deepFreeze(value: unknown, depth: number): void {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value) || depth > MAX_FIELD_DEPTH) return;
  Object.freeze(value);
  for (const key in value) deepFreeze((value as Record<string, unknown>)[key], depth + 1);
}

/** The counted size of a field: registered immutable fields were measured once (`immutableAuditField`). */
export function fieldSize(field: Record<string, unknown> | null | undefined): number {
  if (field === null || field === undefined) return NULL_SIZE;
  return IMMUTABLE_FIELD_SIZES.get(field) ?? jsonSize(field, MAX_FIELD_BYTES);
}

/**
 * The length of `value`'s JSON text (escapes aside), counted only up to `limit`: past it the walk
 * stops and answers `limit + 1`, so an oversized field costs no more than a limit's worth. A value
 * nested deeper than `MAX_FIELD_DEPTH` counts as oversized too (see there).
 * @example jsonSize({ a: 'bc' }, 100) // 10, the length of {"a":"bc"}
 */
export function jsonSize(value: unknown, limit: number): number {
  const size = measureJson(value, 0, limit, 0);
  return size > limit ? limit + 1 : size;
}

/**
 * `size` plus the JSON length of `item`, stopping as soon as the total passes `limit`. A top-level
 * function rather than a closure made per call: every audited request measures its fields.
 */
function measureJson(item: unknown, size: number, limit: number, depth: number): number {
  if (size > limit) return size;
  if (depth > MAX_FIELD_DEPTH) return limit + 1;
  if (typeof item === 'string') return size + item.length + 2;
  if (typeof item === 'number' || typeof item === 'boolean') return size + String(item).length;
  if (item === null || item === undefined) return size + 4;
  if (Array.isArray(item)) {
    // Brackets and the commas between members.
    let total = size + 2 + Math.max(0, item.length - 1);
    for (const member of item) {
      total = measureJson(member, total, limit, depth + 1);
      if (total > limit) return total;
    }
    return total;
  }
  if (typeof item === 'object') {
    let total = size + 2;
    let first = true;
    for (const key in item as Record<string, unknown>) {
      // `"key":` and a comma before every member but the first.
      total += key.length + 3 + (first ? 0 : 1);
      first = false;
      total = measureJson((item as Record<string, unknown>)[key], total, limit, depth + 1);
      if (total > limit) return total;
    }
    return total;
  }
  return size;
}
