/**
 * @module
 * The server child process of the KMS HTTP section (`kms/http.ts` forks it once per server and
 * reuses it for the whole section). Run as `node --import tsx bench/kms/server.ts <kind> [body]`:
 *
 * - `strongbox`: `startServer({ port: 0 })` from the `strongbox` package, i.e. what
 *   `strongbox serve --port 0` runs by default: router, SigV4 (users-file keys verified; the
 *   default `test` key is accepted as the account root without verification), the JSON 1.1
 *   handler, an in-memory emulator with AWS's default quotas and audit trail.
 * - `strongbox-strict`: `startServer({ port: 0, strictAuth: true })`, `strongbox serve
 *   --strict-auth`: the same, with every request's signature verified (test/test included).
 * - `handler`: `createServer(toNodeListener(createJson11Handler(new Kms())))`: the KMS JSON 1.1
 *   handler alone, no router and no SigV4 verification (every caller is the account root).
 * - `handler-unthrottled`: the same with `new Kms({ quotas: false })`, for the key-type section
 *   (AWS's asymmetric quotas, 1,000/s, would otherwise cap what it measures).
 * - `canned`: a minimal `node:http` server answering every request, once its body has arrived,
 *   with the fixed GenerateDataKey body given as the second argument (a real response the
 *   emulator produced, so the bytes on the wire have the same size) and the JSON 1.1 headers
 *   (`Content-Type: application/x-amz-json-1.1`, a fresh `x-amzn-RequestId`, `Content-Length`):
 *   the limit the protocol, Node's HTTP stack and the client impose, with no KMS work at all.
 *
 * Every server listens on 127.0.0.1 with Node's default server settings. The child talks to the
 * parent over the IPC channel only: `ready` (with the URL) once listening; `usage` answers with its
 * own CPU time and RSS (read around each timed sample, outside the timed interval); `exit` closes
 * the server and exits. It also exits when the parent goes away (the channel closes).
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The kinds of server this script runs. */
export type ServerKind = 'strongbox' | 'strongbox-strict' | 'handler' | 'handler-unthrottled' | 'canned';

/** Messages from the parent. */
export type ToServer = { readonly type: 'usage'; readonly id: number } | { readonly type: 'exit' };

/** Messages to the parent. */
export type FromServer =
  | { readonly type: 'ready'; readonly url: string; readonly pid: number; readonly execArgv: readonly string[] }
  | { readonly type: 'usage'; readonly id: number; readonly cpuUs: number; readonly rssBytes: number };

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function start(kind: string, body: string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  if (kind === 'strongbox' || kind === 'strongbox-strict') {
    const { startServer } = await import('strongbox');
    const running = await startServer({ port: 0, strictAuth: kind === 'strongbox-strict' });
    return { url: running.url, close: () => running.close() };
  }
  if (kind === 'handler' || kind === 'handler-unthrottled') {
    const { Kms } = await import('@strongbox/kms');
    const { createJson11Handler, toNodeListener } = await import('@strongbox/kms/http');
    const server = createServer(toNodeListener(createJson11Handler(new Kms(kind === 'handler' ? {} : { quotas: false }))));
    const url = await listen(server);
    return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  if (kind === 'canned') {
    if (body === undefined) throw new Error('canned: the response body is missing');
    const payload = Buffer.from(body);
    const length = String(payload.length);
    const server = createServer((request, response) => {
      request.resume();
      request.once('end', () => {
        response.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1', 'x-amzn-RequestId': randomUUID(), 'Content-Length': length });
        response.end(payload);
      });
    });
    const url = await listen(server);
    return { url, close: () => new Promise((resolve) => server.close(() => resolve())) };
  }
  throw new Error(`unknown server kind ${JSON.stringify(kind)} (strongbox, strongbox-strict, handler, handler-unthrottled or canned)`);
}

const send = (message: FromServer): void => {
  process.send?.(message);
};

if (!process.send) {
  process.stderr.write('bench/kms/server.ts runs as a child of the benchmark (it needs the IPC channel)\n');
  process.exit(2);
}
const [, , kind = '', body] = process.argv;
const server = await start(kind, body);
process.on('message', (message: ToServer) => {
  if (message.type === 'usage') {
    const { user, system } = process.cpuUsage();
    send({ type: 'usage', id: message.id, cpuUs: user + system, rssBytes: process.memoryUsage.rss() });
  } else if (message.type === 'exit') {
    void server.close().finally(() => process.exit(0));
  }
});
process.on('disconnect', () => process.exit(0));
send({ type: 'ready', url: server.url, pid: process.pid, execArgv: process.execArgv });
