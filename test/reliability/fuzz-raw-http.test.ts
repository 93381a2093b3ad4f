/**
 * The fuzzers' hang bound (fuzz/raw-http.ts): counted in turns of the event loop, so a request
 * the server never answers is a hang, while one answered after the process stalled for longer
 * than the bound (the loop blocked, as on a starved CI machine) is not.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { exchange, serialize } from './fuzz/raw-http.ts';

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

/** A TCP server that hands each connection's first bytes to `onRequest`. */
async function listen(onRequest: (socket: Socket) => void): Promise<number> {
  // Half-open, as the endpoint is: the client's FIN after its request does not close the connection.
  const server = createServer({ allowHalfOpen: true }, (socket) => socket.once('data', () => onRequest(socket)));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

const REQUEST = serialize({ method: 'GET', target: '/', headers: [['host', 'localhost']] });
const ANSWER = 'HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok';

/** Blocks this process's event loop for `ms` (what a stalled or starved process looks like to its timers). */
function stall(ms: number): void {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    // busy: no timer, no I/O callback runs meanwhile
  }
}

describe('exchange: the hang bound', () => {
  it('reports a request that is never answered as a hang', async () => {
    const sockets: Socket[] = [];
    const port = await listen((socket) => sockets.push(socket));
    const result = await exchange(port, REQUEST, 300);
    expect(result.timedOut).toBe(true);
    expect(result.responses).toEqual([]);
    for (const socket of sockets) socket.destroy();
  });

  it('does not count a stall longer than the bound: the answer sent during it is read', async () => {
    const port = await listen((socket) => {
      socket.end(ANSWER);
      // The answer is on the wire; the process then stalls for three times the bound.
      setImmediate(() => stall(900));
    });
    const result = await exchange(port, REQUEST, 300);
    expect(result.timedOut).toBe(false);
    expect(result.responses.map((response) => [response.status, response.body.toString()])).toEqual([[200, 'ok']]);
  });

  it('restarts the count while bytes keep coming', async () => {
    const port = await listen((socket) => {
      // The head at once, the body in pieces over twice the bound: progress, not a hang.
      const parts = ['HTTP/1.1 200 OK\r\ncontent-length: 5\r\nconnection: close\r\n\r\n', 'a', 'b', 'c', 'd', 'e'];
      let index = 0;
      const next = (): void => {
        const part = parts[index++];
        if (part === undefined) return void socket.end();
        socket.write(part);
        setTimeout(next, 120);
      };
      next();
    });
    const result = await exchange(port, REQUEST, 300);
    expect(result.timedOut).toBe(false);
    expect(result.responses[0]?.body.toString()).toBe('abcde');
  });
});
