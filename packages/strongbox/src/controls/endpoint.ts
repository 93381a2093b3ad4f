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
 */

import type { Kms } from '@strongbox/kms';
import type { S3 } from '@strongbox/s3';
import {
  type ActiveFault,
  type Clock,
  type ClockState,
  ControlledClock,
  type DirectoryLease,
  FaultInjector,
  type FaultSpec,
  httpDate,
  isServiceError,
  type ProtocolHandler,
  type StreamingHandler,
  systemClock,
} from '@strongbox/service-kernel';
import type { Endpoint, EndpointOptions, EndpointWiring } from '../endpoint.ts';
import type { HealthReport } from '../health.ts';
import type { ProtocolRoute } from '../router.ts';
import { clockFile, readClockOffset } from './clock-file.ts';
import { resetDataDirectory } from './data-reset.ts';
import { emptyObjectStore } from './empty-store.ts';
import { FAULT_NAMES, isInjectable, kmsFault, s3Fault } from './fault-catalog.ts';

/**
 * How long a reset waits for the calls in flight when it starts (a call whose client stalled in
 * the middle of its body would otherwise hold every later call, queued behind the reset, as long).
 */
export const RESET_DRAIN_MS = 10_000;

/** The faults of an endpoint (the kernel's `FaultInjector`, limited to what the services inject). */
export interface FaultControls {
  /**
   * Sets a fault (see `FaultSpec`: service `kms` or `s3`, an operation or `*`, a fault from
   * `FAULT_NAMES` or `latency` with `latencyMs`, and `count` and/or `fraction`).
   * @throws TypeError / RangeError for a malformed spec; nothing changes then.
   */
  add(spec: FaultSpec): ActiveFault;
  /** The faults set, in the order they were added. */
  list(): ActiveFault[];
  /** Removes one fault; whether it was set. */
  remove(id: string): boolean;
  /** Removes every fault (of one service); how many. */
  clear(service?: string): number;
  /** The seed of the fraction draws. */
  readonly seed: string;
  /** Restarts the fraction draws from `seed`. @throws TypeError for a bad seed. */
  reseed(seed: number | string): void;
}

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
  const base = options.clock ?? systemClock;
  const directory = options.dataDirectory;
  // Written under the lease of the engines current when the clock moves (during a reset, the
  // next ones'): never between two leases, when another process may hold the directory.
  const saved = directory === undefined ? undefined : clockFile(directory, () => awaitCurrent().then(leaseOf));
  const controlled = (offsetMs: number | undefined): ControlledClock =>
    new ControlledClock(base, {
      ...(offsetMs === undefined ? {} : { offsetMs }),
      ...(saved === undefined ? {} : { onMove: (state: ClockState) => saved.save(state.offsetMs) }),
    });
  // A restart keeps the offset the clock was moved by (clock-file.ts). It is read only once the
  // engines' store holds the directory's lease (`onDirectoryHeld`, before the engines read the
  // time): read earlier, a move the previous holder acknowledged in between would be undone by
  // this start's own file, numbered past it; and a reset a crash interrupted, which `openEndpoint`
  // finishes before its store opens, has set it back to the base by then.
  let held: ControlledClock | undefined = directory === undefined ? controlled(undefined) : undefined;
  const onDirectoryHeld = async (): Promise<void> => {
    if (directory !== undefined) held ??= controlled(await readClockOffset(directory));
  };
  const engineClock: Clock = held ?? {
    now: () => {
      if (held === undefined) throw new Error('the clock is read before the data directory is held');
      return held.now();
    },
  };
  const injector = new FaultInjector(options.faultSeed === undefined ? {} : { seed: options.faultSeed });
  const firstSeed = injector.seed;
  const hooks = { kms: injector.hook('kms', kmsFault), s3: injector.hook('s3', s3Fault) };
  const open = (wiring: EndpointWiring = {}): Promise<Endpoint> => opener({ ...options, clock: engineClock }, { faults: hooks, ...wiring });
  const first = await open({ onDirectoryHeld });
  // An opener that does not call `onDirectoryHeld` has its engines holding the lease by now.
  await onDirectoryHeld().catch(async (error: unknown) => {
    await first.close();
    throw error;
  });
  const clock = held ?? controlled(undefined);
  let current: Endpoint | undefined = first;
  let latest: Endpoint = first;
  let switching: Promise<Endpoint> | undefined;
  let resetting: Promise<void> | undefined;
  let closing: Promise<void> | undefined;
  // The takeover a reset stopped at (`LEASE_LOST`): the directory is another process's now.
  let lostTo: Error | undefined;
  // A clock given in the options is not the system's: its Date headers must be stamped always.
  const ownClock = options.clock !== undefined;
  const stamp = <Response extends { readonly headers: Record<string, string> }>(response: Response): Response => {
    const headers = response.headers;
    const date = httpDate(clock.now());
    if ('date' in headers) headers.date = date;
    else headers.Date = date;
    return response;
  };
  // Calls running on the current engines, and the resets waiting for them to finish.
  let inFlight = 0;
  let drained: (() => void)[] = [];
  const finished = (): void => {
    inFlight -= 1;
    if (inFlight === 0 && drained.length > 0) for (const resolve of drained.splice(0)) resolve();
  };
  // `then` with both handlers rather than `finally`: one promise per call instead of three
  // (`finally` chains a promise of its callback's result before passing the answer on).
  const answered = <Value>(value: Value): Value => {
    finished();
    return value;
  };
  const failed = (error: unknown): never => {
    finished();
    throw error;
  };
  const counted = <Request, Response>(handler: (request: Request) => Promise<Response>, request: Request): Promise<Response> => {
    inFlight += 1;
    let answer: Promise<Response>;
    try {
      answer = handler(request);
    } catch (error) {
      finished();
      throw error;
    }
    return answer.then(answered, failed);
  };
  const through = <Request, Response extends { readonly headers: Record<string, string> }>(
    pick: (endpoint: Endpoint) => (request: Request) => Promise<Response>,
  ): ((request: Request) => Promise<Response>) => {
    return (request) => {
      const endpoint = current;
      const answer = endpoint !== undefined ? counted(pick(endpoint), request) : awaitCurrent().then((next) => counted(pick(next), request));
      return ownClock || clock.offsetMs !== 0 ? answer.then(stamp) : answer;
    };
  };
  /** Resolves once no call runs on the engines (new ones wait for `switching`), or after `RESET_DRAIN_MS`. */
  const drain = async (): Promise<void> => {
    if (inFlight === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => drained.push(resolve)),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, RESET_DRAIN_MS);
      }),
    ]);
    clearTimeout(timer);
    drained = [];
  };
  const awaitCurrent = (): Promise<Endpoint> => {
    if (current !== undefined) return Promise.resolve(current);
    if (switching !== undefined) return switching;
    // Another reset would only meet the new holder's lock: the call is told of the takeover.
    if (lostTo !== undefined) return Promise.reject(lostTo);
    return Promise.reject(new Error('the emulator could not be reopened after a reset; reset it again'));
  };
  const routes: ProtocolRoute[] = first.routes.map((route, index) => ({
    ...route,
    handler: through<Parameters<ProtocolHandler>[0], Awaited<ReturnType<ProtocolHandler>>>((endpoint) => routeAt(endpoint, index).handler),
  }));
  const faults: FaultControls = {
    add(spec) {
      if (typeof spec === 'object' && spec !== null && (spec.service === 'kms' || spec.service === 's3') && !isInjectable(spec.service, spec.fault)) {
        throw new TypeError(
          `"fault" for ${spec.service} must be one of ${FAULT_NAMES[spec.service].join(', ')}; got ${JSON.stringify(spec.fault) ?? 'nothing'}`,
        );
      }
      return injector.add(spec);
    },
    list: () => injector.list(),
    remove: (id) => injector.remove(id),
    clear: (service) => injector.clear(service),
    get seed() {
      return injector.seed;
    },
    reseed: (seed) => injector.reseed(seed),
  };
  const reset = async (): Promise<void> => {
    if (closing !== undefined) throw new Error('this emulator is closed');
    injector.clear();
    injector.reseed(firstSeed);
    const previous = current;
    current = undefined;
    let settle: { resolve: (endpoint: Endpoint) => void; reject: (error: unknown) => void } | undefined;
    switching = new Promise<Endpoint>((resolve, reject) => {
      settle = { resolve, reject };
    });
    // Nobody may be waiting when the reopening fails: the rejection is theirs, not unhandled.
    switching.catch(() => {});
    // The clock's writes under the old engines' lease; those of later moves wait for the new engines.
    const clockWritten = saved?.settled();
    try {
      // No call is let through from here on; those already running finish first, on the old engines.
      await drain();
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
      const next = await open();
      current = latest = next;
      lostTo = undefined;
      settle?.resolve(next);
      // The new engines' own clock file, and the moves made meanwhile, before the reset resolves
      // (only the latest offset is written: none from before the reset can follow it).
      saved?.save(clock.offsetMs);
      await saved?.settled();
    } catch (error) {
      // Another process took the directory over during the reset: told where a store's takeover
      // is, so that `strongbox serve` says so and stops, as it does for its stores.
      if (isServiceError(error, 'LEASE_LOST')) {
        lostTo = error;
        options.onStoreError?.(error);
      }
      settle?.reject(error);
      throw error;
    } finally {
      switching = undefined;
    }
  };
  // These engines' own clock file, before anything is served (`clock-file.ts`).
  saved?.save(clock.offsetMs);
  await saved?.flushed().catch(async (error: unknown) => {
    await first.close();
    throw error;
  });
  return {
    get kms(): Kms {
      return (current ?? latest).kms;
    },
    get s3(): S3 {
      return (current ?? latest).s3;
    },
    routes,
    s3Handler: through<Parameters<StreamingHandler>[0], Awaited<ReturnType<StreamingHandler>>>((endpoint) => endpoint.s3Handler),
    handler: through<Parameters<StreamingHandler>[0], Awaited<ReturnType<StreamingHandler>>>((endpoint) => endpoint.handler),
    health: (): Promise<HealthReport> => (current ?? latest).health(),
    get directoryLease() {
      return (current ?? latest).directoryLease;
    },
    controls: {
      clock,
      faults,
      clockSaved: () => saved?.flushed() ?? Promise.resolve(),
      get quotas(): Kms['quotas'] {
        return (current ?? latest).kms.quotas;
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
        await (current ?? latest).close();
      })();
      return closing;
    },
  };
}

/** The data directory's lease `endpoint` holds (its engines were opened on the data directory). */
function leaseOf(endpoint: Endpoint): Pick<DirectoryLease, 'confirm'> {
  if (endpoint.directoryLease === undefined) throw new Error('the engines hold no lease of the data directory');
  return endpoint.directoryLease;
}

function routeAt(endpoint: Endpoint, index: number): ProtocolRoute {
  const route = endpoint.routes[index];
  if (route === undefined) throw new Error(`the reopened endpoint has no route ${index}`);
  return route;
}
