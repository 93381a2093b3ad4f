/**
 * @module
 * The steps of a reset, in order: faults cleared (the fraction draws restart from the first seed);
 * then, no call let through any more, the calls in flight drained, the clock's writes under the old
 * engines' lease waited for, the engines closed, a data directory emptied durably (`data-reset.ts`)
 * or a caller's `s3Store` emptied (`empty-store.ts`), the clock back to its base, the engines opened
 * afresh as at start-up, and their own clock file written before the reset resolves.
 */

import type { ControlledClock } from '@strongbox/service-kernel';
import type { Endpoint, EndpointOptions } from '../endpoint.ts';
import type { ClockFile } from './clock-file.ts';
import type { CurrentEngines } from './current-engines.ts';
import { resetDataDirectory } from './data-reset.ts';
import { emptyObjectStore } from './empty-store.ts';
import type { EndpointFaults } from './faults.ts';
import type { InFlightCalls } from './in-flight.ts';

/** What a reset resets: the endpoint's parts. */
export interface ResetParts {
  readonly options: EndpointOptions;
  readonly faults: EndpointFaults;
  readonly engines: CurrentEngines;
  readonly calls: InFlightCalls;
  readonly clock: ControlledClock;
  readonly saved: ClockFile | undefined;
  /** Opens the engines as at start-up. */
  readonly open: () => Promise<Endpoint>;
}

/**
 * Resets the endpoint's parts (see `controls/endpoint.ts` for what a reset promises its callers).
 * @throws KmsError or the file system's error when the data directory cannot be emptied or
 *   reopened. ServiceError `LEASE_LOST` when another process took the directory over.
 * @example await resetEndpoint({ options, faults, engines, calls, clock, saved, open });
 */
export function resetEndpoint({ options, faults, engines, calls, clock, saved, open }: ResetParts): Promise<void> {
  faults.restart();
  return engines.replace(
    async (previous) => {
      // The clock's writes under the old engines' lease; those of later moves wait for the new engines.
      const clockWritten = saved?.settled();
      // No call is let through from here on; those already running finish first, on the old engines.
      await calls.drain();
      // Before the old engines release their lease, which these writes go under.
      await clockWritten;
      if (previous !== undefined) await previous.close();
      if (options.dataDirectory !== undefined) await resetDataDirectory(options.dataDirectory);
      // A caller's store outlives the engines: emptied here, as the data directory is above.
      if (options.s3Store !== undefined) await emptyObjectStore(options.s3Store);
      // Its write of the base offset waits for the new engines, under their lease (the file is
      // gone with the directory's state, which the reset made durable: a crash before the write
      // also restarts from the base).
      clock.reset();
      return open();
    },
    async () => {
      // The new engines' own clock file, and the moves made meanwhile, before the reset resolves
      // (only the latest offset is written: none from before the reset can follow it).
      saved?.save(clock.offsetMs);
      await saved?.settled();
    },
  );
}
