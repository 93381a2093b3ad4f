/**
 * @module
 * What a service's model takes from outside, injected so tests are deterministic: a clock and a
 * source of randomness. Nothing in a service's `model/` reads the system time or draws random
 * bytes on its own.
 */

import { randomUuid } from './uuid.ts';

export { hex } from './uuid.ts';

/** Milliseconds since the Unix epoch; a fake clock lets tests move time (deletion windows, rotation, quotas). */
export interface Clock {
  now(): number;
}

/** Random bytes for key material, ids, nonces and grant tokens. */
export interface Random {
  bytes(length: number): Uint8Array;
}

/** The system clock. */
export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

/** A manually advanced clock for tests and simulations. */
export class ManualClock implements Clock {
  #now: number;

  /** @param start - start time in epoch milliseconds (default 2024-01-01T00:00:00Z). */
  constructor(start: number = Date.UTC(2024, 0, 1)) {
    this.#now = start;
  }

  /** Current time in epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` milliseconds. @throws RangeError for negative or non-finite `ms`. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`"ms" expected a non-negative finite number, got ${ms}`);
    this.#now += ms;
  }

  /** Sets the time (never backwards). @throws RangeError if `ms` is before the current time. */
  set(ms: number): void {
    if (!Number.isFinite(ms) || ms < this.#now) throw new RangeError('ManualClock only moves forward');
    this.#now = ms;
  }
}

/** Formats 16 random bytes as a lowercase version-4 UUID (RFC 9562 §5.4). */
export function uuidFromBytes(bytes: Uint8Array): string {
  return randomUuid(bytes.slice(0, 16));
}
