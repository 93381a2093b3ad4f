/**
 * @module
 * The services of one endpoint, before they are put on a port (`server.ts`) or behind the
 * in-process handler (`in-process.ts`): the store opened (memory or a data directory) and seeded,
 * the KMS emulator and the S3 engine on it, and their protocol handlers, routed as one endpoint
 * routes a request across services: KMS and CloudTrail `LookupEvents` by `X-Amz-Target`, STS
 * `GetCallerIdentity` by its credential scope, S3 (REST-XML) for every other request
 * (`router.ts`). `openControlledEndpoint` adds the controls (clock, faults, reset).
 */

import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import {
  applySeed,
  type ChangeStore,
  type Clock,
  createMemoryStore,
  Kms,
  NO_USERS,
  openDirectoryStore,
  type QuotaSetting,
  type SeedDocument,
  systemClock,
  type UserDirectory,
  withDefaultUser,
} from '@strongbox/kms';
import { CLOUDTRAIL_TARGET_PREFIXES, createCloudTrailHandler, createJson11Handler, createSigV4Authenticator } from '@strongbox/kms/http';
import { createS3Handler, type ObjectStore, S3, type UpstreamOptions } from '@strongbox/s3';
import {
  createSigV4Authenticator as createKernelAuthenticator,
  createPostPolicyVerifier,
  createSigV4Identifier,
  type DirectoryLease,
  type FaultHook,
  type StreamingHandler,
} from '@strongbox/service-kernel';
import { finishInterruptedReset } from './controls/data-reset.ts';
import { type ControlledEndpoint, controlEndpoint, type EndpointControls } from './controls/endpoint.ts';
import { prepareDataDirectory } from './data-directory.ts';
import { type HealthReport, healthReport } from './health.ts';
import { createProtocolRouter, type ProtocolRoute } from './router.ts';
import { createStsHandler, isStsRequest } from './sts.ts';

/** What the endpoint serves, however it is reached (a port, or in-process). */
export interface EndpointOptions {
  /** Default Region. Default `us-east-1`. */
  readonly region?: string;
  /** Default account (12 digits). Default `000000000000`. */
  readonly account?: string;
  /** Keep state in this directory (`openDirectoryStore`); default: in memory, lost on close. */
  readonly dataDirectory?: string;
  /**
   * With `dataDirectory`: S3 objects' sealed bytes go to this S3-compatible bucket, while their
   * keys and metadata stay in `<dataDirectory>/s3` (`@strongbox/s3`'s upstream store).
   */
  readonly s3Upstream?: UpstreamOptions;
  /**
   * The S3 engine's object store, made (and closed) by the caller, instead of memory or
   * `<dataDirectory>/s3`: for tools that show what S3 keeps at rest (`strongbox demo`). A reset
   * empties it (every bucket, object and upload), as it empties the engine's own store.
   */
  readonly s3Store?: ObjectStore;
  /**
   * Told when the data directory cannot be written: `KmsError` `WRITE_FAILED` (the store then
   * refuses all changes) or `DISK_FULL` (changes are refused until there is room), or, from KMS's
   * and S3's stores each (and from a reset of the controlled endpoint), an error with code
   * `LEASE_LOST` once another process took the directory over after this one's lease lapsed
   * (every call refused from then on, reads included: stop the server, as `strongbox serve` does).
   */
  readonly onStoreError?: (error: Error) => void;
  /** Keys and aliases to create if missing (`parseSeed`), before the port opens. */
  readonly seed?: SeedDocument;
  /** Known access keys; `test`/`test` (the default account's root) is added unless defined. */
  readonly users?: UserDirectory;
  /**
   * Verify every signature and refuse unknown access keys, as AWS does. An unsigned S3 request is
   * then the anonymous caller, which only a bucket policy for `"*"` can allow; KMS and the admin
   * API refuse unsigned requests. Default false.
   */
  readonly strictAuth?: boolean;
  /**
   * Request quotas: default, AWS's shared cryptographic quotas; `'aws'` or `{ profile: 'aws' }`
   * adds every operation's own; `false` turns throttling off. `customerManagedKeys` sets the key
   * quota (default 100,000 per account and Region, in force even without throttling). Changeable
   * at run time through `kms.quotas` or `/_strongbox/quotas` (`admin.ts`), where a setting naming
   * only `customerManagedKeys` leaves throttling as it is.
   */
  readonly quotas?: QuotaSetting;
  /** Time source of the emulator and the signature check (tests). Default: the system clock. */
  readonly clock?: Clock;
  /**
   * Host names S3's virtual-hosted addressing strips to find the bucket (`bucket.localhost`).
   * Default `localhost`, `s3.localhost`, `strongbox.localhost`, `s3.strongbox.localhost`.
   */
  readonly s3BaseHosts?: readonly string[];
  /**
   * Record S3's CloudTrail data events (object-level calls: PutObject, GetObject, HeadObject,
   * DeleteObject, ...) in the trail beside the KMS and S3 management events, so `LookupEvents`
   * shows the GetObject next to the KMS Decrypt it caused. Real CloudTrail records them only on a
   * trail with data events enabled and never shows them in Event history (`LookupEvents`): this is
   * a convenience of the emulator, hence off by default. They are bounded and kept (`dataDirectory`)
   * as the other events are.
   */
  readonly s3DataEvents?: boolean;
  /**
   * Seed of the fault controls' fraction draws (`controls.faults`), so that a run that injects
   * faults into a fraction of calls strikes the same calls again. Default: random.
   */
  readonly faultSeed?: number | string;
}

