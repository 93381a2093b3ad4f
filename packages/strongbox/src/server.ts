/**
 * @module
 * The local endpoint: one `node:http` server on one port serving the KMS emulator over AWS JSON
 * 1.1 (SigV4-authenticated) and CloudTrail `LookupEvents` over its trail, routed by
 * `X-Amz-Target` (see `router.ts`). `close()` stops accepting connections, lets requests in flight
 * finish, then closes the store, so every acknowledged change is durable when it resolves.
 */

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
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
import { S3, type UpstreamOptions } from '@strongbox/s3';
import type { ProtocolHandler } from '@strongbox/service-kernel';
import { quotasRoute } from './admin.ts';
import { createProtocolRouter, createRouter, type ProtocolRoute, type Route, targetRoute } from './router.ts';

/** How to run the endpoint. */
export interface ServerOptions extends EndpointOptions {
  /** TCP port; 0 picks a free one. Default 4566 (the port AWS tooling conventionally uses for local endpoints). */
  readonly port?: number;
  /** Interface to listen on. Default `127.0.0.1` (loopback only). */
  readonly host?: string;
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
}

/** A running endpoint. */
export interface RunningServer {
  /** `http://host:port`, ready for `AWS_ENDPOINT_URL` (a wildcard host is shown as loopback). */
  readonly url: string;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  readonly kms: Kms;
  /** The S3 engine, calling `kms` (SSE-KMS) and recording in its trail. */
  readonly s3: S3;
  /** Requests being served right now. */
  inFlight(): number;
  /** Stops accepting, waits for requests in flight, closes the store. Idempotent. */
  close(): Promise<void>;
}

/**
 * Starts the endpoint: opens the store, applies the seed, binds the port.
 *
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
  const endpoint = await openEndpoint(options);
  const routes: Route[] = [
    quotasRoute(endpoint.kms, { strict: options.strictAuth ?? false }),
    ...endpoint.routes.map((route) => targetRoute(route.service, route.prefixes, toNodeListener(route.handler))),
    // Seam: S3 (REST-XML, no X-Amz-Target) joins here, last, claiming what the others leave.
  ];
  return listen(endpoint.kms, endpoint.s3, routes, options.port ?? 4566, options.host ?? '127.0.0.1');
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
  /** All of them behind one protocol handler (what the in-process mode serves). */
  readonly handler: ProtocolHandler;
}

/**
 * Opens the store, applies the seed, and builds the emulator and its protocol handlers (KMS and
 * CloudTrail LookupEvents, with SigV4 as the options say).
 * @throws StoreError, TypeError (seed) as `startServer` documents; the store is closed again then.
 */
export async function openEndpoint(options: EndpointOptions = {}): Promise<Endpoint> {
  const account = options.account ?? '000000000000';
  const region = options.region ?? 'us-east-1';
  const clock = options.clock ?? systemClock;
  const store: ChangeStore =
    options.dataDirectory === undefined
      ? createMemoryStore()
      : await openDirectoryStore({ directory: options.dataDirectory, ...(options.onStoreError ? { onError: options.onStoreError } : {}) });
  let kms: Kms;
  let s3: S3;
  try {
    if (options.seed)
      await applySeed(store, options.seed, { account, region, now: clock.now(), random: { bytes: (length) => new Uint8Array(randomBytes(length)) } });
    kms = new Kms({ account, region, store, clock, ...(options.quotas === undefined ? {} : { quotas: options.quotas }) });
    if (options.s3Upstream !== undefined && options.dataDirectory === undefined)
      throw new TypeError('s3Upstream needs a dataDirectory for the keys and metadata');
    const s3Storage =
      options.dataDirectory === undefined
        ? {}
        : { storage: { directory: join(options.dataDirectory, 's3'), ...(options.s3Upstream === undefined ? {} : { upstream: options.s3Upstream }) } };
    s3 = new S3({ account, region, clock, kms, auditTrail: kms.auditTrail, ...s3Storage });
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
  ];
  return { kms, s3, routes, handler: createProtocolRouter(routes) };
}

async function listen(kms: Kms, s3: S3, routes: readonly Route[], port: number, host: string): Promise<RunningServer> {
  let inFlight = 0;
  const drained: (() => void)[] = [];
  const router = createRouter(routes);
  // A response emits 'close' once, when it completes or its connection is cut ("Event: 'close'",
  // node:http): one shared listener counts requests in flight without a closure per request.
  const finished = (): void => {
    inFlight -= 1;
    if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    inFlight += 1;
    response.once('close', finished);
    router(request, response);
  });
  // A client may half-close its side once it has sent its request (`shutdown(SHUT_WR)`, curl and
  // HTTP/1.0 clients do). By default node:http takes that FIN as an abort: it drops the request
  // and ends the socket, so a request still waiting for its fsync was carried out but never
  // answered. With this set, node:http answers first and closes after the last response
  // (lib/_http_server.js, socketOnEnd).
  Object.assign(server, { httpAllowHalfOpen: true });
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    await s3.close();
    await kms.close();
    throw error;
  }
  const bound = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${displayHost(host)}:${bound}`,
    port: bound,
    kms,
    s3,
    inFlight: () => inFlight,
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        if (inFlight > 0) await new Promise<void>((resolve) => drained.push(resolve));
        // Keep-alive connections that finished their last request would hold close() open.
        server.closeAllConnections();
        await stopped;
        await s3.close();
        await kms.close();
      })();
      return closing;
    },
  };
}

/** A wildcard address is not something to connect to; show loopback instead. IPv6 in brackets. */
function displayHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}
