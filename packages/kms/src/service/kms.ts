/**
 * @module
 * `Kms`: the in-process emulator. Every AWS KMS operation is a method taking AWS's request shape
 * (PascalCase members, `Uint8Array` blobs, `Date` timestamps) and resolving to AWS's response
 * shape, or rejecting with `KmsError` carrying AWS's code and message. The HTTP handler in
 * `@strongbox/kms/http` serves the same object over the AWS JSON 1.1 protocol.
 *
 * @example
 * ```ts
 * import { Kms } from '@strongbox/kms';
 * const kms = new Kms();
 * const { KeyMetadata } = await kms.createKey({ Description: 'test key' });
 * const { CiphertextBlob, Plaintext } = await kms.generateDataKey({ KeyId: KeyMetadata.KeyId, KeySpec: 'AES_256' });
 * const { Plaintext: again } = await kms.decrypt({ CiphertextBlob });
 * ```
 */

import { type Backend, defaultBackend } from '@strongbox/envelope';
import {
  type AuditEvent,
  type AuditOptions,
  AuditTrail,
  type CallScope,
  type Clock,
  checkAccountAndRegion,
  type Facade,
  type FaultHook,
  Pipeline,
  type Principal,
  principalFromArn,
  type Random,
  rootPrincipal,
  type ServiceBinding,
  systemClock,
} from '@strongbox/service-kernel';
import { type KmsError, throttled, toKmsError } from '../errors.ts';
import { type KeyUsageLog, TRACKED_OPERATIONS, type TrackedUse, usageLogOf } from '../model/key-last-usage.ts';
import { dueChanges, nextDueTime } from '../model/lifecycle.ts';
import { type QuotaClass, type QuotaOptions, type QuotaSetting, type QuotaUsage, RequestQuotas } from '../model/quotas.ts';
import { CUSTOMER_MANAGED_KEYS, type ResourceQuotaUsage } from '../model/resource-quotas.ts';
import { KmsState } from '../model/state.ts';
import {
  isOperationName,
  OPERATION_NAMES,
  OPERATIONS,
  type OperationName,
  type OperationTable,
  QUOTA_CATALOG,
  type RequestOf,
  type ResponseOf,
} from '../operations/index.ts';
import type { KmsSettings, OperationDefinition, RelatedEvent } from '../operations/types.ts';
import type { AuditSink } from '../persistence/audit-log.ts';
import { type ChangeStore, MemoryStore } from '../persistence/store.ts';
import { type StructureShape, validate } from '../protocol/shapes.ts';
import { auditJson, defaultAuditParameters, ParameterInterner, serviceEventOf } from './audit-fields.ts';
import { RequestContext, type RequestServices } from './context.ts';

export type { OperationName, RequestOf, ResponseOf } from '../operations/index.ts';

/** Emulator settings. */
export interface KmsOptions {
  /** Default account (12 digits): the account of callers that name none. Default `000000000000`. */
  readonly account?: string;
  /** Default Region. Default `us-east-1`. */
  readonly region?: string;
  /** Time source (a `ManualClock` in tests). Default: the system clock. */
  readonly clock?: Clock;
  /** Randomness for keys, ids and nonces. Default: the backend's CSPRNG. */
  readonly random?: Random;
  /** AES-GCM backend for ciphertext blobs. Default: node:crypto under Node.js. */
  readonly backend?: Backend;
  /**
   * Request quotas: default, AWS's shared cryptographic quotas only; `'aws'` (or
   * `{ profile: 'aws' }`) adds every operation's own quota (CreateKey 5/s, ...); `false` turns
   * throttling off. `{ customerManagedKeys: N }` sets the "AWS KMS keys" resource quota (default
   * 100,000 per account and Region, in force whether or not throttling is). Changeable later with
   * `kms.quotas.configure`.
   */
  readonly quotas?: QuotaSetting;
  /** Audit trail settings. */
  readonly audit?: AuditOptions;
  /** Where state changes go (persistence); default in memory. */
  readonly store?: ChangeStore;
  /** How long an on-demand rotation takes to complete, ms. Default 0. */
  readonly onDemandRotationDelayMs?: number;
  /**
   * Faults a test suite injects (`FaultInjector.hook('kms', ...)` from the kernel; strongbox's
   * controls make one): checked first on every call, S3's calls on a caller's behalf included.
   */
  readonly faults?: FaultHook;
}

