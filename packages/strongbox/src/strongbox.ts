/**
 * @module
 * `createStrongbox`: the documented in-process entry point. One emulator (KMS, S3 and the
 * CloudTrail trail they share) that the official AWS SDK v3 clients reach with no port through
 * `clientConfig` (the kernel's in-process `requestHandler`, so the SDK's whole middleware runs:
 * signing, checksums, presigning, `lib-storage` uploads), and that `listen()` also puts on a port,
 * for code under test that reads `AWS_ENDPOINT_URL` or is not a JavaScript SDK. Both see the same
 * state: a key created through one is there through the other.
 *
 * @example
 * ```ts
 * import { KMSClient, CreateKeyCommand } from '@aws-sdk/client-kms';
 * import { S3Client, CreateBucketCommand } from '@aws-sdk/client-s3';
 * import { createStrongbox } from 'strongbox';
 *
 * const sb = await createStrongbox();
 * const s3 = new S3Client(sb.clientConfig);
 * const kms = new KMSClient(sb.clientConfig);
 * await s3.send(new CreateBucketCommand({ Bucket: 'reports' }));
 * await kms.send(new CreateKeyCommand({}));
 * const { url } = await sb.listen(); // http://127.0.0.1:<port>, the same buckets and keys
 * await sb.close();
 * ```
 */

import type { Kms } from '@strongbox/kms';
import type { S3 } from '@strongbox/s3';
import { InProcessHandler, type StreamingHandler } from '@strongbox/service-kernel';
import type { EndpointControls } from './controls/endpoint.ts';
import { type EndpointOptions, openControlledEndpoint } from './endpoint.ts';
import { StrongboxError } from './errors.ts';
import type { HealthReport } from './health.ts';
import { inProcessClientConfig, openWhile } from './in-process.ts';
import type { RunningServer } from './listener.ts';
import { type HttpsOptions, serveEndpoint } from './server.ts';

/**
 * What `new S3Client(sb.clientConfig)` and `new KMSClient(sb.clientConfig)` take as written:
 * endpoint, Region, `test`/`test` credentials, the in-process request handler, and
 * `forcePathStyle` (S3 only; the other clients ignore it) so bucket names need no host name.
 */
export interface StrongboxClientConfig {
  readonly endpoint: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  readonly requestHandler: InProcessHandler;
  readonly forcePathStyle: true;
}

/** Where `listen()` puts the emulator. */
export interface ListenOptions {
  /** TCP port; default 0 (any free port: tests run side by side). */
  readonly port?: number;
  /** Interface; default `127.0.0.1`. */
  readonly host?: string;
  /** An HTTPS listener beside the HTTP one (see `startServer`). */
  readonly https?: HttpsOptions;
}

