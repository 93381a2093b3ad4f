/**
 * @module
 * How a service plugs into the request pipeline (`pipeline.ts`): its binding (event source, clock,
 * quotas, trail, and the hooks each stage calls), the quota gate it throttles through, and what the
 * pipeline reads back from a request context.
 */

import type { Clock } from '../clock.ts';
import type { FaultHook } from '../controls/faults.ts';
import type { AuditTrail } from '../trail/audit.ts';
import type { OperationSpec } from './registry.ts';
import type { CallScope } from './scope.ts';

/** What the pipeline reads back from a request context after the handler ran. */
export interface PipelineContext {
  /** Request time, epoch ms (one clock reading per request). */
  readonly now: number;
  /** ARNs of the resources the request touched (audit `resources`). */
  readonly resources: readonly string[];
  /**
   * The accounts that own the touched resources whose ARNs name none (S3 buckets), in the order
   * they were touched (audit `resourceAccountIds`); absent: the service's ARNs name their account.
   */
  readonly resourceAccounts?: readonly string[];
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
  /** `requestParameters` of a definition without `auditParameters`, given the call's scope (S3 logs its `Host`). */
  auditParameters(definition: Definition, input: unknown, scope: CallScope): Record<string, unknown> | null;
  /** Renders what a definition's `auditResponse` returns (KMS: dates as Java dates). */
  auditValue(value: Record<string, unknown> | null): unknown;
  /** The audit code of a failure (its AWS error code) and its message. */
  auditError(failure: Failure): { readonly code: string; readonly message: string };
  /**
   * `additionalEventData` of every call of the service (S3: how the request was signed and sent),
   * given the definition's own (`auditAdditional`, undefined when it has none) and whether the call
   * succeeded; undefined: none. Absent: the definition's own, as KMS records it. If it throws, the
   * event keeps the definition's own.
   */
  auditAdditional?(
    definition: Definition,
    own: Record<string, unknown> | undefined,
    input: unknown,
    output: unknown,
    succeeded: boolean,
    scope: CallScope,
  ): Record<string, unknown> | undefined;
}
