/**
 * The SDK's timeouts against Strongbox in process, driven by the product's latency faults
 * (`sb.controls.faults`, `fault: 'latency'`): a client whose in-process handler has a
 * `requestTimeout` (with `throwOnRequestTimeout`) or a `socketTimeout` sees the TimeoutError the
 * SDK's node:http handler raises over a socket, its retry strategy retries it as a transient
 * error, and an upload cut by the timeout stores nothing. The latency (1 s; 4 s against the
 * retried call's 3 s) is set after the timeout and is longer, so a timeout always fires first:
 * nothing here is timed.
 *
 * Also: a streamed PutObject body of no stated length reaches S3 framed as node:http frames it
 * (`Transfer-Encoding: chunked`) and is answered the same in process as over a real port.
 */

import { Readable } from 'node:stream';
import { CreateKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { StreamingHandler } from '@strongbox/service-kernel';
import { createStrongbox, InProcessHandler, type InProcessHandlerOptions, type Strongbox } from 'strongbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/** Far above every timeout below: the timeout fires first, whatever the machine's load. */
const LATENCY_MS = 1_000;
/** The retried call's timeout: generous for an unloaded CreateKey on a loaded machine. */
const RETRIED_TIMEOUT_MS = 3_000;
/** The first attempt's latency: longer than the timeout, so the timeout fires first. */
const RETRIED_LATENCY_MS = RETRIED_TIMEOUT_MS + LATENCY_MS;
const REQUEST_TIMEOUT = '@smithy/node-http-handler - [ERROR] a request has exceeded the configured 20 ms requestTimeout.';
const SOCKET_TIMEOUT = '@smithy/node-http-handler - the request socket timed out after 20 ms of inactivity (configured by client requestHandler).';

let sb: Strongbox;
/** Every answer the service started, so a test ends only once the delayed ones are through. */
let served: Promise<unknown>[];
const clients: { destroy(): void }[] = [];

beforeEach(async () => {
  sb = await createStrongbox();
  served = [];
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  await Promise.allSettled(served);
  await sb.close();
});

/** The emulator's handler, every call it starts remembered in `served`. */
const recorded: StreamingHandler = (request) => {
  const answer = sb.handler(request);
  served.push(answer);
  return answer;
};

function timedConfig(timeouts: Omit<InProcessHandlerOptions, 'streaming'>, maxAttempts: number) {
  return { ...sb.clientConfig, maxAttempts, requestHandler: new InProcessHandler(recorded, { ...timeouts, streaming: true }) };
}

function kms(timeouts: Omit<InProcessHandlerOptions, 'streaming'>, maxAttempts = 1): KMSClient {
  const client = new KMSClient(timedConfig(timeouts, maxAttempts));
  clients.push(client);
  return client;
}

function s3(timeouts: Omit<InProcessHandlerOptions, 'streaming'>, maxAttempts = 1): S3Client {
  const client = new S3Client(timedConfig(timeouts, maxAttempts));
  clients.push(client);
  return client;
}

describe('an injected latency against an SDK timeout, in process', () => {
  it('fails a KMS call with the node:http handler’s TimeoutError (requestTimeout with throwOnRequestTimeout)', async () => {
    sb.controls.faults.add({ service: 'kms', operation: 'CreateKey', fault: 'latency', latencyMs: LATENCY_MS, count: 1 });
    const failure = await kms({ requestTimeout: 20, throwOnRequestTimeout: true })
      .send(new CreateKeyCommand({}))
      .then(
        () => undefined,
        (error: unknown) => error as Error & { code?: string; $metadata?: { attempts?: number } },
      );
    expect([failure?.name, failure?.message, failure?.code, failure?.$metadata?.attempts]).toEqual(['TimeoutError', REQUEST_TIMEOUT, 'ETIMEDOUT', 1]);
  });

  it('fails a KMS call with the socket TimeoutError (socketTimeout)', async () => {
    sb.controls.faults.add({ service: 'kms', operation: 'CreateKey', fault: 'latency', latencyMs: LATENCY_MS, count: 1 });
    await expect(kms({ socketTimeout: 20 }).send(new CreateKeyCommand({}))).rejects.toMatchObject({ name: 'TimeoutError', message: SOCKET_TIMEOUT });
  });

  // The SDK's standard retry strategy takes `TimeoutError` as transient (@smithy/core retry,
  // `TRANSIENT_ERROR_CODES`), as it does over a socket. The latency fault strikes only the first
  // attempt (`count: 1`), and its wait is set after the timeout's and is longer, so the timeout's
  // timer fires first whatever the load (timers fire in the order of their deadlines). The retry
  // is served with no latency, against a timeout of seconds (a CreateKey in process takes a few ms).
  it('is retried by the SDK’s retry strategy, as over HTTP: the next attempt is served', async () => {
    sb.controls.faults.add({ service: 'kms', operation: 'CreateKey', fault: 'latency', latencyMs: RETRIED_LATENCY_MS, count: 1 });
    const created = await kms({ requestTimeout: RETRIED_TIMEOUT_MS, throwOnRequestTimeout: true }, 2).send(new CreateKeyCommand({}));
    expect([created.KeyMetadata?.Enabled, created.$metadata.attempts]).toEqual([true, 2]);
  }, 20_000);

  it('cuts a PutObject upload the service has not read yet: the object is not stored', async () => {
    await new S3Client(sb.clientConfig).send(new CreateBucketCommand({ Bucket: 'timeouts' }));
    sb.controls.faults.add({ service: 's3', operation: 'PutObject', fault: 'latency', latencyMs: LATENCY_MS, count: 1 });
    const body = Readable.from([Buffer.from('never stored')]);
    const put = s3({ requestTimeout: 20, throwOnRequestTimeout: true }).send(
      new PutObjectCommand({ Bucket: 'timeouts', Key: 'cut', Body: body, ContentLength: 12 }),
    );
    await expect(put).rejects.toMatchObject({ name: 'TimeoutError', message: REQUEST_TIMEOUT });
    // The delayed call, once its latency is over, reads a cut body and stores nothing.
    await Promise.allSettled(served);
    await expect(new S3Client(sb.clientConfig).send(new HeadObjectCommand({ Bucket: 'timeouts', Key: 'cut' }))).rejects.toMatchObject({
      name: 'NotFound',
    });
  });
});

describe('a streamed PutObject body of no stated length', () => {
  /** The outcome of a PutObject of a stream of unknown length, and the framing the service saw. */
  async function putUnknownLength(client: S3Client): Promise<{ status: number | undefined; code: string | undefined }> {
    await client.send(new CreateBucketCommand({ Bucket: 'chunked' })).catch(() => {});
    try {
      const put = await client.send(new PutObjectCommand({ Bucket: 'chunked', Key: 'k', Body: Readable.from([Buffer.from('abc'), Buffer.from('def')]) }));
      return { status: put.$metadata.httpStatusCode, code: undefined };
    } catch (error) {
      const failure = error as Error & { $metadata?: { httpStatusCode?: number } };
      return { status: failure.$metadata?.httpStatusCode, code: failure.name };
    }
  }

  it('is framed `Transfer-Encoding: chunked`, and answered in process as over a real port', async () => {
    const framing: (string | undefined)[] = [];
    const watching: StreamingHandler = (request) => {
      if (request.method === 'PUT' && request.path.startsWith('/chunked/k')) framing.push(request.headers['transfer-encoding']);
      return sb.handler(request);
    };
    const inProcess = new S3Client({
      ...sb.clientConfig,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      requestHandler: new InProcessHandler(watching, { streaming: true }),
    });
    const listener = await sb.listen();
    const { requestHandler: _, ...portable } = sb.clientConfig;
    const overHttp = new S3Client({ ...portable, endpoint: listener.url, requestChecksumCalculation: 'WHEN_REQUIRED' });
    clients.push(inProcess, overHttp);
    const here = await putUnknownLength(inProcess);
    const there = await putUnknownLength(overHttp);
    await listener.close();
    expect(framing).toEqual(['chunked']);
    expect(here).toEqual(there);
    expect(here).toEqual({ status: 411, code: 'MissingContentLength' });
  });
});
