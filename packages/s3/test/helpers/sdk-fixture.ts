/**
 * @module
 * The set-up the SDK suites share, registered as vitest hooks: before each test, a fresh
 * in-memory engine behind the REST handler (`wireEngine`), an `@aws-sdk/client-s3` client talking
 * to it in process (`inProcessClient`) and the suite's buckets, each with the encryption
 * configuration given; after each test, the client destroyed and the engine closed. A suite that
 * needs objects before each test adds its own `beforeEach` after calling the fixture (vitest runs
 * a file's `beforeEach` hooks in the order they were registered).
 */

import { CreateBucketCommand, PutBucketEncryptionCommand, type PutBucketEncryptionCommandInput, type S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { afterEach, beforeEach } from 'vitest';
import { inProcessClient, type WireEngine, type WireOptions, wireEngine } from './wire.ts';

/** Options of `useInProcessS3`. */
export interface InProcessS3Options extends WireOptions {
  /** Buckets created before each test, in this order. */
  readonly buckets?: readonly string[];
  /** PutBucketEncryption on every bucket of `buckets` (for instance `ALLOW_SSE_C`). */
  readonly encryption?: Pick<PutBucketEncryptionCommandInput, 'ServerSideEncryptionConfiguration'>;
  /** Settings of the SDK client (checksum algorithms, credentials, endpoint). */
  readonly client?: Partial<S3ClientConfig>;
}

/** The engine and client of the running test. */
export interface InProcessS3 {
  readonly engine: WireEngine;
  readonly client: S3Client;
}

/**
 * Registers the hooks (see the module documentation) and returns the current test's engine and
 * client; read them inside a test or hook, never at the top level of a file.
 * @throws Error when read outside a test.
 * @example
 * const sdk = useInProcessS3({ buckets: ['data'] });
 * it('stores', async () => { await sdk.client.send(new PutObjectCommand({ Bucket: 'data', Key: 'k', Body: 'x' })); });
 */
export function useInProcessS3(options: InProcessS3Options = {}): InProcessS3 {
  const { buckets = [], encryption, client: config, ...wire } = options;
  let current: InProcessS3 | undefined;
  beforeEach(async () => {
    const engine = wireEngine(wire);
    const client = inProcessClient(engine.handler, config);
    current = { engine, client };
    for (const bucket of buckets) {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      if (encryption !== undefined) await client.send(new PutBucketEncryptionCommand({ Bucket: bucket, ...encryption }));
    }
  });
  afterEach(async () => {
    if (current === undefined) return;
    const { engine, client } = current;
    current = undefined;
    client.destroy();
    await engine.close();
  });
  const running = (): InProcessS3 => {
    if (current === undefined) throw new Error('useInProcessS3: the engine and client exist only while a test runs');
    return current;
  };
  return {
    get engine() {
      return running().engine;
    },
    get client() {
      return running().client;
    },
  };
}
