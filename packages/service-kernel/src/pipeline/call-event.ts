/**
 * @module
 * A call's audit event as the pipeline renders it: the operation's and the service's audit fields
 * (a renderer that throws records null, or for `additionalEventData` what was rendered before it:
 * auditing never fails a served call), the caller and source from the call's scope, and the
 * failure's code and message, filled into one event object of a fixed shape that the pipeline
 * reuses from call to call.
 */

import type { Principal } from '../principal.ts';
import type { AuditEventInput } from '../trail/audit.ts';
import { tlsDetailsOf } from '../trail/tls-details.ts';
import type { PipelineContext, ServiceBinding } from './binding.ts';
import type { OperationSpec } from './registry.ts';
import type { CallScope } from './scope.ts';

/**
 * A call's audit event as the pipeline fills it: every field always present, the optional ones
 * `undefined` when absent (the trail reads an `undefined` field as absent).
 */
export type EventFields = {
  -readonly [K in keyof AuditEventInput]-?: Exclude<AuditEventInput[K], undefined> | (undefined extends AuditEventInput[K] ? undefined : never);
};

/** An event object with every field, to be filled (one shape for every call, so reads stay monomorphic). */
export function blankEvent(): EventFields {
  return {
    eventTime: 0,
    eventName: '',
    eventSource: '',
    resourceType: '',
    eventCategory: undefined,
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
    resourceAccountIds: undefined,
    readOnly: false,
    recipientAccountId: '',
    errorCode: undefined,
    errorMessage: undefined,
    tlsDetails: undefined,
  };
}

const NO_CALLER: Principal = Object.freeze({ arn: '', account: '', type: 'AWSService' });
const NO_RESOURCES: readonly string[] = Object.freeze([]);

/**
 * Fills `event` with the audit event of a call (`failure` undefined: it succeeded), and returns it.
 * Every call fills one event (the pipeline's spare one): rendered without closures or spreads of
 * temporary objects.
 * @example const event = fillCallEvent(blankEvent(), binding, definition, input, output, undefined, context, scope);
 */
export function fillCallEvent<Definition extends OperationSpec, Context extends PipelineContext, Failure extends Error>(
  event: EventFields,
  binding: ServiceBinding<Definition, Context, Failure>,
  definition: Definition,
  input: unknown,
  output: unknown,
  failure: Failure | undefined,
  context: Context,
  scope: CallScope,
): EventFields {
  let parameters: Record<string, unknown> | null;
  try {
    parameters = asRecord(definition.auditParameters ? definition.auditParameters(input, scope) : binding.auditParameters(definition, input, scope));
  } catch {
    parameters = null;
  }
  const { auditResponse, auditAdditional } = definition;
  let response: Record<string, unknown> | null = null;
  if (failure === undefined && auditResponse) {
    try {
      response = asRecord(binding.auditValue(auditResponse.call(definition, output, input, context)));
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
  if (binding.auditAdditional) {
    // Each audit field degrades on its own: a service-wide renderer that throws leaves the
    // definition's own data (already rendered) as it was, rather than dropping it with its own.
    try {
      additional = asRecord(binding.auditAdditional(definition, additional, input, output, failure === undefined, scope)) ?? undefined;
    } catch {
      // `additional` keeps the definition's own.
    }
  }
  const resources = definition.auditResources ? definition.auditResources(input, context.resources, scope) : context.resources;
  event.eventTime = context.now;
  event.eventName = definition.auditName ?? definition.name;
  event.eventSource = binding.eventSource;
  event.resourceType = binding.resourceType;
  event.eventCategory = definition.eventCategory === 'Data' ? 'Data' : undefined;
  event.region = scope.region;
  event.caller = scope.caller;
  event.sourceIpAddress = scope.sourceIpAddress ?? '127.0.0.1';
  event.userAgent = scope.userAgent ?? 'strongbox-in-process';
  event.requestParameters = parameters;
  event.responseElements = response;
  event.resources = resources;
  event.resourceAccountIds = context.resourceAccounts;
  event.readOnly = definition.readOnly;
  event.recipientAccountId = context.recipientAccount;
  event.requestId = scope.requestId;
  event.additionalEventData = additional;
  // Read from the connection only now, when the call is recorded.
  event.tlsDetails = scope.tls === undefined ? undefined : tlsDetailsOf(scope.tls, scope.host);
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

/**
 * A rendered audit field, when it is an object (anything else records as null). Audit rendering
 * must never turn a served request into a failure: its callers catch what rendering throws.
 */
function asRecord(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
