/**
 * The streaming form of the edge and of the in-process handler: bodies flow while they are being
 * sent, in both directions, and are never read whole.
 */

import { Agent, createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { bufferedHandler, InProcessHandler, type StreamingHandler, toNodeStreamingListener } from '../../src/index.ts';

const servers: Server[] = [];

async function serve(handler: StreamingHandler): Promise<number> {
  const server = createServer(toNodeStreamingListener(handler));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

/** A promise and its resolver. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('toNodeStreamingListener', () => {
  it('hands the handler the request body while the client is still sending it', async () => {
    const firstChunk = signal();
    const port = await serve(async (request) => {
      let total = 0;
      for await (const chunk of request.body) {
        if (total === 0) firstChunk.resolve();
        total += chunk.length;
      }
      return { status: 200, headers: {}, body: String(total) };
    });
    const answer = new Promise<string>((resolve, reject) => {
      const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/' }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => resolve(text));
      });
      outgoing.on('error', reject);
      outgoing.write(Buffer.alloc(1000, 1));
      // The rest is sent only once the handler has seen the first chunk: a buffering edge would wait forever.
      void firstChunk.promise.then(() => outgoing.end(Buffer.alloc(2000, 2)));
    });
    expect(await answer).toBe('3000');
  });

  it('writes the response body while the handler is still producing it', async () => {
    const clientHasFirst = signal();
    const port = await serve(async () => ({
      status: 200,
      headers: { 'content-type': 'application/octet-stream' },
      body: (async function* () {
        yield new Uint8Array([1, 2, 3]);
        // The second chunk is produced only once the client has the first.
        await clientHasFirst.promise;
        yield new Uint8Array([4]);
      })(),
    }));
    const bytes = await new Promise<number[]>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
        const seen: number[] = [];
        response.on('data', (chunk: Buffer) => {
          seen.push(...chunk);
          clientHasFirst.resolve();
        });
        response.on('end', () => resolve(seen));
      })
        .on('error', reject)
        .end();
    });
    expect(bytes).toEqual([1, 2, 3, 4]);
  });

  it('sends the head of a large response before its first chunk is produced (the client reads it meanwhile)', async () => {
    const clientHasHead = signal();
    const size = 256 * 1024;
    const port = await serve(async () => ({
      status: 200,
      headers: { 'content-length': String(size) },
      body: (async function* () {
        // Produced only once the client has the head: an edge holding the head back for the first
        // chunk would never answer.
        await clientHasHead.promise;
        yield new Uint8Array(size).fill(9);
      })(),
    }));
    const length = await new Promise<number>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
        clientHasHead.resolve();
        let total = 0;
        response.on('data', (chunk: Buffer) => {
          total += chunk.length;
        });
        response.on('end', () => resolve(total));
      })
        .on('error', reject)
        .end();
    });
    expect(length).toBe(size);
  });

  it('writes a response of many chunks whole and in order to a client that reads slowly (each chunk produced while the socket drains)', async () => {
    const chunks = 24;
    const size = 128 * 1024;
    const port = await serve(async () => ({
      status: 200,
      headers: { 'content-length': String(chunks * size) },
      body: (async function* () {
        for (let index = 0; index < chunks; index++) yield new Uint8Array(size).fill(index);
      })(),
    }));
    const received = await new Promise<Buffer>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
        const parts: Buffer[] = [];
        response.on('data', (chunk: Buffer) => {
          parts.push(chunk);
          // Reads a piece, then lets the server wait for the socket to drain.
          response.pause();
          setImmediate(() => response.resume());
        });
        response.on('end', () => resolve(Buffer.concat(parts)));
      })
        .on('error', reject)
        .end();
    });
    expect(received.length).toBe(chunks * size);
    for (let index = 0; index < chunks; index++) {
      expect(received.subarray(index * size, (index + 1) * size).every((byte) => byte === index)).toBe(true);
    }
  });

  it('drains a body the handler did not read, so the keep-alive connection serves the next request', async () => {
    let calls = 0;
    const port = await serve(async () => ({ status: 404, headers: { 'content-length': '2' }, body: String(++calls).padStart(2, '0') }));
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: Buffer): Promise<{ text: string; socket: unknown }> =>
      new Promise((resolve, reject) => {
        const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/', agent }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve({ text, socket: outgoing.socket }));
        });
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    const first = await send(Buffer.alloc(256 * 1024));
    const second = await send(Buffer.alloc(10));
    expect([first.text, second.text]).toEqual(['01', '02']);
    expect(second.socket).toBe(first.socket);
    agent.destroy();
  });

  it('drains a body the handler began to iterate and gave up on (a write that failed, e.g. a full disk), so the connection serves the next request', async () => {
    let calls = 0;
    const port = await serve(async (request) => {
      calls++;
      // The handler takes the first chunk, then fails without finishing (or returning) the iterator.
      const chunks = (request.body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
      await chunks.next();
      return { status: 500, headers: { 'content-length': '2' }, body: String(calls).padStart(2, '0') };
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: Buffer): Promise<string> =>
      new Promise((resolve, reject) => {
        const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/', agent }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve(text));
        });
        outgoing.setTimeout(3000, () => outgoing.destroy(new Error('no answer within 3 s')));
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    expect(await send(Buffer.alloc(1024 * 1024))).toBe('01');
    expect(await send(Buffer.alloc(10))).toBe('02');
    agent.destroy();
  });

  it('drains a body whose for-await loop the handler left by a throw, so the keep-alive connection serves the next request', async () => {
    let calls = 0;
    const port = await serve(async (request) => {
      calls++;
      try {
        for await (const _chunk of request.body) throw new Error('ENOSPC: no space left on device, write');
      } catch {
        return { status: 500, headers: { 'content-length': '2' }, body: String(calls).padStart(2, '0') };
      }
      return { status: 200, headers: { 'content-length': '2' }, body: String(calls).padStart(2, '0') };
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: Buffer): Promise<{ text: string; socket: unknown }> =>
      new Promise((resolve, reject) => {
        const outgoing = httpRequest({ host: '127.0.0.1', port, method: 'PUT', path: '/', agent }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve({ text, socket: outgoing.socket }));
        });
        outgoing.setTimeout(3000, () => outgoing.destroy(new Error('no answer within 3 s')));
        outgoing.on('error', reject);
        outgoing.end(body);
      });
    const first = await send(Buffer.alloc(1024 * 1024));
    const second = await send(Buffer.alloc(10));
    expect([first.text, second.text]).toEqual(['01', '02']);
    expect(second.socket).toBe(first.socket);
    agent.destroy();
  });

  it('gives a request without a body (no Content-Length nor Transfer-Encoding, or Content-Length 0) an empty body, and streams a chunked one, on one keep-alive connection', async () => {
    const port = await serve(async (request) => {
      let total = 0;
      for await (const chunk of request.body) total += chunk.length;
      return { status: 200, headers: {}, body: `${request.method} ${total}` };
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ text: string; socket: unknown }> =>
      new Promise((resolve, reject) => {
        const outgoing = httpRequest({ host: '127.0.0.1', port, method, path: '/', agent, headers }, (response) => {
          let text = '';
          response.on('data', (chunk: Buffer) => {
            text += chunk.toString();
          });
          response.on('end', () => resolve({ text, socket: outgoing.socket }));
        });
        outgoing.on('error', reject);
        if (body === undefined) outgoing.end();
        else {
          // Written in two pieces without a Content-Length: node:http sends it chunked.
          outgoing.write(body.subarray(0, 5));
          outgoing.end(body.subarray(5));
        }
      });
    const get = await send('GET');
    const zero = await send('DELETE', undefined, { 'content-length': '0' });
    const chunked = await send('PUT', Buffer.alloc(300, 7));
    const after = await send('GET');
    expect([get.text, zero.text, chunked.text, after.text]).toEqual(['GET 0', 'DELETE 0', 'PUT 300', 'GET 0']);
    expect(new Set([get.socket, zero.socket, chunked.socket, after.socket]).size).toBe(1);
    agent.destroy();
  });

  it('cuts the connection when the response body fails part-way (no complete-looking answer)', async () => {
    const port = await serve(async () => ({
      status: 200,
      headers: { 'content-length': '10' },
      body: (async function* () {
        yield new Uint8Array(4);
        throw new Error('disk gone');
      })(),
    }));
    const outcome = await new Promise<string>((resolve) => {
      httpRequest({ host: '127.0.0.1', port, path: '/' }, (response) => {
        response.on('data', () => undefined);
        response.on('end', () => resolve(response.complete ? 'complete' : 'truncated'));
        response.on('error', () => resolve('truncated'));
        response.on('aborted', () => resolve('truncated'));
      })
        .on('error', () => resolve('truncated'))
        .end();
    });
    expect(outcome).toBe('truncated');
  });
});

describe('bufferedHandler', () => {
  it('reads the body whole for a buffered handler, and answers 413 past the limit', async () => {
    const handler = bufferedHandler(async (request) => ({ status: 200, headers: {}, body: String(request.body.length) }), 10);
    const chunks = (sizes: number[]) =>
      (async function* () {
        for (const size of sizes) yield new Uint8Array(size);
      })();
    expect((await handler({ method: 'POST', path: '/', headers: {}, body: chunks([4, 6]) })).body).toBe('10');
    expect((await handler({ method: 'POST', path: '/', headers: {}, body: chunks([4, 7]) })).status).toBe(413);
  });
});

describe('InProcessHandler with a streaming handler', () => {
  it('streams the SDK body in and the response out, and says https: endpoints came over TLS', async () => {
    const seen: { chunks: number; secure: boolean | undefined }[] = [];
    const handler = new InProcessHandler(
      async (request) => {
        let chunks = 0;
        for await (const _ of request.body) chunks++;
        seen.push({ chunks, secure: request.secure });
        return {
          status: 200,
          headers: { 'X-Thing': 'a' },
          body: (async function* () {
            yield new TextEncoder().encode('ab');
            yield new TextEncoder().encode('c');
          })(),
        };
      },
      { streaming: true },
    );
    const body = Readable.from([Buffer.from('one'), Buffer.from('two')]);
    const { response } = await handler.handle({ method: 'PUT', protocol: 'https:', hostname: 'h', path: '/b/k', query: {}, headers: {}, body } as never);
    expect(seen).toEqual([{ chunks: 2, secure: true }]);
    expect(response.headers['x-thing']).toBe('a');
    let text = '';
    for await (const chunk of response.body as Readable) text += chunk.toString();
    expect(text).toBe('abc');
  });
});
