/**
 * The S3 engine on the wire for tests: the REST handler behind the kernel's in-process SDK
 * handler (no socket) or a node:http server on a free loopback port, with SigV4 verified as
 * `strongbox serve` verifies it, and an `@aws-sdk/client-s3` client with default settings.
 */

import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { CreateBucketCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Hash } from '@smithy/hash-node';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  createPostPolicyVerifier,
  createSigV4Identifier,
  InProcessHandler,
  NO_USERS,
  type StreamingHandler,
  toNodeStreamingListener,
  type UserDirectory,
  withDefaultUser,
} from '@strongbox/service-kernel';
import { afterAll, beforeAll } from 'vitest';
import { createS3Handler, internalErrorResponse, S3, type S3HttpOptions, type S3Options } from '../../src/index.ts';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';
export const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/** An engine and its REST handler. */
export interface WireEngine {
  readonly s3: S3;
  readonly handler: StreamingHandler;
  close(): Promise<void>;
}

/** Options of `wireEngine`. */
export interface WireOptions {
  readonly strict?: boolean;
  readonly users?: UserDirectory;
  readonly engine?: S3Options;
  readonly http?: Omit<S3HttpOptions, 'authenticate' | 'verifyPostPolicy'>;
}

/** A fresh in-memory engine behind the REST handler, SigV4 verified (the `test` key under strict). */
export function wireEngine(options: WireOptions = {}): WireEngine {
  const s3 = new S3({ account: ACCOUNT, region: REGION, ...options.engine });
  const strict = options.strict ?? false;
  const users = strict ? withDefaultUser(options.users ?? NO_USERS, ACCOUNT, REGION) : (options.users ?? NO_USERS);
  // What `strongbox serve` gives the S3 edge (endpoint.ts): answers at once when no signature is computed.
  const authenticate = createSigV4Identifier({ users, strict, account: ACCOUNT, region: REGION, service: 's3', payloadMode: 's3' });
  const verifyPostPolicy = createPostPolicyVerifier({ users, strict, account: ACCOUNT, service: 's3' });
  const handler = createS3Handler(s3, { authenticate, verifyPostPolicy, ...options.http });
  return { s3, handler, close: () => s3.close() };
}

/** An SDK client talking to `handler` in process (`endpoint` decides http/https, i.e. whether it came over TLS). */
export function inProcessClient(handler: StreamingHandler, config: Partial<S3ClientConfig> = {}): S3Client {
  return new S3Client({
    endpoint: 'https://strongbox.localhost',
    region: REGION,
    credentials: CREDENTIALS,
    forcePathStyle: true,
    requestHandler: new InProcessHandler(handler, { streaming: true }),
    // One attempt: the SDK retries a 500 silently, which would hide an InternalError from a test.
    maxAttempts: 1,
    ...config,
  });
}

