/**
 * The node:http handler's timeouts in process (@smithy/node-http-handler 4.14, `setRequestTimeout`
 * and `setSocketTimeout`): `requestTimeout` from the call to the answer's head, an error only with
 * `throwOnRequestTimeout` (a warning otherwise), per call through `HttpHandlerOptions`;
 * `socketTimeout` after a stretch with no byte either way, which also fails an answer's body that
 * stalls once handed over. A timeout before the answer cuts the upload, as `req.destroy()` does.
 * Driven by the official `@aws-sdk/client-kms` against services that wait for the test's word, so
 * a timeout always comes before the answer (no timed assertion); the timers' lifecycle is checked
 * with fake timers on the handler itself.
 */

import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { InProcessHandler, type InProcessHandlerOptions, json11Response, type StreamingHandler, type StreamingResponse } from '../../src/index.ts';

const REQUEST_TIMEOUT_MESSAGE = '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 20 ms requestTimeout.';
const REQUEST_TIMEOUT_WARNING =
  '@smithy/node-http-handler - [WARN] a request has exceeded the configured 20 ms requestTimeout. Init client requestHandler with throwOnRequestTimeout=true to turn this into an error.';
const SOCKET_TIMEOUT_MESSAGE = '@smithy/node-http-handler - the request socket timed out after 20 ms of inactivity (configured by client requestHandler).';

/** Answers still held back, released after each test. */
const held: (() => void)[] = [];
const clients: KMSClient[] = [];

