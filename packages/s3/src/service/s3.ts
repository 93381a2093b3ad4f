/**
 * @module
 * `S3`: the in-process S3 engine. Every operation is a method taking the AWS SDK's S3 request
 * shape (`Bucket`, `Key`, `Body`, `ServerSideEncryption`, `SSECustomerKey`, `Range`, ...) and
 * resolving to its response shape, or rejecting with `S3Error` carrying S3's code, status and
 * message. Objects are encrypted at rest for real (SSE-S3, SSE-C); storage is in memory by
 * default or a durable data directory. `createS3Handler` (service/http.ts) serves the same object over REST.
 *
 * @example
 * ```ts
 * import { S3 } from '@strongbox/s3';
 * const s3 = new S3();
 * await s3.createBucket({ Bucket: 'reports' });
 * await s3.putObject({ Bucket: 'reports', Key: 'q1.csv', Body: 'a,b\n1,2\n' });
 * const { Body, ServerSideEncryption } = await s3.getObject({ Bucket: 'reports', Key: 'q1.csv', Range: 'bytes=-4' });
 * await Body.transformToString(); // '1,2\n'; ServerSideEncryption: 'AES256'
 * await s3.close();
 * ```
 */

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Kms, openDirectoryStore } from '@strongbox/kms';
import {
  type AuditOptions,
  AuditTrail,
  type CallScope,
  type Clock,
  checkAccountAndRegion,
  type Facade,
  type FaultHook,
  installFacade,
  Pipeline,
  type Principal,
  principalFromArn,
  type QuotaGate,
  type Random,
  rootPrincipal,
  type ServiceBinding,
  systemClock,
} from '@strongbox/service-kernel';
import { BucketKeyCache, DsseKmsProvider, type S3Kms, SseCProvider, SseKmsProvider, SseS3Provider, SseS3RootKeys } from '../crypto/index.ts';
import { S3Error, toS3Error } from '../errors.ts';
import { isOperationName, OPERATION_NAMES, OPERATIONS, type OperationName, type OperationTable, type RequestOf, type ResponseOf } from '../operations/index.ts';
import type { AtRestCrypto, OperationDefinition, S3Settings } from '../operations/types.ts';
import type { SignatureFacts } from '../policy/request-context.ts';
import { openFileSystemObjectStore } from '../storage/filesystem/store.ts';
import { createMemoryObjectStore } from '../storage/memory.ts';
import type { ObjectStore } from '../storage/types.ts';
import { openUpstreamObjectStore, type UpstreamOptions } from '../storage/upstream/store.ts';
import { RequestContext } from './context.ts';

export type { OperationName, RequestOf, ResponseOf } from '../operations/index.ts';

/** Engine settings. */
export interface S3Options {
  /** Default account (12 digits): the account of callers that name none. Default `000000000000`. */
  readonly account?: string;
  /** The Region of the engine's endpoint. Default `us-east-1`. */
  readonly region?: string;
  /** Time source (a `ManualClock` in tests). Default: the system clock. */
  readonly clock?: Clock;
  /** Randomness (opaque ETags, trail event ids). Default: node:crypto. */
  readonly random?: Random;
  /**
   * Storage: a data directory (durable, survives restarts; SSE-S3 root keys are kept beside the
   * objects), optionally with `upstream` (the objects' sealed bytes go to an S3-compatible bucket,
   * while the manifests and keys stay in the directory), or an `ObjectStore` the caller made (and
   * closes). Default: in memory.
   */
  readonly storage?: StorageOptions | ObjectStore;
  /** SSE-S3 root keys the caller made (and destroys); default: in memory, or the data directory's. */
  readonly rootKeys?: SseS3RootKeys;
  /** The trail to record management events in; share KMS's `auditTrail` to get one trail. */
  readonly auditTrail?: AuditTrail;
  /** Settings of the trail made when none is given. */
  readonly audit?: AuditOptions;
  /**
   * CloudTrail data events (object-level PutObject, GetObject, HeadObject, DeleteObject): recorded
   * only when enabled, as a trail records them only when its data events are. Default false.
   */
  readonly dataEvents?: boolean;
  /**
   * Request rate limiting: a gate asked per request with the operation's quota class (`read` or
   * `write`); a refusal is 503 SlowDown. Default: off (every request admitted).
   */
  readonly quotas?: QuotaGate;
  /**
   * The KMS that SSE-KMS and DSSE-KMS call, on each caller's behalf: a `@strongbox/kms` `Kms` (or
   * anything shaped like `S3Kms`). Pass the same `Kms` your KMS endpoint serves, and its
   * `auditTrail` as `auditTrail`, to get one KMS and one trail. Default: the engine makes its own
   * `Kms` in its account, Region and clock (with a data directory, its state is kept in
   * `<directory>/kms`), whose trail the engine then shares unless `auditTrail` is given; the engine
   * closes it.
   */
  readonly kms?: S3Kms;
  /**
   * How long an S3 Bucket Key is used before KMS is asked for a new one, ms. Default 10 minutes
   * (AWS does not publish its period).
   */
  readonly bucketKeyPeriodMs?: number;
  /** Faults a test suite injects (`FaultInjector.hook('s3', ...)` from the kernel): checked first on every call. */
  readonly faults?: FaultHook;
}

