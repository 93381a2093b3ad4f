/**
 * The in-process handler's `socketTimeout` against what @smithy/node-http-handler 4.14.2 does over
 * a socket (dist-cjs `setSocketTimeout`, `handle`), where the two part:
 * - node-http-handler resolves the call when the answer's head arrives (`requestFunc(options,
 *   (res) => resolve(...))`), and the edge sends the head with the first chunk (or before it, for
 *   a declared length of 64 KiB or more: `writeStreamingResponse`, `EARLY_HEAD_BODY_BYTES`). A body that stalls after that chunk fails
 *   the Body the call resolved with (`response.destroy(error)`), and the call, resolved, is not
 *   retried.
 * - `response.destroy(error)` on an `IncomingMessage` emits `error` only to listeners (node
 *   lib/_http_incoming.js `onError`: "An error is emitted only if there are listeners attached to
 *   the event"): a Body nobody reads does not crash the process when the socket times out.
 * - A request in flight holds its socket, which keeps the process alive until the socket timeout
 *   fires, even when the upload stalls with nothing else pending (checked by hand with node 20 and
 *   node-http-handler 4.14.2 against a server that never answers: `failed TimeoutError`).
 * No timed assertion: each test waits for an event, the timeout being far below the wait.
 */

import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { InProcessHandler, type StreamingHandler } from '../../src/index.ts';

const SOCKET_TIMEOUT_MESSAGE = '@smithy/node-http-handler - the request socket timed out after 20 ms of inactivity (configured by client requestHandler).';
const STALLED_UPLOAD = fileURLToPath(new URL('./fixtures/stalled-upload.ts', import.meta.url));
const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const getRequest = { method: 'GET', protocol: 'http:', hostname: 'h', path: '/b/k', headers: {}, query: {} };

/** Waits held open by the services below, let go after each test. */
const held: (() => void)[] = [];
const clients: S3Client[] = [];

afterEach(() => {
  for (const release of held.splice(0)) release();
  for (const client of clients.splice(0)) client.destroy();
});

/** A wait that lasts until the test ends. */
function stalled(): Promise<void> {
  return new Promise<void>((resolve) => held.push(resolve));
}

/** What `promise` resolves to, or the error it rejects with. */
function settled<T>(promise: Promise<T>): Promise<T | Error> {
  return promise.then(
    (value) => value,
    (error: unknown) => error as Error,
  );
}

/**
 * How a GET through `handler` ends: whether the call resolved (or the name of its error), and the
 * name and message of the error its body then fails with.
 */
async function callAndBody(handler: InProcessHandler): Promise<{ call: string; body?: [string, string] | 'complete' }> {
  const handled = await settled(handler.handle(getRequest));
  if (handled instanceof Error) return { call: handled.name };
  const failure = await settled((handled.response.body as Readable).toArray());
  return { call: 'resolved', body: failure instanceof Error ? [failure.name, failure.message] : 'complete' };
}

/** A body of one chunk, then a wait that outlasts the socket timeout. */
async function* stallsAfterFirstChunk(): AsyncGenerator<Uint8Array> {
  yield Buffer.from('ab');
  await stalled();
  yield Buffer.from('late');
}

describe('socketTimeout on an answer whose body stalls once it has begun, as over a socket', () => {
  it('resolves the call with the answer and fails its body with the TimeoutError', async () => {
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: stallsAfterFirstChunk() }), {
      streaming: true,
      socketTimeout: 20,
    });
    expect(await callAndBody(handler)).toEqual({ call: 'resolved', body: ['TimeoutError', SOCKET_TIMEOUT_MESSAGE] });
  });

  it('is not retried by the SDK: a GetObject whose body stalls reaches the service once', async () => {
    let calls = 0;
    const service: StreamingHandler = async () => {
      calls += 1;
      return { status: 200, headers: { 'content-length': '6', 'content-type': 'application/octet-stream' }, body: stallsAfterFirstChunk() };
    };
    const client = new S3Client({
      endpoint: 'http://s3.strongbox.localhost',
      forcePathStyle: true,
      region: 'eu-west-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 3,
      requestHandler: new InProcessHandler(service, { streaming: true, socketTimeout: 20 }),
    });
    clients.push(client);
    const sent = await settled(client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })));
    expect([calls, sent instanceof Error ? sent.name : 'answered']).toEqual([1, 'answered']);
    const body = (sent as { Body?: Readable }).Body;
    body?.on('error', () => {});
    body?.destroy();
  });
});

describe('socketTimeout on an answer of 64 KiB or more whose first chunk stalls', () => {
  it('resolves the call and fails its body, as the edge sends such a head before the first chunk', async () => {
    async function* stallsFirst(): AsyncGenerator<Uint8Array> {
      await stalled();
      yield Buffer.alloc(65_536);
    }
    const handler = new InProcessHandler(async () => ({ status: 200, headers: { 'content-length': '65536' }, body: stallsFirst() }), {
      streaming: true,
      socketTimeout: 20,
    });
    expect(await callAndBody(handler)).toEqual({ call: 'resolved', body: ['TimeoutError', SOCKET_TIMEOUT_MESSAGE] });
  });

  it('still fails the call when the answer declares less, as the edge sends that head with the first chunk', async () => {
    async function* stallsFirst(): AsyncGenerator<Uint8Array> {
      await stalled();
      yield Buffer.alloc(65_535);
    }
    const handler = new InProcessHandler(async () => ({ status: 200, headers: { 'content-length': '65535' }, body: stallsFirst() }), {
      streaming: true,
      socketTimeout: 20,
    });
    await expect(handler.handle(getRequest)).rejects.toThrow(SOCKET_TIMEOUT_MESSAGE);
  });
});

describe('socketTimeout on an answer nobody reads', () => {
  it('emits no error event when the body has no error listener, as an IncomingMessage does', async () => {
    async function* threeChunksThenStall(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('ab');
      yield Buffer.from('cd');
      yield Buffer.from('ef');
      await stalled();
    }
    const handler = new InProcessHandler(async () => ({ status: 200, headers: {}, body: threeChunksThenStall() }), {
      streaming: true,
      socketTimeout: 20,
    });
    const body = (await handler.handle(getRequest)).response.body as Readable;
    const uncaught: unknown[] = [];
    let onUncaught: ((error: unknown) => void) | undefined;
    try {
      // Closed once the timeout has destroyed it; an `error` emitted with no listener throws first.
      await new Promise<void>((resolve) => {
        onUncaught = (error: unknown): void => {
          uncaught.push(error);
          resolve();
        };
        process.on('uncaughtException', onUncaught);
        body.on('close', () => resolve());
      });
    } finally {
      if (onUncaught !== undefined) process.off('uncaughtException', onUncaught);
    }
    expect(uncaught.map((error) => (error as Error).name)).toEqual([]);
  });
});

describe('socketTimeout on an upload that stalls with nothing else pending', () => {
  it('keeps the process alive until the call fails with the TimeoutError, as the request’s socket does', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', STALLED_UPLOAD], { cwd: PACKAGE_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));
    expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: 'failed TimeoutError\n', stderr: '' });
  });
});
