/**
 * @module
 * The base clock of the in-process demo's endpoint (`createStrongbox({ clock })`), which the
 * throttling step holds still for its burst. KMS's quota windows read the endpoint's clock, so with
 * it held the burst is answered the same however slowly the machine sends it: a 1/s quota admits
 * exactly one call and throttles the rest, instead of refilling while a loaded machine is slow.
 */

import { type Clock, systemClock } from '@strongbox/service-kernel';

/** A clock that follows `base` except while held, when it reads the instant it was held at. */
export class HeldClock implements Clock {
  readonly #base: Clock;
  #held: number | undefined;

  constructor(base: Clock = systemClock) {
    this.#base = base;
  }

  now(): number {
    return this.#held ?? this.#base.now();
  }

  /**
   * Holds the clock at its current reading until the returned function is called.
   * @example const release = clock.hold(); try { await burst(); } finally { release(); }
   */
  hold(): () => void {
    this.#held = this.#base.now();
    return () => {
      this.#held = undefined;
    };
  }
}
