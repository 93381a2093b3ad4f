/**
 * The in-process request handler, driven by the official `@aws-sdk/client-kms` against a small
 * JSON 1.1 service built from kernel pieces only (SigV4 verification, the JSON builders): the SDK
 * serializes and signs, the handler answers with no socket, the SDK parses answers and errors as
 * it does over HTTP.
 */

import { getEventListeners } from 'node:events';
import { request as httpRequest, validateHeaderName, validateHeaderValue } from 'node:http';
import { Readable } from 'node:stream';
import { DescribeKeyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createSigV4Authenticator,
  type HttpRequest,
  InProcessHandler,
  json11ErrorResponse,
  json11Response,
  NO_USERS,
  type ProtocolHandler,
  parseJson,
  ServiceError,
  serviceErrorResponse,
  withDefaultUser,
} from '../../src/index.ts';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const seen: HttpRequest[] = [];
const clients: KMSClient[] = [];

/** A JSON 1.1 "service": strict SigV4, DescribeKey answered, anything else an error. */
const service: ProtocolHandler = async (request) => {
  seen.push(request);
  const requestId = 'req-1';
  try {
    const identity = await createSigV4Authenticator({
      users: withDefaultUser(NO_USERS, ACCOUNT, REGION),
      strict: true,
      account: ACCOUNT,
      region: REGION,
      service: 'kms',
    })(request);
    const body = parseJson(request.body);
    if (request.headers['x-amz-target'] !== 'TrentService.DescribeKey')
      return json11ErrorResponse(requestId, 400, 'UnsupportedOperationException', 'not here', 'message');
    const output = { KeyMetadata: { KeyId: body['KeyId'], AWSAccountId: identity.caller.account, CreationDate: 1_700_000_000, Enabled: true } };
    return json11Response(200, requestId, JSON.stringify(output));
  } catch (error) {
    if (error instanceof ServiceError) return serviceErrorResponse(requestId, error);
    throw error;
  }
};

function client(secretAccessKey = 'test'): KMSClient {
  const made = new KMSClient({
    endpoint: 'http://kms.strongbox.localhost',
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey },
    requestHandler: new InProcessHandler(service, { sourceIpAddress: '10.0.0.7' }),
    maxAttempts: 1,
  });
  clients.push(made);
  return made;
}

afterEach(() => {
  seen.length = 0;
  for (const c of clients.splice(0)) c.destroy();
});

