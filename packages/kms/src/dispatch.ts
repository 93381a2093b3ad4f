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
import type { Clock, Random } from './model/environment.ts';
import { TRACKED_OPERATIONS, usageLogOf } from './model/key-last-usage.ts';
import { dueChanges, nextDueTime } from './model/lifecycle.ts';
import type { Principal } from './model/principal.ts';
import type { RequestQuotas } from './model/quotas.ts';
import { isReadOnly, quotaClassOf, type OperationName } from './operations/catalog.ts';
import { OPERATIONS } from './operations/index.ts';
import type { KmsSettings, OperationDefinition } from './operations/types.ts';
import type { ChangeStore } from './persistence/store.ts';
import { validate } from './protocol/shapes.ts';
import { additionalEventData, auditJson, auditResources, defaultAuditParameters, defaultAuditResponse, safely, serviceEventOf } from './audit-fields.ts';

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
    // Key usage tracking starts with the emulator (GetKeyLastUsage's TrackingStartDate).
    usageLogOf(parts.store.state, parts.clock.now());
  }

  /**
   * Serves one call.
   * @throws KmsError for every failure (anything else is normalised to KMSInternalException).
   */
  async call(operation: OperationName, input: unknown, scope: CallScope): Promise<unknown> {
    const { clock, quotas, store, backend, random, settings } = this.#parts;
    const definition: OperationDefinition = OPERATIONS[operation];
    const now = clock.now();
    const context = new RequestContext({ operation, now, region: scope.region, caller: scope.caller, store, backend, random, settings, ...(scope.sourceIpAddress === undefined ? {} : { sourceIpAddress: scope.sourceIpAddress }) });
    let output: unknown;
    let failure: KmsError | undefined;
    try {
      if (!quotas.tryAcquire(scope.caller.account, scope.region, quotaClassOf(operation), now)) throw throttled();
      validate(definition.input, input);
      await this.#advance(now);
      output = await definition.handler(input ?? {}, context);
      // The response may rest on changes that concurrent requests applied but have not yet made
      // durable (say, Encrypt under the material a rotation just added): answer once they are.
      const durable = store.whenDurable?.();
      if (durable !== undefined) await durable;
      return output;
    } catch (error) {
      failure = toKmsError(error);
      throw failure;
    } finally {
      // A committed change may schedule a deletion or rotation: recompute what is due next time.
      if (context.committed) this.#nextDue = -Infinity;
      this.#audit(definition, input, output, failure, context, scope);
      if (failure === undefined && TRACKED_OPERATIONS.has(operation)) this.#recordUsage(operation, context);
    }
  }

  /** GetKeyLastUsage: the key(s) a successful cryptographic call used, with the ids just audited. */
  #recordUsage(operation: OperationName, context: RequestContext): void {
    const ids = this.#parts.audit.latestIds();
    if (ids === undefined) return;
    const log = usageLogOf(this.#parts.store.state, context.now);
    for (const arn of context.resources) log.record(arn, { operation, timestamp: context.now, eventId: ids.eventId, requestId: ids.requestId });
  }

  /**
   * Commits the clock-driven changes due at `now` (skipped until the next due time), and records
   * each as the service event KMS logs for it.
   */
  async #advance(now: number): Promise<void> {
    if (now < this.#nextDue) return;
    const { store, random } = this.#parts;
    const changes = dueChanges(store.state, now, random);
    if (changes.length > 0) {
      const events = changes.flatMap((change) => serviceEventOf(change, store.state));
      await store.commit(changes);
      for (const [name, key] of events) {
        this.#parts.audit.record({
          eventTime: now,
          eventName: name,
          eventType: 'AwsServiceEvent',
          serviceEventDetails: { keyId: key.keyId },
          region: key.region,
          caller: { arn: 'AWS Internal', account: key.account, type: 'AWSService', invokedBy: 'AWS Internal' },
          sourceIpAddress: 'AWS Internal',
          userAgent: 'AWS Internal',
          requestParameters: null,
          responseElements: null,
          resources: [key.arn],
          readOnly: false,
          recipientAccountId: key.account,
        });
      }
    }
    this.#nextDue = nextDueTime(store.state);
  }

  #audit(definition: OperationDefinition, input: unknown, output: unknown, failure: KmsError | undefined, context: RequestContext, scope: CallScope): void {
    const { audit } = this.#parts;
    const name = definition.name;
    const parameters = definition.auditParameters ? safely(() => definition.auditParameters!(input)) : safely(() => defaultAuditParameters(name, input));
    const response = failure === undefined ? safely(() => (definition.auditResponse ? auditJson(definition.auditResponse(output)) : defaultAuditResponse(name, output))) : null;
    const additional = additionalEventData(name, input, output, this.#parts.store.state);
    audit.record({
      eventTime: context.now,
      eventName: name,
      region: scope.region,
      caller: scope.caller,
      sourceIpAddress: scope.sourceIpAddress ?? '127.0.0.1',
      userAgent: scope.userAgent ?? 'strongbox-in-process',
      ...(scope.requestId === undefined ? {} : { requestId: scope.requestId }),
      requestParameters: parameters,
      responseElements: response,
      ...(additional === undefined ? {} : { additionalEventData: additional }),
      resources: auditResources(name, input, context, scope),
      readOnly: isReadOnly(name),
      recipientAccountId: context.recipientAccount,
      ...(failure === undefined ? {} : { errorCode: failure.name, errorMessage: failure.message }),
    });
  }
}
