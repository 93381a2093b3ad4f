/**
 * @module
 * The pieces the in-process benchmarks (bench/product/) take apart the SDK + in-process handler
 * pair with: request handlers to give an SDK client in place of Strongbox's in-process one (one
 * that records the SDK's requests for replay without the SDK, one that answers with canned copies
 * of Strongbox's answers), and the S3 PutObject + GetObject pair they time.
 *
 * Nothing here imports a workspace package at run time (types only), so a benchmark can import it
 * before `runOnBuiltPackages` (bench/lib/built.ts) chooses which build it runs on.
 */

import { Readable } from 'node:stream';
import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { Strongbox } from 'strongbox';

/** The in-process request handler `createStrongbox().clientConfig` gives the SDK. */
export type InProcessHandler = Strongbox['clientConfig']['requestHandler'];
/** A request as the SDK hands it to its request handler. */
export type SdkRequest = Parameters<InProcessHandler['handle']>[0];
/** The options the SDK hands its request handler with a request (abort signal, timeout). */
export type SdkRequestOptions = Parameters<InProcessHandler['handle']>[1];
/** What a request handler gives the SDK back. */
export type HandlerOutput = Awaited<ReturnType<InProcessHandler['handle']>>;

/** A copy of `request` with its own headers object, which the SDK and the handler may change. */
function copyOf(request: SdkRequest): SdkRequest {
  return { ...request, headers: { ...request.headers } };
}

/**
 * The in-process handler, recording the SDK's requests while `recording` is set, to serve them
 * again through the handler alone ({@link Recorder.replay}): what the handler and the engine cost,
 * with no SDK work. Given to a client as its `requestHandler` (`as never`: the SDK's handler type
 * is wider than what it calls).
 * @example
 * ```ts
 * const recorder = new Recorder(sb.clientConfig.requestHandler);
 * const s3 = new S3Client({ ...sb.clientConfig, requestHandler: recorder as never, forcePathStyle: true });
 * await recorder.record(() => s3.send(new HeadBucketCommand({ Bucket: 'b' })));
 * await recorder.replay();
 * ```
 */
export class Recorder {
  /** Whether `handle` keeps a copy of each request it is given. */
  recording = false;
  /** The recorded requests, in the order the SDK sent them. */
  readonly requests: SdkRequest[] = [];
  /** The handler that answers, recording or not. */
  readonly inner: InProcessHandler;
  readonly metadata = { handlerProtocol: 'http/1.1' };

  /** @param inner - the handler that answers (Strongbox's in-process one). */
  constructor(inner: InProcessHandler) {
    this.inner = inner;
  }

  /**
   * Answers through the inner handler, keeping a copy of `request` while recording.
   * @param request - the SDK's request.
   * @param options - the SDK's options for it.
   * @returns the inner handler's answer.
   * @throws whatever the inner handler throws.
   */
  handle(request: SdkRequest, options?: SdkRequestOptions): Promise<HandlerOutput> {
    if (this.recording) this.requests.push(copyOf(request));
    return this.inner.handle(request, options);
  }

  /**
   * Replaces the recorded requests with those `operation` sends.
   * @param operation - SDK calls through a client given this recorder.
   * @returns when `operation` has finished.
   * @throws whatever `operation` throws (recording stops either way).
   */
  async record(operation: () => Promise<unknown>): Promise<void> {
    this.requests.length = 0;
    this.recording = true;
    try {
      await operation();
    } finally {
      this.recording = false;
    }
  }

  /**
   * Serves the recorded requests again through the inner handler alone (a copy of each, as the
   * SDK would send it again), reading each answer whole.
   * @returns the bytes of all the answers' bodies.
   * @throws whatever the inner handler throws.
   */
  async replay(): Promise<number> {
    let length = 0;
    for (const request of this.requests) {
      const { response } = await this.inner.handle(copyOf(request));
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) length += chunk.length;
    }
    return length;
  }

  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
  destroy(): void {}
}

/** An answer kept whole: what a canned handler gives again. */
interface CannedAnswer {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
  /** Whether the SDK reads it as a stream (GetObject's body: a Readable, as node:http gives). */
  readonly streamed: boolean;
}

/**
 * A handler that answers each kind of request (method, bucket or object path, query names and
 * `x-amz-target`) with a copy of the answer the inner handler gave the first one: the SDK's
 * middleware runs whole, and nothing serves the request. The SDK's own work alone, the floor
 * under the in-process handler's. Given to a client as its `requestHandler` (`as never`).
 * @example
 * ```ts
 * const s3 = new S3Client({ ...sb.clientConfig, requestHandler: new Canned(sb.clientConfig.requestHandler) as never });
 * ```
 */
