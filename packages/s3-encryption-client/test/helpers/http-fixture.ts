/**
 * Serves a test fixture's request handler (the in-memory S3) over a loopback HTTP socket, so an SDK
 * in another language (the official Ruby S3 Encryption Client) can reach it. 127.0.0.1 only.
 */

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FixtureRequest, FixtureResponse } from './memory-s3.ts';

/** A running server: its base URL and how to stop it. */
export interface HttpFixture {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Starts an HTTP server on 127.0.0.1 (a free port) that turns each request into a `FixtureRequest`.
 * Query flags without a value (`?uploads`) become `null`, as in the SDK's HttpRequest.
 */
export async function serveOverHttp(handle: (request: FixtureRequest) => Promise<FixtureResponse>): Promise<HttpFixture> {
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const query: Record<string, string | null> = {};
    for (const [name, value] of url.searchParams) query[name] = value === '' && !(request.url ?? '').includes(`${name}=`) ? null : value;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
    handle({ method: request.method ?? 'GET', path: url.pathname, query, headers, body: request })
      .then((answer) => {
        response.writeHead(answer.statusCode, answer.headers);
        answer.body.pipe(response);
      })
      .catch((error: unknown) => {
        response.writeHead(500, { 'content-type': 'text/plain' });
        response.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
