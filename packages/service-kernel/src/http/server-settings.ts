/**
 * @module
 * Connection settings of a `node:http` / `node:https` server that AWS SDK clients talk to.
 *
 * An HTTP/1.1 server may close an idle keep-alive connection at any time, and a client that sends
 * its next request on it at that instant sees the connection reset ("socket hang up"); RFC 9112
 * §9.6 leaves it to the client to retry. Node's default (`keepAliveTimeout` 5 s, the socket closed
 * one second later) makes that race frequent for SDK clients: the AWS SDK for JavaScript v3's
 * `NodeHttpHandler` pools sockets in a `node:https` Agent with `keepAlive: true` and no idle
 * timeout of its own, and Node 20's Agent lowers a socket's idle timeout to the server's
 * `Keep-Alive: timeout=N` hint only when the agent already has a timeout (lib/_http_agent.js,
 * `keepSocketAlive`), so an SDK client keeps idle sockets until the server closes them, and a
 * request that picks such a socket as the server's timer fires fails (with `maxAttempts: 1`, the
 * caller sees it; otherwise the SDK retries it). Servers that SDKs talk to keep idle connections
 * longer than clients keep them idle (the pattern of load balancers in front of Node services):
 * this one longer than the AWS SDK for Java 2.x's (60 s) and Go v2's (90 s) connection idle time,
 * so those clients always close first, and a JavaScript client's idle socket is closed by the
 * server only after two minutes of silence rather than after six seconds.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http';
 * import { applyEdgeServerSettings, toNodeListener } from '@strongbox/service-kernel';
 * applyEdgeServerSettings(createServer(toNodeListener(handler))).listen(4566);
 * ```
 */

import type { Server } from 'node:http';

/** How long an idle keep-alive connection stays open, ms (announced as `Keep-Alive: timeout=120`). */
export const KEEP_ALIVE_TIMEOUT_MS: number = 120_000;

/**
 * How long a request's headers may take to arrive, ms: above the keep-alive timeout, the pairing
 * Node's documentation asks for (before Node 18 the idle time counted toward it, so a shorter one
 * cut idle connections early), and within Node's `requestTimeout` (300 s), which it must not exceed.
 */
export const HEADERS_TIMEOUT_MS: number = KEEP_ALIVE_TIMEOUT_MS + 1_000;

/**
 * Applies the edge's connection settings (`keepAliveTimeout`, `headersTimeout`) to a server.
 * @returns the same server.
 * @example applyEdgeServerSettings(createServer(listener)).keepAliveTimeout // 120000
 */
export function applyEdgeServerSettings<S extends Pick<Server, 'keepAliveTimeout' | 'headersTimeout'>>(server: S): S {
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  return server;
}
