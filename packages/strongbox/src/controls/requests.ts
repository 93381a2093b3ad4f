/**
 * @module
 * The admin API's request bodies, checked before anything changes: a clock move
 * (`{"advance": "7d"}`, `{"advance": 604800000}`, `{"set": "2030-01-01T00:00:00Z"}`,
 * `{"set": 1893456000000, "allowBackwards": true}`) and a fault (`FaultSpec`, optionally with a
 * `seed` that restarts the fraction draws). Objects from JSON are read by own property only, never
 * through prototype setters.
 */

import type { FaultSpec } from '@strongbox/service-kernel';

/** A clock move the admin API was asked for. */
export type ClockMove = { readonly advanceMs: number } | { readonly setMs: number; readonly allowBackwards: boolean };

/** A fault body: the fault to set (if any) and a seed to restart the draws from (if any). */
export interface FaultRequest {
  readonly spec?: FaultSpec;
  readonly seed?: number | string;
}

const UNIT_MS: Readonly<Record<string, number>> = Object.freeze({ ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 });
const DURATION = /^(?:\d+(?:ms|s|m|h|d))+$/;
const PART = /(\d+)(ms|s|m|h|d)/g;
/** RFC 3339 date-time with a zone (what `Date.parse` reads the same on every engine). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

/**
 * Milliseconds of a duration: a whole number of milliseconds, or text such as `365d`, `1h30m`, `90s`, `250ms`.
 * @throws RangeError for anything else (negative, fractional, unknown unit, beyond 2^53 ms).
 * @example parseDuration('7d') // 604800000
 */
export function parseDuration(value: unknown): number {
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new RangeError(`a duration in milliseconds is a whole number, at least 0; got ${String(value)}`);
  }
  if (typeof value !== 'string' || !DURATION.test(value)) {
    throw new RangeError(`a duration is milliseconds or text like "365d", "1h30m", "90s", "250ms"; got ${JSON.stringify(value) ?? 'nothing'}`);
  }
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? ''] ?? Number.NaN);
  if (!Number.isSafeInteger(total)) throw new RangeError(`the duration ${value} is too long`);
  return total;
}

/**
 * The clock move a body asks for: exactly one of `advance` and `set`.
 * @throws RangeError / TypeError naming what is wrong.
 * @example parseClockMove({ advance: '1d' }) // { advanceMs: 86400000 }
 */
export function parseClockMove(body: unknown): ClockMove {
  const members = ownMembers(body, ['advance', 'set', 'allowBackwards'], 'a clock body');
  const { advance, set, allowBackwards } = members;
  if ((advance === undefined) === (set === undefined)) throw new TypeError('give exactly one of "advance" (a duration) and "set" (a time)');
  if (allowBackwards !== undefined && typeof allowBackwards !== 'boolean') throw new TypeError('"allowBackwards" is true or false');
  if (advance !== undefined) {
    if (allowBackwards !== undefined) throw new TypeError('"allowBackwards" goes with "set" only');
    return { advanceMs: parseDuration(advance) };
  }
  return { setMs: parseTime(set), allowBackwards: allowBackwards === true };
}

/**
 * A fault body: a `FaultSpec` (`service`, `operation`, `fault`, `count`, `fraction`, `latencyMs`)
 * and/or a `seed`.
 * @throws TypeError for a body that is not an object, has unknown members, or neither a fault nor a seed.
 * @example parseFaultRequest({ service: 'kms', operation: '*', fault: 'ThrottlingException', count: 1 })
 */
export function parseFaultRequest(body: unknown): FaultRequest {
  const members = ownMembers(body, ['service', 'operation', 'fault', 'count', 'fraction', 'latencyMs', 'seed'], 'a fault body');
  const { seed, ...rest } = members;
  if (seed !== undefined && (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string' || seed.length === 0 || seed.length > 256)) {
    throw new TypeError('"seed" is a finite number or a string of 1 to 256 characters');
  }
  const hasSpec = Object.keys(rest).length > 0;
  if (!hasSpec && seed === undefined) throw new TypeError('a fault body sets a fault (service, operation, fault, count or fraction) or a "seed", or both');
  // Operation defaults to every operation of the service.
  const spec = hasSpec ? ({ operation: '*', ...rest } as unknown as FaultSpec) : undefined;
  return { ...(spec === undefined ? {} : { spec }), ...(seed === undefined ? {} : { seed: seed as number | string }) };
}

function parseTime(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && RFC3339.test(value)) {
    const time = Date.parse(value);
    if (Number.isFinite(time)) return time;
  }
  throw new RangeError(`"set" is epoch milliseconds or an RFC 3339 time such as "2030-01-01T00:00:00Z"; got ${JSON.stringify(value) ?? 'nothing'}`);
}

/** The members of a JSON object, refusing unknown ones (a typo must not be silently ignored). */
function ownMembers(body: unknown, known: readonly string[], what: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new TypeError(`${what} is a JSON object`);
  const members = Object.create(null) as Record<string, unknown>;
  for (const [name, value] of Object.entries(body)) {
    if (!known.includes(name))
      throw new TypeError(`${what} has no member ${JSON.stringify(name)}; it takes ${known.map((key) => JSON.stringify(key)).join(', ')}`);
    members[name] = value;
  }
  return members;
}
