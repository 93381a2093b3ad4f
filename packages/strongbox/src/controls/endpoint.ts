/**
 * @module
 * The endpoint with its controls: what `createStrongbox`, `startServer` and `startInProcess`
 * serve. It is `openEndpoint`'s endpoint behind handlers that always reach the current engines, so
 * that `reset()` can replace the engines with fresh ones (the ports, the in-process handler and
 * the clients made from them stay), and with
 * - one `ControlledClock` every service reads (KMS, S3, SigV4, the trail), and the `Date` header
 *   of every answer following it once it has been moved: AWS SDKs correct their clock skew from
 *   that header (`Signature expired` / `RequestTimeTooSkewed`, then one retry), as against AWS;
 * - one `FaultInjector` whose hooks KMS's and S3's pipelines consult (`fault-catalog.ts`).
 *
 * With a data directory the clock's offset is kept in it (`clock-file.ts`), so a restart does not
 * move time back: read once the engines' store holds the directory's lease (an interrupted reset
 * finished by then), before the engines read the time, and written under the lease of the
 * directory's lock that the engines' KMS store holds (`Endpoint.directoryLease`), each engines' own
 * file started as they open, so a late write of a process whose directory another one took over
 * lands in a file the new holder's outnumbers.
 *
 * Reset: faults cleared (the fraction draws restart from the first seed), the clock back to its
 * base, the stores closed, a data directory emptied durably (`data-reset.ts`) or a caller's
 * `s3Store` emptied (`empty-store.ts`), then the engines
 * opened afresh as at start-up (the seed applied again, the quotas as the options set them, every
 * counter at zero). The reset is atomic relative to calls: calls arriving during a reset wait for
 * it and are served by the new engines; calls in flight when it starts are waited for (each is
 * answered, its writes acknowledged, before anything is closed or emptied, so none writes into a
 * closed store or a directory being emptied), for at most `RESET_DRAIN_MS`, after which a call
 * still running (a client stalled in the middle of an upload) fails with its closed store. A
 * response body still being read when the stores close may fail. With a data directory, the
 * directory's lock is held while it is emptied (`data-reset.ts`). `kms` and `s3` name the new
 * engines afterwards: read them from the endpoint, do not keep them across a reset.
 *
 * This module joins the parts: the clock and the answers' dates (`clock.ts`), the faults
 * (`faults.ts`), the calls in flight (`in-flight.ts`), the engines calls reach (`current-engines.ts`)
 * and the reset's steps (`reset.ts`).
 */

import type { Kms } from '@strongbox/kms';
import type { S3 } from '@strongbox/s3';
import type { ControlledClock, ProtocolHandler, StreamingHandler } from '@strongbox/service-kernel';
import type { Endpoint, EndpointOptions, EndpointWiring } from '../endpoint.ts';
import { StrongboxError } from '../errors.ts';
import type { HealthReport } from '../health.ts';
import type { ProtocolRoute } from '../router.ts';
import { dateStamping, leaseOf, openEndpointClock } from './clock.ts';
import { type CurrentEngines, currentEngines } from './current-engines.ts';
import { endpointFaults, type FaultControls } from './faults.ts';
import { inFlightCalls } from './in-flight.ts';
import { resetEndpoint } from './reset.ts';

export type { FaultControls } from './faults.ts';
export { RESET_DRAIN_MS } from './in-flight.ts';

/** The controls a test suite needs (in process; `/_strongbox/` serves them over HTTP, `admin.ts`). */
export interface EndpointControls {
  /** The emulator's clock: `advance(ms)`, `set(epochMs, { allowBackwards })`, `state()`. */
  readonly clock: ControlledClock;
  readonly faults: FaultControls;
  /** The request quotas and their counters (KMS's; changeable). */
  readonly quotas: Kms['quotas'];
  /**
   * Resolves once the clock's offset is durable in the data directory (`clock-file.ts`: a restart
   * keeps the moved time); at once without one.
   * @throws ServiceError `LEASE_LOST` once another process took the data directory over (nothing
   *   is written then; `onStoreError` is told too); the file system's error of a failed write.
   */
  clockSaved(): Promise<void>;
  /**
   * Back to a fresh state (see the module documentation), durably with a data directory.
   * @throws StrongboxError `CLOSED` once the endpoint is closed.
   * @throws KmsError or the file system's error when the data directory cannot be emptied or
   *   reopened; calls then fail until a reset succeeds. ServiceError `LEASE_LOST` when another
   *   process took the directory over during the reset: `onStoreError` is told too, and calls fail
   *   with it.
   */
  reset(): Promise<void>;
}

