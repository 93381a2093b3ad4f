/**
 * @module
 * The local endpoint: one `node:http` server on one port serving the KMS emulator over AWS JSON
 * 1.1 (SigV4-authenticated), CloudTrail `LookupEvents` over its trail, routed by `X-Amz-Target`
 * (see `router.ts`), and S3 over REST-XML for every request without that header (bodies
 * streamed both ways); optionally an HTTPS listener beside it serving the same routes
 * (`certificate.ts`; services see which listener a request came through as `secure`). `close()`
 * stops accepting connections, lets requests in flight finish, then closes the stores, so every
 * acknowledged change is durable when it resolves.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
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
import { CLOUDTRAIL_TARGET_PREFIXES, createCloudTrailHandler, createJson11Handler, createSigV4Authenticator, toNodeListener } from '@strongbox/kms/http';
import { createS3Handler, internalErrorResponse, type ObjectStore, S3, type UpstreamOptions } from '@strongbox/s3';
import {
  applyEdgeServerSettings,
  createSigV4Authenticator as createKernelAuthenticator,
  type FaultHook,
  type StreamingHandler,
  toNodeStreamingListener,
} from '@strongbox/service-kernel';
import { adminRoute } from './admin.ts';
import { listenerCertificate, type TlsMaterial } from './certificate.ts';
import { finishInterruptedReset } from './controls/data-reset.ts';
import { type ControlledEndpoint, controlEndpoint, type EndpointControls } from './controls/endpoint.ts';
import { prepareDataDirectory } from './data-directory.ts';
import { type HealthReport, healthReport, healthRoute } from './health.ts';
import { endpointClassifier, observeRequest, type RequestLogEntry } from './request-log.ts';
import { createProtocolRouter, createRouter, type ProtocolRoute, predicateRoute, type Route, targetRoute, untargetedRoute } from './router.ts';
import { createStsHandler, isStsRequest } from './sts.ts';

/** How to run the endpoint. */
export interface ServerOptions extends EndpointOptions {
  /** TCP port; 0 picks a free one. Default 4566 (the port AWS tooling conventionally uses for local endpoints). */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  readonly host?: string;
  /** An HTTPS listener beside the HTTP one, on the same interface, serving the same services. */
  readonly https?: HttpsOptions;
  /** Told of every request served, when its answer ends (`request-log.ts`; the CLI prints them). */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /**
   * How long `close()` lets requests in flight finish before it closes their connections (a
   * client stalled in the middle of a body would otherwise hold the shutdown forever). Default
   * 5000 ms; 0 closes them at once.
   */
  readonly shutdownTimeoutMs?: number;
  /** Told when `close()` gives up waiting, with how many requests it is cutting off. */
  readonly onShutdownTimeout?: (requests: number) => void;
}

/** The HTTPS listener. */
export interface HttpsOptions {
  /** TCP port; 0 picks a free one. */
  readonly port: number;
  /**
   * PEM certificate and key files to serve (`--tls-cert`/`--tls-key`). Default: a self-signed
   * certificate for localhost, kept in the data directory (`tls/`), or made for this run.
   */
  readonly certificate?: { readonly certPath: string; readonly keyPath: string };
}

/** The running HTTPS listener. */
export interface RunningHttps {
  /** `https://host:port`. */
  readonly url: string;
  readonly port: number;
  /** The certificate clients must trust (or skip verifying). */
  readonly certificate: { readonly path: string; readonly fingerprint256: string; readonly origin: TlsMaterial['origin'] };
}

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
  /** Told when the data directory cannot be written: `StoreError` `WRITE_FAILED` (the store then refuses all changes) or `DISK_FULL` (changes are refused until there is room). */
  readonly onStoreError?: (error: Error) => void;
  /** Keys and aliases to create if missing (`parseSeed`), before the port opens. */
  readonly seed?: SeedDocument;
  /** Known access keys; `test`/`test` (the default account's root) is added unless defined. */
  readonly users?: UserDirectory;
  /** Refuse unsigned requests and unknown access keys, as AWS does. Default false. */
  readonly strictAuth?: boolean;
  /**
   * Request quotas: default, AWS's shared cryptographic quotas; `'aws'` or `{ profile: 'aws' }`
   * adds every operation's own; `false` turns throttling off. Changeable at run time through
   * `kms.quotas` or `/_strongbox/quotas` (`admin.ts`).
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
   * Seed of the fault controls' fraction draws (`controls.faults`), so that a run that injects
   * faults into a fraction of calls strikes the same calls again. Default: random.
   */
  readonly faultSeed?: number | string;
}

