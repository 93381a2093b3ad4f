/**
 * @module
 * The request pipeline every call of every service goes through, in-process or over HTTP (the
 * protocol edge has already parsed the request and authenticated its caller, SigV4):
 *
 * 0. injected faults (the controls'): an error or latency a test suite set for this operation;
 * 1. throttle: one request from the caller account's quota bucket (throttled calls are audited too;
 *    an operation whose handler picks its bucket is throttled there, `QuotaRule` `byHandler`);
 * 2. validate the input against the operation's shape (the service's validation error);
 * 3. prepare: the service's clock-driven work that has fallen due (KMS: key deletions, rotations);
 * 4. handle: the operation handler, which resolves its resources, authorizes through the
 *    context (policy engine) and commits its changes; then settle (KMS: wait until durable),
 *    after a failure too (`settleFailure`);
 * 5. audit: one trail event, success or failure.
 *
 * Every failure leaves as the service's one error type (`binding.toError`).
 */

import type { Clock } from '../clock.ts';
import type { FaultHook } from '../controls/faults.ts';
import type { Principal } from '../principal.ts';
import type { AuditEventInput, AuditTrail } from '../trail/audit.ts';
import { type OperationSpec, quotaClassOf } from './registry.ts';
import type { CallScope } from './scope.ts';

/** What the pipeline reads back from a request context after the handler ran. */
export interface PipelineContext {
  /** Request time, epoch ms (one clock reading per request). */
  readonly now: number;
  /** ARNs of the resources the request touched (audit `resources`). */
  readonly resources: readonly string[];
  /** The account that owns the touched resource (audit `recipientAccountId`). */
  readonly recipientAccount: string;
}

/** Admits or throttles a request (a service's quotas over the kernel's `QuotaBuckets`). */
export interface QuotaGate {
  tryAcquire(account: string, region: string, quotaClass: string, now: number): boolean;
}

/** How a service plugs into the pipeline. */
export interface ServiceBinding<Definition extends OperationSpec, Context extends PipelineContext, Failure extends Error> {
  /** CloudTrail `eventSource` of its calls (`kms.amazonaws.com`). */
  readonly eventSource: string;
  /** CloudTrail type of the resources its calls list (`AWS::KMS::Key`). */
  readonly resourceType: string;
  readonly clock: Clock;
  readonly quotas: QuotaGate;
  readonly trail: AuditTrail;
  /** Faults a test suite injected (`FaultInjector.hook`); disarmed, it costs one property read. */
  readonly faults?: FaultHook;
  /** Checks the input against the operation's shape. @throws the service's validation error. */
  validate(definition: Definition, input: unknown): void;
  /** The context handed to the handler. */
  open(definition: Definition, scope: CallScope, now: number): Context;
  /** Work due before any handler runs at `now` (skipped when it resolves nothing). */
  prepare?(now: number): Promise<void> | undefined;
  /** Waits, after a handler succeeded, until what it answers from is durable. */
  settle?(context: Context): Promise<void> | undefined;
  /**
   * Waits, after the due work or the handler failed, until the state the refusal may rest on is
   * durable (KMS: an alias another call created is applied at once but written later). If that
   * state is lost instead (rolled back), it rejects, and the call fails with that rejection rather
   * than with a refusal no order of the calls would give.
   */
  settleFailure?(context: Context): Promise<void> | undefined;
  /** Runs after every call, success or failure. */
  finish?(context: Context): void;
  /**
   * Runs after a call's event is in the trail (`trail.latestIds()` names it), e.g. to remember
   * it as a resource's last use (KMS's GetKeyLastUsage).
   */
  recorded?(definition: Definition, context: Context, succeeded: boolean): void;
  /** Normalises anything thrown into the service's error (unknown errors: an internal error). */
  toError(error: unknown): Failure;
  /** The service's throttling error. */
  throttled(): Failure;
  /** `requestParameters` of a definition without `auditParameters`. */
  auditParameters(definition: Definition, input: unknown): Record<string, unknown> | null;
  /** Renders what a definition's `auditResponse` returns (KMS: dates as Java dates). */
  auditValue(value: Record<string, unknown> | null): unknown;
  /** The audit code of a failure (its AWS error code) and its message. */
  auditError(failure: Failure): { readonly code: string; readonly message: string };
}