/** A data directory, with or without an upstream bucket for the sealed bytes. */
export interface StorageOptions {
  readonly directory: string;
  readonly upstream?: UpstreamOptions;
  /**
   * Told once when another process took the directory over after this one's lease lapsed (a
   * `ServiceError` `LEASE_LOST`): every call then fails with 500 InternalError, reads included (this
   * process's state is stale); stop the process.
   */
  readonly onError?: (error: Error) => void;
}

/** Per-call settings of the in-process API. */
export interface CallOptions {
  /** Who calls: a principal or an IAM/STS ARN. Default: the default account's root. */
  readonly caller?: Principal | string;
  /** The Region the call is sent to. Default: the engine's Region. */
  readonly region?: string;
  /**
   * Whether the request came over TLS (`aws:SecureTransport`): SSE-C and SSE-KMS requests over
   * plain HTTP are refused. The protocol edge sets it from the connection; in process it defaults
   * to true (no network is crossed).
   */
  readonly secureTransport?: boolean;
  readonly requestId?: string;
  readonly sourceIpAddress?: string;
  readonly userAgent?: string;
  /**
   * How the request was authenticated, for the `s3:authType`, `s3:signatureversion`,
   * `s3:signatureAge` and `s3:x-amz-content-sha256` condition keys: the protocol edge sets it
   * from the verified signature; in process it is absent, and so are those keys.
   */
  readonly signature?: SignatureFacts;
}

/** A call's scope as S3's binding reads it: the kernel's, plus the transport and the request itself (its key and condition keys are what authorization checks). */
interface S3CallScope extends CallScope {
  readonly secureTransport: boolean;
  readonly input: unknown;
  readonly signature?: SignatureFacts;
}

const EVENT_SOURCE = 's3.amazonaws.com';
const RESOURCE_TYPE = 'AWS::S3::Bucket';

/** The typed in-process API: one method per operation, derived from the registry. */
export type S3Methods = Facade<OperationTable, CallOptions>;

// The facade's methods are installed on the prototype from the registry; this declaration merges
// their types into the class.
export interface S3 extends S3Methods {}

type S3Pipeline = Pipeline<OperationDefinition, RequestContext, S3Error>;

interface Engine {
  /** What `close` closes: the store, root keys and KMS the engine made itself. */
  readonly owned: { readonly store?: ObjectStore; readonly roots?: SseS3RootKeys; readonly kms?: Kms };
  readonly bucketKeys: BucketKeyCache;
  readonly management: S3Pipeline;
  readonly data: S3Pipeline;
}

