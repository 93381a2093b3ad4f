/**
 * @module
 * The engines the endpoint's calls reach, and their replacement by a reset: while one runs, no
 * engines are current and calls wait for the new ones (`switching`), which serve them; if the
 * reopening fails, they fail with its error until a reset succeeds.
 */

import { isServiceError } from '@strongbox/service-kernel';
import type { Endpoint } from '../endpoint.ts';

/** The engines a call reaches now, or after the reset running. */
export interface CurrentEngines {
  /** The engines calls reach now: `undefined` during a reset or after a failed one. */
  readonly current: Endpoint | undefined;
  /** The current engines or, during a reset or after a failed one, the last opened. */
  readonly latest: Endpoint;
  /**
   * The current engines, or those the reset running opens.
   * @throws the reset's error once it failed: ServiceError `LEASE_LOST` after a takeover, else an
   *   Error asking for another reset.
   */
  awaitCurrent(): Promise<Endpoint>;
  /**
   * Replaces the engines with `reopen(previous)`'s, calls waiting meanwhile, then runs `opened`
   * (the new engines already serve calls by then).
   * @throws what `reopen` or `opened` throws; for ServiceError `LEASE_LOST`, `onStoreError` is
   *   told first.
   */
  replace(reopen: (previous: Endpoint | undefined) => Promise<Endpoint>, opened: () => Promise<void>): Promise<void>;
}

/**
 * The engines, `first` current.
 * @example const engines = currentEngines(await openEndpoint(options), options.onStoreError);
 */
export function currentEngines(first: Endpoint, onStoreError: ((error: Error) => void) | undefined): CurrentEngines {
  let current: Endpoint | undefined = first;
  let latest: Endpoint = first;
  let switching: Promise<Endpoint> | undefined;
  // The takeover a reset stopped at (`LEASE_LOST`): the directory is another process's now.
  let lostTo: Error | undefined;
  const awaitCurrent = (): Promise<Endpoint> => {
    if (current !== undefined) return Promise.resolve(current);
    if (switching !== undefined) return switching;
    // Another reset would only meet the new holder's lock: the call is told of the takeover.
    if (lostTo !== undefined) return Promise.reject(lostTo);
    return Promise.reject(new Error('the emulator could not be reopened after a reset; reset it again'));
  };
  const replace = async (reopen: (previous: Endpoint | undefined) => Promise<Endpoint>, opened: () => Promise<void>): Promise<void> => {
    const previous = current;
    current = undefined;
    let settle: { resolve: (endpoint: Endpoint) => void; reject: (error: unknown) => void } | undefined;
    switching = new Promise<Endpoint>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Nobody may be waiting when the reopening fails: the rejection is theirs, not unhandled.
    switching.catch(() => {});
    try {
      const next = await reopen(previous);
      current = latest = next;
      lostTo = undefined;
      settle?.resolve(next);
      // Its failure is the reset's, a takeover told as the reopening's is.
      await opened();
    } catch (error) {
      // Another process took the directory over during the reset: told where a store's takeover
      // is, so that `strongbox serve` says so and stops, as it does for its stores.
      if (isServiceError(error, 'LEASE_LOST')) {
        lostTo = error;
        onStoreError?.(error);
      }
      settle?.reject(error);
      throw error;
    } finally {
      switching = undefined;
    }
  };
  return {
    get current() {
      return current;
    },
    get latest() {
      return current ?? latest;
    },
    awaitCurrent,
    replace,
  };
}
