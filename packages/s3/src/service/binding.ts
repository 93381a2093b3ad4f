/**
 * @module
 * How S3 plugs into the kernel's request pipeline: its CloudTrail event source, the request
 * context each call's handler gets, the check that every operation authorized its request, and
 * its error, throttling and audit rendering.
 */

import type { AuditTrail, CallScope, Clock, FaultHook, QuotaGate, ServiceBinding } from '@strongbox/service-kernel';
import { S3Error, toS3Error } from '../errors.ts';
import { OPERATIONS } from '../operations/index.ts';
import { queryParameters } from '../operations/shared/audit.ts';
import { additionalEventData } from '../operations/shared/audit-event-data.ts';
import type { AtRestCrypto, OperationDefinition, S3Settings } from '../operations/types.ts';
import type { SignatureFacts } from '../policy/request-context.ts';
import type { ObjectStore } from '../storage/types.ts';
import { RequestContext } from './context.ts';
import type { S3CallScope } from './options.ts';
import { type Fence, refuseWhenTakenOver } from './takeover-fence.ts';

const EVENT_SOURCE = 's3.amazonaws.com';
const RESOURCE_TYPE = 'AWS::S3::Bucket';

/**
 * Tells `trail` which of S3's CloudTrail event names are data events (every definition marked
 * `Data`, under its CloudTrail name and its operation name: ListObjectsV2 as `ListObjects` and as
 * `ListObjectsV2`, the name older versions recorded it under), so that S3 events a data directory
 * kept from a version without the data-event mark read back as data events. No management
 * operation shares either name, so no management event is marked.
 * @example markS3DataEvents(s3.auditTrail)
 */
export function markS3DataEvents(trail: AuditTrail): void {
  const names: string[] = [];
  for (const definition of Object.values(OPERATIONS) as OperationDefinition[]) {
    if (definition.eventCategory !== 'Data') continue;
    names.push(definition.name);
    if (definition.auditName !== undefined && definition.auditName !== definition.name) names.push(definition.auditName);
  }
  trail.markDataEvents(EVENT_SOURCE, names);
}

/** What S3's pipeline binding serves calls with: the engine's parts, made once at start-up. */
export interface BindingParts {
  readonly clock: Clock;
  readonly quotas: QuotaGate;
  readonly faults: FaultHook | undefined;
  /** The takeover fence of a data directory; undefined for memory and caller-made stores. */
  readonly fence: Fence | undefined;
  readonly store: ObjectStore;
  readonly crypto: AtRestCrypto;
  readonly settings: S3Settings;
}

/**
 * S3's binding to the kernel's pipeline, recording its events in `eventTrail`.
 * @example const management = new Pipeline(s3Binding(parts, trail));
 */
export function s3Binding(parts: BindingParts, eventTrail: AuditTrail): ServiceBinding<OperationDefinition, RequestContext, S3Error> {
  const { clock, quotas, faults, fence, store, crypto, settings } = parts;
  return {
    eventSource: EVENT_SOURCE,
    resourceType: RESOURCE_TYPE,
    clock,
    quotas,
    trail: eventTrail,
    ...(faults === undefined ? {} : { faults }),
    validate: (_definition, input) => {
      if (typeof input !== 'object' || input === null) throw new TypeError('an S3 request is an object of members');
    },
    // A data directory another process took over: every call is refused before it runs (this
    // process's index and bucket policies are stale). Memory and caller-made stores skip the check.
    ...(fence === undefined ? {} : { prepare: refuseWhenTakenOver(fence) }),
    open: (definition, scope, now) =>
      new RequestContext({
        operation: definition.name,
        now,
        clock,
        region: scope.region,
        endpointRegion: (scope as Partial<S3CallScope>).endpointRegion,
        caller: scope.caller,
        secureTransport: secureTransportOf(scope),
        store,
        crypto,
        settings,
        access: definition.access,
        input: (scope as Partial<S3CallScope>).input,
        ...(scope.sourceIpAddress === undefined ? {} : { sourceIp: scope.sourceIpAddress }),
        ...signatureOf(scope),
        ...refusalOf(scope),
      }),
    // Every operation authorizes its request (`ownedBucket`, or `authorizeOperation` for those on
    // no bucket): one that answered without doing so is a bug, never a silent grant.
    settle: (context) => {
      if (!context.authorized) throw new Error(`S3 operation ${context.operation} answered without authorizing the request`);
      return undefined;
    },
    toError: toS3Error,
    throttled: () => new S3Error('SlowDown'),
    // Operations without their own rendering log their query, bucket and key (`queryParameters`).
    auditParameters: (definition, input, scope) => queryParameters(definition.rest, input as { readonly Bucket?: unknown }, scope),
    auditValue: (value) => value,
    auditError: (failure) => ({ code: failure.code, message: failure.message }),
    // How each call was signed and sent (`additionalEventData`); built only for a recorded call.
    auditAdditional: (definition, own, input, output, succeeded, scope) => additionalEventData(definition.name, own, input, output, succeeded, scope),
  };
}

function signatureOf(scope: CallScope): { signature?: SignatureFacts } {
  const signature = (scope as Partial<S3CallScope>).signature;
  return signature === undefined ? {} : { signature };
}

function refusalOf(scope: CallScope): { refusalOnceGranted?: Error } {
  const refusal = (scope as Partial<S3CallScope>).refusalOnceGranted;
  return refusal === undefined ? {} : { refusalOnceGranted: refusal };
}

function secureTransportOf(scope: CallScope): boolean {
  return (scope as Partial<S3CallScope>).secureTransport ?? true;
}