/** The S3 engine (see the module documentation). */
// biome-ignore lint/suspicious/noUnsafeDeclarationMerging: the interface's methods exist, installed from the registry below.
export class S3 {
  /** The trail management events (and, if enabled, data events) are recorded in. */
  readonly auditTrail: AuditTrail;
  /** Default account. */
  readonly account: string;
  /** The endpoint's Region. */
  readonly region: string;
  /** The KMS that SSE-KMS and DSSE-KMS call (the `kms` option, or the engine's own `Kms`). */
  readonly kms: S3Kms;
  readonly #engine: Promise<Engine>;
  readonly #roots = new Map<string, Principal>();
  #closed: Promise<void> | undefined;

  /**
   * Starts the engine; storage opens in the background and the first call waits for it (a
   * failure to open, such as a data directory held by another process, rejects every call).
   * @throws RangeError for a malformed account or Region.
   */
  constructor(options: S3Options = {}) {
    const account = options.account ?? '000000000000';
    const region = options.region ?? 'us-east-1';
    checkAccountAndRegion(account, region);
    this.account = account;
    this.region = region;
    const random: Random = options.random ?? { bytes: (length) => new Uint8Array(randomBytes(length)) };
    const ownKms = options.kms === undefined ? ownKmsOf(options, account, region) : undefined;
    this.kms = options.kms ?? (ownKms as OwnKms).kms;
    this.auditTrail = options.auditTrail ?? ownKms?.trail ?? new AuditTrail(options.audit, random);
    this.#engine = startEngine(options, { account, region }, random, this.auditTrail, this.kms, ownKms);
    // Surfaced by the first call (or close); not an unhandled rejection meanwhile.
    this.#engine.catch(() => undefined);
  }

  /**
   * Calls an operation by its name.
   * @throws S3Error with S3's code, status and message.
   * @throws TypeError for an unknown operation name or a malformed caller.
   * @example await s3.send('HeadBucket', { Bucket: 'reports' })
   */
  async send<Name extends OperationName>(operation: Name, input: RequestOf<Name>, options: CallOptions = {}): Promise<ResponseOf<Name>> {
    if (!isOperationName(operation)) throw new TypeError(`unknown S3 operation ${JSON.stringify(operation)}`);
    if (this.#closed !== undefined) throw new Error('the S3 engine is closed');
    const engine = await this.#engine;
    const region = options.region ?? this.region;
    const definition: OperationDefinition = OPERATIONS[operation];
    const pipeline = definition.eventCategory === 'Management' ? engine.management : engine.data;
    const scope: S3CallScope = {
      caller: this.#caller(options.caller, region),
      region,
      secureTransport: options.secureTransport ?? true,
      input,
      ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
      ...(options.sourceIpAddress === undefined ? {} : { sourceIpAddress: options.sourceIpAddress }),
      ...(options.userAgent === undefined ? {} : { userAgent: options.userAgent }),
      ...(options.signature === undefined ? {} : { signature: options.signature }),
    };
    return (await pipeline.call(definition, input, scope)) as ResponseOf<Name>;
  }

  /**
   * Resolves once storage is open (for health checks); rejects with the failure that keeps it from
   * opening, the one every call rejects with.
   * @throws the storage's opening failure (e.g. a data directory held by another process).
   * @example await s3.ready()
   */
  ready(): Promise<void> {
    if (this.#closed !== undefined) return Promise.reject(new Error('the S3 engine is closed'));
    return this.#engine.then(() => undefined);
  }

  /** Closes storage (releasing a data directory's lock) and wipes root keys the engine made. */
  close(): Promise<void> {
    this.#closed ??= this.#engine.then(
      async (engine) => {
        engine.bucketKeys.close();
        await engine.owned.store?.close();
        engine.owned.roots?.destroy();
        await engine.owned.kms?.close();
      },
      () => undefined,
    );
    return this.#closed;
  }

  #caller(caller: Principal | string | undefined, region: string): Principal {
    if (caller === undefined) {
      let root = this.#roots.get(region);
      if (root === undefined) this.#roots.set(region, (root = Object.freeze(rootPrincipal(region, this.account))));
      return root;
    }
    return typeof caller === 'string' ? principalFromArn(caller) : caller;
  }
}

