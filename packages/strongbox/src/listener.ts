/**
 * @module
 * The endpoint on ports: one `node:http` server, and optionally a `node:https` one beside it
 * with the same request listener (the kernel edge marks requests from the TLS socket `secure`),
 * counting requests in flight and reporting each to the request log. `close()` stops accepting
 * connections, lets requests in flight finish (for a bounded time, then closes their
 * connections), then closes the endpoint's stores, so every acknowledged change is durable when
 * it resolves.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Kms } from '@strongbox/kms';
import type { S3 } from '@strongbox/s3';
import { applyEdgeServerSettings } from '@strongbox/service-kernel';
import type { TlsMaterial } from './certificate.ts';
import type { EndpointControls } from './controls/endpoint.ts';
import type { Endpoint } from './endpoint.ts';
import { observeRequest, type RequestClassifier, type RequestLogEntry } from './request-log.ts';
import type { NodeListener } from './router.ts';

/** The running HTTPS listener. */
export interface RunningHttps {
  /** `https://host:port`. */
  readonly url: string;
  readonly port: number;
  /** The certificate clients must trust (or skip verifying): `path` is its PEM file (`certificate.certPath` when one was given). */
  readonly certificate: { readonly path: string; readonly fingerprint256: string; readonly origin: TlsMaterial['origin'] };
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

/** Where and how `listen` serves. */
export interface ListenerOptions {
  readonly port: number;
  readonly host: string;
  /** The HTTPS listener beside the HTTP one, with its certificate. */
  readonly secure?: { readonly port: number; readonly tls: TlsMaterial };
  /** How long `close()` waits for requests in flight, and whom it tells when it gives up. */
  readonly shutdown: { readonly timeoutMs: number; readonly onTimeout?: (requests: number) => void };
  /** The request log: how requests are named, and where each entry goes. */
  readonly log?: { readonly classify: RequestClassifier; readonly report: (entry: RequestLogEntry) => void };
}

/**
 * Serves `router` on the ports `options` name; the returned server's `close()` closes `endpoint`
 * too. `options.secure`'s certificate is released on close.
 * @throws the listen error (`EADDRINUSE`, …; with its `port`) when a port cannot be bound; the
 *   ports already bound, the certificate and the endpoint are closed again first.
 * @example
 * ```ts
 * const server = await listen(endpoint, createRouter(routes), { port: 0, host: '127.0.0.1', shutdown: { timeoutMs: 5000 } });
 * await server.close();
 * ```
 */
export async function listen(endpoint: Endpoint, router: NodeListener, options: ListenerOptions): Promise<RunningServer> {
  const { port, host, secure, shutdown, log } = options;
  let inFlight = 0;
  const drained: (() => void)[] = [];
  const finished = (): void => {
    inFlight -= 1;
    if (inFlight === 0) for (const resolve of drained.splice(0)) resolve();
  };
  const listener = (request: IncomingMessage, response: ServerResponse): void => {
    inFlight += 1;
    // A request is done when its response closes (it completed or its connection was cut,
    // "Event: 'close'", node:http) or when its connection closes, whichever comes first: a
    // response queued behind a pipelined one on the same connection never emits 'close' when that
    // connection is destroyed (Node 20, lib/_http_server.js), and close() would wait for it for
    // ever.
    // Both may fire in one emit (the response's 'close' comes from a 'close' listener of the
    // connection), so it counts once.
    const socket = request.socket;
    let counted = false;
    const done = (): void => {
      if (counted) return;
      counted = true;
      response.off('close', done);
      socket.off('close', done);
      finished();
    };
    response.once('close', done);
    socket.once('close', done);
    if (log) observeRequest(request, response, log.classify, log.report);
    router(request, response);
  };
  // The same listener on both: the kernel edge marks requests from the TLS socket `secure`.
  const servers: Server[] = [createServer(listener)];
  if (secure) {
    // node:https (and node:tls under it) loads only for an HTTPS listener: most starts have none.
    const { createServer: createHttpsServer } = await import('node:https');
    servers.push(createHttpsServer({ cert: secure.tls.cert, key: secure.tls.key }, listener));
  }
  // A client may half-close its side once it has sent its request (`shutdown(SHUT_WR)`, curl and
  // HTTP/1.0 clients do). By default node:http takes that FIN as an abort: it drops the request
  // and ends the socket, so a request still waiting for its fsync was carried out but never
  // answered. With this set, node:http answers first and closes after the last response
  // (lib/_http_server.js, socketOnEnd).
  // Idle keep-alive sockets outlive the SDK's own idle timeout, so a client never reuses a socket
  // at the instant the server closes it (`applyEdgeServerSettings`).
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
