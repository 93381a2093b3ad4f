/**
 * @module
 * The one clock an emulator's services read, which a test suite can move: `ControlledClock` runs
 * with its base clock (the system clock by default) plus an offset that `advance` and `set` change
 * without waiting. Everything time-dependent reads it through the `Clock` each service is given:
 * KMS rotation periods and automatic rotation, deletion and replica-deletion windows (due work is
 * applied on the next request, as the pipeline's `prepare` stage does), S3 bucket key periods,
 * presigned URL expiry and the SigV4 skew check, CloudTrail event times, `LastModified`, and the
 * `Date` header that AWS SDKs correct their own clock skew from.
 *
 * Time never runs backwards by default: a reading is never earlier than the one before it (the
 * base clock may step back, NTP does), and `set` refuses an earlier time unless asked explicitly.
 */

import { type Clock, systemClock } from '../clock.ts';

/** How `ControlledClock.set` may move time. */
export interface ClockSetOptions {
  /**
   * Allow moving the clock backwards. Real time never does: keys rotated or deleted "in the
   * future" stay so, and SDK clients that corrected their skew to the old time are refused
   * (Signature not yet current) until they correct it again.
   */
  readonly allowBackwards?: boolean;
}

/** Options of `ControlledClock`. */
export interface ControlledClockOptions {
  /** Told after every move (`advance`, `set`, `reset`), e.g. to keep the offset in a data directory. */
  readonly onMove?: (state: ClockState) => void;
  /**
   * The offset to start from (default 0), e.g. the one a data directory kept across a restart.
   * Taken as is: recomputing it from a target time would read the base clock twice, and a
   * millisecond tick between the reads would change it.
   */
  readonly offsetMs?: number;
}

/** What the controls report about a clock. */
export interface ClockState {
  /** The clock's time now, epoch milliseconds. */
  readonly now: number;
  /** How far it is from its base clock (0 until moved). */
  readonly offsetMs: number;
}

/**
 * A clock that follows `base` plus an offset the controls move.
 *
 * @example
 * ```ts
 * const clock = new ControlledClock();
 * clock.advance(365 * 24 * 3600 * 1000); // a year later, at once
 * clock.set(Date.UTC(2030, 0, 1));
 * clock.set(Date.UTC(2029, 0, 1)); // RangeError: backwards
 * ```
 */
export class ControlledClock implements Clock {
  readonly #base: Clock;
  readonly #onMove: ((state: ClockState) => void) | undefined;
  #offset = 0;
  #last = Number.NEGATIVE_INFINITY;

  /**
   * @param base - the clock to follow (default: the system clock).
   * @throws RangeError for an `offsetMs` that is not a safe whole number of milliseconds.
   */
  constructor(base: Clock = systemClock, options: ControlledClockOptions = {}) {
    const offset = options.offsetMs ?? 0;
    if (!Number.isSafeInteger(offset)) throw new RangeError(`the clock's offset is a whole number of milliseconds; got ${String(offset)}`);
    this.#offset = offset;
    this.#base = base;
    this.#onMove = options.onMove;
  }

  /** Current time in epoch milliseconds: never earlier than the previous reading. */
  now(): number {
    const now = this.#base.now() + this.#offset;
    if (now < this.#last) return this.#last;
    this.#last = now;
    return now;
  }

  /** The offset from the base clock, in milliseconds. */
  get offsetMs(): number {
    return this.#offset;
  }

  /** The time now and the offset. */
  state(): ClockState {
    return { now: this.now(), offsetMs: this.#offset };
  }

  /**
   * Moves time forward by `ms` milliseconds, at once.
   * @throws RangeError for a negative, fractional or non-finite `ms`, or one past year 275760 (nothing changes then).
   * @example clock.advance(7 * 24 * 3600 * 1000)
   */
  advance(ms: number): ClockState {
    if (!Number.isSafeInteger(ms) || ms < 0) throw new RangeError(`the clock advances by a whole, non-negative number of milliseconds; got ${String(ms)}`);
    // The offset grows by exactly `ms`: computing it back from a target time would read the base
    // clock twice, and a millisecond tick between the reads would lose that millisecond.
    const offset = this.#offset + ms;
    const target = this.#base.now() + offset;
    return this.#move(Math.max(target, this.#last === Number.NEGATIVE_INFINITY ? target : this.#last + ms), offset);
  }

  /**
   * Sets the time to `epochMs`.
   * @throws RangeError for a time that is not a whole number of milliseconds within JavaScript's
   *   date range, or earlier than now without `allowBackwards` (nothing changes then).
   * @example clock.set(Date.parse('2030-01-01T00:00:00Z'))
   */
  set(epochMs: number, options: ClockSetOptions = {}): ClockState {
    if (!Number.isSafeInteger(epochMs)) throw new RangeError(`the clock is set to a whole number of epoch milliseconds; got ${String(epochMs)}`);
    const now = this.now();
    if (epochMs < now && options.allowBackwards !== true) {
      throw new RangeError(
        `the clock only moves forward: ${new Date(epochMs).toISOString()} is before its time now, ${new Date(now).toISOString()} (pass allowBackwards to move it back)`,
      );
    }
    return this.#move(epochMs, epochMs - this.#base.now());
  }

  /** Back to the base clock's time (offset 0), even if that is earlier. */
  reset(): ClockState {
    this.#offset = 0;
    this.#last = Number.NEGATIVE_INFINITY;
    const state = this.state();
    this.#onMove?.(state);
    return state;
  }

  #move(target: number, offset: number): ClockState {
    // new Date() accepts ±8.64e15 ms: a time beyond cannot be rendered in any date field.
    if (Math.abs(target) > MAX_DATE_MS) throw new RangeError(`${String(target)} is outside the dates JavaScript can represent (±${MAX_DATE_MS} ms)`);
    this.#offset = offset;
    this.#last = target;
    const state = { now: target, offsetMs: this.#offset };
    this.#onMove?.(state);
    return state;
  }
}

/** ECMA-262 §21.4.1.22 TimeClip: the largest time value a Date holds. */
const MAX_DATE_MS = 8.64e15;