/**
 * A running emulator's request quotas (`kms.quotas`), for tests of throttling.
 * @example
 * ```ts
 * kms.quotas.configure({ profile: 'aws', overrides: { CreateKey: 1 } });
 * kms.quotas.usage(); // [{ account, region, quota: 'CreateKey', limit: 1, lastSecond, admitted, throttled }, ...]
 * kms.quotas.configure({ customerManagedKeys: 3 });
 * kms.quotas.resourceUsage(); // [{ account, region, quota: 'customerManagedKeys', limit: 3, usage: 1 }]
 * ```
 */
export interface KmsQuotas {
  /**
   * Replaces the quota setting (as the `quotas` option takes it); every counter starts afresh.
   * Each part changes only what it names: the key quota (`customerManagedKeys`) stays unless the
   * setting names it, and a setting naming only the key quota leaves throttling as it is.
   * @throws RangeError for a bad setting, which changes nothing.
   */
  configure(setting: QuotaSetting): void;
  /** The setting in force. */
  readonly options: QuotaOptions;
  /** The quota in force for `quota` (`cryptographic` or an operation), requests per second; `Infinity` if none. */
  limitOf(quota: QuotaClass, region?: string): number;
  /** Counters of every quota that has seen a request since the last `configure`. */
  usage(): QuotaUsage[];
  /**
   * The resource quotas' use: for each account and Region that has customer managed keys, how
   * many it has (in any key state) against the "AWS KMS keys" quota (`customerManagedKeys`).
   * Counted from the keys themselves, so `configure` changes only the limit.
   */
  resourceUsage(): ResourceQuotaUsage[];
}

/** Per-call settings of the in-process API. */
export interface CallOptions {
  /** Who calls: a principal or an IAM/STS ARN. Default: the default account's root. */
  readonly caller?: Principal | string;
  /** The Region the call is made in. Default: the emulator's Region. */
  readonly region?: string;
  /** Request id for the audit trail (default: a random UUID). */
  readonly requestId?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
}

const EVENT_SOURCE = 'kms.amazonaws.com';
const NO_OPTIONS: CallOptions = Object.freeze({});
/** KMS lists keys and aliases alike as `AWS::KMS::Key` resources (ct-createalias). */
const RESOURCE_TYPE = 'AWS::KMS::Key';

/** The typed in-process API: one method per operation, derived from the registry (the class's static block). */
export type KmsMethods = Facade<OperationTable, CallOptions>;

// The facade's methods are installed on the prototype from the registry; this declaration merges
// their types into the class.
export interface Kms extends KmsMethods {}

/** The KMS emulator (see the module documentation). */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods exist, installed from the registry below.
export class Kms {
  /** Every recorded call. */
  readonly auditTrail: AuditTrail;
  /** Request quotas, changeable while the emulator runs, and their counters. */
  readonly quotas: KmsQuotas;
  /** Default account. */
  readonly account: string;
  /** Default Region. */
  readonly region: string;
  readonly #store: ChangeStore;
  readonly #pipeline: Pipeline<OperationDefinition, RequestContext, KmsError>;
  readonly #random: Random;
  /** The data directory's audit log, which may ask a call to wait until it has written (backpressure). */
  readonly #auditLog: AuditSink | undefined;
  readonly #roots = new Map<string, Principal>();
  /** The scope of a call without options: the default account's root, in the default Region. */
  readonly #defaultScope: CallScope;
  /** The frozen options of the last call that had any, and the scope made for them. */
  #last: { readonly options: CallOptions; readonly scope: CallScope } | undefined;