/**
 * Runs operations through the stages above.
 *
 * @example
 * ```ts
 * const pipeline = new Pipeline(binding);
 * const output = await pipeline.call(REGISTRY.operations.Encrypt, input, { caller, region: 'us-east-1' });
 * ```
 */
export class Pipeline<Definition extends OperationSpec, Context extends PipelineContext, Failure extends Error> {
  readonly #binding: ServiceBinding<Definition, Context, Failure>;
  /**
   * The event object every call fills for the trail, which copies its fields and keeps no
   * reference to it: one object for the pipeline's life rather than one per call. Taken while in
   * use, so a call recorded from within another's recording (none today) fills its own.
   */
  #spareEvent: EventFields | undefined = blankEvent();

  constructor(binding: ServiceBinding<Definition, Context, Failure>) {
    this.#binding = binding;
  }

  /**
   * Serves one call.
   *
   * A call whose stages all finish synchronously (no due work, a handler that returns its output
   * rather than a promise, nothing to wait for before answering) is carried out, audited included,
   * before `call` returns, and its promise is already settled: no turn of the microtask queue per
   * stage. Anything asynchronous continues in `#finish`, through the same stages in the same order.
   * @throws the service's error (`binding.toError`) for every failure, as a rejected promise.
   */
  call(definition: Definition, input: unknown, scope: CallScope): Promise<unknown> {
    try {
      return this.#run(definition, input, scope);
    } catch (error) {
      // Only what auditing a failure itself threw gets here (as a `finally` would let it through).
      return Promise.reject(error);
    }
  }

  #run(definition: Definition, input: unknown, scope: CallScope): Promise<unknown> {
    const binding = this.#binding;
    const faults = binding.faults;
    if (faults?.armed) {
      let struck: Promise<void> | undefined;
      try {
        struck = faults.inject(definition.name);
      } catch (error) {
        return Promise.reject(this.#failed(definition, input, undefined, error, binding.open(definition, scope, binding.clock.now()), scope));
      }
      if (struck !== undefined) return this.#afterFault(struck, definition, input, scope);
    }
    const now = binding.clock.now();
    return this.#serve(definition, input, scope, binding.open(definition, scope, now), now);
  }