/** The services of one endpoint, before they are put on a port or behind an in-process handler. */
export interface Endpoint {
  readonly kms: Kms;
  /**
   * The S3 engine on the same `Kms` and trail: SSE-KMS calls this very KMS on each caller's
   * behalf. Objects live in `<dataDirectory>/s3`, or in memory.
   */
  readonly s3: S3;
  /** The services by `X-Amz-Target` prefix, each a protocol handler. */
  readonly routes: readonly ProtocolRoute[];
  /** S3's REST-XML handler (every request without `X-Amz-Target`). */
  readonly s3Handler: StreamingHandler;
  /** All of them behind one streaming handler (what the in-process mode serves). */
  readonly handler: StreamingHandler;
  /** Whether each service can serve (`GET /_strongbox/health`, `health.ts`). */
  health(): Promise<HealthReport>;
  /**
   * With a data directory: the lease of its lock, which KMS's store holds (`confirmLease`), for
   * the endpoint's own files in it (the clock's, `controls/clock-file.ts`): written through the service kernel's
   * `fencedFileIo` with it, they are fenced as the stores' files are. `confirm` rejects with
   * ServiceError `LEASE_LOST` once another process took the directory over (and `onStoreError`
   * hears of it once, from KMS's store), and with an Error once the endpoint is closed. A
   * controlled endpoint's is its current engines' (after a reset, the reopened ones').
   */
  readonly directoryLease?: Pick<DirectoryLease, 'confirm'> | undefined;
  /** Clock, faults, reset and quotas (`openControlledEndpoint`'s endpoints; `openEndpoint`'s have none). */
  readonly controls?: EndpointControls;
  /** Closes the S3 engine's and KMS's stores. Idempotent. */
  close(): Promise<void>;
}

/** What `openControlledEndpoint` wires into the engines `openEndpoint` makes. */
export interface EndpointWiring {
  /** The fault hooks of KMS's and S3's pipelines. */
  readonly faults?: { readonly kms: FaultHook; readonly s3: FaultHook };
  /**
   * With a data directory: called once KMS's store holds the directory's lease (an interrupted
   * reset finished), before the engines read the clock, with that lease; the controlled clock
   * removes its files' temporaries and reads its offset there (`controls/clock-file.ts`). A rejection fails the open (the store is closed again).
   */
  readonly onDirectoryHeld?: (lease: Pick<DirectoryLease, 'confirm'>) => Promise<void>;
}

/**
 * Opens the endpoint with its controls (`controls/endpoint.ts`): one controlled clock, fault
 * hooks, and `reset()`, over the engines `openEndpoint` builds. What `startServer`,
 * `createStrongbox` and `startInProcess` serve.
 * @throws as `openEndpoint`.
 * @example
 * ```ts
 * const endpoint = await openControlledEndpoint({ faultSeed: 7 });
 * endpoint.controls.clock.advance(365 * 86_400_000);
 * await endpoint.controls.reset();
 * await endpoint.close();
 * ```
 */
export function openControlledEndpoint(options: EndpointOptions = {}): Promise<ControlledEndpoint> {
  return controlEndpoint(options, openEndpoint);
}

/**
 * Opens the stores, applies the seed, and builds the engines and their protocol handlers (KMS, S3,
 * CloudTrail LookupEvents and STS GetCallerIdentity, with SigV4 as the options say).
 * @throws StrongboxError UNUSABLE or OTHER_FORMAT for a data directory that cannot be used or
 *   holds another format (checked before anything opens it); KmsError, TypeError (seed) as
 *   `startServer` documents; the store is closed again then.
 */