/** A running endpoint. */
export interface RunningServer {
  /** `http://host:port`, ready for `AWS_ENDPOINT_URL` (a wildcard host is shown as loopback). */
  readonly url: string;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** The HTTPS listener, when one was asked for. */
  readonly https?: RunningHttps;
  readonly kms: Kms;
  /** The S3 engine, calling `kms` (SSE-KMS) and recording in its trail. */
  readonly s3: S3;
  /** Clock, faults, reset and quotas (see `openControlledEndpoint`; what `/_strongbox/` serves). */
  readonly controls?: EndpointControls;
  /** Requests being served right now. */
  inFlight(): number;
  /**
   * Stops accepting, closes idle connections, waits for requests in flight (at most
   * `shutdownTimeoutMs`, then closes their connections: those requests were never answered, so
   * nothing acknowledged is lost), and closes the stores. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Starts the endpoint: opens the store, applies the seed, binds the port.
 *
 * @throws DataDirectoryError when the data directory cannot be used (not creatable, not a
 *   directory, not writable) or was written in another format.
 * @throws StoreError when the data directory cannot be opened (locked, wrong root key, damaged).
 * @throws TypeError for a seed that does not fit the state; RangeError for a malformed account or Region.
 * @throws Error with `code: 'EADDRINUSE'` (and other listen errors) when the port cannot be bound.
 *   Whatever fails, the store is closed again before the error is raised.
 * @example
 * ```ts
 * const server = await startServer({ port: 0 });
 * const client = new KMSClient({ endpoint: server.url, region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
 * await server.close();
 * ```
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  return serveEndpoint(await openControlledEndpoint(options), options);
}

/**
 * Puts an open endpoint on a port (and HTTPS beside it), as `startServer` does; the server's
 * `close()` closes `endpoint` too (pass one whose `close` does nothing to keep it open).
 * @throws as `startServer`; the endpoint is closed again then.
 * @example
 * ```ts
 * const server = await serveEndpoint(await openEndpoint(), { port: 0 });
 * await server.close();
 * ```
 */
export async function serveEndpoint(endpoint: Endpoint, options: ServerOptions = {}): Promise<RunningServer> {
  const routes: Route[] = [
    healthRoute(() => endpoint.health()),
    adminRoute(endpoint, {
      strict: options.strictAuth ?? false,
      users: options.users,
      account: options.account,
      region: options.region,
      clock: endpoint.controls?.clock ?? options.clock,
      host: options.host,
    }),
    ...endpoint.routes.map((route) =>
      route.matches === undefined
        ? targetRoute(route.service, route.prefixes, toNodeListener(route.handler))
        : predicateRoute(route.service, route.matches, toNodeListener(route.handler)),
    ),
    // S3 (REST-XML, no X-Amz-Target) last, claiming what the others leave; bodies stream.
    untargetedRoute('S3', toNodeStreamingListener(endpoint.s3Handler, { internalError: internalErrorResponse })),
  ];
  let tls: TlsMaterial | undefined;
  if (options.https) {
    try {
      tls = await listenerCertificate({
        ...(options.https.certificate ? { given: options.https.certificate } : {}),
        ...(options.dataDirectory === undefined ? {} : { dataDirectory: options.dataDirectory }),
        now: new Date((options.clock ?? systemClock).now()),
      });
    } catch (error) {
      await endpoint.close();
      throw error;
    }
  }
  const log = options.onRequest === undefined ? undefined : { classify: endpointClassifier(options.s3BaseHosts), report: options.onRequest };
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (!(Number.isFinite(shutdownTimeoutMs) && shutdownTimeoutMs >= 0)) {
    await endpoint.close();
    throw new RangeError(`"shutdownTimeoutMs" expected a non-negative number, got ${String(options.shutdownTimeoutMs)}`);
  }
  const shutdown = { timeoutMs: shutdownTimeoutMs, ...(options.onShutdownTimeout ? { onTimeout: options.onShutdownTimeout } : {}) };
  return listen(
    endpoint,
    routes,
    options.port ?? 4566,
    options.host ?? '127.0.0.1',
    tls === undefined ? undefined : { port: options.https?.port ?? 0, tls },
    shutdown,
    log,
  );
}

/** How long `close()` waits for requests in flight by default. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

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
  /** Clock, faults, reset and quotas (`openControlledEndpoint`'s endpoints; `openEndpoint`'s have none). */
  readonly controls?: EndpointControls;
  /** Closes the S3 engine's and KMS's stores. Idempotent. */
  close(): Promise<void>;
}