export class Canned {
  readonly #inner: InProcessHandler;
  readonly #answers = new Map<string, CannedAnswer>();
  readonly metadata = { handlerProtocol: 'http/1.1' };

  /** @param inner - the handler that answers the first request of each kind (Strongbox's in-process one). */
  constructor(inner: InProcessHandler) {
    this.#inner = inner;
  }

  /**
   * Answers with a copy of the answer to the first request of `request`'s kind.
   * @param request - the SDK's request.
   * @param options - the SDK's options for it (passed to the inner handler on the first of a kind).
   * @returns a copy of the kept answer: a fresh Readable body where the first was a stream.
   * @throws whatever the inner handler throws on the first request of a kind.
   */
  async handle(request: SdkRequest, options?: SdkRequestOptions): Promise<HandlerOutput> {
    const target = request.path.split('/').length > 2 ? 'object' : 'bucket';
    const kind = `${request.method} ${target} ${Object.keys(request.query ?? {})
      .sort()
      .join('&')} ${request.headers['x-amz-target'] ?? ''}`;
    let answer = this.#answers.get(kind);
    if (answer === undefined) {
      const { response } = await this.#inner.handle(request, options);
      const streamed = response.body instanceof Readable;
      const chunks: Uint8Array[] = [];
      for await (const chunk of response.body as AsyncIterable<Uint8Array>) chunks.push(chunk);
      answer = { statusCode: response.statusCode, headers: { ...response.headers }, body: Buffer.concat(chunks), streamed };
      this.#answers.set(kind, answer);
    }
    const body = answer.streamed ? Readable.from([answer.body], { objectMode: false }) : answer.body;
    return { response: { statusCode: answer.statusCode, headers: { ...answer.headers }, body } } as HandlerOutput;
  }

  updateHttpClientConfig(): void {}
  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
  destroy(): void {}
}

/** Where {@link s3Pair}'s objects go, and what they hold. */
export interface S3PairOptions {
  /** An existing bucket. */
  readonly bucket: string;
  /** The object's bytes. */
  readonly body: Buffer;
  /** The keys' prefix; the pair cycles through 64 keys, `<prefix>0` to `<prefix>63`. */
  readonly keyPrefix: string;
}

/**
 * One S3 PutObject of `body`, then a GetObject of it read whole, through `client`, on the next
 * of 64 keys in turn.
 * @param client - the client under test.
 * @param options - bucket, body and key prefix.
 * @returns a function that runs one pair per call.
 * @throws (the returned function) Error when the GET returns other bytes than the PUT sent, and
 * whatever the client throws.
 * @example
 * ```ts
 * const pair = s3Pair(s3, { bucket: 'bench', body: randomBytes(1024), keyPrefix: 'object-' });
 * await pair();
 * ```
 */
export function s3Pair(client: S3Client, options: S3PairOptions): () => Promise<void> {
  const { bucket, body, keyPrefix } = options;
  let next = 0;
  return async () => {
    const key = `${keyPrefix}${next++ % 64}`;
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
    const got = await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }))).Body?.transformToByteArray();
    if (got === undefined || !body.equals(got)) throw new Error('GET returned other bytes than the PUT sent');
  };
}

/**
 * Records the SDK's requests of one S3 PutObject of `body` (key `replayed`) and a GetObject of it
 * read whole, sent through `client` (whose request handler is `recorder`), for replay through the
 * in-process handler alone.
 * @param recorder - `client`'s request handler; its recorded requests are replaced.
 * @param client - a client given `recorder` as its `requestHandler`.
 * @param options - the bucket (existing) and the object's bytes.
 * @returns a function that serves the two requests again through the handler alone per call,
 * each answer read whole.
 * @throws (the returned function) Error when the answers' bodies do not hold `body`'s length, and
 * whatever the handler throws.
 * @example
 * ```ts
 * const handlerAlone = await recordedS3Pair(recorder, s3, { bucket: 'bench', body: randomBytes(1024) });
 * await handlerAlone();
 * ```
 */
export async function recordedS3Pair(recorder: Recorder, client: S3Client, options: Pick<S3PairOptions, 'bucket' | 'body'>): Promise<() => Promise<void>> {
  const { bucket, body } = options;
  await recorder.record(async () => {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: 'replayed', Body: body }));
    await (await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'replayed' }))).Body?.transformToByteArray();
  });
  return async () => {
    const length = await recorder.replay();
    if (length !== body.length) throw new Error(`replayed GET returned ${length} bytes`);
  };
}