export async function openEndpoint(options: EndpointOptions = {}, wiring: EndpointWiring = {}): Promise<Endpoint> {
  const account = options.account ?? '000000000000';
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? systemClock;
  if (options.dataDirectory !== undefined) await prepareDataDirectory(options.dataDirectory);
  // A reset a crash interrupted is finished before any store opens: none of its state comes back.
  if (options.dataDirectory !== undefined) await finishInterruptedReset(options.dataDirectory);
  const directoryStore =
    options.dataDirectory === undefined
      ? undefined
      : await openDirectoryStore({ directory: options.dataDirectory, ...(options.onStoreError ? { onError: options.onStoreError } : {}) });
  const store: ChangeStore = directoryStore ?? createMemoryStore();
  let kms: Kms;
  let s3: S3;
  try {
    if (directoryStore !== undefined) await wiring.onDirectoryHeld?.({ confirm: () => directoryStore.confirmLease() });
    if (options.seed) {
      // The seed must fit the key quota the emulator runs with (a seed AWS could never hold is refused).
      const keyQuota = typeof options.quotas === 'object' ? options.quotas.customerManagedKeys : undefined;
      await applySeed(store, options.seed, {
        account,
        region,
        now: clock.now(),
        random: { bytes: (length) => new Uint8Array(randomBytes(length)) },
        ...(keyQuota === undefined ? {} : { customerManagedKeys: keyQuota }),
      });
    }
    kms = new Kms({
      account,
      region,
      store,
      clock,
      ...(options.quotas === undefined ? {} : { quotas: options.quotas }),
      ...(wiring.faults === undefined ? {} : { faults: wiring.faults.kms }),
    });
    if (options.s3Upstream !== undefined && options.dataDirectory === undefined)
      throw new TypeError('s3Upstream needs a dataDirectory for the keys and metadata');
    if (options.s3Store !== undefined && options.dataDirectory !== undefined) throw new TypeError('s3Store and dataDirectory cannot be given together');
    const s3Storage =
      options.s3Store !== undefined
        ? { storage: options.s3Store }
        : options.dataDirectory === undefined
          ? {}
          : {
              storage: {
                directory: join(options.dataDirectory, 's3'),
                ...(options.s3Upstream === undefined ? {} : { upstream: options.s3Upstream }),
                ...(options.onStoreError === undefined ? {} : { onError: options.onStoreError }),
              },
            };
    s3 = new S3({
      account,
      region,
      clock,
      kms,
      auditTrail: kms.auditTrail,
      dataEvents: options.s3DataEvents === true,
      ...s3Storage,
      ...(wiring.faults === undefined ? {} : { faults: wiring.faults.s3 }),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  // The public test/test key is a real user under --strict-auth (its signatures are verified, as
  // AWS verifies every key). Without it, it is just an unknown key: it acts as the account root
  // whatever secret signed it, as permissive test doubles accept any credentials, and requests
  // skip a verification that would protect nothing. Users-file keys are verified in both modes.
  const users = options.strictAuth ? withDefaultUser(options.users ?? NO_USERS, account, region) : (options.users ?? NO_USERS);
  const auth = { users, strict: options.strictAuth ?? false, account, region, clock };
  const routes: ProtocolRoute[] = [
    { service: 'KMS', signingName: 'kms', prefixes: ['TrentService.'], handler: createJson11Handler(kms, { authenticate: createSigV4Authenticator(auth) }) },
    {
      service: 'CloudTrail LookupEvents',
      signingName: 'cloudtrail',
      prefixes: CLOUDTRAIL_TARGET_PREFIXES,
      handler: createCloudTrailHandler(kms, { authenticate: createSigV4Authenticator({ ...auth, service: 'cloudtrail' }) }),
    },
    // STS GetCallerIdentity, told from S3 by its credential scope (sts.ts).
    {
      service: 'STS GetCallerIdentity',
      signingName: 'sts',
      prefixes: [],
      matches: isStsRequest,
      handler: createStsHandler(createKernelAuthenticator({ ...auth, service: 'sts' })),
    },
  ];
  const s3Handler = createS3Handler(s3, {
    // The S3 edge awaits only a verification that computes a signature (see `createSigV4Identifier`).
    authenticate: createSigV4Identifier({ ...auth, service: 's3', payloadMode: 's3' }),
    // Browser-based uploads (POST Object): the form's policy signed by the same keys.
    verifyPostPolicy: createPostPolicyVerifier({ ...auth, service: 's3' }),
    ...(options.s3BaseHosts === undefined ? {} : { baseHosts: options.s3BaseHosts }),
  });
  let closing: Promise<void> | undefined;
  return {
    kms,
    s3,
    routes,
    ...(directoryStore === undefined ? {} : { directoryLease: { confirm: () => directoryStore.confirmLease() } }),
    s3Handler,
    handler: createProtocolRouter(routes, { service: 'S3', signingName: 's3', handler: s3Handler }),
    health: () =>
      healthReport({
        // The directory store stops for good after a write failure; the memory store never fails.
        kmsFailure: () => (store as { readonly failure?: Error }).failure,
        s3Ready: () => s3.ready(),
        closing: () => closing !== undefined,
      }),
    close() {
      // S3 first: its SSE-KMS calls go to this KMS.
      closing ??= (async () => {
        try {
          await s3.close();
        } finally {
          await kms.close();
        }
      })();
      return closing;
    },
  };
}
