/**
 * The edge's connection settings: idle keep-alive connections outlive the idle time of the AWS
 * SDKs that have one, the server announces it, and the headers timeout stays in the order Node
 * requires.
 */

import { createServer, request as httpRequest, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { applyEdgeServerSettings, HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS } from '../../src/index.ts';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

describe('applyEdgeServerSettings', () => {
  it('keeps idle connections two minutes, longer than the Java (60 s) and Go (90 s) SDKs keep them idle', () => {
    const server = applyEdgeServerSettings(createServer());
    expect(server.keepAliveTimeout).toBe(KEEP_ALIVE_TIMEOUT_MS);
    expect(KEEP_ALIVE_TIMEOUT_MS).toBe(120_000);
    // Node's default, the one that raced SDK clients reusing idle sockets.
    expect(createServer().keepAliveTimeout).toBe(5_000);
  });

  it('sets the headers timeout above the keep-alive timeout and within the request timeout', () => {
    const server = applyEdgeServerSettings(createServer());
    expect(server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(server.headersTimeout).toBeGreaterThan(server.keepAliveTimeout);
    expect(server.headersTimeout).toBeLessThanOrEqual(server.requestTimeout);
  });

  it('applies to an https server too', () => {
    const server = applyEdgeServerSettings(createHttpsServer());
    expect([server.keepAliveTimeout, server.headersTimeout]).toEqual([KEEP_ALIVE_TIMEOUT_MS, HEADERS_TIMEOUT_MS]);
  });

  it('announces the timeout to clients in the Keep-Alive header', async () => {
    const server = applyEdgeServerSettings(createServer((_request, response) => response.end('ok')));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const header = await new Promise<string | undefined>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/', headers: { Connection: 'keep-alive' } }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.headers['keep-alive'] as string | undefined));
      })
        .on('error', reject)
        .end();
    });
    expect(header).toBe('timeout=120');
  });
});
