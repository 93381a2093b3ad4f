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
 * Every failure leaves as the service's one error type (`binding.toError`). What a service plugs in
 * is its binding (`binding.ts`); a call's audit event is rendered by `call-event.ts`.
 */

import type { Principal } from '../principal.ts';
import type { AuditEventInput } from '../trail/audit.ts';
import type { PipelineContext, ServiceBinding } from './binding.ts';
import { blankEvent, type EventFields, fillCallEvent } from './call-event.ts';
import { type OperationSpec, quotaClassOf } from './registry.ts';
import type { CallScope } from './scope.ts';

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
  /** Whether the trail keeps events (S3's data events are not kept unless enabled): if not, none is rendered. */
  readonly #recording: boolean;

  constructor(binding: ServiceBinding<Definition, Context, Failure>) {
    this.#binding = binding;
    this.#recording = binding.trail.recording;
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
    if (this.#recording) this.#record(definition, input, output, failure, context, scope);
    binding.recorded?.(definition, context, failure === undefined);
  }

  /** Renders the call's audit event into the spare event object and hands it to the trail. */
  #record(definition: Definition, input: unknown, output: unknown, failure: Failure | undefined, context: Context, scope: CallScope): void {
    const binding = this.#binding;
    const event = this.#spareEvent ?? blankEvent();
    this.#spareEvent = undefined;
    fillCallEvent(event, binding, definition, input, output, failure, context, scope);
    try {
      binding.trail.record(event as AuditEventInput);
    } finally {
      // Released without what it referred to (a field may be large, a context's values secret-free
      // but the caller's): the next call overwrites every other field.
      event.requestParameters = null;
      event.responseElements = null;
      event.additionalEventData = undefined;
      event.errorMessage = undefined;
      event.tlsDetails = undefined;
      this.#spareEvent = event;
    }
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
}

/** Whether a handler answered with a promise (or any thenable) rather than its output. */
function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