describe('InProcessHandler', () => {
  it('serves a signed SDK call with no socket, and the SDK parses the answer (dates, members)', async () => {
    const { KeyMetadata } = await client().send(new DescribeKeyCommand({ KeyId: 'alias/orders' }));
    expect(KeyMetadata).toMatchObject({ KeyId: 'alias/orders', AWSAccountId: ACCOUNT, Enabled: true });
    expect(KeyMetadata?.CreationDate).toEqual(new Date(1_700_000_000_000));
    const [request] = seen;
    expect(request).toMatchObject({ method: 'POST', path: '/', sourceIpAddress: '10.0.0.7' });
    expect(request?.headers['host']).toBe('kms.strongbox.localhost');
    expect(request?.headers['authorization']).toMatch(/^AWS4-HMAC-SHA256 Credential=test\/\d{8}\/eu-west-1\/kms\/aws4_request/);
  });

  it('lets the service verify the signature: a wrong secret is refused, and the SDK reads the error', async () => {
    const failure = await client('wrong')
      .send(new DescribeKeyCommand({ KeyId: 'k' }))
      .then(
        () => undefined,
        (error: { name: string; message: string; $metadata: { httpStatusCode?: number; requestId?: string } }) => error,
      );
    expect(failure?.name).toBe('InvalidSignatureException');
    expect(failure?.message).toMatch(/^The request signature we calculated does not match/);
    expect(failure?.$metadata).toMatchObject({ httpStatusCode: 400, requestId: 'req-1' });
  });

  it('passes service errors through as the SDK error of that name', async () => {
    await expect(client().send(new ListKeysCommand({}))).rejects.toMatchObject({ name: 'UnsupportedOperationException', message: 'not here' });
  });

  it('tells the service whether the endpoint is https: (the secure-transport seam), and says nothing for http:', async () => {
    const handler = new InProcessHandler(service);
    const request = (protocol: string) => ({ method: 'POST', protocol, hostname: 'h', path: '/', headers: {}, query: {}, body: '{}' });
    await handler.handle(request('https:'));
    await handler.handle(request('http:'));
    expect(seen.map((seenRequest) => seenRequest.secure)).toEqual([true, undefined]);
  });

  it.each([
    ['x-amz-meta-a', 'x\r\nx-injected: 1'],
    ['x-amz-meta-a', '日本'],
    ['x-amz-meta-a b', 'x'],
  ])('refuses header %j: %j with the TypeError node:http throws before sending, and the service sees nothing', async (name, value) => {
    // What node:http's client throws for the same header (the SDK's node:http handler lets it through).
    let expected: unknown;
    try {
      httpRequest('http://127.0.0.1:9/', { headers: { [name]: value } }).destroy();
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(TypeError);
    const handler = new InProcessHandler(service);
    const request = { method: 'PUT', protocol: 'http:', hostname: 'h', path: '/b/k', headers: { host: 'h', [name]: value }, query: {}, body: 'x' };
    const refused = await handler.handle(request).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TypeError);
    expect([(refused as NodeJS.ErrnoException).code, (refused as Error).message]).toEqual([
      (expected as NodeJS.ErrnoException).code,
      (expected as Error).message,
    ]);
    expect(seen).toEqual([]);
  });

  it('accepts exactly the header names and values node:http accepts', async () => {
    // Names and values over the characters that matter: tokens, separators, controls, Latin-1, beyond.
    const char = fc.constantFrom('a', 'Z', '0', '-', '!', '~', '^', '`', '|', ' ', '\t', '\r', '\n', ':', '"', '(', '\u007f', '\u0080', 'é', 'ÿ', '日');
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: char, minLength: 1, maxLength: 6 }), fc.string({ unit: char, maxLength: 6 }), async (name, value) => {
        let nodeAccepts = true;
        try {
          validateHeaderName(name);
          validateHeaderValue(name, value);
        } catch {
          nodeAccepts = false;
        }
        seen.length = 0;
        const request = { method: 'POST', protocol: 'http:', hostname: 'h', path: '/', headers: { [name]: value }, query: {}, body: '{}' };
        const accepted = await new InProcessHandler(service).handle(request).then(
          () => true,
          () => false,
        );
        expect(accepted).toBe(nodeAccepts);
        expect(seen.length).toBe(nodeAccepts ? 1 : 0);
      }),
      { numRuns: 300 },
    );
  });

  it('gives the service header names as keys only: none inherited, `__proto__` and `constructor` headers like any other', async () => {
    const name = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'host', 'x-amz-meta-a', 'X-Amz-Meta-B');
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(name, fc.string({ unit: fc.constantFrom('a', '1', ' ', '{'), maxLength: 4 })), { selector: ([key]) => key }),
        async (pairs) => {
          seen.length = 0;
          // With its length, as the SDK sends a body (without one, the length node:http adds shows too).
          const given = Object.create(null) as Record<string, string>;
          given['content-length'] = '2';
          for (const [key, value] of pairs) given[key] = value;
          await new InProcessHandler(service).handle({ method: 'POST', protocol: 'http:', hostname: 'h', path: '/', headers: given, query: {}, body: '{}' });
          const headers = seen[0]?.headers as Record<string, string>;
          // What a prototype-less map of the same lower-cased, trimmed pairs holds (the node:http edge's form).
          const expected = Object.create(null) as Record<string, string>;
          expected['content-length'] = '2';
          for (const [key, value] of pairs) expected[key.toLowerCase()] = value.trim();
          expect(Object.keys(headers)).toEqual(Object.keys(expected));
          for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'host', 'x-amz-meta-a', 'x-amz-meta-b']) {
            expect([key, headers[key], key in headers]).toEqual([key, expected[key], key in expected]);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('hands an answer made whole to the SDK as bytes, and a streamed answer as a Readable', async () => {
    const whole = new InProcessHandler(async () => ({ status: 200, headers: {}, body: '{"a":1}' }));
    const request = { method: 'POST', protocol: 'http:', hostname: 'h', path: '/', headers: {}, query: {}, body: '{}' };
    const bytes = (await whole.handle(request)).response.body as unknown;
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(bytes as Uint8Array).toString()).toBe('{"a":1}');
    // Read as a stream (as a wrapper reading every body with `for await` does): one chunk, the same bytes.
    const pieces: Uint8Array[] = [];
    for await (const piece of bytes as AsyncIterable<Uint8Array>) pieces.push(piece);
    expect(pieces.map((piece) => Buffer.from(piece).toString())).toEqual(['{"a":1}']);
    async function* chunks(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('ab');
      yield Buffer.from('c');
    }
    const streamed = new InProcessHandler(async () => ({ status: 200, headers: {}, body: chunks() }), { streaming: true });
    const body = (await streamed.handle(request)).response.body as unknown;
    expect(body).toBeInstanceOf(Readable);
    const read: Buffer[] = [];
    for await (const chunk of body as Readable) read.push(chunk as Buffer);
    expect(Buffer.concat(read).toString()).toBe('abc');
  });

  it('gives the service the path with its query string as a server sees it, and a body-less request an empty body', async () => {
    const bodies: string[] = [];
    const handler = new InProcessHandler(
      async (request) => {
        seen.push({ ...request, body: new Uint8Array(0) });
        // Read twice: a body-less request's body is an empty stream each time it is read.
        for (let i = 0; i < 2; i++) {
          const chunks: Uint8Array[] = [];
          for await (const chunk of request.body) chunks.push(chunk);
          bodies.push(Buffer.concat(chunks).toString());
        }
        return { status: 200, headers: {}, body: '' };
      },
      { streaming: true },
    );
    const request = { method: 'GET', protocol: 'http:', hostname: 'h', headers: {}, body: undefined };
    await handler.handle({ ...request, path: '/b/k', query: {} });
    await handler.handle({ ...request, path: '/b', query: { 'list-type': '2', prefix: 'a b/ü', uploads: null, tag: ['x', 'y&z'] } });
    await handler.handle({ ...request, path: '' });
    expect(seen.map((request) => request.path)).toEqual(['/b/k', '/b?list-type=2&prefix=a%20b%2F%C3%BC&uploads&tag=x&tag=y%26z', '/']);
    expect(bodies).toEqual(['', '', '', '', '', '']);
  });

  describe('a streamed answer', () => {
    const request = { method: 'GET', protocol: 'http:', hostname: 'h', path: '/b/k', headers: {}, query: {}, body: undefined };

    /** A body of `parts` chunks that records how far it was produced and whether it was released. */
    function tracked(parts: readonly string[], failAt?: number) {
      const state = { produced: 0, released: false };
      async function* body(): AsyncGenerator<Uint8Array> {
        try {
          for (const [index, part] of parts.entries()) {
            if (index === failAt) throw new Error('frame failed to decrypt');
            state.produced++;
            yield Buffer.from(part);
          }
          if (failAt === parts.length) throw new Error('frame failed to decrypt');
        } finally {
          state.released = true;
        }
      }
      return { state, handler: new InProcessHandler(async () => ({ status: 200, headers: {}, body: body() }), { streaming: true }) };
    }

    async function read(body: Readable): Promise<{ text: string; error?: string }> {
      const read: Buffer[] = [];
      try {
        for await (const chunk of body) read.push(chunk as Buffer);
        return { text: Buffer.concat(read).toString() };
      } catch (error) {
        return { text: Buffer.concat(read).toString(), error: (error as Error).message };
      }
    }

    it('reads as the service produced it, for any chunking (empty chunks, many chunks)', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(fc.string({ maxLength: 5 }), { maxLength: 6 }), async (parts) => {
          const { state, handler } = tracked(parts);
          const body = (await handler.handle(request)).response.body as Readable;
          expect(body).toBeInstanceOf(Readable);
          // Produced ahead: at most two chunks before the SDK reads.
          expect(state.produced).toBe(Math.min(parts.length, 2));
          expect(await read(body)).toEqual({ text: parts.join('') });
          expect(state).toEqual({ produced: parts.length, released: true });
        }),
        { numRuns: 100 },
      );
    });

    it('fails the stream where the service failed, after the bytes produced before it, and releases the body', async () => {
      for (const [parts, failAt] of [
        [['ab'], 0],
        [['ab'], 1],
        [['ab', 'cd'], 1],
        [['ab', 'cd', 'ef'], 3],
      ] as const) {
        const { state, handler } = tracked(parts, failAt);
        // The answer itself is given (its status and headers went out before the body failed).
        const { response } = await handler.handle(request);
        expect(response.statusCode).toBe(200);
        expect(await read(response.body as Readable)).toEqual({ text: parts.slice(0, failAt).join(''), error: 'frame failed to decrypt' });
        expect(state.released).toBe(true);
      }
    });

    it('returns the service’s iterator when the reader gives up early, so what the body holds is released', async () => {
      const { state, handler } = tracked(['ab', 'cd', 'ef', 'gh']);
      const body = (await handler.handle(request)).response.body as Readable;
      for await (const chunk of body) {
        // A byte stream joins what it holds: the chunks produced ahead come as one.
        expect((chunk as Buffer).toString()).toBe('abcd');
        break;
      }
      await new Promise((resolve) => setImmediate(resolve));
      expect(state.released).toBe(true);
      expect(state.produced).toBeLessThan(4);
    });
  });

  it.each([
    ['names in any case, on a plain object', 'X-Amz-Request-Id', 'ETag', 'X-Amz-Meta-__Proto__', {}],
    ['names in lower case, on a plain object', 'x-amz-request-id', 'etag', 'x-amz-meta-__proto__', {}],
    ['names in lower case, on a prototype-less object', 'x-amz-request-id', 'etag', 'x-amz-meta-__proto__', Object.create(null)],
  ])('hands the SDK lower-case header names on a plain object of its own, a `__proto__` name as a plain key (%s)', async (_, id, etag, meta, base) => {
    const headers = base as Record<string, string>;
    headers[id] = 'r1';
    headers[etag] = '"e"';
    Object.defineProperty(headers, meta, { value: 'v', enumerable: true });
    Object.defineProperty(headers, '__proto__', { value: 'p', enumerable: true });
    const handler = new InProcessHandler(async () => ({ status: 200, headers, body: '' }));
    const request = { method: 'POST', protocol: 'http:', hostname: 'h', path: '/', headers: {}, query: {}, body: '{}' };
    const given = (await handler.handle(request)).response.headers;
    expect(given).not.toBe(headers);
    expect(Object.getPrototypeOf(given)).toBe(Object.prototype);
    expect(Object.entries(given)).toEqual([
      ['x-amz-request-id', 'r1'],
      ['etag', '"e"'],
      ['x-amz-meta-__proto__', 'v'],
      ['__proto__', 'p'],
    ]);
  });

  it('drops the spaces and tabs around a header value, as node:http’s parser does on the wire', async () => {
    const handler = new InProcessHandler(service);
    const request = {
      method: 'PUT',
      protocol: 'http:',
      hostname: 'h',
      path: '/b/k',
      headers: { host: 'h', 'x-amz-meta-a': ' \t a b \t', 'x-amz-meta-b': 'c' },
      query: {},
      body: 'x',
    };
    await handler.handle(request);
    expect([seen[0]?.headers['x-amz-meta-a'], seen[0]?.headers['x-amz-meta-b']]).toEqual(['a b', 'c']);
  });

  it('refuses a request whose abort signal has fired, as the node:http handler does', async () => {
    const handler = new InProcessHandler(service);
    const controller = new AbortController();
    controller.abort();
    const request = { method: 'POST', protocol: 'http:', hostname: 'h', path: '/', headers: {}, query: {}, body: '{}' };
    await expect(handler.handle(request, { abortSignal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toEqual([]);
  });

  // @smithy/node-http-handler 4.14's `writeBody`: a node `Readable` is piped, a string or Buffer
  // sent as is, any other view (`buffer`, `byteOffset`, `byteLength`) sent as its bytes, anything
  // else given to `Buffer.from`, whose TypeError fails the call (a Blob or a web ReadableStream
  // over the socket: the SDK converts neither when it computes no checksum).
  describe('request bodies, taken as the node:http handler writes them', () => {
    const request = { method: 'PUT', protocol: 'http:', hostname: 'h', path: '/b/k', headers: {}, query: {} };
    const received: string[] = [];
    const handler = new InProcessHandler(
      async (forwarded) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of forwarded.body) chunks.push(chunk);
        received.push(Buffer.concat(chunks).toString('latin1'));
        return { status: 200, headers: {}, body: '' };
      },
      { streaming: true },
    );

    it.each([
      ['a DataView', () => new DataView(new Uint8Array([0x78, 0x68, 0x69, 0x79]).buffer, 1, 2), 'hi'],
      ['a Uint16Array', () => new Uint16Array(new Uint8Array([0x68, 0x69]).buffer), 'hi'],
      ['a Float32Array', () => new Float32Array(new Uint8Array([0x68, 0x69, 0x21, 0x21]).buffer), 'hi!!'],
      ['an ArrayBuffer', () => new Uint8Array([0x68, 0x69]).buffer, 'hi'],
      ['an array of byte values', () => [0x68, 0x69], 'hi'],
      ['a node Readable', () => Readable.from([Buffer.from('h'), Buffer.from('i')]), 'hi'],
    ])('sends the bytes of %s', async (_, body, expected) => {
      received.length = 0;
      await handler.handle({ ...request, body: body() });
      expect(received).toEqual([expected]);
    });

    it.each([
      ['a Blob', () => new Blob(['hi'])],
      ['a web ReadableStream', () => new Blob(['hi']).stream()],
      [
        'an async generator',
        () =>
          (async function* () {
            yield Buffer.from('hi');
          })(),
      ],
    ])('refuses %s with the TypeError Buffer.from throws, and the service sees nothing', async (_, body) => {
      received.length = 0;
      await expect(handler.handle({ ...request, body: body() })).rejects.toMatchObject({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' });
      expect(received).toEqual([]);
    });
  });

  // node:http frames a request whose head has neither Content-Length nor Transfer-Encoding by
  // its method: `Content-Length` of what `end()` was given (0 for nothing) for PUT, POST, PATCH and
  // any other method; nothing for GET, HEAD, DELETE, OPTIONS, TRACE (node lib/_http_client.js
  // `useChunkedEncodingByDefault`, lib/_http_outgoing.js `_storeHeader`; seen on the wire, Node 20).
  describe('the framing header node:http adds to a request whose head has none', () => {
    const lengths: (string | undefined)[] = [];
    const encodings: (string | undefined)[] = [];
    const handler = new InProcessHandler(
      async (forwarded) => {
        lengths.push(forwarded.headers['content-length']);
        encodings.push(forwarded.headers['transfer-encoding']);
        for await (const _ of forwarded.body);
        return { status: 200, headers: {}, body: '' };
      },
      { streaming: true },
    );
    const requestOf = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
      method,
      protocol: 'http:',
      hostname: 'h',
      path: '/b/k',
      headers,
      query: {},
      body,
    });

    it.each([
      ['PUT', undefined, '0'],
      ['PUT', '', '0'],
      ['POST', undefined, '0'],
      ['PATCH', new Uint8Array(0), '0'],
      ['PUT', 'héllo', '6'],
      ['POST', new Uint16Array(2), '4'],
      ['GET', undefined, undefined],
      ['HEAD', undefined, undefined],
      ['DELETE', undefined, undefined],
      ['OPTIONS', '', undefined],
      ['PUT', Readable.from([Buffer.from('hi')]), undefined],
    ])('%s with the body %o is seen with content-length %j', async (method, body, expected) => {
      lengths.length = 0;
      await handler.handle(requestOf(method, body));
      expect(lengths).toEqual([expected]);
    });

    // A piped stream's first chunk is written before the end: node frames it as chunked
    // (`_storeHeader`, no length known, `useChunkedEncodingByDefault`); seen on the wire, Node 20.
    it.each([['PUT'], ['POST'], ['PATCH']])('%s with a streamed body of no stated length is seen with transfer-encoding chunked', async (method) => {
      encodings.length = 0;
      lengths.length = 0;
      await handler.handle(requestOf(method, Readable.from([Buffer.from('hi')])));
      expect([encodings, lengths]).toEqual([['chunked'], [undefined]]);
    });

    it('gives a streamed body with a stated length no transfer-encoding, nor one to a GET', async () => {
      encodings.length = 0;
      await handler.handle(requestOf('PUT', Readable.from([Buffer.from('hi')]), { 'content-length': '2' }));
      await handler.handle(requestOf('GET', Readable.from([Buffer.from('hi')])));
      expect(encodings).toEqual([undefined, undefined]);
    });

    it('keeps a content-length or transfer-encoding the caller set', async () => {
      lengths.length = 0;
      await handler.handle(requestOf('PUT', undefined, { 'Content-Length': '5' }));
      await handler.handle(requestOf('PUT', undefined, { 'transfer-encoding': 'chunked' }));
      expect(lengths).toEqual(['5', undefined]);
    });
  });

  // @smithy/node-http-handler 4.14 listens to the signal until the request closes: on abort it
  // destroys the request (`req.destroy()`) and rejects with an AbortError whose `cause` is the
  // signal's reason; a response already handed over then fails as node:http fails it, with
  // `Error: aborted` (`ECONNRESET`).
  describe('an abort signal firing mid-request, as the node:http handler treats it', () => {
    const request = { method: 'PUT', protocol: 'http:', hostname: 'h', path: '/b/k', headers: {}, query: {} };

    it('rejects with an AbortError while the service is still answering, and cuts the request body it reads', async () => {
      let failed!: (message: string) => void;
      const bodyFailure = new Promise<string>((resolve) => {
        failed = resolve;
      });
      let reading!: () => void;
      const started = new Promise<void>((resolve) => {
        reading = resolve;
      });
      const handler = new InProcessHandler(
        async (forwarded) => {
          try {
            for await (const _ of forwarded.body) reading();
          } catch (error) {
            failed((error as Error).message);
          }
          return { status: 200, headers: {}, body: '' };
        },
        { streaming: true },
      );
      /** An upload that sends one chunk, then waits (a slow producer). */
      async function* upload(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('first');
        await new Promise(() => {});
      }
      const controller = new AbortController();
      const answer = handler.handle({ ...request, body: Readable.from(upload()) }, { abortSignal: controller.signal });
      await started;
      const reason = new Error('user gave up');
      controller.abort(reason);
      await expect(answer).rejects.toMatchObject({ name: 'AbortError', message: 'Request aborted', cause: reason });
      expect(await bodyFailure).toBe('aborted');
    });

    it('fails the streamed answer already handed over with `aborted`, and releases what the service holds', async () => {
      const state = { released: false };
      async function* endless(): AsyncGenerator<Uint8Array> {
        try {
          for (;;) yield Buffer.alloc(1024, 1);
        } finally {
          state.released = true;
        }
      }
      const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: endless() }), { streaming: true });
      const controller = new AbortController();
      const body = (await handler.handle({ ...request, method: 'GET', body: undefined }, { abortSignal: controller.signal })).response.body as Readable;
      let read = 0;
      const failure = await (async () => {
        try {
          for await (const chunk of body) {
            read += (chunk as Buffer).length;
            if (read >= 4096) controller.abort();
            if (read >= 1024 * 1024) break; // never reached once the abort took effect
          }
          return undefined;
        } catch (error) {
          return error as NodeJS.ErrnoException;
        }
      })();
      expect([failure?.message, failure?.code]).toEqual(['aborted', 'ECONNRESET']);
      expect(state.released).toBe(true);
    });

    it('resolves the call at the answer’s first chunk: fired while the next is produced, it fails the body, not the call', async () => {
      let reached!: () => void;
      const secondAwaited = new Promise<void>((resolve) => {
        reached = resolve;
      });
      async function* stallsAfterFirst(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('ab');
        reached();
        await new Promise(() => {});
      }
      const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: stallsAfterFirst() }), { streaming: true });
      const controller = new AbortController();
      const handling = handler.handle({ ...request, method: 'GET', body: undefined }, { abortSignal: controller.signal });
      await secondAwaited;
      controller.abort();
      const handled = await handling.then(
        (output) => output,
        (error: unknown) => error as Error,
      );
      expect(handled).not.toBeInstanceOf(Error);
      const body = (handled as Awaited<typeof handling>).response.body as Readable;
      const failure = await body.toArray().then(
        () => undefined,
        (error: unknown) => error as NodeJS.ErrnoException,
      );
      expect([failure?.message, failure?.code]).toEqual(['aborted', 'ECONNRESET']);
    });

    it('cuts the upload the service still reads after its answer began, as `req.destroy()` closes the socket', async () => {
      let uploadFailure!: (message: string) => void;
      const uploadFailed = new Promise<string>((resolve) => {
        uploadFailure = resolve;
      });
      let readingOn!: () => void;
      const answerReadsUpload = new Promise<void>((resolve) => {
        readingOn = resolve;
      });
      async function* upload(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('first');
        await new Promise(() => {});
      }
      const handler = new InProcessHandler(
        async (forwarded) => {
          const reading = forwarded.body[Symbol.asyncIterator]();
          await reading.next();
          async function* answer(): AsyncGenerator<Uint8Array> {
            yield Buffer.from('head');
            try {
              readingOn();
              await reading.next();
            } catch (error) {
              uploadFailure((error as Error).message);
            }
          }
          return { status: 200, headers: {}, body: answer() };
        },
        { streaming: true },
      );
      const controller = new AbortController();
      const output = await handler.handle({ ...request, body: Readable.from(upload()) }, { abortSignal: controller.signal });
      (output.response.body as Readable).on('error', () => {});
      await answerReadsUpload;
      controller.abort();
      expect(await uploadFailed).toBe('aborted');
    });

    it('lets a signal that never fires change nothing, and one firing after the end fail nothing', async () => {
      async function* two(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('ab');
        yield Buffer.from('c');
        yield Buffer.from('d');
      }
      const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: two() }), { streaming: true });
      const controller = new AbortController();
      const body = (await handler.handle({ ...request, method: 'GET', body: undefined }, { abortSignal: controller.signal })).response.body as Readable;
      const chunks: Buffer[] = [];
      for await (const chunk of body) chunks.push(chunk as Buffer);
      controller.abort();
      expect([Buffer.concat(chunks).toString(), body.errored]).toEqual(['abcd', null]);
    });

    // `buildAbortError` tests the reason for truth (`if (reason)`): a falsy one (0, '', false)
    // gives the same `Request aborted` as no reason, with no cause.
    it.each([[0], [''], [false]])('rejects with `Request aborted` when the signal’s reason is the falsy %j', async (reason) => {
      const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: '' }), { streaming: true });
      const controller = new AbortController();
      controller.abort(reason);
      const failure = await handler.handle({ ...request, body: 'x' }, { abortSignal: controller.signal }).catch((error: Error) => error);
      expect([failure instanceof Error && failure.name, failure instanceof Error && failure.message]).toEqual(['AbortError', 'Request aborted']);
    });

    it('stops listening to a long-lived signal when the service throws before answering', async () => {
      const handler = new InProcessHandler(
        (): never => {
          throw new Error('refused at once');
        },
        { streaming: true },
      );
      const controller = new AbortController();
      await expect(handler.handle({ ...request, body: 'x' }, { abortSignal: controller.signal })).rejects.toThrow('refused at once');
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    });
  });
});