afterEach(() => {
  for (const release of held.splice(0)) release();
  for (const made of clients.splice(0)) made.destroy();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A promise and what settles it. */
function deferred<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A JSON 1.1 service that answers DescribeKey only once `release` is called (held until then). */
function heldService(): { service: StreamingHandler; release: () => void; arrived: Promise<void> } {
  const gate = deferred();
  const arrival = deferred();
  held.push(() => gate.resolve());
  const service: StreamingHandler = async () => {
    arrival.resolve();
    await gate.promise;
    return json11Response(200, 'req-1', JSON.stringify({ KeyMetadata: { KeyId: 'k', Enabled: true } }));
  };
  return { service, release: () => gate.resolve(), arrived: arrival.promise };
}

function kms(service: StreamingHandler, options: Omit<InProcessHandlerOptions, 'streaming'> = {}, logger?: KMSClient['config']['logger']): KMSClient {
  const made = new KMSClient({
    endpoint: 'http://kms.strongbox.localhost',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    requestHandler: new InProcessHandler(service, { ...options, streaming: true }),
    maxAttempts: 1,
    ...(logger === undefined ? {} : { logger }),
  });
  clients.push(made);
  return made;
}

const describeKey = new DescribeKeyCommand({ KeyId: 'k' });

describe('requestTimeout in process, as @smithy/node-http-handler 4.14 keeps it', () => {
  it('fails a call the service has not answered in time with a TimeoutError (ETIMEDOUT), with throwOnRequestTimeout', async () => {
    const { service } = heldService();
    const failure = await kms(service, { requestTimeout: 20, throwOnRequestTimeout: true })
      .send(describeKey)
      .then(
        () => undefined,
        (error: unknown) => error as Error & { code?: string },
      );
    expect([failure?.name, failure?.message, failure?.code]).toEqual(['TimeoutError', REQUEST_TIMEOUT_MESSAGE, 'ETIMEDOUT']);
  });

  it('takes the call’s own requestTimeout over the handler’s', async () => {
    const { service } = heldService();
    const client = kms(service, { requestTimeout: 600_000, throwOnRequestTimeout: true });
    await expect(client.send(describeKey, { requestTimeout: 20 })).rejects.toThrow(REQUEST_TIMEOUT_MESSAGE);
  });

  it('takes a requestTimeout set later through updateHttpClientConfig, as node-http-handler does', async () => {
    const { service } = heldService();
    const client = kms(service);
    const handler = client.config.requestHandler as unknown as InProcessHandler;
    handler.updateHttpClientConfig('requestTimeout', 20);
    handler.updateHttpClientConfig('throwOnRequestTimeout', true);
    await expect(client.send(describeKey)).rejects.toThrow(REQUEST_TIMEOUT_MESSAGE);
    // Reported once a call has run with it (node-http-handler reports `{}` between an update and the next call).
    expect(handler.httpHandlerConfigs()).toMatchObject({ requestTimeout: 20, throwOnRequestTimeout: true });
  });

  it('only warns through the client’s logger without throwOnRequestTimeout, and the call is still answered', async () => {
    const { service, release } = heldService();
    const warned = deferred<string>();
    const logger = { debug() {}, info() {}, warn: (message: string) => warned.resolve(message), error() {} };
    const answer = kms(service, { requestTimeout: 20 }, logger).send(describeKey);
    expect(await warned.promise).toBe(REQUEST_TIMEOUT_WARNING);
    release();
    expect((await answer).KeyMetadata?.KeyId).toBe('k');
  });

  it('ends when the answer’s head arrives: a streamed body slower than the timeout is read whole', async () => {
    const rest = deferred();
    async function* slowBody(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('ab');
      yield Buffer.from('cd');
      await rest.promise;
      yield Buffer.from('ef');
    }
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: slowBody() }), {
      streaming: true,
      requestTimeout: 20,
      throwOnRequestTimeout: true,
    });
    const body = (await handler.handle(getRequest)).response.body as Readable;
    await vi.advanceTimersByTimeAsync(100);
    rest.resolve();
    expect(Buffer.concat(await body.toArray()).toString()).toBe('abcdef');
  });

  it('ends when the answer’s head arrives: an upload the service reads after answering is read whole', async () => {
    const rest = deferred();
    async function* upload(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('ab');
      await rest.promise;
      yield Buffer.from('cd');
    }
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = new InProcessHandler(
      async (forwarded) => {
        const reading = forwarded.body[Symbol.asyncIterator]();
        const first = await reading.next();
        // The head goes out with the first chunk; the rest of the upload is read while the answer streams.
        async function* echo(): AsyncGenerator<Uint8Array> {
          yield first.value as Uint8Array;
          for (let step = await reading.next(); step.done !== true; step = await reading.next()) yield step.value;
        }
        return { status: 200, headers: {}, body: echo() };
      },
      { streaming: true, requestTimeout: 20, throwOnRequestTimeout: true },
    );
    const body = (await handler.handle({ ...putRequest, headers: { 'content-length': '4' }, body: Readable.from(upload()) })).response.body as Readable;
    await vi.advanceTimersByTimeAsync(100);
    rest.resolve();
    expect(Buffer.concat(await body.toArray()).toString()).toBe('abcd');
  });

  it('warns through the handler’s own logger over the client’s, as node-http-handler keeps the first one given', async () => {
    const { service, release } = heldService();
    const warned = deferred<[string, string]>();
    const own = { warn: (message: string) => warned.resolve(['handler', message]) };
    const clients = { debug() {}, info() {}, warn: (message: string) => warned.resolve(['client', message]), error() {} };
    const answer = kms(service, { requestTimeout: 20, logger: own }, clients).send(describeKey);
    expect(await warned.promise).toEqual(['handler', REQUEST_TIMEOUT_WARNING]);
    release();
    await answer;
  });

  it('releases an answer the service gives after the call timed out', async () => {
    const gate = deferred();
    held.push(() => gate.resolve());
    const released = deferred<string>();
    const late: AsyncIterable<Uint8Array> = {
      [Symbol.asyncIterator]: () => ({
        next: async () => ({ done: true, value: undefined }),
        return: async () => {
          released.resolve('released');
          return { done: true, value: undefined };
        },
      }),
    };
    const handler = new InProcessHandler(
      async () => {
        await gate.promise;
        return { status: 200, headers: {}, body: late };
      },
      { streaming: true, requestTimeout: 20, throwOnRequestTimeout: true },
    );
    await expect(handler.handle(getRequest)).rejects.toThrow(REQUEST_TIMEOUT_MESSAGE);
    gate.resolve();
    expect(await released.promise).toBe('released');
  });

  it('cuts the upload the service is reading when it fires, so the service stores nothing', async () => {
    const bodyFailure = deferred<string>();
    const reading = deferred();
    const handler = new InProcessHandler(
      async (forwarded) => {
        try {
          for await (const _ of forwarded.body) reading.resolve();
          return { status: 200, headers: {}, body: 'stored' };
        } catch (error) {
          bodyFailure.resolve((error as Error).message);
          throw error;
        }
      },
      { streaming: true, requestTimeout: 20, throwOnRequestTimeout: true },
    );
    const answer = handler.handle({ ...putRequest, body: Readable.from(stalledUpload()) });
    await reading.promise;
    await expect(answer).rejects.toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(await bodyFailure.promise).toBe('aborted');
  });
});

