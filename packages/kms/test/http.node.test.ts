/**
 * The `node:http` adapter under failure: an oversized body gets its 413 (the connection is not
 * cut before the client can read it), and a failure outside the JSON 1.1 handler is a 500 with a
 * JSON 1.1 `KMSInternalException` body that says nothing about the failure's details.
 */

import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createJson11Handler, type HttpRequest, type HttpResponse, toNodeListener } from '../src/http.ts';
import { Kms } from '../src/index.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

async function serve(handler: (request: HttpRequest) => Promise<HttpResponse>): Promise<number> {
  const server = createServer(toNodeListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** POSTs `body` with node:http (which streams it), resolving with whatever answer arrives. */
function post(port: number, body: Uint8Array, target = 'TrentService.ListKeys'): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/',
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target, 'content-length': body.length },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: text }));
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

describe('toNodeListener', () => {
  it('answers a body over 1 MiB with 413 and Connection: close, and the client receives it', async () => {
    let called = false;
    const port = await serve(async () => {
      called = true;
      return { status: 200, headers: {}, body: '' };
    });
    for (const size of [1024 * 1024 + 1, 8 * 1024 * 1024]) {
      const response = await post(port, new Uint8Array(size).fill(0x20));
      expect(response.status).toBe(413);
      expect(response.headers['connection']).toBe('close');
    }
    expect(called).toBe(false);
  }, 30_000);

  it('still serves a body of exactly 1 MiB', async () => {
    const port = await serve(createJson11Handler(new Kms({ quotas: false })));
    const body = new Uint8Array(1024 * 1024).fill(0x20);
    body.set(new TextEncoder().encode('{}'));
    const response = await post(port, body);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ Keys: [] });
  });

  it('answers a handler failure with 500 and a JSON 1.1 KMSInternalException, not 413, and without its details', async () => {
    const port = await serve(async () => {
      throw new Error('secret detail: s3cr3t');
    });
    const response = await post(port, new TextEncoder().encode('{}'));
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(response.headers['x-amzn-errortype']).toBe('KMSInternalException');
    expect(JSON.parse(response.body)).toEqual({ __type: 'KMSInternalException', message: 'An internal error occurred.' });
    expect(response.body).not.toContain('s3cr3t');
  });
});
