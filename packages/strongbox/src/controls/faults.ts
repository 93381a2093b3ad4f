/**
 * @module
 * The endpoint's one `FaultInjector`, whose hooks KMS's and S3's pipelines consult
 * (`fault-catalog.ts`), and the controls over it, limited to the faults the services inject.
 */

import { OPERATION_NAMES as KMS_OPERATIONS } from '@strongbox/kms';
import { OPERATION_NAMES as S3_OPERATIONS } from '@strongbox/s3';
import { type ActiveFault, FAULT_OPERATION, FaultInjector, type FaultSpec } from '@strongbox/service-kernel';
import type { EndpointOptions, EndpointWiring } from '../endpoint.ts';
import { closestName } from '../suggest.ts';
import { FAULT_NAMES, isInjectable, kmsFault, s3Fault } from './fault-catalog.ts';

/** The operations each service serves: a fault set on any other name would never strike. */
const SERVED: Readonly<Record<'kms' | 's3', readonly string[]>> = { kms: KMS_OPERATIONS, s3: S3_OPERATIONS };

/** The faults of an endpoint (the kernel's `FaultInjector`, limited to what the services inject). */
export interface FaultControls {
  /**
   * Sets a fault (see `FaultSpec`: service `kms` or `s3`, an operation the service serves (its
   * wire name) or `*`, a fault from `FAULT_NAMES` or `latency` with `latencyMs`, and `count`
   * and/or `fraction`).
   * @throws TypeError / RangeError for a malformed spec (an operation the service does not serve
   *   too, naming the one within two edits); nothing changes then.
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

/** The endpoint's faults: the hooks the engines are opened with, and their controls. */
export interface EndpointFaults {
  /** The hooks KMS's and S3's pipelines consult. */
  readonly hooks: NonNullable<EndpointWiring['faults']>;
  readonly controls: FaultControls;
  /** Clears every fault and restarts the fraction draws from the first seed (a reset). */
  restart(): void;
}

/**
 * The faults of an endpoint, drawing fractions from `options.faultSeed` (or a random seed).
 * @throws TypeError for a bad seed.
 * @example const { hooks, controls } = endpointFaults({ faultSeed: 7 });
 */
export function endpointFaults(options: EndpointOptions): EndpointFaults {
  const injector = new FaultInjector(options.faultSeed === undefined ? {} : { seed: options.faultSeed });
  const firstSeed = injector.seed;
  const hooks = { kms: injector.hook('kms', kmsFault), s3: injector.hook('s3', s3Fault) };
  const controls: FaultControls = {
    add(spec) {
      checkServed(spec);
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
  const restart = (): void => {
    injector.clear();
    injector.reseed(firstSeed);
  };
  return { hooks, controls, restart };
}

/**
 * Refuses a fault on KMS or S3 that could never strike: a fault name the service does not inject,
 * or an operation it does not serve (naming the one within two edits, or the service that serves
 * it). An operation that is no
 * operation name at all (`FAULT_OPERATION`) is left to the kernel's check, which refuses it as
 * malformed: a search for the name meant would cost an edit distance over its whole length.
 * @throws TypeError naming what is wrong; nothing else is checked here (`FaultInjector.add` does).
 * @example checkServed({ service: 'kms', operation: 'GenerateDatakey', fault: 'ThrottlingException', count: 1 }) // throws
 */
function checkServed(spec: FaultSpec): void {
  if (typeof spec !== 'object' || spec === null || (spec.service !== 'kms' && spec.service !== 's3')) return;
  const { service, operation, fault } = spec;
  if (!isInjectable(service, fault)) {
    throw new TypeError(`"fault" for ${service} must be one of ${FAULT_NAMES[service].join(', ')}; got ${JSON.stringify(fault) ?? 'nothing'}`);
  }
  if (typeof operation !== 'string' || operation === '*' || !FAULT_OPERATION.test(operation) || SERVED[service].includes(operation)) return;
  // A name the other service serves (S3's GetObject given for kms) says where it belongs.
  const other = service === 'kms' ? 's3' : 'kms';
  const meant = closestName(operation, SERVED[service]);
  const hint = SERVED[other].includes(operation)
    ? ` (it is a${other === 's3' ? 'n' : ''} ${other} operation)`
    : meant === undefined
      ? ''
      : ` (did you mean "${meant}"?)`;
  throw new TypeError(`"operation" for ${service} must be "*" or an operation it serves; got ${JSON.stringify(operation)}${hint}`);
}