  /**
   * @throws TypeError / RangeError for malformed options (account not 12 digits, bad Region).
   */
  constructor(options: KmsOptions = {}) {
    const account = options.account ?? '000000000000';
    const region = options.region ?? 'us-east-1';
    checkAccountAndRegion(account, region);
    this.account = account;
    this.region = region;
    this.#defaultScope = Object.freeze({ caller: this.#caller(undefined, region), region });
    const backend = options.backend ?? defaultBackend;
    // The backend's CSPRNG (under Node.js OpenSSL's, drawn per call: envelope v2 keeps no pool).
    this.#random = options.random ?? { bytes: (length) => backend.randomBytes(length) };
    this.#store = options.store ?? new MemoryStore(new KmsState());
    this.auditTrail = new AuditTrail(options.audit, this.#random);
    // A data directory keeps the trail: what it recorded comes back, and new events go to it.
    const sink = this.#store.audit;
    this.#auditLog = sink;
    if (sink !== undefined) {
      // Only the newest `capacity` events can stay in the ring: restoring older ones would drop
      // them again. Taken, not read: the sink forgets them, so nothing else keeps them alive.
      const recovered = sink.takeRecovered();
      for (let index = Math.max(0, recovered.length - this.auditTrail.capacity); index < recovered.length; index++) {
        this.auditTrail.restore(recovered[index] as AuditEvent);
      }
      this.auditTrail.onRecord((event) => sink.append(event));
    }
    const clock = options.clock ?? systemClock;
    const quotas = new RequestQuotas(options.quotas ?? {}, QUOTA_CATALOG);
    this.quotas = Object.freeze({
      configure: (setting: QuotaSetting) => quotas.configure(setting),
      get options() {
        return quotas.options;
      },
      limitOf: (quota: QuotaClass, region?: string) => quotas.limitOf(quota, region ?? this.region),
      usage: () => quotas.usage(clock.now()),
      resourceUsage: () => resourceUsageOf(this.#store.state, quotas.customerManagedKeys, clock.now()),
    });
    const settings: KmsSettings = { account, region, onDemandRotationDelayMs: options.onDemandRotationDelayMs ?? 0 };
    // Key usage tracking starts with the emulator (GetKeyLastUsage's TrackingStartDate).
    usageLogOf(this.#store.state, clock.now());
    this.#pipeline = new Pipeline(
      kmsBinding(
        { store: this.#store, clock, random: this.#random, backend, quotas, trail: this.auditTrail, settings, faults: options.faults },
        () => this.#pipeline,
      ),
    );
  }

  /**
   * Calls an operation by its wire name.
   * @throws KmsError with AWS's code and message.
   * @throws TypeError for an unknown operation name or a malformed caller.
   * @example await kms.send('DescribeKey', { KeyId: 'alias/orders' })
   */
  send<Name extends OperationName>(operation: Name, input: RequestOf<Name>, options: CallOptions = NO_OPTIONS): Promise<ResponseOf<Name>> {
    // Not an async function: the pipeline's promise is handed back as it is (one promise and one
    // turn of the microtask queue fewer per call), and bad arguments still reject.
    try {
      if (!isOperationName(operation)) throw new TypeError(`unknown KMS operation ${JSON.stringify(operation)}`);
      return this.#call(OPERATIONS[operation], input, options) as Promise<ResponseOf<Name>>;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * Serves one call of `definition`: what `send` does once it has found the definition by name,
   * and what each facade method (`kms.generateMac(...)`, which holds its definition) does at once.
   * @throws what `send` rejects with, thrown (its callers turn it into a rejection).
   */
  #call(definition: OperationDefinition, input: unknown, options: CallOptions): Promise<unknown> {
    // The audit log's buffer is full (an in-process burst that gives the event loop no turn to
    // write): this call waits for the write, then asks again, rather than the log dropping events.
    const full = this.#auditLog?.room();
    if (full !== undefined) return full.then(() => this.#call(definition, input, options));
    // A call without options (most in-process calls) is the default root's in the default
    // Region: one frozen scope serves them all.
    if (options === NO_OPTIONS) return this.#pipeline.call(definition, input, this.#defaultScope);
    // The same frozen options as the previous call (S3 hands each caller's KMS calls one such
    // object): the scope made for them then, which nothing could have changed since.
    const last = this.#last;
    if (last !== undefined && options === last.options) return this.#pipeline.call(definition, input, last.scope);
    const region = options.region ?? this.region;
    const scope: { -readonly [K in keyof CallScope]: CallScope[K] } = { caller: this.#caller(options.caller, region), region };
    if (options.requestId !== undefined) scope.requestId = options.requestId;
    if (options.sourceIpAddress !== undefined) scope.sourceIpAddress = options.sourceIpAddress;
    if (options.userAgent !== undefined) scope.userAgent = options.userAgent;
    // A caller named by ARN is parsed per call: only options naming a principal object (or none) are kept.
    if (Object.isFrozen(options) && typeof options.caller !== 'string') this.#last = { options, scope: Object.freeze(scope) };
    return this.#pipeline.call(definition, input, scope);
  }

  // The typed facade (`KmsMethods`): one method per operation, derived from the registry as the
  // kernel's `installFacade` derives it, each holding its operation's definition, so a call finds
  // it without a lookup by name (the registry's table is a frozen dictionary, and one read site
  // looking up a different name on every call takes V8's slow path).
  static {
    for (const name of OPERATION_NAMES) {
      const method = name.charAt(0).toLowerCase() + name.slice(1);
      if (method in Kms.prototype) throw new TypeError(`the facade already has a member ${method}`);
      const definition: OperationDefinition = OPERATIONS[name];
      Object.defineProperty(Kms.prototype, method, {
        value: function (this: Kms, input: unknown, options?: CallOptions): Promise<unknown> {
          try {
            return this.#call(definition, input, options === undefined ? NO_OPTIONS : options);
          } catch (error) {
            return Promise.reject(error);
          }
        },
        writable: true,
        configurable: true,
        enumerable: false,
      });
    }
  }

  /**
   * The input shape of a served operation (for protocol decoding), or `undefined` for any other name.
   * @example kms.inputShape('Encrypt')?.required // ['KeyId', 'Plaintext']
   */
  inputShape(operation: string): StructureShape | undefined {
    return isOperationName(operation) ? OPERATIONS[operation].input : undefined;
  }

  /** Flushes persistence and releases resources. */
  async close(): Promise<void> {
    await this.#store.close();
  }

  #caller(caller: Principal | string | undefined, region: string): Principal {
    if (caller === undefined) {
      // The default caller of every in-process call: one frozen principal per Region, not one per call.
      let root = this.#roots.get(region);
      if (root === undefined) this.#roots.set(region, (root = Object.freeze(rootPrincipal(region, this.account))));
      return root;
    }
    if (typeof caller === 'string') return principalFromArn(caller);
    return caller;
  }
}

/**
 * The key quota's use in each account and Region that has customer managed keys, at `now`. A key
 * whose deletion waiting period has ended is deleted only before the next call (`prepare`), so a
 * report between calls (after the clock is advanced) leaves such keys out itself, as that call
 * would.
 */
function resourceUsageOf(state: KmsState, limit: number, now: number): ResourceQuotaUsage[] {
  const due = new Map<string, number>();
  for (const key of state.keys()) {
    if (key.keyManager === 'AWS' || key.state !== 'PendingDeletion' || key.deletionDate === undefined || key.deletionDate > now) continue;
    const where = `${key.account}/${key.region}`;
    due.set(where, (due.get(where) ?? 0) + 1);
  }
  const usage: ResourceQuotaUsage[] = [];
  for (const { account, region, count } of state.customerManagedKeyCounts()) {
    const left = count - (due.get(`${account}/${region}`) ?? 0);
    if (left > 0) usage.push({ account, region, quota: CUSTOMER_MANAGED_KEYS, limit, usage: left });
  }
  return usage;
}

/**
 * Records the events a call caused in other Regions (ReplicateKey's CreateKey in the replica's
 * Region), as AwsApiCall events of the same caller with the call's own request id. The user agent
 * of the replica-Region event is not known to the context and is recorded as the service's
 * (`kms.amazonaws.com`); AWS's exact record is UNCONFIRMED.
 */
function recordRelated(trail: AuditTrail, context: RequestContext, related: readonly RelatedEvent[]): void {
  const ids = trail.latestIds();
  for (const event of related) {
    trail.record({
      eventTime: context.now,
      eventName: event.eventName,
      eventSource: EVENT_SOURCE,
      resourceType: RESOURCE_TYPE,
      region: event.region,
      caller: context.caller,
      sourceIpAddress: context.sourceIpAddress ?? '127.0.0.1',
      userAgent: EVENT_SOURCE,
      ...(ids === undefined ? {} : { requestId: ids.requestId }),
      requestParameters: event.requestParameters,
      responseElements: event.responseElements === null ? null : (auditJson(event.responseElements) as Record<string, unknown>),
      resources: event.resources,
      readOnly: event.readOnly,
      recipientAccountId: event.recipientAccountId,
    });
  }
}

/** What KMS's pipeline runs on. */
interface KmsParts {
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
function kmsBinding(
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
