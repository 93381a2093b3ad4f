/**
 * @module
 * Injected faults: a test suite tells the emulator to fail (or delay) the next N calls, or a
 * fraction of calls, of a service's operation (or of all its operations), to see how the code
 * under test copes with what AWS answers under load or in an outage. The kernel keeps the rules
 * and draws the fractions; each service gives its own error for a code (`FaultInjector.hook`), so
 * an injected fault is the service's AWS-shaped error on the wire, and the pipeline raises it like
 * any other (audited, and mapped by S3 when it calls KMS on a caller's behalf).
 *
 * Fractions are drawn from a seeded sequence (SHA-256 over the seed and a counter, `node:crypto`):
 * the same seed and the same calls in the same order strike the same calls. With no rule set a
 * service's hook is disarmed, and the pipeline's check is one property read.
 */

import { createHash, randomBytes } from 'node:crypto';
import type { Random } from '../clock.ts';

/** The fault that is not an error: the call waits this long, then is served. */
export const LATENCY_FAULT = 'latency';

/** A fault to inject. */
export interface FaultSpec {
  /** The service it hits: the name the service's hook was made with (`kms`, `s3`). */
  readonly service: string;
  /** An operation's wire name (`GenerateDataKey`, `PutObject`), or `*` for all of them. */
  readonly operation: string;
  /** An error code the service's hook builds, or `latency`. */
  readonly fault: string;
  /** With `latency`: how long each struck call waits, in milliseconds. */
  readonly latencyMs?: number;
  /** Strike the next `count` matching calls (with `fraction`: at most `count` of them). */
  readonly count?: number;
  /** Strike each matching call with this probability, in (0, 1] (drawn from the seeded sequence). */
  readonly fraction?: number;
}

/** A fault that is set, as `list` reports it. */
export interface ActiveFault {
  readonly id: string;
  readonly service: string;
  readonly operation: string;
  readonly fault: string;
  readonly latencyMs?: number;
  /** Strikes left (absent: no limit). */
  readonly remaining?: number;
  readonly fraction?: number;
  /** Calls struck so far. */
  readonly struck: number;
}

/** What the pipeline consults on each call of one service. */
export interface FaultHook {
  /** Whether any fault is set for the service: when false, `inject` need not be called. */
  readonly armed: boolean;
  /**
   * Draws for a call of `operation`: `undefined` when nothing strikes, else a promise that
   * resolves after the injected latency or rejects with the injected error.
   */
  inject(operation: string): Promise<void> | undefined;
}

/** Options of `FaultInjector`. */
export interface FaultInjectorOptions {
  /** Seed of the fraction draws (default: random, reported by `seed`). */
  readonly seed?: number | string;
  /** Source of the draws instead of the seeded sequence (4 bytes per draw). */
  readonly random?: Random;
  /** How latency waits (default `setTimeout`); tests can observe it. */
  readonly sleep?: (ms: number) => Promise<void>;
}

interface Rule {
  readonly id: string;
  readonly spec: FaultSpec;
  remaining: number | undefined;
  struck: number;
}

interface ServiceHook extends FaultHook {
  armed: boolean;
  readonly makeError: (code: string) => Error;
}

/** The largest latency accepted (ten minutes): longer only hangs a test run. */
export const MAX_LATENCY_MS = 600_000;

/**
 * The faults of one emulator, shared by its services.
 *
 * @example
 * ```ts
 * const faults = new FaultInjector({ seed: 42 });
 * const kmsHook = faults.hook('kms', (code) => new KmsError(code));
 * faults.add({ service: 'kms', operation: 'GenerateDataKey', fault: 'ThrottlingException', count: 2 });
 * await kmsHook.inject('GenerateDataKey'); // rejects with KmsError ThrottlingException
 * ```
 */
export class FaultInjector {
  readonly #rules: Rule[] = [];
  readonly #hooks = new Map<string, ServiceHook>();
  readonly #sleep: (ms: number) => Promise<void>;
  #random: Random | undefined;
  #seed = '';
  #counter = 0;
  #nextId = 1;

