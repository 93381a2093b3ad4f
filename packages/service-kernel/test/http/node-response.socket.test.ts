/**
 * The node:http writer sends header values byte for byte (one byte per character), whatever the
 * order of the head, the kind of body, or how the head is flushed: node:http re-reads a
 * Content-Disposition that follows Content-Length as UTF-8 (nodejs/node#46528) and encodes a head
 * sent with a string body or by flushHeaders() as UTF-8.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type HttpResponse, type StreamingResponse, toNodeListener, toNodeStreamingListener } from '../../src/index.ts';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function listen(listener: Parameters<typeof createServer>[1]): Promise<number> {
  const server = createServer(listener);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** The raw bytes of one exchange on a fresh connection. */
function exchange(port: number, method: string, version = '1.1'): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`${method} / HTTP/${version}\r\nHost: x\r\nConnection: close\r\n\r\n`));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** The bytes of a header's value in a raw response, or `undefined` without it. */
function headerBytes(raw: Buffer, name: string): Buffer | undefined {
  const head = raw.subarray(0, raw.indexOf('\r\n\r\n'));
  const start = head.indexOf(`\r\n${name}: `);
  if (start < 0) return undefined;
  const from = start + name.length + 4;
  const end = head.indexOf('\r\n', from);
  return head.subarray(from, end < 0 ? head.length : end);
}

/** A lone byte 0xE9 (`é` in Latin-1) and the two UTF-8 bytes of `é` (C3 A9), as header text. */
const VALUES = { latin1: 'attachment; filename="\u00e9.txt"', utf8Bytes: 'attachment; filename="\u00c3\u00a9.txt"' };

function bodyOf(size: number): Uint8Array {
  return new Uint8Array(size).fill(0x61);
}

describe.each(Object.entries(VALUES))('a Content-Disposition holding %s, after Content-Length', (_name, value) => {
  const expected = Buffer.from(value, 'latin1');
  const headers = (size: number): Record<string, string> => ({ 'content-length': String(size), 'content-type': 'text/plain', 'content-disposition': value });

  it.each([
    ['a byte body', bodyOf(1)],
    ['a string body', 'x'],
  ] as const)('goes out byte for byte with %s (buffered edge), on GET and HEAD', async (_kind, body) => {
    const port = await listen(toNodeListener(async (): Promise<HttpResponse> => ({ status: 200, headers: headers(1), body })));
    for (const method of ['GET', 'HEAD']) {
      const raw = await exchange(port, method);
      expect(raw.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
      expect(headerBytes(raw, 'content-disposition')).toEqual(expected);
    }
  });

  it.each([
    ['a small streamed body', 3],
    ['a streamed body whose head is sent early', 70 * 1024],
  ])('goes out byte for byte with %s (streaming edge), on GET and HEAD', async (_kind, size) => {
    const port = await listen(
      toNodeStreamingListener(
        async (request): Promise<StreamingResponse> => ({
          status: 200,
          headers: headers(size),
          body:
            request.method === 'HEAD'
              ? ''
              : (async function* () {
                  yield bodyOf(1);
                  yield bodyOf(size - 1);
                })(),
        }),
      ),
    );
    for (const method of ['GET', 'HEAD']) {
      const raw = await exchange(port, method);
      expect(raw.subarray(0, 15).toString()).toBe('HTTP/1.1 200 OK');
      expect(headerBytes(raw, 'content-disposition')).toEqual(expected);
      expect(headerBytes(raw, 'content-length')?.toString()).toBe(String(size));
      if (method === 'GET') expect(raw.length - raw.indexOf('\r\n\r\n') - 4).toBe(size);
    }
  });

  it('goes out byte for byte with a string body on the streaming edge', async () => {
    const port = await listen(toNodeStreamingListener(async () => ({ status: 200, headers: headers(2), body: 'ab' })));
    const raw = await exchange(port, 'GET');
    expect(headerBytes(raw, 'content-disposition')).toEqual(expected);
    expect(raw.subarray(raw.length - 2).toString()).toBe('ab');
  });
});

describe('the head of an ASCII-only response', () => {
  it('keeps its order and its string body', async () => {
    const port = await listen(
      toNodeListener(async () => ({ status: 200, headers: { 'content-length': '2', 'content-disposition': 'inline', 'x-a': '1' }, body: 'ok' })),
    );
    const raw = (await exchange(port, 'GET')).toString('latin1');
    expect(raw.indexOf('content-length: 2')).toBeLessThan(raw.indexOf('content-disposition: inline'));
    expect(raw.endsWith('\r\n\r\nok')).toBe(true);
  });
});

// RFC 9112 §6.1: a server "MUST NOT send a response containing Transfer-Encoding unless the
// corresponding request indicates HTTP/1.1"; node:http sends one it is given to a 1.0 client.
describe('a response naming Transfer-Encoding: chunked', () => {
  const chunked = async (): Promise<HttpResponse> => ({
    status: 404,
    headers: { 'content-type': 'application/xml', 'transfer-encoding': 'chunked' },
    body: '',
  });

  it.each([
    ['buffered', () => toNodeListener(chunked)],
    ['streaming', () => toNodeStreamingListener(chunked)],
  ])('to an HTTP/1.0 client (%s edge): sent without it, HEAD and GET alike', async (_edge, listener) => {
    const port = await listen(listener());
    for (const method of ['HEAD', 'GET']) {
      const raw = (await exchange(port, method, '1.0')).toString('latin1');
      expect([raw.slice(0, 12), /transfer-encoding/i.test(raw), raw.endsWith('\r\n\r\n'), raw.includes('content-type: application/xml')]).toEqual([
        'HTTP/1.1 404',
        false,
        true,
        true,
      ]);
    }
  });

  it('to an HTTP/1.1 client: sent with it', async () => {
    const port = await listen(toNodeStreamingListener(chunked));
    const raw = (await exchange(port, 'HEAD')).toString('latin1');
    expect(raw).toContain('transfer-encoding: chunked');
  });
});