installFacade(S3.prototype, OPERATION_NAMES);

/** A trail that keeps nothing: where data events go while data events are not enabled. */
class UnrecordedEvents extends AuditTrail {
  constructor() {
    super({ capacity: 1 });
  }

  override record(): void {}
}

const ADMIT_ALL: QuotaGate = { tryAcquire: () => true };

/** The engine's own KMS (made when the `kms` option is absent). */
interface OwnKms {
  /** What the providers call. */
  readonly kms: S3Kms;
  /** Its trail, when known at once (in memory); the engine shares it. */
  readonly trail: AuditTrail | undefined;
  /** Settles once the KMS is ready (its data directory open). */
  readonly ready: Promise<Kms>;
}

/**
 * A `Kms` in the engine's account, Region and clock. With a data directory its state (keys, the
 * AWS managed `aws/s3` key included, and its own trail) lives in `<directory>/kms`, so SSE-KMS
 * objects stay readable after a restart; that store opens asynchronously, so the providers call
 * it through a forwarder, and its trail is its own (pass a `Kms` for one trail).
 */
function ownKmsOf(options: S3Options, account: string, region: string): OwnKms {
  const storage = options.storage;
  const directory = storage !== undefined && 'directory' in storage ? storage.directory : undefined;
  const common = { account, region, ...(options.clock === undefined ? {} : { clock: options.clock }) };
  if (directory === undefined) {
    const kms = new Kms(common);
    return { kms, trail: kms.auditTrail, ready: Promise.resolve(kms) };
  }
  const ready = openDirectoryStore({ directory: join(directory, 'kms') }).then((store) => new Kms({ ...common, store }));
  ready.catch(() => undefined);
  const forward: S3Kms = {
    generateDataKey: async (input, callOptions) => (await ready).generateDataKey(input, callOptions),
    decrypt: async (input, callOptions) => (await ready).decrypt(input, callOptions),
    encrypt: async (input, callOptions) => (await ready).encrypt(input, callOptions),
  };
  return { kms: forward, trail: undefined, ready };
}

/** Whether the data directory was taken over: every call is refused from then on. */
interface Fence {
  lost: Error | undefined;
}

/** The store's error callback: notes a lost lease in `fence`, then tells the caller's. */
function onError(storage: StorageOptions, fence: Fence): { onError: (error: Error) => void } {
  return {
    onError: (error) => {
      if ((error as { code?: unknown }).code === 'LEASE_LOST') fence.lost ??= error;
      storage.onError?.(error);
    },
  };
}