describe('socketTimeout in process, as @smithy/node-http-handler 4.14 keeps it', () => {
  it('fails a call the service has not answered after that long with no byte either way', async () => {
    const { service } = heldService();
    const failure = await kms(service, { socketTimeout: 20 })
      .send(describeKey)
      .then(
        () => undefined,
        (error: unknown) => error as Error & { code?: string },
      );
    expect([failure?.name, failure?.message, failure?.code]).toEqual(['TimeoutError', SOCKET_TIMEOUT_MESSAGE, undefined]);
  });

  it('fails an answer’s body that stalls after it was handed over, and releases what the service holds', async () => {
    const stall = deferred();
    const released = deferred<string>();
    async function* stalls(): AsyncGenerator<Uint8Array> {
      try {
        yield Buffer.from('ab');
        yield Buffer.from('cd');
        await stall.promise;
        yield Buffer.from('late');
      } finally {
        released.resolve('released');
      }
    }
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: stalls() }), { streaming: true, socketTimeout: 20 });
    const body = (await handler.handle(getRequest)).response.body as Readable;
    const failure = await body.toArray().catch((error: unknown) => error as Error);
    expect([(failure as Error).name, (failure as Error).message]).toEqual(['TimeoutError', SOCKET_TIMEOUT_MESSAGE]);
    // The service's body, once its wait is over, is let go rather than read on.
    stall.resolve();
    expect(await released.promise).toBe('released');
  });

  it('leaves a complete answer alone, read or not (node-http-handler checks `response.complete`)', async () => {
    async function* two(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('ab');
      yield Buffer.from('cd');
      yield Buffer.from('ef');
    }
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: two() }), { streaming: true, socketTimeout: 20 });
    const body = (await handler.handle(getRequest)).response.body as Readable;
    // The third chunk and the end are produced as the stream fills its buffer; then, unread, past the timeout.
    await new Promise((resolve) => body.once('readable', resolve));
    await vi.advanceTimersByTimeAsync(100);
    expect(Buffer.concat(await body.toArray()).toString()).toBe('abcdef');
  });

  it('counts each chunk the service reads from the upload as activity: a steady upload longer than the timeout is read whole', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const upload = paced(5);
    const reads = Array.from({ length: 5 }, () => deferred());
    const handler = new InProcessHandler(
      async (forwarded) => {
        let count = 0;
        for await (const _ of forwarded.body) reads[count++]?.resolve();
        return { status: 200, headers: {}, body: String(count) };
      },
      { streaming: true, socketTimeout: 20 },
    );
    const answer = handler.handle({ ...putRequest, headers: { 'content-length': '10' }, body: Readable.from(upload.chunks()) });
    const settled = answer.then(
      () => {},
      () => {},
    );
    // 5 chunks 15 ms apart: 75 ms in all, never 20 ms without one.
    for (const read of reads) {
      upload.next();
      await Promise.race([read.promise, settled]);
      await vi.advanceTimersByTimeAsync(15);
    }
    expect(Buffer.from((await answer).response.body as Uint8Array).toString()).toBe('5');
  });

  it('counts each chunk of the answer as activity: a steady answer longer than the timeout is read whole', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const answer = paced(5);
    answer.next();
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: answer.chunks() }), { streaming: true, socketTimeout: 20 });
    const body = (await handler.handle(getRequest)).response.body as Readable;
    const reading = body[Symbol.asyncIterator]();
    const read: string[] = [String((await reading.next()).value)];
    // 4 more chunks 15 ms apart: 60 ms in all, never 20 ms without one.
    for (let chunk = 1; chunk < 5; chunk += 1) {
      await vi.advanceTimersByTimeAsync(15);
      answer.next();
      read.push(String((await reading.next()).value));
    }
    expect(read.join('')).toBe('ababababab');
  });

  it('cuts the upload the service is reading when it fires', async () => {
    const bodyFailure = deferred<string>();
    const handler = new InProcessHandler(
      async (forwarded) => {
        try {
          for await (const _ of forwarded.body);
          return { status: 200, headers: {}, body: 'stored' };
        } catch (error) {
          bodyFailure.resolve((error as Error).message);
          throw error;
        }
      },
      { streaming: true, socketTimeout: 20 },
    );
    await expect(handler.handle({ ...putRequest, body: Readable.from(stalledUpload()) })).rejects.toThrow(SOCKET_TIMEOUT_MESSAGE);
    expect(await bodyFailure.promise).toBe('aborted');
  });
});

