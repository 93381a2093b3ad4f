/**
 * @module
 * How KMS plugs into the kernel's request pipeline (`ServiceBinding`): shape validation, the
 * per-request context, the clock-driven changes due before a request, durability before
 * answering, key usage tracking (GetKeyLastUsage), and KMS's audit rendering and errors.
 */

import type { Backend } from '@strongbox/envelope';
import type { AuditTrail, CallScope, Clock, FaultHook, Pipeline, Random, ServiceBinding } from '@strongbox/service-kernel';
import { type KmsError, throttled, toKmsError } from '../errors.ts';
import { type KeyUsageLog, TRACKED_OPERATIONS, type TrackedUse, usageLogOf } from '../model/key-last-usage.ts';
import { dueChanges, nextDueTime } from '../model/lifecycle.ts';
import type { RequestQuotas } from '../model/quotas.ts';
import type { KmsState } from '../model/state.ts';
import type { KmsSettings, OperationDefinition } from '../operations/types.ts';
import type { ChangeStore } from '../persistence/store.ts';
import { validate } from '../protocol/shapes.ts';
import { auditJson, defaultAuditParameters, ParameterInterner, serviceEventOf } from './audit-fields.ts';
import { RequestContext, type RequestServices } from './context.ts';
import { recordRelated } from './related-events.ts';
import { EVENT_SOURCE, RESOURCE_TYPE } from './trail-names.ts';

/** What KMS's pipeline runs on. */
export interface KmsParts {
  readonly store: ChangeStore;
  readonly clock: Clock;
  readonly random: Random;
  readonly backend: Backend;
  readonly quotas: RequestQuotas;
  readonly trail: AuditTrail;
  readonly settings: KmsSettings;
  readonly faults: FaultHook | undefined;
}

/**
 * How KMS plugs into the kernel's pipeline: shape validation, the per-request context, the
 * clock-driven changes due before a request (key deletion, rotations, expired imported material,
 * each recorded as the service event KMS logs for it), durability before answering, and KMS's
 * audit rendering and errors.
 */
export function kmsBinding(
  parts: KmsParts,
  pipeline: () => Pipeline<OperationDefinition, RequestContext, KmsError>,
): ServiceBinding<OperationDefinition, RequestContext, KmsError> {
  const { store, random, backend, settings } = parts;
  const services: RequestServices = Object.freeze({ store, backend, random, settings, quotas: parts.quotas });
  // The emulator's own interned requestParameters: they go with it (and with nothing else).
  const interner = new ParameterInterner();
  // The next time a clock-driven change falls due: requests before it skip the scan.
  let nextDue = -Infinity;
  const prepare = (now: number): Promise<void> | undefined => (now < nextDue ? undefined : advance(now));
  const advance = async (now: number): Promise<void> => {
    const changes = dueChanges(store.state, now, random);
    if (changes.length > 0) {
      const events = changes.flatMap((change) => serviceEventOf(change, store.state));
      await store.commit(changes);
      for (const [name, key] of events) {
        pipeline().recordServiceEvent({ name, time: now, region: key.region, account: key.account, resources: [key.arn], details: { keyId: key.keyId } });
      }
    }
    nextDue = nextDueTime(store.state);
  };
  // The usage log of the current state, looked up again only when the state object changes.
  let usageState: KmsState | undefined;
  let usageLogOfState: KeyUsageLog | undefined;
  function usageLog(now: number): KeyUsageLog {
    if (usageLogOfState === undefined || usageState !== store.state) {
      usageState = store.state;
      usageLogOfState = usageLogOf(usageState, now);
    }
    return usageLogOfState;
  }
  // Each key's record is overwritten in place with the event's sequence number in the trail: its
  // ids are written out as text only when GetKeyLastUsage asks.
  function recordUse(operation: string, context: RequestContext): void {
    const trail = parts.trail;
    const sequence = trail.latestSequence();
    if (sequence === undefined) return;
    const log = usageLog(context.now);
    const requestId = trail.latestRequestId();
    const resources = context.resources;
    // A call on the same key as the previous one (its one-element list is shared, see context.ts)
    // updates the same record: found without the map lookup.
    if (resources === lastResources && log === lastLog && lastUse !== undefined) {
      lastUse.update(operation, context.now, requestId, trail, sequence);
      return;
    }
    for (let i = 0; i < resources.length; i++) {
      lastUse = log.slot(resources[i] as string);
      lastUse.update(operation, context.now, requestId, trail, sequence);
    }
    lastResources = resources.length === 1 ? resources : undefined;
    lastLog = log;
  }
  // Whether the operation called last is tracked: a run of calls of one operation asks the set once.
  let trackedDefinition: OperationDefinition | undefined;
  let tracked = false;
  function isTracked(definition: OperationDefinition): boolean {
    if (definition !== trackedDefinition) {
      tracked = TRACKED_OPERATIONS.has(definition.name);
      trackedDefinition = definition;
    }
    return tracked;
  }
  let lastResources: readonly string[] | undefined;
  let lastLog: KeyUsageLog | undefined;
  let lastUse: TrackedUse | undefined;
  return {
    eventSource: EVENT_SOURCE,
    resourceType: RESOURCE_TYPE,
    clock: parts.clock,
    quotas: parts.quotas,
    trail: parts.trail,
    ...(parts.faults === undefined ? {} : { faults: parts.faults }),
    validate: (definition, input) => validate(definition.input, input),
    open: (definition, scope: CallScope, now) => new RequestContext(services, definition, scope, now),
    // A store that lost its data directory to another process refuses every call before it runs;
    // one that cannot lose it (memory) adds nothing per call.
    prepare: store.refusal === undefined ? prepare : (now) => store.refusal?.() ?? prepare(now),
    // The response may rest on changes that concurrent requests applied but have not yet made
    // durable (say, Encrypt under the material a rotation just added): answer once they are.
    settle: () => store.whenDurable?.(),
    // So may a refusal (AlreadyExistsException for an alias a concurrent CreateAlias applied but
    // has not yet written): it waits too, and if that change is rolled back (a full disk) the
    // call fails as the change did, with the retryable KMSInternalException, rather than refusing
    // for a change that never took effect. AWS answers each request as if requests took effect
    // one at a time, and no such order refuses a request for a change that did not happen.
    settleFailure: () => store.whenDurable?.(),
    // A committed change may schedule a deletion or rotation: recompute what is due next time.
    finish: (context) => {
      if (context.committed) nextDue = -Infinity;
    },
    // GetKeyLastUsage: the keys a successful cryptographic call used, with the ids just audited.
    // Events the call caused in other Regions come right after its own, sharing its request id
    // (the tracked cryptographic operations cause none, so latestIds below is still theirs).
    recorded: (definition, context, succeeded) => {
      if (succeeded && context.related !== undefined) recordRelated(parts.trail, context, context.related);
      if (succeeded && isTracked(definition)) recordUse(definition.name, context);
    },
    toError: toKmsError,
    throttled,
    auditParameters: (definition, input) => defaultAuditParameters(definition, input, interner),
    auditValue: (value) => auditJson(value),
    auditError: (failure) => ({ code: failure.name, message: failure.message }),
  };
}