  /**
   * A call an injected fault struck: its latency passes (or its error is the call's), then it is
   * served. The clock is read after the wait, as a call delayed in the network reaches the service
   * later: its throttling, due work and audit event happen at the time it is served.
   */
  async #afterFault(struck: Promise<void>, definition: Definition, input: unknown, scope: CallScope): Promise<unknown> {
    const binding = this.#binding;
    try {
      await struck;
    } catch (error) {
      throw this.#failed(definition, input, undefined, error, binding.open(definition, scope, binding.clock.now()), scope);
    }
    const now = binding.clock.now();
    return this.#serve(definition, input, scope, binding.open(definition, scope, now), now);
  }

  /** Stages 1 to 5, synchronously as far as they allow (see `call`). */
  #serve(definition: Definition, input: unknown, scope: CallScope, context: Context, now: number): Promise<unknown> {
    const binding = this.#binding;
    let output: unknown;
    // From the due work on, a failure may rest on state (see `settleFailure`); throttling and
    // validation do not.
    let reading = false;
    try {
      const quotaClass = quotaClassOf(definition);
      if (quotaClass !== undefined && !binding.quotas.tryAcquire(scope.caller.account, scope.region, quotaClass, now)) throw binding.throttled();
      binding.validate(definition, input);
      reading = true;
      const due = binding.prepare?.(now);
      if (due !== undefined)
        return this.#finish(
          definition,
          input,
          scope,
          context,
          due.then(() => definition.handler(input ?? {}, context)),
        );
      output = definition.handler(input ?? {}, context);
      if (isPromiseLike(output)) return this.#finish(definition, input, scope, context, output);
      const settled = binding.settle?.(context);
      if (settled !== undefined) return this.#finish(definition, input, scope, context, undefined, output, settled);
    } catch (error) {
      const held = reading ? binding.settleFailure?.(context) : undefined;
      if (held !== undefined) return this.#failAfter(held, definition, input, output, error, context, scope);
      return Promise.reject(this.#failed(definition, input, output, error, context, scope));
    }
    this.#close(definition, input, output, undefined, context, scope);
    return Promise.resolve(output);
  }

  /**
   * The asynchronous rest of a call: waits for the handler (`handled`, which settles after it) or
   * for `settled` alone, then audits as `#serve` does.
   */
  async #finish(
    definition: Definition,
    input: unknown,
    scope: CallScope,
    context: Context,
    handled: PromiseLike<unknown> | undefined,
    output?: unknown,
    settled?: Promise<void>,
  ): Promise<unknown> {
    try {
      if (handled !== undefined) {
        output = await handled;
        settled = this.#binding.settle?.(context);
      }
    } catch (error) {
      const held = this.#binding.settleFailure?.(context);
      if (held !== undefined) return this.#failAfter(held, definition, input, output, error, context, scope);
      throw this.#failed(definition, input, output, error, context, scope);
    }
    try {
      if (settled !== undefined) await settled;
    } catch (error) {
      throw this.#failed(definition, input, output, error, context, scope);
    }
    this.#close(definition, input, output, undefined, context, scope);
    return output;
  }

  /** Fails a call once `held` (`settleFailure`) resolves; with its rejection if it rejects. */
  async #failAfter(
    held: Promise<void>,
    definition: Definition,
    input: unknown,
    output: unknown,
    error: unknown,
    context: Context,
    scope: CallScope,
  ): Promise<never> {
    let failure = error;
    try {
      await held;
    } catch (lost) {
      failure = lost;
    }
    throw this.#failed(definition, input, output, failure, context, scope);
  }

  /** The service's error for `error`, once the failed call is audited. */
  #failed(definition: Definition, input: unknown, output: unknown, error: unknown, context: Context, scope: CallScope): Failure {
    let failure: Failure | undefined;
    try {
      failure = this.#binding.toError(error);
      return failure;
    } finally {
      this.#close(definition, input, output, failure, context, scope);
    }
  }

  /** The end of every call, success or failure: the service's finish, the audit event, then `recorded`. */
  #close(definition: Definition, input: unknown, output: unknown, failure: Failure | undefined, context: Context, scope: CallScope): void {
    const binding = this.#binding;
    binding.finish?.(context);
    const event = this.#event(definition, input, output, failure, context, scope);
    try {
      binding.trail.record(event as AuditEventInput);
    } finally {
      // Released without what it referred to (a field may be large, a context's values secret-free
      // but the caller's): the next call overwrites every other field.
      event.requestParameters = null;
      event.responseElements = null;
      event.additionalEventData = undefined;
      event.errorMessage = undefined;
      this.#spareEvent = event;
    }
    binding.recorded?.(definition, context, failure === undefined);
  }

  /**
   * Records an event the service itself causes (a clock-driven change: KMS's RotateKey), as
   * CloudTrail's `AwsServiceEvent` by `AWS Internal`.
   */
  recordServiceEvent(event: {
    readonly name: string;
    readonly time: number;
    readonly region: string;
    readonly account: string;
    readonly resources: readonly string[];
    readonly details: Record<string, unknown>;
  }): void {
    const binding = this.#binding;
    const internal: Principal = { arn: 'AWS Internal', account: event.account, type: 'AWSService', invokedBy: 'AWS Internal' };
    binding.trail.record({
      eventTime: event.time,
      eventName: event.name,
      eventSource: binding.eventSource,
      resourceType: binding.resourceType,
      eventType: 'AwsServiceEvent',
      serviceEventDetails: event.details,
      region: event.region,
      caller: internal,
      sourceIpAddress: 'AWS Internal',
      userAgent: 'AWS Internal',
      requestParameters: null,
      responseElements: null,
      resources: event.resources,
      readOnly: false,
      recipientAccountId: event.account,
    });
  }

  // Every call fills one event (the spare one): rendered without closures or spreads of temporary objects.
  #event(definition: Definition, input: unknown, output: unknown, failure: Failure | undefined, context: Context, scope: CallScope): EventFields {
    const binding = this.#binding;
    let parameters: Record<string, unknown> | null;
    try {
      parameters = asRecord(definition.auditParameters ? definition.auditParameters(input) : binding.auditParameters(definition, input));
    } catch {
      parameters = null;
    }
    const { auditResponse, auditAdditional } = definition;
    let response: Record<string, unknown> | null = null;
    if (failure === undefined && auditResponse) {
      try {
        response = asRecord(binding.auditValue(auditResponse.call(definition, output)));
      } catch {
        response = null;
      }
    }
    let additional: Record<string, unknown> | undefined;
    if (auditAdditional) {
      try {
        additional = asRecord(auditAdditional.call(definition, input, output, context)) ?? undefined;
      } catch {
        additional = undefined;
      }
    }
    const resources = definition.auditResources ? definition.auditResources(input, context.resources, scope) : context.resources;
    const event = this.#spareEvent ?? blankEvent();
    this.#spareEvent = undefined;
    event.eventTime = context.now;
    event.eventName = definition.name;
    event.eventSource = binding.eventSource;
    event.resourceType = binding.resourceType;
    event.region = scope.region;
    event.caller = scope.caller;
    event.sourceIpAddress = scope.sourceIpAddress ?? '127.0.0.1';
    event.userAgent = scope.userAgent ?? 'strongbox-in-process';
    event.requestParameters = parameters;
    event.responseElements = response;
    event.resources = resources;
    event.readOnly = definition.readOnly;
    event.recipientAccountId = context.recipientAccount;
    event.requestId = scope.requestId;
    event.additionalEventData = additional;
    if (failure === undefined) {
      event.errorCode = undefined;
      event.errorMessage = undefined;
    } else {
      const error = binding.auditError(failure);
      event.errorCode = error.code;
      event.errorMessage = error.message;
    }
    return event;
  }
}