  constructor(options: FaultInjectorOptions = {}) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.#random = options.random;
    this.reseed(options.seed ?? randomBytes(8).toString('hex'));
  }

  /** The seed of the fraction draws (to reproduce a run). */
  get seed(): string {
    return this.#seed;
  }

  /**
   * Restarts the fraction draws from `seed`.
   * @throws TypeError for a seed that is neither a finite number nor a string of 1 to 256 characters.
   * @example faults.reseed(42)
   */
  reseed(seed: number | string): void {
    if (typeof seed === 'number' ? !Number.isFinite(seed) : typeof seed !== 'string' || seed.length === 0 || seed.length > 256) {
      throw new TypeError(`a fault seed is a finite number or a string of 1 to 256 characters; got ${JSON.stringify(seed) ?? String(seed)}`);
    }
    this.#seed = String(seed);
    this.#counter = 0;
  }

  /**
   * The hook of `service` for its pipeline; `makeError` builds the service's error for a code
   * that `add` was given (validated by whoever calls `add`).
   * @throws TypeError when `service` already has a hook.
   * @example new Pipeline({ ...binding, faults: injector.hook('kms', kmsFault) })
   */
  hook(service: string, makeError: (code: string) => Error): FaultHook {
    if (this.#hooks.has(service)) throw new TypeError(`service ${service} already has a fault hook`);
    const hook: ServiceHook = {
      armed: this.#rules.some((rule) => rule.spec.service === service),
      makeError,
      inject: (operation) => this.#inject(hook, service, operation),
    };
    this.#hooks.set(service, hook);
    return hook;
  }

  /**
   * Sets a fault; it hits calls from now on.
   * @throws TypeError / RangeError for a malformed spec (unknown service, no `count` nor
   *   `fraction`, a count that is not a positive integer, a fraction outside (0, 1], a latency
   *   outside 1..`MAX_LATENCY_MS` or given with an error fault); nothing changes then.
   * @example faults.add({ service: 's3', operation: 'PutObject', fault: 'SlowDown', fraction: 0.5 })
   */
  add(spec: FaultSpec): ActiveFault {
    const checked = checkSpec(spec, this.#hooks);
    const rule: Rule = { id: `fault-${this.#nextId++}`, spec: checked, remaining: checked.count, struck: 0 };
    this.#rules.push(rule);
    this.#arm();
    return describe(rule);
  }

  /** Every fault set, in the order they were added. */
  list(): ActiveFault[] {
    return this.#rules.map(describe);
  }

  /**
   * Removes the fault `id`; whether there was one.
   * @example faults.remove('fault-1')
   */
  remove(id: string): boolean {
    const index = this.#rules.findIndex((rule) => rule.id === id);
    if (index < 0) return false;
    this.#rules.splice(index, 1);
    this.#arm();
    return true;
  }

  /** Removes every fault (of `service` only, when given); how many were removed. */
  clear(service?: string): number {
    let removed = 0;
    for (let index = this.#rules.length - 1; index >= 0; index -= 1) {
      if (service === undefined || this.#rules[index]?.spec.service === service) {
        this.#rules.splice(index, 1);
        removed += 1;
      }
    }
    this.#arm();
    return removed;
  }

  #inject(hook: ServiceHook, service: string, operation: string): Promise<void> | undefined {
    let delay = 0;
    let error: Error | undefined;
    let spent = false;
    for (const rule of this.#rules) {
      const spec = rule.spec;
      if (spec.service !== service || (spec.operation !== '*' && spec.operation !== operation)) continue;
      const latency = spec.fault === LATENCY_FAULT;
      // One error per call: later error rules are not drawn (their counts stay for later calls).
      if (!latency && error !== undefined) continue;
      if (spec.fraction !== undefined && spec.fraction < 1 && this.#draw() >= spec.fraction) continue;
      rule.struck += 1;
      if (rule.remaining !== undefined) {
        rule.remaining -= 1;
        if (rule.remaining === 0) spent = true;
      }
      if (latency) delay += spec.latencyMs ?? 0;
      else error = hook.makeError(spec.fault);
    }
    if (spent) {
      for (let index = this.#rules.length - 1; index >= 0; index -= 1) if (this.#rules[index]?.remaining === 0) this.#rules.splice(index, 1);
      this.#arm();
    }
    if (delay === 0) return error === undefined ? undefined : Promise.reject(error);
    const waited = this.#sleep(delay);
    return error === undefined ? waited : waited.then(() => Promise.reject(error));
  }

  /** A number in [0, 1) from the seeded sequence (or the injected source). */
  #draw(): number {
    const bytes = this.#random
      ? this.#random.bytes(4)
      : createHash('sha256')
          .update(`${this.#seed}\n${this.#counter++}`)
          .digest();
    const word = ((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0);
    return (word >>> 0) / 2 ** 32;
  }

  #arm(): void {
    for (const [service, hook] of this.#hooks) hook.armed = this.#rules.some((rule) => rule.spec.service === service);
  }
}

function describe(rule: Rule): ActiveFault {
  const { service, operation, fault, latencyMs, fraction } = rule.spec;
  return {
    id: rule.id,
    service,
    operation,
    fault,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(rule.remaining === undefined ? {} : { remaining: rule.remaining }),
    ...(fraction === undefined ? {} : { fraction }),
    struck: rule.struck,
  };
}

/**
 * What a fault's `operation` must be: `*` or an operation name (1 to 128 letters and digits);
 * anything else is refused as malformed before any other check of the name.
 * @example FAULT_OPERATION.test('GenerateDataKey') // true
 */
export const FAULT_OPERATION: RegExp = /^(\*|[A-Za-z0-9]{1,128})$/;

/** The spec as stored (only its own known members); see `add` for what is refused. */
function checkSpec(spec: FaultSpec, hooks: ReadonlyMap<string, unknown>): FaultSpec {
  if (typeof spec !== 'object' || spec === null) throw new TypeError('a fault is an object with service, operation, fault and count or fraction');
  const { service, operation, fault, latencyMs, count, fraction } = spec;
  if (typeof service !== 'string' || !hooks.has(service)) {
    throw new TypeError(
      `"service" must be one of ${[...hooks.keys()].map((name) => JSON.stringify(name)).join(', ')}; got ${JSON.stringify(service) ?? 'nothing'}`,
    );
  }
  if (typeof operation !== 'string' || !FAULT_OPERATION.test(operation)) {
    throw new TypeError(`"operation" must be an operation name or "*"; got ${JSON.stringify(operation) ?? 'nothing'}`);
  }
  if (typeof fault !== 'string' || fault === '') throw new TypeError(`"fault" must be an error code or "${LATENCY_FAULT}"`);
  if (fault === LATENCY_FAULT) {
    if (typeof latencyMs !== 'number' || !Number.isSafeInteger(latencyMs) || latencyMs < 1 || latencyMs > MAX_LATENCY_MS) {
      throw new RangeError(
        `"latencyMs" must be a whole number of milliseconds from 1 to ${MAX_LATENCY_MS} for a latency fault; got ${JSON.stringify(latencyMs) ?? 'nothing'}`,
      );
    }
  } else if (latencyMs !== undefined) {
    throw new TypeError(`"latencyMs" goes with the "${LATENCY_FAULT}" fault only (set a separate latency fault to delay ${fault})`);
  }
  if (count === undefined && fraction === undefined) throw new TypeError('a fault needs "count" (the next N calls) or "fraction" (a share of calls), or both');
  if (count !== undefined && (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1)) {
    throw new RangeError(`"count" must be a whole number of calls, at least 1; got ${JSON.stringify(count)}`);
  }
  if (fraction !== undefined && (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1))) {
    throw new RangeError(`"fraction" must be a number greater than 0 and at most 1; got ${JSON.stringify(fraction)}`);
  }
  return {
    service,
    operation,
    fault,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    ...(count === undefined ? {} : { count }),
    ...(fraction === undefined ? {} : { fraction }),
  };
}
