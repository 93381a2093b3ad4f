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
  systemClock,
  type TlsConnection,
} from '@strongbox/service-kernel';
import type { KmsError } from '../errors.ts';
import { usageLogOf } from '../model/key-last-usage.ts';
import { type QuotaSetting, RequestQuotas } from '../model/quotas.ts';
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
import type { KmsSettings, OperationDefinition } from '../operations/types.ts';
import type { AuditSink } from '../persistence/audit-log.ts';
import { type ChangeStore, MemoryStore } from '../persistence/store.ts';
import type { StructureShape } from '../protocol/shapes.ts';
import { kmsBinding } from './binding.ts';
import type { RequestContext } from './context.ts';
import { type KmsQuotas, kmsQuotas } from './kms-quotas.ts';

export type { OperationName, RequestOf, ResponseOf } from '../operations/index.ts';
export type { KmsQuotas } from './kms-quotas.ts';

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
  /** The request's `Host` header, which CloudTrail's `tlsDetails` names: the protocol edge sets it with `tls`. */
  readonly host?: string;
  /**
   * The TLS connection the request came over, whose version and cipher CloudTrail logs in
   * `tlsDetails`: the protocol edge sets it (the HTTPS listener); in process it is absent.
   */
  readonly tls?: TlsConnection;
}

const NO_OPTIONS: CallOptions = Object.freeze({});

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
  /** Set by `close()`: every call after it is refused. */
  #closed = false;

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
    this.quotas = kmsQuotas(quotas, clock, () => this.#store.state, region);
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
    // A closed engine serves nothing, as S3's (`the S3 engine is closed`): its store is flushed
    // and released (a data directory another process may hold by now).
    if (this.#closed) throw new Error('the KMS engine is closed');
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
    if (options.tls !== undefined) scope.tls = options.tls;
    if (options.host !== undefined) scope.host = options.host;
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

  /** Flushes persistence and releases resources; every call is refused from then on. */
  async close(): Promise<void> {
    this.#closed = true;
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
