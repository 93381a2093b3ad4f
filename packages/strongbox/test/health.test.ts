/**
 * `GET /_strongbox/health`: each service's state as JSON, 200 when all are up and 503 otherwise,
 * answered without authentication (even under --strict-auth) on the HTTP and HTTPS listeners.
 */

import { createServer } from 'node:http';
import { Agent, request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { healthReport, healthRoute } from '../src/health.ts';
import { createStrongbox, HEALTH_PATH, type RunningServer, startServer, VERSION } from '../src/index.ts';
import { createRouter } from '../src/router.ts';

const running: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.close();
});

async function serveWith(options: Parameters<typeof startServer>[0]): Promise<RunningServer> {
  const server = await startServer({ port: 0, ...options });
  running.push(server);
  return server;
}

function getOverHttps(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpsRequest(url, { agent: new Agent({ ca }) }, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('GET /_strongbox/health', () => {
  it('answers 200 with every service up and the version, unsigned, on HTTP and HTTPS', async () => {
    const server = await serveWith({ https: { port: 0 } });
    const response = await fetch(`${server.url}${HEALTH_PATH}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const expected = { status: 'ok', version: VERSION, services: { kms: 'up', s3: 'up', cloudtrail: 'up' } };
    expect(await response.json()).toEqual(expected);
    const { readFile } = await import('node:fs/promises');
    const ca = await readFile(server.https!.certificate.path, 'utf8');
    const secure = await getOverHttps(`${server.https!.url}${HEALTH_PATH}`, ca);
    expect(secure.status).toBe(200);
    expect(JSON.parse(secure.body)).toEqual(expected);
  });

  it('is allowed without a signature under --strict-auth, where AWS routes refuse unsigned callers', async () => {
    const server = await serveWith({ strictAuth: true });
    expect((await fetch(`${server.url}${HEALTH_PATH}`)).status).toBe(200);
    // The quota route, which changes state, is refused to the same caller.
    expect((await fetch(`${server.url}/_strongbox/quotas`)).status).toBe(403);
  });

  it('refuses methods other than GET and HEAD with 405 and Allow', async () => {
    const server = await serveWith({});
    const response = await fetch(`${server.url}${HEALTH_PATH}`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${server.url}${HEALTH_PATH}`, { method: 'HEAD' })).status).toBe(200);
  });

  it('answers 503 naming the service that is down', async () => {
    const listener = createRouter([
      healthRoute(() => healthReport({ kmsFailure: () => new Error('write failed'), s3Ready: () => Promise.resolve(), closing: () => false })),
    ]);
    const server = createServer(listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    running.push({ close: () => new Promise((resolve) => server.close(() => resolve())) });
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${HEALTH_PATH}`);
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'unavailable', version: VERSION, services: { kms: 'down', s3: 'up', cloudtrail: 'down' } });
  });

  it('reports S3 down when its storage cannot open', async () => {
    const report = await healthReport({ kmsFailure: () => undefined, s3Ready: () => Promise.reject(new Error('locked')), closing: () => false });
    expect(report).toMatchObject({ status: 'unavailable', services: { kms: 'up', s3: 'down', cloudtrail: 'up' } });
  });

  it('in process: sb.health() is the same report, and everything is down once closed', async () => {
    const sb = await createStrongbox();
    expect(await sb.health()).toEqual({ status: 'ok', version: VERSION, services: { kms: 'up', s3: 'up', cloudtrail: 'up' } });
    await sb.close();
    expect(await sb.health()).toMatchObject({ status: 'unavailable', services: { kms: 'down', s3: 'down', cloudtrail: 'down' } });
  });
});