/** The emulator on a port (`listen()`). */
export interface StrongboxListener {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL` or `--endpoint-url`. */
  readonly url: string;
  readonly port: number;
  /** The HTTPS listener, when asked for. */
  readonly https?: RunningServer['https'];
  /** Stops this listener (requests in flight finish); the emulator stays open. Idempotent. */
  close(): Promise<void>;
}

/** An emulator made by `createStrongbox`. */
export interface Strongbox {
  /** The KMS engine (the one every client and listener reaches; a `reset()` makes a new one). */
  readonly kms: Kms;
  /** The S3 engine, calling `kms` for SSE-KMS and recording in the same trail (a `reset()` makes a new one). */
  readonly s3: S3;
  /**
   * The controls a test suite needs: `clock` (`advance`, `set`), `faults` (`add`, `list`,
   * `remove`, `clear`), `quotas`, `reset()`; the same ones `/_strongbox/` serves on a listener.
   */
  readonly controls: EndpointControls;
  /**
   * Back to a fresh state (keys, aliases, grants, buckets, objects, uploads, trail, quota
   * counters, faults, clock), without closing clients or listeners (`controls.reset()`).
   * @throws KmsError or the file system's error when a data directory cannot be emptied.
   */
  reset(): Promise<void>;
  /**
   * A fresh client configuration on every read: SDK clients write on their credentials object,
   * so two clients must not share one.
   */
  readonly clientConfig: StrongboxClientConfig;
  /** The streaming protocol handler behind `clientConfig.requestHandler`. */
  readonly handler: StreamingHandler;
  /**
   * Serves the same emulator over HTTP on a port (and HTTPS with `https`).
   * @throws Error with `code: 'EADDRINUSE'` (and other listen errors) when the port cannot be bound;
   *   the emulator stays usable.
   */
  listen(options?: ListenOptions): Promise<StrongboxListener>;
  /** Whether each service can serve: what `GET /_strongbox/health` answers on a listener. */
  health(): Promise<HealthReport>;
  /**
   * Closes every listener (letting requests in flight finish), lets the in-process calls in flight
   * finish (for at most `RESET_DRAIN_MS`), then closes the stores. Idempotent. Calls, `listen()`
   * and `reset()` are refused with `StrongboxError` `CLOSED` from the moment it is called.
   */
  close(): Promise<void>;
}

/**
 * Creates the emulator in process (see the module documentation). Options are `startServer`'s
 * minus where to listen (`listen()` takes that): Region, account, data directory, users, seed,
 * quotas, strict authentication, S3 data events in the trail (`s3DataEvents`), clock.
 * @throws KmsError for an unusable data directory; TypeError for a seed that does not fit the
 *   state or the key quota; RangeError for a malformed account or Region. The store is closed again then.
 * @example
 * ```ts
 * const sb = await createStrongbox({ region: 'eu-west-1' });
 * const kms = new KMSClient(sb.clientConfig);
 * await sb.close();
 * ```
 */
export async function createStrongbox(options: EndpointOptions = {}): Promise<Strongbox> {
  const endpoint = await openControlledEndpoint(options);
  let closing: Promise<void> | undefined;
  // Its clients' calls are refused once it is closed (`openWhile`); listeners close, and the
  // calls in flight finish, before the stores.
  const { handler, drain } = openWhile(endpoint.handler, () => closing !== undefined);
  const requestHandler = new InProcessHandler(handler, { streaming: true });
  const region = endpoint.kms.region;
  const listeners = new Set<RunningServer>();
  // The listen() calls still binding their ports: close() waits for them, and each closes its
  // listener again when it finds close() was called meanwhile.
  const starting = new Set<Promise<unknown>>();
  const refuseClosed = (): void => {
    if (closing !== undefined) throw new StrongboxError('CLOSED', 'this Strongbox is closed');
  };
  // The controls as the endpoint has them (the quotas are a getter: copy the descriptors), with a
  // reset refused from the moment close() is called: the endpoint's own refusal starts only once
  // the listeners are closed, and a reset before that would reopen the engines close() closes.
  const reset = async (): Promise<void> => {
    refuseClosed();
    await endpoint.controls.reset();
  };
  const controls = Object.defineProperties(
    {},
    { ...Object.getOwnPropertyDescriptors(endpoint.controls), reset: { value: reset, enumerable: true, writable: true, configurable: true } },
  ) as EndpointControls;
  // A listener shares the endpoint: closing it must leave the stores open for the others. The
  // engines are getters (a reset replaces them): copy the descriptors, not the values. Its admin
  // API serves the same controls as `sb.controls`.
  const shared = Object.defineProperties(
    {},
    {
      ...Object.getOwnPropertyDescriptors(endpoint),
      controls: { value: controls, enumerable: true },
      close: { value: async (): Promise<void> => {} },
    },
  ) as typeof endpoint;
  const serve = async (listenOptions: ListenOptions): Promise<StrongboxListener> => {
    const server = await serveEndpoint(shared, { ...options, port: 0, ...listenOptions });
    if (closing !== undefined) {
      await server.close();
      throw new StrongboxError('CLOSED', 'this Strongbox is closed');
    }
    listeners.add(server);
    return {
      url: server.url,
      port: server.port,
      ...(server.https === undefined ? {} : { https: server.https }),
      close: async () => {
        listeners.delete(server);
        await server.close();
      },
    };
  };
  return {
    get kms(): Kms {
      return endpoint.kms;
    },
    get s3(): S3 {
      return endpoint.s3;
    },
    controls,
    reset,
    handler,
    health: () => endpoint.health(),
    get clientConfig(): StrongboxClientConfig {
      return { ...inProcessClientConfig(region, requestHandler), forcePathStyle: true };
    },
    async listen(listenOptions: ListenOptions = {}): Promise<StrongboxListener> {
      refuseClosed();
      const started = serve(listenOptions);
      starting.add(started);
      const forget = (): void => {
        starting.delete(started);
      };
      started.then(forget, forget);
      return started;
    },
    close() {
      closing ??= (async () => {
        try {
          await Promise.allSettled([...starting]);
          await Promise.all([...listeners].map((server) => server.close()));
          await drain();
        } finally {
          await endpoint.close();
        }
      })();
      return closing;
    },
  };
}
