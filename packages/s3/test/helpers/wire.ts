/**
 * The S3 engine on the wire for tests: the REST handler behind the kernel's in-process SDK
 * handler (no socket) or a node:http server on a free loopback port, with SigV4 verified as
 * `strongbox serve` verifies it, and an `@aws-sdk/client-s3` client with default settings.
 */

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import {
  createPostPolicyVerifier,
  createSigV4Authenticator,
  InProcessHandler,
  NO_USERS,
  type StreamingHandler,
  toNodeStreamingListener,
  type UserDirectory,
  withDefaultUser,
} from '@strongbox/service-kernel';
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
  const authenticate = createSigV4Authenticator({ users, strict, account: ACCOUNT, region: REGION, service: 's3', payloadMode: 's3' });
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

/** The error an SDK call rejects with (fails the test if it resolves). */
export async function sdkError(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number }; Code?: string; $response?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number } };
  }
  throw new Error('expected the call to fail');
}
