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

import { randomBytes } from 'node:crypto';
import {
  AuditTrail,
  checkAccountAndRegion,
  type Facade,
  installFacade,
  type Principal,
  principalFromArn,
  type Random,
  rootPrincipal,
} from '@strongbox/service-kernel';
import type { S3Kms } from '../crypto/index.ts';
import { isOperationName, OPERATION_NAMES, OPERATIONS, type OperationName, type OperationTable, type RequestOf, type ResponseOf } from '../operations/index.ts';
import type { OperationDefinition } from '../operations/types.ts';
import { markS3DataEvents } from './binding.ts';
import type { Mutable } from './call-options.ts';
import { type Engine, startEngine } from './engine.ts';
import type { CallOptions, S3CallScope, S3Options } from './options.ts';
import { type OwnKms, ownKmsOf } from './own-kms.ts';

export type { OperationName, RequestOf, ResponseOf } from '../operations/index.ts';

/** The typed in-process API: one method per operation, derived from the registry. */
export type S3Methods = Facade<OperationTable, CallOptions>;

// The facade's methods are installed on the prototype from the registry; this declaration merges
// their types into the class.
export interface S3 extends S3Methods {}

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
  /** The engine once storage is open (calls then reach it without waiting on `#engine`). */
  #open: Engine | undefined;
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
    // Data events kept by a version that did not mark them read back as data events.
    markS3DataEvents(this.auditTrail);
    this.#engine = startEngine(options, { account, region }, random, this.auditTrail, this.kms, ownKms);
    // A failure to open is surfaced by the first call (or close); not an unhandled rejection meanwhile.
    this.#engine.then(
      (engine) => {
        this.#open = engine;
      },
      () => undefined,
    );
  }

  /**
   * Calls an operation by its name.
   * @throws S3Error with S3's code, status and message.
   * @throws TypeError for an unknown operation name or a malformed caller.
   * @example await s3.send('HeadBucket', { Bucket: 'reports' })
   */
  send<Name extends OperationName>(operation: Name, input: RequestOf<Name>, options: CallOptions = {}): Promise<ResponseOf<Name>> {
    // Not an async function: once storage is open, the pipeline's promise is handed back as it
    // is (settled already for a call that ran synchronously), rather than awaited into another.
    try {
      if (!isOperationName(operation)) throw new TypeError(`unknown S3 operation ${JSON.stringify(operation)}`);
      if (this.#closed !== undefined) throw new Error('the S3 engine is closed');
      const engine = this.#open;
      if (engine === undefined) return this.#engine.then((opened) => this.#call(opened, operation, input, options));
      return this.#call(engine, operation, input, options);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** One call through the pipeline of its event category. */
  #call<Name extends OperationName>(engine: Engine, operation: Name, input: RequestOf<Name>, options: CallOptions): Promise<ResponseOf<Name>> {
    const region = options.region ?? this.region;
    const definition: OperationDefinition = OPERATIONS[operation];
    const pipeline = definition.eventCategory === 'Management' ? engine.management : engine.data;
    // Built member by member: spreading optional members costs a temporary object each.
    const scope: Mutable<S3CallScope> = {
      caller: this.#caller(options.caller, region),
      region,
      secureTransport: options.secureTransport ?? true,
      input,
    };
    if (options.region !== undefined) scope.endpointRegion = options.region;
    if (options.requestId !== undefined) scope.requestId = options.requestId;
    if (options.sourceIpAddress !== undefined) scope.sourceIpAddress = options.sourceIpAddress;
    if (options.userAgent !== undefined) scope.userAgent = options.userAgent;
    if (options.signature !== undefined) scope.signature = options.signature;
    if (options.host !== undefined) scope.host = options.host;
    if (options.hostId !== undefined) scope.hostId = options.hostId;
    if (options.xId !== undefined) scope.xId = options.xId;
    if (options.tls !== undefined) scope.tls = options.tls;
    if (options.refusalOnceGranted !== undefined) scope.refusalOnceGranted = options.refusalOnceGranted;
    return pipeline.call(definition, input, scope) as Promise<ResponseOf<Name>>;
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
