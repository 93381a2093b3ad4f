/**
 * @module
 * The request pipeline every call goes through, in-process or over HTTP:
 *
 * 1. quota: one request from the caller account's bucket (throttled calls are audited too);
 * 2. validation of the input against the operation's shape (AWS's ValidationException text);
 * 3. clock-driven changes that have fallen due (key deletion, rotations), committed first;
 * 4. the operation handler (resolves keys, authorizes, commits its changes);
 * 5. one audit event, success or failure.
 */

import type { Backend } from '@strongbox/envelope';
import { RequestContext } from './context.ts';
import { throttled, toKmsError, type KmsError } from './errors.ts';
import type { AuditTrail } from './model/audit.ts';
import { uuidFromBytes, type Clock, type Random } from './model/environment.ts';
import { dueChanges, nextDueTime } from './model/lifecycle.ts';
import type { Principal } from './model/principal.ts';
import type { RequestQuotas } from './model/quotas.ts';
import { isReadOnly, quotaClassOf, type OperationName } from './operations/catalog.ts';
import { OPERATIONS } from './operations/index.ts';
import type { KmsSettings, OperationDefinition } from './operations/types.ts';
import type { ChangeStore } from './persistence/store.ts';
import { validate } from './protocol/shapes.ts';

/** Per-call facts that do not belong in the request body. */
export interface CallScope {
  readonly caller: Principal;
  readonly region: string;
  readonly requestId?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
}

/** What the dispatcher runs on. */
export interface DispatcherParts {
  readonly store: ChangeStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly backend: Backend;
  readonly quotas: RequestQuotas;
  readonly audit: AuditTrail;
  readonly settings: KmsSettings;
}

/** Runs operations. */
export class Dispatcher {
  readonly #parts: DispatcherParts;
  #nextDue = -Infinity;

  constructor(parts: DispatcherParts) {
    this.#parts = parts;
  }

  /**
   * Serves one call.
   * @throws KmsError for every failure (anything else is normalised to KMSInternalException).
   */
  async call(operation: OperationName, input: unknown, scope: CallScope): Promise<unknown> {
    const { clock, quotas, store, backend, random, settings } = this.#parts;
    const definition: OperationDefinition = OPERATIONS[operation];
    const now = clock.now();
    const context = new RequestContext({ operation, now, region: scope.region, caller: scope.caller, store, backend, random, settings });
    let output: unknown;
    let failure: KmsError | undefined;
    try {
      if (!quotas.tryAcquire(scope.caller.account, scope.region, quotaClassOf(operation), now)) throw throttled();
      validate(definition.input, input);
      await this.#advance(now);
      output = await definition.handler(input ?? {}, context);
      return output;
    } catch (error) {
      failure = toKmsError(error);
      throw failure;
    } finally {
      // A committed change may schedule a deletion or rotation: recompute what is due next time.
      if (context.committed) this.#nextDue = -Infinity;
      this.#audit(definition, input, output, failure, context, scope);
    }
  }

  /** Commits the clock-driven changes due at `now` (skipped until the next due time). */
  async #advance(now: number): Promise<void> {
    if (now < this.#nextDue) return;
    const { store, random } = this.#parts;
    const changes = dueChanges(store.state, now, random);
    if (changes.length > 0) await store.commit(changes);
    this.#nextDue = nextDueTime(store.state);
  }

  #audit(definition: OperationDefinition, input: unknown, output: unknown, failure: KmsError | undefined, context: RequestContext, scope: CallScope): void {
    const { audit, random } = this.#parts;
    const parameters = definition.auditParameters ? safely(() => definition.auditParameters!(input)) : defaultAuditParameters(input);
    audit.record({
      eventId: uuidFromBytes(random.bytes(16)),
      eventTime: context.now,
      eventName: definition.name,
      region: scope.region,
      caller: scope.caller,
      sourceIpAddress: scope.sourceIpAddress ?? '127.0.0.1',
      userAgent: scope.userAgent ?? 'strongbox-in-process',
      requestId: scope.requestId ?? uuidFromBytes(random.bytes(16)),
      requestParameters: parameters,
      responseElements: failure === undefined && definition.auditResponse ? safely(() => definition.auditResponse!(output)) : null,
      resources: context.resources,
      readOnly: isReadOnly(definition.name),
      recipientAccountId: context.recipientAccount,
      ...(failure === undefined ? {} : { errorCode: failure.name, errorMessage: failure.message }),
    });
  }
}

/**
 * CloudTrail-style request parameters: members in lowerCamelCase, blobs left out (plaintext and
 * ciphertext never reach the audit trail), nested structures kept.
 */
export function defaultAuditParameters(input: unknown): Record<string, unknown> | null {
  if (typeof input !== 'object' || input === null) return null;
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value instanceof Uint8Array || value === undefined) continue;
    out[name.charAt(0).toLowerCase() + name.slice(1)] = auditValue(value);
  }
  return Object.keys(out).length === 0 ? null : out;
}

function auditValue(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(auditValue);
  if (value instanceof Uint8Array) return undefined;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, auditValue(v)]));
  }
  return value;
}

/** Audit rendering must never turn a served request into a failure. */
function safely(render: () => Record<string, unknown> | null): Record<string, unknown> | null {
  try {
    return render();
  } catch {
    return null;
  }
}
