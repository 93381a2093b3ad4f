/**
 * @module
 * The endpoint in-process: the same services `startServer` puts on a port (KMS, CloudTrail
 * LookupEvents and S3, with the same seeds, users, SigV4 and quotas), behind the service kernel's
 * `InProcessHandler`, so an AWS SDK v3 client talks to it with no socket:
 * `new KMSClient({ ...strongbox.clientConfig })`, and for S3
 * `new S3Client({ ...strongbox.clientConfig, forcePathStyle: true })` (or without it: the
 * virtual-hosted `bucket.strongbox.localhost` is understood too). The SDK still serializes, signs,
 * computes checksums and parses exactly as over HTTP; object bodies stream both ways. The
 * endpoint is `https:`: no network is crossed, so requests count as over TLS, as the engine's own
 * in-process default does, and SSE-C and SSE-KMS work as against real S3's HTTPS endpoint. A
 * client given `endpoint: 'http://strongbox.localhost'` is treated as plain HTTP (to test that
 * SSE-C and SSE-KMS refuse it, as S3 does).
 *
 * @example
 * ```ts
 * import { KMSClient, CreateKeyCommand } from '@aws-sdk/client-kms';
 * import { startInProcess } from 'strongbox';
 * const strongbox = await startInProcess();
 * const kms = new KMSClient({ ...strongbox.clientConfig });
 * await kms.send(new CreateKeyCommand({}));
 * await strongbox.close();
 * ```
 */

import type { Kms } from '@strongbox/kms';
import type { S3 } from '@strongbox/s3';
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_SECRET_ACCESS_KEY, InProcessHandler, type StreamingHandler } from '@strongbox/service-kernel';
import type { EndpointControls } from './controls/endpoint.ts';
import { inFlightCalls } from './controls/in-flight.ts';
import { type EndpointOptions, openControlledEndpoint } from './endpoint.ts';
import { StrongboxError } from './errors.ts';

/** The endpoint the in-process clients name: any host does, no connection is made. */
export const IN_PROCESS_ENDPOINT = 'https://strongbox.localhost';

/** What an AWS SDK v3 client needs to talk to the in-process endpoint. */
export interface InProcessClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requestHandler: InProcessHandler;
}

/**
 * A fresh in-process client configuration: the endpoint, Region, `test`/`test` credentials and the
 * handler (fresh because SDK clients record where their credentials came from on the object).
 * @example
 * ```ts
 * new S3Client(inProcessClientConfig('us-east-1', new InProcessHandler(endpoint.handler)));
 * ```
 */
export function inProcessClientConfig(region: string, requestHandler: InProcessHandler): InProcessClientConfig {
  return {
    endpoint: IN_PROCESS_ENDPOINT,
    region,
    credentials: { accessKeyId: DEFAULT_ACCESS_KEY_ID, secretAccessKey: DEFAULT_SECRET_ACCESS_KEY },
    requestHandler,
  };
}

/** The in-process handler of an emulator that can be closed, and the calls it is serving. */
export interface ClosableHandler {
  /** `handler` until the emulator is closed, then a refusal of every call. */
  readonly handler: StreamingHandler;
  /**
   * Resolves once no call that started before the close is still being answered (for at most
   * `RESET_DRAIN_MS`): the stores must not close under them, as a listener's `close()` lets its
   * requests in flight finish first.
   */
  drain(): Promise<void>;
}

/**
 * `handler` until `closed()` says the emulator is closed, then a refusal of every call: a closed
 * port refuses connections, and a client that outlived its in-process emulator (a test's
 * `freshStrongbox()`, closed when the test ended) must fail as plainly, not reach stores that are
 * closed (the memory KMS went on serving; S3 answered a 500 `InternalError` the SDK retried).
 * The error is not one the SDK retries (no status, no transient `code`). The calls admitted are
 * counted, so that `close()` waits for them (`drain`) before it closes the stores.
 * @example const { handler, drain } = openWhile(endpoint.handler, () => closing !== undefined);
 */
export function openWhile(handler: StreamingHandler, closed: () => boolean): ClosableHandler {
  const calls = inFlightCalls();
  return {
    handler: (request) =>
      closed()
        ? Promise.reject(
            new StrongboxError('CLOSED', 'this Strongbox is closed: its clients can no longer call it (make another, or close it once they are done)'),
          )
        : calls.counted(handler, request),
    drain: () => calls.drain(),
  };
}

/** A running in-process endpoint. */
export interface InProcessStrongbox {
  /**
   * Spread into any AWS SDK v3 client's configuration: endpoint, Region, `test`/`test` credentials,
   * the in-process handler (a fresh object on every read).
   */
  readonly clientConfig: InProcessClientConfig;
  readonly kms: Kms;
  /** The S3 engine, on the same `kms` and trail (SSE-KMS calls that KMS for each caller). */
  readonly s3: S3;
  /** The streaming protocol handler behind the clients (for a handler of one's own). */
  readonly handler: StreamingHandler;
  /** Clock, faults, quotas and `reset()` (see `createStrongbox`). */
  readonly controls: EndpointControls;
  /** Lets the calls in flight finish (as `RESET_DRAIN_MS` bounds), then flushes and closes the stores. Idempotent. */
  close(): Promise<void>;
}

/**
 * Builds the endpoint in-process (see the module documentation).
 * @throws KmsError, TypeError (seed) as `startServer` does.
 */
export async function startInProcess(options: EndpointOptions = {}): Promise<InProcessStrongbox> {
  const endpoint = await openControlledEndpoint(options);
  let closing: Promise<void> | undefined;
  const { handler, drain } = openWhile(endpoint.handler, () => closing !== undefined);
  const requestHandler = new InProcessHandler(handler, { streaming: true });
  const region = endpoint.kms.region;
  return {
    // A fresh object each time: SDK clients record where their credentials came from on the
    // credentials object itself, so clients must not share (or get a frozen) one.
    get clientConfig(): InProcessClientConfig {
      return inProcessClientConfig(region, requestHandler);
    },
    get kms(): Kms {
      return endpoint.kms;
    },
    get s3(): S3 {
      return endpoint.s3;
    },
    handler,
    controls: endpoint.controls,
    close() {
      // The calls already running are answered, their writes acknowledged, before the stores close.
      closing ??= drain().then(() => endpoint.close());
      return closing;
    },
  };
}
