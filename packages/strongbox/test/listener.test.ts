/**
 * The endpoint on ports (`listen`): requests in flight counted and waited for on close, a bound on
 * that wait, clients that half-close, wildcard hosts shown as loopback, and a port that cannot be
 * bound closing what was opened.
 */

import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openEndpoint } from '../src/endpoint.ts';
import { listen } from '../src/listener.ts';
import { startServer } from '../src/server.ts';
import { useTempDir } from './helpers/cli.ts';

const dir = useTempDir();

const shutdown = { timeoutMs: 5000 };

describe('listen', () => {
  it('close() waits for the request in flight, then refuses new connections', async () => {
    const server = await startServer({ port: 0 });
    const pending = request(server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'TrentService.CreateKey', 'content-length': '2', expect: '100-continue' },
    });
    const status = new Promise<number>((resolve, reject) => {
      pending.on('response', (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode!));
      });
      pending.on('error', reject);
    });
    await new Promise<void>((resolve) => pending.once('continue', resolve));
    expect(server.inFlight()).toBe(1);
    let closed = false;
    const closing = server.close().then(() => (closed = true));
    await expect(fetch(server.url, { method: 'POST', body: '{}' })).rejects.toThrow();
    expect(closed).toBe(false);
    pending.end('{}');
    expect(await status).toBe(200);
    await closing;
    expect(server.inFlight()).toBe(0);
  });

  it('after the shutdown timeout, says how many requests it cuts off, closes their connections and the endpoint', async () => {
    const endpoint = await openEndpoint();
    const cutOff: number[] = [];
    // A route that never answers: the request stays in flight until its connection is closed.
    const server = await listen(endpoint, () => {}, { port: 0, host: '127.0.0.1', shutdown: { timeoutMs: 0, onTimeout: (requests) => cutOff.push(requests) } });
    const pending = request(server.url, { method: 'GET' });
    const failed = new Promise<NodeJS.ErrnoException>((resolve) => pending.on('error', resolve));
    pending.end();
    while (server.inFlight() === 0) await new Promise((resolve) => setImmediate(resolve));
    await server.close();
    expect(cutOff).toEqual([1]);
    expect((await failed).code).toBe('ECONNRESET');
    expect(server.inFlight()).toBe(0);
    expect((await endpoint.health()).status).toBe('unavailable');
  });

  it('counts a pipelined request done when its connection is cut, so close() ends', async () => {
    // Two requests on one connection: the first answer's body fails after its first chunk (the
    // edge destroys its response), so the second, answered but queued behind it, never emits its
    // response's 'close' (Node 20); the connection's end is what ends it.
    const endpoint = await openEndpoint();
    const server = await listen(
      endpoint,
      (incoming, response) => {
        if (incoming.url === '/first') {
          response.writeHead(200, { 'content-length': '10' });
          response.write('abc');
          setImmediate(() => response.destroy());
        } else {
          response.end('second');
        }
      },
      { port: 0, host: '127.0.0.1', shutdown: { timeoutMs: 0 } },
    );
    const socket = connect(server.port, '127.0.0.1');
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.on('error', () => {});
    socket.resume();
    socket.write('GET /first HTTP/1.1\r\nHost: x\r\n\r\nGET /second HTTP/1.1\r\nHost: x\r\n\r\n');
    await ended;
    // With a request no event ends still counted, close() never resolves (the test's time limit).
    await server.close();
    expect(server.inFlight()).toBe(0);
  });

  it('shows a wildcard host as loopback in its URL', async () => {
    const server = await listen(await openEndpoint(), (_request, response) => response.end('ok'), { port: 0, host: '0.0.0.0', shutdown });
    try {
      expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
      expect(await (await fetch(server.url)).text()).toBe('ok');
    } finally {
      await server.close();
    }
  });

  it('closes the endpoint and raises the listen error when its port is taken', async () => {
    const blocker = await startServer({ port: 0 });
    try {
      const endpoint = await openEndpoint();
      const error = await listen(endpoint, () => {}, { port: blocker.port, host: '127.0.0.1', shutdown }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'EADDRINUSE', port: blocker.port });
      expect((await endpoint.health()).status).toBe('unavailable');
    } finally {
      await blocker.close();
    }
  });

  it('answers a request whose client half-closes its side after sending it, with --data', async () => {
    const server = await startServer({ port: 0, dataDirectory: join(dir.path, 'half-close') });
    try {
      const body = '{"Description":"half-closed"}';
      const socket = connect(server.port, '127.0.0.1');
      let received = '';
      socket.on('data', (chunk: Buffer) => (received += chunk.toString('utf8')));
      socket.write(
        `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-amz-json-1.1\r\nX-Amz-Target: TrentService.CreateKey\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
      socket.end();
      await new Promise((resolve) => socket.on('close', resolve));
      expect(received.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
      const keyId = (JSON.parse(received.slice(received.indexOf('\r\n\r\n') + 4)) as { KeyMetadata: { KeyId: string } }).KeyMetadata.KeyId;
      expect(server.kms.auditTrail.lookup({ eventName: 'CreateKey' }).records).toHaveLength(1);
      const { KeyMetadata } = await server.kms.describeKey({ KeyId: keyId });
      expect(KeyMetadata.Description).toBe('half-closed');
    } finally {
      await server.close();
    }
  });
});