/**
 * A call's audit event as the pipeline fills it: every field always present, the optional ones
 * `undefined` when absent (the trail reads an `undefined` field as absent).
 */
type EventFields = {
  -readonly [K in keyof AuditEventInput]-?: Exclude<AuditEventInput[K], undefined> | (undefined extends AuditEventInput[K] ? undefined : never);
};

/** An event object with every field, to be filled (one shape for every call, so reads stay monomorphic). */
function blankEvent(): EventFields {
  return {
    eventTime: 0,
    eventName: '',
    eventSource: '',
    resourceType: '',
    eventType: undefined,
    serviceEventDetails: undefined,
    region: '',
    caller: NO_CALLER,
    sourceIpAddress: '',
    userAgent: '',
    requestId: undefined,
    requestParameters: null,
    responseElements: null,
    additionalEventData: undefined,
    resources: NO_RESOURCES,
    readOnly: false,
    recipientAccountId: '',
    errorCode: undefined,
    errorMessage: undefined,
  };
}

const NO_CALLER: Principal = Object.freeze({ arn: '', account: '', type: 'AWSService' });
const NO_RESOURCES: readonly string[] = Object.freeze([]);

/** Whether a handler answered with a promise (or any thenable) rather than its output. */
function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * A rendered audit field, when it is an object (anything else records as null). Audit rendering
 * must never turn a served request into a failure: its callers catch what rendering throws.
 */
function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
