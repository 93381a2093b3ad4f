/**
 * @module
 * The local endpoint on a port: `openControlledEndpoint`'s services (`endpoint.ts`) behind one
 * `node:http` server serving KMS over AWS JSON 1.1 and CloudTrail `LookupEvents` (routed by
 * `X-Amz-Target`, see `router.ts`), STS `GetCallerIdentity`, S3 over REST-XML for every request
 * without that header (bodies streamed both ways) and the `/_strongbox/` health and admin routes;
 * optionally an HTTPS listener beside it serving the same routes (`certificate.ts`; services see
 * which listener a request came through as `secure`). The listeners, the request log and the
 * graceful shutdown are `listener.ts`.
 */

import { systemClock } from '@strongbox/kms';
import { toNodeListener } from '@strongbox/kms/http';
import { internalErrorResponse } from '@strongbox/s3';
import { toNodeStreamingListener } from '@strongbox/service-kernel';
import { adminRoute } from './admin.ts';
import { listenerCertificate, type TlsMaterial } from './certificate.ts';
import { type Endpoint, type EndpointOptions, openControlledEndpoint } from './endpoint.ts';
import { healthRoute } from './health.ts';
import { listen, type RunningServer } from './listener.ts';
import { endpointClassifier, type RequestLogEntry } from './request-log.ts';
import { createRouter, predicateRoute, type Route, targetRoute, untargetedRoute } from './router.ts';

/** How long `close()` waits for requests in flight by default. */
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 5000;

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
   * certificate for localhost, kept in the data directory (`tls/`), or made for this run (its
   * `cert.pem` in a `strongbox-tls-*` temporary folder, removed by `close()` only: a process that
   * ends without closing leaves it). The running server names the file as `https.certificate.path`.
   */
  readonly certificate?: { readonly certPath: string; readonly keyPath: string };
}

/**
 * Starts the endpoint: opens the store, applies the seed, binds the port.
 *
 * @throws StrongboxError UNUSABLE or OTHER_FORMAT when the data directory cannot be used (not
 *   creatable, not a directory, not writable) or was written in another format.
 * @throws KmsError when the data directory cannot be opened (locked, wrong root key, damaged).
 * @throws TypeError for a seed that does not fit the state or the key quota; RangeError for a malformed account or Region.
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
  // Checked before a certificate is made, which would then have to be released again.
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  if (!(Number.isFinite(shutdownTimeoutMs) && shutdownTimeoutMs >= 0)) {
    await endpoint.close();
    throw new RangeError(`"shutdownTimeoutMs" expected a non-negative number, got ${String(options.shutdownTimeoutMs)}`);
  }
  const router = createRouter(nodeRoutes(endpoint, options));
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
  const shutdown = { timeoutMs: shutdownTimeoutMs, ...(options.onShutdownTimeout ? { onTimeout: options.onShutdownTimeout } : {}) };
  return listen(endpoint, router, {
    port: options.port ?? 4566,
    host: options.host ?? '127.0.0.1',
    ...(tls === undefined ? {} : { secure: { port: options.https?.port ?? 0, tls } }),
    shutdown,
    ...(log === undefined ? {} : { log }),
  });
}

/**
 * The endpoint's services as `node:http` routes, in the order they claim a request: the health
 * and admin routes under `/_strongbox/`, the services named by `X-Amz-Target` or by their own
 * test of the request (`openEndpoint`'s routes), and S3 (REST-XML) last, for every request without
 * `X-Amz-Target`, its bodies streamed.
 */
function nodeRoutes(endpoint: Endpoint, options: ServerOptions): Route[] {
  return [
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
        ? targetRoute(route.service, route.prefixes, toNodeListener(route.handler), route.signingName)
        : predicateRoute(route.service, route.matches, toNodeListener(route.handler), route.signingName),
    ),
    untargetedRoute('S3', 's3', toNodeStreamingListener(endpoint.s3Handler, { internalError: internalErrorResponse })),
  ];
}