/** What `openControlledEndpoint` wires into the engines `openEndpoint` makes. */
export interface EndpointWiring {
  /** The fault hooks of KMS's and S3's pipelines. */
  readonly faults?: { readonly kms: FaultHook; readonly s3: FaultHook };
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
 * Opens the store, applies the seed, and builds the emulator and its protocol handlers (KMS and
 * CloudTrail LookupEvents, with SigV4 as the options say).
 * @throws DataDirectoryError for a data directory that cannot be used or holds another format
 *   (checked before anything opens it); StoreError, TypeError (seed) as `startServer` documents;
 *   the store is closed again then.
 */
export async function openEndpoint(options: EndpointOptions = {}, wiring: EndpointWiring = {}): Promise<Endpoint> {
  const account = options.account ?? '000000000000';
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? systemClock;
  if (options.dataDirectory !== undefined) await prepareDataDirectory(options.dataDirectory);
  // A reset a crash interrupted is finished before any store opens: none of its state comes back.
  if (options.dataDirectory !== undefined) await finishInterruptedReset(options.dataDirectory);
  const store: ChangeStore =
    options.dataDirectory === undefined
      ? createMemoryStore()
      : await openDirectoryStore({ directory: options.dataDirectory, ...(options.onStoreError ? { onError: options.onStoreError } : {}) });
  let kms: Kms;
  let s3: S3;
  try {
    if (options.seed)
      await applySeed(store, options.seed, { account, region, now: clock.now(), random: { bytes: (length) => new Uint8Array(randomBytes(length)) } });
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
          : { storage: { directory: join(options.dataDirectory, 's3'), ...(options.s3Upstream === undefined ? {} : { upstream: options.s3Upstream }) } };
    s3 = new S3({
      account,
      region,
      clock,
      kms,
      auditTrail: kms.auditTrail,
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
    { service: 'KMS', prefixes: ['TrentService.'], handler: createJson11Handler(kms, { authenticate: createSigV4Authenticator(auth) }) },
    {
      service: 'CloudTrail LookupEvents',
      prefixes: CLOUDTRAIL_TARGET_PREFIXES,
      handler: createCloudTrailHandler(kms, { authenticate: createSigV4Authenticator({ ...auth, service: 'cloudtrail' }) }),
    },
    // STS GetCallerIdentity, told from S3 by its credential scope (sts.ts).
    {
      service: 'STS GetCallerIdentity',
      prefixes: [],
      matches: isStsRequest,
      handler: createStsHandler(createKernelAuthenticator({ ...auth, service: 'sts' })),
    },
  ];
  const s3Handler = createS3Handler(s3, {
    authenticate: createKernelAuthenticator({ ...auth, service: 's3', payloadMode: 's3' }),
    ...(options.s3BaseHosts === undefined ? {} : { baseHosts: options.s3BaseHosts }),
  });
  let closing: Promise<void> | undefined;
  return {
    kms,
    s3,
    routes,
    s3Handler,
    handler: createProtocolRouter(routes, { service: 'S3', handler: s3Handler }),
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

async function listen(
  endpoint: Endpoint,
  routes: readonly Route[],
  port: number,
  host: string,
  secure: { readonly port: number; readonly tls: TlsMaterial } | undefined,
  shutdown: { readonly timeoutMs: number; readonly onTimeout?: (requests: number) => void },
  log?: { readonly classify: ReturnType<typeof endpointClassifier>; readonly report: (entry: RequestLogEntry) => void },
): Promise<RunningServer> {
  let inFlight = 0;
  const drained: (() => void)[] = [];
  const router = createRouter(routes);
  // A response emits 'close' once, when it completes or its connection is cut ("Event: 'close'",
  // node:http): one shared listener counts requests in flight without a closure per request.
  const finished = (): void => {
    inFlight -= 1;
    if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
  };
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    inFlight += 1;
    response.once('close', finished);
    if (log) observeRequest(request, response, log.classify, log.report);
    router(request, response);
  };
  // The same listener on both: the kernel edge marks requests from the TLS socket `secure`.
  const servers: Server[] = [createServer(listener)];
  if (secure) servers.push(createHttpsServer({ cert: secure.tls.cert, key: secure.tls.key }, listener));
  // A client may half-close its side once it has sent its request (`shutdown(SHUT_WR)`, curl and
  // HTTP/1.0 clients do). By default node:http takes that FIN as an abort: it drops the request
  // and ends the socket, so a request still waiting for its fsync was carried out but never
  // answered. With this set, node:http answers first and closes after the last response
  // (lib/_http_server.js, socketOnEnd). Idle keep-alive connections stay open long enough that
  // SDK clients reusing them do not race the server's close (kernel http/server-settings.ts).
  for (const server of servers) Object.assign(applyEdgeServerSettings(server), { httpAllowHalfOpen: true });
  const ports = [port, ...(secure ? [secure.port] : [])];
  try {
    for (const [index, server] of servers.entries()) await listenOn(server, ports[index] ?? 0, host);
  } catch (error) {
    await Promise.all(servers.filter((server) => server.listening).map((server) => new Promise((resolve) => server.close(resolve))));
    await secure?.tls.release();
    await endpoint.close();
    throw error;
  }
  const [bound, boundHttps] = servers.map((server) => (server.address() as AddressInfo).port);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost(host)}:${bound}`,
    port: bound as number,
    ...(secure && boundHttps !== undefined
      ? {
          https: {
            url: `https://${displayHost(host)}:${boundHttps}`,
            port: boundHttps,
            certificate: { path: secure.tls.certPath, fingerprint256: secure.tls.fingerprint256, origin: secure.tls.origin },
          },
        }
      : {}),
    // Getters: a reset (`controls.reset()`) replaces the engines.
    get kms(): Kms {
      return endpoint.kms;
    },
    get s3(): S3 {
      return endpoint.s3;
    },
    ...(endpoint.controls === undefined ? {} : { controls: endpoint.controls }),
    inFlight: () => inFlight,
    close() {
      closing ??= (async () => {
        const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
        for (const server of servers) server.closeIdleConnections();
        if (inFlight > 0) {
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await Promise.race([
            new Promise<false>((resolve) => drained.push(() => resolve(false))),
            new Promise<true>((resolve) => {
              timer = setTimeout(() => resolve(true), shutdown.timeoutMs);
            }),
          ]);
          clearTimeout(timer);
          if (timedOut && inFlight > 0) shutdown.onTimeout?.(inFlight);
        }
        // Keep-alive connections that finished their last request would hold close() open; after
        // the timeout, this also cuts the connections of requests still in flight.
        for (const server of servers) server.closeAllConnections();
        // Their responses close with their sockets; handlers still running see their bodies fail.
        if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
        await Promise.all(stopped);
        await secure?.tls.release();
        await endpoint.close();
      })();
      return closing;
    },
  };
}

function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** A wildcard address is not something to connect to; show loopback instead. IPv6 in brackets. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