async function startEngine(
  options: S3Options,
  settings: S3Settings,
  random: Random,
  trail: AuditTrail,
  kms: S3Kms,
  ownKms: OwnKms | undefined,
): Promise<Engine> {
  const kmsOwned = await ownKms?.ready;
  const storage = options.storage;
  const dataDirectory = storage !== undefined && 'directory' in storage ? (storage as StorageOptions) : undefined;
  const directory = dataDirectory?.directory;
  const clock = options.clock ?? systemClock;
  // LastModified and CreationDate come from the engine's clock, like every other time it answers.
  const now = (): number => clock.now();
  const fence: Fence = { lost: undefined };
  let store: ObjectStore;
  try {
    store =
      storage === undefined
        ? await createMemoryObjectStore({ now })
        : dataDirectory !== undefined
          ? dataDirectory.upstream === undefined
            ? await openFileSystemObjectStore({ directory: dataDirectory.directory, now, ...onError(dataDirectory, fence) })
            : await openUpstreamObjectStore({ directory: dataDirectory.directory, upstream: dataDirectory.upstream, now, ...onError(dataDirectory, fence) })
          : (storage as ObjectStore);
  } catch (error) {
    // The engine's own KMS holds `<directory>/kms`: release it with the failed start.
    await kmsOwned?.close();
    throw error;
  }
  let roots: SseS3RootKeys;
  try {
    roots = options.rootKeys ?? (directory === undefined ? await SseS3RootKeys.inMemory({ now }) : await SseS3RootKeys.openDirectory(directory, { now }));
  } catch (error) {
    if (storage === undefined || directory !== undefined) await store.close();
    await kmsOwned?.close();
    throw error;
  }
  const tokenKey = random.bytes(32);
  const continuationTokenMac = (data: Uint8Array): Uint8Array => new Uint8Array(createHmac('sha256', tokenKey).update(data).digest());
  const bucketKeys = new BucketKeyCache({ clock, ...(options.bucketKeyPeriodMs === undefined ? {} : { periodMs: options.bucketKeyPeriodMs }) });
  const kmsProviders = { kms, bucketKeys, random };
  const crypto: AtRestCrypto = {
    sseS3: new SseS3Provider(roots),
    sseC: new SseCProvider(),
    sseKms: new SseKmsProvider(kmsProviders),
    dsseKms: new DsseKmsProvider(kmsProviders),
    md5,
    random,
    continuationTokenMac,
  };
  const quotas = options.quotas ?? ADMIT_ALL;
  const binding = (eventTrail: AuditTrail): ServiceBinding<OperationDefinition, RequestContext, S3Error> => ({
    eventSource: EVENT_SOURCE,
    resourceType: RESOURCE_TYPE,
    clock,
    quotas,
    trail: eventTrail,
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    validate: (_definition, input) => {
      if (typeof input !== 'object' || input === null) throw new TypeError('an S3 request is an object of members');
    },
    // A data directory another process took over: every call is refused before it runs (this
    // process's index and bucket policies are stale). Memory and caller-made stores skip the check.
    ...(dataDirectory === undefined
      ? {}
      : { prepare: () => (fence.lost === undefined ? undefined : Promise.reject(new S3Error('DataDirectoryTakenOver', { cause: fence.lost }))) }),
    open: (definition, scope, now) =>
      new RequestContext({
        operation: definition.name,
        now,
        region: scope.region,
        caller: scope.caller,
        secureTransport: secureTransportOf(scope),
        store,
        crypto,
        settings,
        access: definition.access,
        input: (scope as Partial<S3CallScope>).input,
        ...(scope.sourceIpAddress === undefined ? {} : { sourceIp: scope.sourceIpAddress }),
        ...signatureOf(scope),
      }),
    // Every operation authorizes its request (`ownedBucket`, or `authorizeOperation` for those on
    // no bucket): one that answered without doing so is a bug, never a silent grant.
    settle: (context) => {
      if (!context.authorized) throw new Error(`S3 operation ${context.operation} answered without authorizing the request`);
      return undefined;
    },
    toError: toS3Error,
    throttled: () => new S3Error('SlowDown'),
    auditParameters: () => null,
    auditValue: (value) => value,
    auditError: (failure) => ({ code: failure.code, message: failure.message }),
  });
  const management = new Pipeline(binding(trail));
  const data = new Pipeline(binding(options.dataEvents === true ? trail : new UnrecordedEvents()));
  // A caller-made store and root keys stay the caller's to close; `close` closes what it opened.
  const ownsStore = storage === undefined || directory !== undefined;
  return {
    owned: { ...(ownsStore ? { store } : {}), ...(options.rootKeys === undefined ? { roots } : {}), ...(kmsOwned === undefined ? {} : { kms: kmsOwned }) },
    bucketKeys,
    management,
    data,
  };
}

function signatureOf(scope: CallScope): { signature?: SignatureFacts } {
  const signature = (scope as Partial<S3CallScope>).signature;
  return signature === undefined ? {} : { signature };
}

function secureTransportOf(scope: CallScope): boolean {
  return (scope as Partial<S3CallScope>).secureTransport ?? true;
}

function md5(chunks: readonly Uint8Array[]): Uint8Array {
  const hash = createHash('md5');
  for (const chunk of chunks) hash.update(chunk);
  return new Uint8Array(hash.digest());
}
