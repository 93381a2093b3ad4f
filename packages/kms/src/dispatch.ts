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
import { EventIds, type AuditTrail } from './model/audit.ts';
import { javaDateString } from './model/cloudtrail.ts';
import { grantIdOfToken } from './model/grants.ts';
import type { Clock, Random } from './model/environment.ts';
import { aliasArn } from './model/identifiers.ts';
import { dueChanges, nextDueTime } from './model/lifecycle.ts';
import type { Principal } from './model/principal.ts';
import type { RequestQuotas } from './model/quotas.ts';
import { isCryptographic, isReadOnly, quotaClassOf, type OperationName } from './operations/catalog.ts';
import { OPERATIONS } from './operations/index.ts';
import type { KmsSettings, OperationDefinition } from './operations/types.ts';
import type { ChangeStore } from './persistence/store.ts';
import { validate, type Shape } from './protocol/shapes.ts';

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
  readonly #eventIds: EventIds;
  #nextDue = -Infinity;

  constructor(parts: DispatcherParts) {
    this.#parts = parts;
    this.#eventIds = new EventIds(parts.random);
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
    const { audit } = this.#parts;
    const name = definition.name;
    const parameters = definition.auditParameters ? safely(() => definition.auditParameters!(input)) : safely(() => defaultAuditParameters(name, input));
    const response = failure === undefined ? safely(() => (definition.auditResponse ? auditJson(definition.auditResponse(output)) : defaultAuditResponse(name, output))) : null;
    const additional = additionalEventData(name, input, output);
    audit.record({
      eventId: this.#eventIds.next(),
      eventTime: context.now,
      eventName: name,
      region: scope.region,
      caller: scope.caller,
      sourceIpAddress: scope.sourceIpAddress ?? '127.0.0.1',
      userAgent: scope.userAgent ?? 'strongbox-in-process',
      requestId: scope.requestId ?? this.#eventIds.next(),
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

/**
 * Values KMS fills into `requestParameters` when the caller left them out (KMS Developer Guide
 * CloudTrail examples: ct-decrypt "always includes encryptionAlgorithm", ct-encrypt, ct-reencrypt,
 * ct-createkey, ct-put-key-policy, ct-getkeypolicy).
 */
const PARAMETER_DEFAULTS: Partial<Record<OperationName, Readonly<Record<string, unknown>>>> = {
  Encrypt: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  Decrypt: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  ReEncrypt: { sourceEncryptionAlgorithm: 'SYMMETRIC_DEFAULT', destinationEncryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
  CreateKey: {
    description: '',
    origin: 'AWS_KMS',
    bypassPolicyLockoutSafetyCheck: false,
    customerMasterKeySpec: 'SYMMETRIC_DEFAULT',
    keySpec: 'SYMMETRIC_DEFAULT',
    keyUsage: 'ENCRYPT_DECRYPT',
  },
  PutKeyPolicy: { policyName: 'default', bypassPolicyLockoutSafetyCheck: false },
  GetKeyPolicy: { policyName: 'default' },
};

/**
 * Logged with `requestParameters: null` (ct-generaterandom; ct-retire-grant, which moves the
 * grant id to `additionalEventData` and so never logs a grant token).
 */
const NO_PARAMETERS: ReadonlySet<OperationName> = new Set<OperationName>(['GenerateRandom', 'RetireGrant']);

/**
 * CloudTrail `requestParameters` as KMS writes them: the members of the operation's input shape in
 * lowerCamelCase (nested structure members too: `tags: [{tagKey, tagValue}]`, ct-tagresource),
 * map keys verbatim (`encryptionContext`), timestamps as Java dates (ct-importkeymaterial
 * `validTo`), KMS's defaults filled in (PARAMETER_DEFAULTS); blobs and sensitive members are
 * left out, so plaintext, ciphertext and key material never reach the audit trail.
 */
export function defaultAuditParameters(operation: OperationName, input: unknown): Record<string, unknown> | null {
  if (NO_PARAMETERS.has(operation)) return null;
  const out = (auditJson(input, OPERATIONS[operation].input) ?? {}) as Record<string, unknown>;
  for (const [name, value] of Object.entries(PARAMETER_DEFAULTS[operation] ?? {})) if (out[name] === undefined) out[name] = value;
  return Object.keys(out).length === 0 ? null : out;
}

/**
 * `responseElements` for operations that do not declare `auditResponse`: null, as for every
 * cryptographic and read operation, except CreateGrant's `{grantId}` (ct-creategrant; never the token).
 */
function defaultAuditResponse(operation: OperationName, output: unknown): Record<string, unknown> | null {
  if (operation === 'CreateGrant' && isRecord(output) && typeof output['GrantId'] === 'string') return { grantId: output['GrantId'] };
  return null;
}

/** `additionalEventData`: `keyMaterialId` of cryptographic calls (ct-generatedatakey, 2025), RetireGrant's `grantId`. */
function additionalEventData(operation: OperationName, input: unknown, output: unknown): Record<string, unknown> | undefined {
  if (operation === 'RetireGrant') {
    // Retired by token: the grant id the token names (the token itself is never logged).
    const grantId = !isRecord(input) ? undefined : typeof input['GrantId'] === 'string' ? input['GrantId'] : typeof input['GrantToken'] === 'string' ? grantIdOfToken(input['GrantToken']) : undefined;
    return grantId === undefined ? undefined : { grantId };
  }
  if (isCryptographic(operation) && isRecord(output) && typeof output['KeyMaterialId'] === 'string') return { keyMaterialId: output['KeyMaterialId'] };
  return undefined;
}

/**
 * The record's resources: the keys the handler touched, plus the alias of alias operations, which
 * KMS lists as a resource of type AWS::KMS::Key: key then alias for CreateAlias, alias then key for
 * UpdateAlias and DeleteAlias (ct-createalias, ct-updatealias, ct-deletealias).
 */
function auditResources(operation: OperationName, input: unknown, context: RequestContext, scope: CallScope): readonly string[] {
  if (operation !== 'CreateAlias' && operation !== 'UpdateAlias' && operation !== 'DeleteAlias') return context.resources;
  const aliasName = isRecord(input) ? input['AliasName'] : undefined;
  if (typeof aliasName !== 'string' || !aliasName.startsWith('alias/')) return context.resources;
  const alias = aliasArn(scope.region, scope.caller.account, aliasName);
  return operation === 'CreateAlias' ? [...context.resources, alias] : [alias, ...context.resources];
}

/**
 * A request or response value in CloudTrail's JSON: structure members lowerCamelCase (without a
 * shape every object is taken for a structure), map keys verbatim, dates as Java dates, blobs,
 * sensitive members and members outside the shape dropped.
 */
function auditJson(value: unknown, shape?: Shape): unknown {
  if (value === undefined || value instanceof Uint8Array) return undefined;
  if (value instanceof Date) return javaDateString(value.getTime());
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (const item of value) {
      const rendered = auditJson(item, shape?.kind === 'list' ? shape.member : undefined);
      if (rendered !== undefined) items.push(rendered);
    }
    return items;
  }
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const isMap = shape?.kind === 'map';
  const members = shape?.kind === 'structure' ? shape.members : undefined;
  for (const name in value) {
    let memberShape: Shape | undefined;
    if (isMap) {
      memberShape = shape.value;
    } else if (shape !== undefined) {
      memberShape = members?.[name];
      if (memberShape === undefined || (memberShape as { sensitive?: boolean }).sensitive === true) continue;
    }
    const rendered = auditJson(value[name], memberShape);
    if (rendered !== undefined) out[isMap ? name : name.charAt(0).toLowerCase() + name.slice(1)] = rendered;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) && !(value instanceof Date);
}

/** Audit rendering must never turn a served request into a failure. */
function safely(render: () => unknown): Record<string, unknown> | null {
  try {
    const value = render();
    return isRecord(value) ? value : null;
  } catch {
    return null;
  }
}