/** The handler on a loopback port. */
export async function listen(handler: StreamingHandler): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server: Server = createServer(toNodeStreamingListener(handler, { internalError: internalErrorResponse }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** An engine served on a loopback port, with an SDK client over the socket and one in process. */
export interface ServedEngine {
  readonly engine: WireEngine;
  readonly server: Awaited<ReturnType<typeof listen>>;
  /** Over the socket; one attempt, so a 500 is not retried out of sight. */
  readonly client: S3Client;
  /** The same engine in process (an `https:` endpoint). */
  readonly inProcess: S3Client;
  /** Destroys both clients, then closes the server and the engine. */
  close(): Promise<void>;
}

/**
 * A fresh engine (see `wireEngine`) on a loopback port with `bucket` created, for the tests that
 * read what goes over a real socket.
 * @example const { client, server, close } = await served('files'); … await close();
 */
export async function served(bucket: string, options: WireOptions = {}): Promise<ServedEngine> {
  const engine = wireEngine(options);
  const server = await listen(engine.handler);
  const client = new S3Client({ endpoint: server.url, region: REGION, credentials: CREDENTIALS, forcePathStyle: true, maxAttempts: 1 });
  const inProcess = inProcessClient(engine.handler);
  const close = async (): Promise<void> => {
    client.destroy();
    inProcess.destroy();
    await server.close();
    await engine.close();
  };
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (error) {
    await close();
    throw error;
  }
  return { engine, server, client, inProcess, close };
}

/** Two endpoints serving bucket `wire`: one open, one under strict authentication. */
export interface OpenAndStrict {
  readonly open: ServedEngine;
  readonly strict: ServedEngine;
}

/** Serves the open and the strict `wire` endpoint, closing whichever started if the other fails. */
async function servedOpenAndStrict(): Promise<OpenAndStrict> {
  const open = await served('wire');
  try {
    return { open, strict: await served('wire', { strict: true }) };
  } catch (error) {
    await open.close();
    throw error;
  }
}

/**
 * The open and the strict `wire` endpoint for a whole suite: served before its first test, closed
 * after its last. Read the members inside the tests (they are set once `beforeAll` has run).
 * @example const endpoints = openAndStrict(); it('…', async () => fetch(endpoints.open.server.url));
 */
export function openAndStrict(): OpenAndStrict {
  const endpoints = {} as { open: ServedEngine; strict: ServedEngine };
  beforeAll(async () => {
    Object.assign(endpoints, await servedOpenAndStrict());
  });
  afterAll(async () => {
    await endpoints.open?.close();
    await endpoints.strict?.close();
  });
  return endpoints;
}

/**
 * Runs `body` against a fresh open and strict `wire` endpoint, and closes both after it.
 * @example await withOpenAndStrict(async ({ open, strict }) => { … });
 */
export async function withOpenAndStrict(body: (endpoints: OpenAndStrict) => Promise<void>): Promise<void> {
  const endpoints = await servedOpenAndStrict();
  try {
    await body(endpoints);
  } finally {
    await endpoints.open.close();
    await endpoints.strict.close();
  }
}

/** The raw bytes of one exchange on a fresh connection (the request sent whole, then half-closed). */
export function rawExchange(port: number, request: string | Uint8Array): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks)));
  });
}

/** The error an SDK call rejects with (fails the test if it resolves). */
export async function sdkError(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; Code?: string; $response?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}

/**
 * An error response as `[status, Code, Message, what follows Message up to RequestId]`, to pin
 * S3's refusal exactly, the `ArgumentName`/`ArgumentValue` members included (see `argued`).
 * @example expect(await wireRefusal(response)).toEqual([400, 'InvalidArgument', 'Invalid version id specified', argued('versionId', 'x')]);
 */
export async function wireRefusal(response: Response): Promise<[number, string | undefined, string | undefined, string | undefined]> {
  const text = await response.text();
  const code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1];
  const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
  const members = /<\/Message>(.*?)<RequestId>/.exec(text)?.[1];
  return [response.status, code, message, members];
}

/** The `ArgumentName` and (when given) `ArgumentValue` elements of an error, as S3 sends them. */
export function argued(name: string, value?: string): string {
  return `<ArgumentName>${name}</ArgumentName>${value === undefined ? '' : `<ArgumentValue>${value}</ArgumentValue>`}`;
}

/**
 * Headers of a request (a GET unless told) of `url` signed (SigV4) with the `test` key over a
 * secret that is not its own: a credential sent that fails, as strict SigV4 sees it.
 */
export async function wronglySigned(url: string, method = 'GET'): Promise<Record<string, string>> {
  const { host, pathname, searchParams } = new URL(url);
  const query: Record<string, string> = {};
  for (const [name, value] of searchParams) query[name] = value;
  const signer = new SignatureV4({
    service: 's3',
    region: REGION,
    credentials: { accessKeyId: 'test', secretAccessKey: 'not-the-secret' },
    sha256: Hash.bind(null, 'sha256'),
    uriEscapePath: false,
  });
  const signed = await signer.sign({
    method,
    protocol: 'http:',
    hostname: host,
    path: pathname,
    query,
    headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  });
  return signed.headers as Record<string, string>;
}
