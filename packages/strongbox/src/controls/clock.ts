/**
 * @module
 * The endpoint's one `ControlledClock`, which every service reads (KMS, S3, SigV4, the trail), and
 * the `Date` header of the answers following it once it has been moved: AWS SDKs correct their clock
 * skew from that header (`Signature expired` / `RequestTimeTooSkewed`, then one retry), as against
 * AWS.
 *
 * With a data directory the clock's offset is kept in it (`clock-file.ts`), so a restart does not
 * move time back: read once the engines' store holds the directory's lease (`onDirectoryHeld`; an
 * interrupted reset finished by then), before the engines read the time, and written under the
 * lease of the directory's lock that the engines' KMS store holds (`Endpoint.directoryLease`), each
 * engines' own file started at their first move, so a late write of a process whose directory
 * another one took over lands in a file the new holder's outnumbers (or, its temporary removed at
 * the start, nowhere).
 */

import { type Clock, type ClockState, ControlledClock, type DirectoryLease, fencedFileIo, httpDate, nodeFileIo, systemClock } from '@strongbox/service-kernel';
import type { Endpoint, EndpointOptions } from '../endpoint.ts';
import { type ClockFile, clockFile, readClockOffset, removeClockTemporaries } from './clock-file.ts';

/** The endpoint's clock while the engines open: the controlled clock exists once the directory is held. */
export interface EndpointClock {
  /**
   * What the engines read: the controlled clock, or with a data directory a stand-in reading it
   * once `onDirectoryHeld` made it.
   */
  readonly engineClock: Clock;
  /** The clock file's writer: `undefined` without a data directory. */
  readonly saved: ClockFile | undefined;
  /**
   * Removes the clock files' temporaries under `lease` (the lease of the directory the engines'
   * store holds), then reads the kept offset and makes the controlled clock (once; no-op without a
   * data directory).
   * @throws TypeError for a clock file that is not `{"offsetMs": <whole number>}`; the file
   *   system's error; the lease's (`LEASE_LOST`).
   */
  onDirectoryHeld(lease: Pick<DirectoryLease, 'confirm'> | undefined): Promise<void>;
  /** The controlled clock, made at the base if `onDirectoryHeld` has not made it. */
  controlled(): ControlledClock;
}

/**
 * The clock on `options.clock` (or the system's); with a data directory, its offset written under
 * the lease `lease` answers as each move is recorded.
 * @example
 * ```ts
 * const time = openEndpointClock(options, () => engines.awaitCurrent().then(leaseOf));
 * await time.onDirectoryHeld(lease);
 * const clock = time.controlled();
 * ```
 */
export function openEndpointClock(options: EndpointOptions, lease: () => Promise<Pick<DirectoryLease, 'confirm'>>): EndpointClock {
  const base = options.clock ?? systemClock;
  const directory = options.dataDirectory;
  const saved = directory === undefined ? undefined : clockFile(directory, lease);
  const controlled = (offsetMs: number | undefined): ControlledClock =>
    new ControlledClock(base, {
      ...(offsetMs === undefined ? {} : { offsetMs }),
      ...(saved === undefined ? {} : { onMove: (state: ClockState) => saved.save(state.offsetMs) }),
    });
  // A restart keeps the offset the clock was moved by (clock-file.ts). It is read only once the
  // engines' store holds the directory's lease (`onDirectoryHeld`, before the engines read the
  // time): read earlier, a move the previous holder acknowledged in between would be undone by
  // this start's own file, numbered past it; and a reset a crash interrupted, which `openEndpoint`
  // finishes before its store opens, has set it back to the base by then. The temporaries go
  // first (`removeClockTemporaries`): no late rename or link of a previous holder lands after the read.
  let held: ControlledClock | undefined = directory === undefined ? controlled(undefined) : undefined;
  const onDirectoryHeld = async (lease: Pick<DirectoryLease, 'confirm'> | undefined): Promise<void> => {
    if (directory === undefined || held !== undefined) return;
    if (lease === undefined) throw new Error('the engines hold no lease of the data directory');
    await removeClockTemporaries(directory, fencedFileIo(nodeFileIo, lease));
    held = controlled(await readClockOffset(directory));
  };
  const engineClock: Clock = held ?? {
    now: () => {
      if (held === undefined) throw new Error('the clock is read before the data directory is held');
      return held.now();
    },
  };
  return { engineClock, saved, onDirectoryHeld, controlled: () => held ?? controlled(undefined) };
}

/**
 * The data directory's lease `endpoint` holds (its engines were opened on the data directory).
 * @throws Error when the engines were opened without one.
 * @example const lease = leaseOf(await engines.awaitCurrent());
 */
export function leaseOf(endpoint: Endpoint): Pick<DirectoryLease, 'confirm'> {
  if (endpoint.directoryLease === undefined) throw new Error('the engines hold no lease of the data directory');
  return endpoint.directoryLease;
}

/** An answer whose headers the endpoint dates. */
type Dated = { readonly headers: Record<string, string> };

/**
 * Dates answers at `clock`'s time: always when `ownClock` (a clock given in the options is not the
 * system's), else once the clock has been moved; otherwise the answer passes as it is.
 * @example const dated = dateStamping(clock, false); await dated(handler(request));
 */
export function dateStamping(clock: ControlledClock, ownClock: boolean): <Response extends Dated>(answer: Promise<Response>) => Promise<Response> {
  const stamp = <Response extends Dated>(response: Response): Response => {
    const headers = response.headers;
    const date = httpDate(clock.now());
    if ('date' in headers) headers.date = date;
    else headers.Date = date;
    return response;
  };
  return (answer) => (ownClock || clock.offsetMs !== 0 ? answer.then(stamp) : answer);
}