/** An endpoint with its controls. */
export interface ControlledEndpoint extends Endpoint {
  readonly controls: EndpointControls;
}

/** Opens the engines (`openEndpoint`) on the controlled clock, with the fault hooks. */
export type EndpointOpener = (options: EndpointOptions, wiring: EndpointWiring) => Promise<Endpoint>;

/**
 * Opens the endpoint with its controls (`openControlledEndpoint` in `endpoint.ts` gives it `openEndpoint`).
 * @throws as `open`.
 * @example
 * ```ts
 * const endpoint = await controlEndpoint({ faultSeed: 7 }, openEndpoint);
 * endpoint.controls.clock.advance(365 * 86_400_000);
 * await endpoint.controls.reset();
 * await endpoint.close();
 * ```
 */
export async function controlEndpoint(options: EndpointOptions, opener: EndpointOpener): Promise<ControlledEndpoint> {
  // Written under the lease of the engines current when the clock moves (during a reset, the
  // next ones'): never between two leases, when another process may hold the directory.
  // `engines` is set before the clock can move or be saved (a move needs the controls returned below).
  const time = openEndpointClock(options, () => engines.awaitCurrent().then(leaseOf));
  const { saved } = time;
  const faults = endpointFaults(options);
  const open = (wiring: EndpointWiring = {}): Promise<Endpoint> => opener({ ...options, clock: time.engineClock }, { faults: faults.hooks, ...wiring });
  const first = await open({ onDirectoryHeld: time.onDirectoryHeld });
  // An opener that does not call `onDirectoryHeld` has its engines holding the lease by now.
  await time.onDirectoryHeld(first.directoryLease).catch(async (error: unknown) => {
    await first.close();
    throw error;
  });
  const clock = time.controlled();
  const engines: CurrentEngines = currentEngines(first, options.onStoreError);
  const calls = inFlightCalls();
  let resetting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  // A clock given in the options is not the system's: its Date headers must be stamped always.
  const dated = dateStamping(clock, options.clock !== undefined);
  const through = <Request, Response extends { readonly headers: Record<string, string> }>(
    pick: (endpoint: Endpoint) => (request: Request) => Promise<Response>,
  ): ((request: Request) => Promise<Response>) => {
    return (request) => {
      const endpoint = engines.current;
      const answer =
        endpoint !== undefined ? calls.counted(pick(endpoint), request) : engines.awaitCurrent().then((next) => calls.counted(pick(next), request));
      return dated(answer);
    };
  };
  const routes: ProtocolRoute[] = first.routes.map((route, index) => ({
    ...route,
    handler: through<Parameters<ProtocolHandler>[0], Awaited<ReturnType<ProtocolHandler>>>((endpoint) => routeAt(endpoint, index).handler),
  }));
  const reset = async (): Promise<void> => {
    if (closing !== undefined) throw new StrongboxError('CLOSED', 'this Strongbox is closed');
    await resetEndpoint({ options, faults, engines, calls, clock, saved, open });
  };
  // No clock file of these engines' own until the clock moves: the start removed the clock's
  // temporaries before it read the offset, which keeps a previous holder's late write out (`clock-file.ts`).
  return {
    get kms(): Kms {
      return engines.latest.kms;
    },
    get s3(): S3 {
      return engines.latest.s3;
    },
    routes,
    s3Handler: through<Parameters<StreamingHandler>[0], Awaited<ReturnType<StreamingHandler>>>((endpoint) => endpoint.s3Handler),
    handler: through<Parameters<StreamingHandler>[0], Awaited<ReturnType<StreamingHandler>>>((endpoint) => endpoint.handler),
    health: (): Promise<HealthReport> => engines.latest.health(),
    get directoryLease() {
      return engines.latest.directoryLease;
    },
    controls: {
      clock,
      faults: faults.controls,
      clockSaved: () => saved?.flushed() ?? Promise.resolve(),
      get quotas(): Kms['quotas'] {
        return engines.latest.kms.quotas;
      },
      reset: () => {
        resetting ??= reset().finally(() => {
          resetting = undefined;
        });
        return resetting;
      },
    },
    close() {
      closing ??= (async () => {
        await resetting?.catch(() => {});
        // Written before the lease they go under is released.
        await saved?.settled();
        await engines.latest.close();
      })();
      return closing;
    },
  };
}

function routeAt(endpoint: Endpoint, index: number): ProtocolRoute {
  const route = endpoint.routes[index];
  if (route === undefined) throw new Error(`the reopened endpoint has no route ${index}`);
  return route;
}