describe('connectionTimeout in process', () => {
  it('has no effect: no connection is opened', async () => {
    const { service, release, arrived } = heldService();
    const answer = kms(service, { connectionTimeout: 1 }).send(describeKey);
    await arrived;
    await sleep(30);
    release();
    expect((await answer).KeyMetadata?.KeyId).toBe('k');
  });
});

describe('the timers of the timeouts', () => {
  it('are none when no timeout is set', async () => {
    const set = vi.spyOn(globalThis, 'setTimeout');
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: streamOf('ab', 'cd', 'ef') }), { streaming: true });
    const body = (await handler.handle(getRequest)).response.body as Readable;
    await body.toArray();
    expect(set).not.toHaveBeenCalled();
  });

  it.each<[string, Omit<InProcessHandlerOptions, 'streaming'>, number]>([
    ['requestTimeout', { requestTimeout: 100, throwOnRequestTimeout: true }, 1],
    ['socketTimeout', { socketTimeout: 100 }, 1],
    ['a socketTimeout of 6 s or more, registered 3 s late', { socketTimeout: 10_000 }, 1],
    ['both', { requestTimeout: 100, socketTimeout: 100 }, 2],
  ])('are cleared when the answer is complete, for %s', async (_, options, started) => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: streamOf('ab', 'cd', 'ef') }), { ...options, streaming: true });
    const answer = handler.handle(getRequest);
    expect(vi.getTimerCount()).toBe(started);
    const body = (await answer).response.body as Readable;
    await body.toArray();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('are cleared when the service fails', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = new InProcessHandler(
      async () => {
        throw new Error('refused');
      },
      { streaming: true, requestTimeout: 100, socketTimeout: 100 },
    );
    await expect(handler.handle(getRequest)).rejects.toThrow('refused');
    expect(vi.getTimerCount()).toBe(0);
  });

  it('fire no earlier than set: a socketTimeout of 6 s or more runs 3 s late, as node-http-handler registers it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const handler = new InProcessHandler(async () => new Promise<StreamingResponse>(() => {}), { streaming: true, socketTimeout: 10_000 });
    let failure: Error | undefined;
    handler.handle(getRequest).catch((error: unknown) => {
      failure = error as Error;
    });
    await vi.advanceTimersByTimeAsync(12_999);
    expect(failure).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(failure?.message).toBe(
      '@smithy/node-http-handler - the request socket timed out after 10000 ms of inactivity (configured by client requestHandler).',
    );
  });
});

const getRequest = { method: 'GET', protocol: 'http:', hostname: 'h', path: '/b/k', headers: {}, query: {} };
const putRequest = { method: 'PUT', protocol: 'http:', hostname: 'h', path: '/b/k', headers: {}, query: {} };

/** An upload that sends one chunk, then waits (a client that stopped sending). */
async function* stalledUpload(): AsyncGenerator<Uint8Array> {
  yield Buffer.from('first');
  await new Promise(() => {});
}

/** A body of `count` chunks ('ab'), each produced only once `next` lets it go. */
function paced(count: number): { chunks: () => AsyncGenerator<Uint8Array>; next: () => void } {
  const gates = Array.from({ length: count }, () => deferred());
  let opened = 0;
  return {
    chunks: async function* () {
      for (const gate of gates) {
        await gate.promise;
        yield Buffer.from('ab');
      }
    },
    next: () => gates[opened++]?.resolve(),
  };
}

async function* streamOf(...chunks: string[]): AsyncGenerator<Uint8Array> {
  for (const chunk of chunks) yield Buffer.from(chunk);
}
