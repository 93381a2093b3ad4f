/**
 * Shared by the S3 race tests (`operations/races-*.sdk.test.ts`): engines over a gated store
 * (`gated-store.ts`) of either backend with an SDK client that makes one attempt, `interleave` (one
 * request stopped at its store step while another runs to its end), and small SDK shortcuts.
 */

import { Readable } from 'node:stream';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { createMemoryObjectStore, type ObjectStore, openFileSystemObjectStore } from '../../src/index.ts';
import { type GatedStore, gatedStore } from './gated-store.ts';
import { tempDirectory } from './temp.ts';
import { ACCOUNT, inProcessClient, type WireEngine, wireEngine } from './wire.ts';

export const BUCKET = 'race';
export const ELSEWHERE = 'eu-west-1';

export type Backend = 'memory' | 'filesystem';

export interface Running {
  readonly engine: WireEngine;
  readonly client: S3Client;
  readonly gated: GatedStore;
  readonly inner: ObjectStore;
  readonly directory: string | undefined;
}

const running: Running[] = [];

/** Stops every engine `start` made and the test has not stopped itself (each file's `afterEach`). */
export async function stopAll(): Promise<void> {
  for (const entry of running.splice(0)) await stop(entry);
}

/** Forgets `entry`, which the test stops itself (to reopen its data directory). */
export function forget(entry: Running): void {
  running.splice(running.indexOf(entry), 1);
}

export async function stop(entry: Running): Promise<void> {
  entry.client.destroy();
  await entry.engine.close();
  // A store the caller made stays the caller's to close.
  await entry.inner.close();
}

/**
 * A fresh engine over a gated store of `backend`, in `region`, and a client; with BUCKET unless told
 * not to; `newId`, the store's source of bucket, upload and blob ids.
 */
export async function start(backend: Backend, options: { region?: string; bucket?: boolean; directory?: string; newId?: () => string } = {}): Promise<Running> {
  const region = options.region ?? 'us-east-1';
  const directory = backend === 'filesystem' ? (options.directory ?? tempDirectory('races')) : undefined;
  const environment = options.newId === undefined ? {} : { newId: options.newId };
  const inner = directory === undefined ? await createMemoryObjectStore(environment) : await openFileSystemObjectStore({ directory, ...environment });
  const gated = gatedStore(inner);
  const engine = wireEngine({ engine: { region, storage: gated.store } });
  // One attempt: the SDK would retry a 500 and hide it.
  const client = inProcessClient(engine.handler, { region, maxAttempts: 1 });
  const entry = { engine, client, gated, inner, directory };
  running.push(entry);
  if (options.bucket !== false) await createBucket(client, BUCKET, region);
  return entry;
}

export function createBucket(client: S3Client, bucket: string, region: string): Promise<unknown> {
  // us-east-1 takes no LocationConstraint; elsewhere it must name the Region.
  const configuration = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as typeof ELSEWHERE } };
  return client.send(new CreateBucketCommand({ Bucket: bucket, ...configuration }));
}

/** What a call came to: `'ok'` or its error's name. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

/** What each call, run concurrently, came to. */
export function outcomes(...calls: Promise<unknown>[]): Promise<string[]> {
  return Promise.all(calls.map(outcome));
}

/**
 * Runs `first` until it reaches the store's `method` (`when`: before the call, or after the
 * store's answer), then `second` to its end, then lets `first` go on; the two outcomes.
 */
export async function interleave(
  gated: GatedStore,
  method: keyof ObjectStore,
  first: () => Promise<unknown>,
  second: () => Promise<unknown>,
  when: 'before' | 'after' = 'before',
): Promise<[string, string]> {
  const gate = gated.gate(method, when);
  const stopped = outcome(first());
  // A first request that ends without reaching the gate would leave the test waiting.
  if (!(await Promise.race([gate.reached.then(() => true), stopped.then(() => false)]))) {
    throw new Error(`the first request ended (${await stopped}) before it reached ${method}`);
  }
  const other = await outcome(second());
  gate.release();
  return [await stopped, other];
}

export async function body(client: S3Client, key: string): Promise<string | undefined> {
  try {
    return await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** A bucket policy letting the account read BUCKET's objects. */
export function readPolicy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
  });
}

/** A body that sends `first`, then waits for `release()` before it sends `rest` and ends. */
export function heldBody(first: string, rest: string): { body: Readable; length: number; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(first);
    await released;
    yield Buffer.from(rest);
  }
  return { body: Readable.from(chunks()), length: first.length + rest.length, release };
}

export interface Upload {
  readonly uploadId: string;
  readonly parts: { PartNumber: number; ETag: string }[];
}

/** An upload of `key` with one part holding `text`. */
export async function upload(client: S3Client, key: string, text: string): Promise<Upload> {
  const uploadId = (await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }))).UploadId!;
  const part = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: 1, Body: text }));
  return { uploadId, parts: [{ PartNumber: 1, ETag: part.ETag! }] };
}

export function complete(client: S3Client, key: string, made: Upload, condition: { IfMatch?: string; IfNoneMatch?: string } = {}): Promise<unknown> {
  return client.send(
    new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: made.uploadId, MultipartUpload: { Parts: made.parts }, ...condition }),
  );
}

export async function uploadsLeft(client: S3Client): Promise<string[]> {
  return ((await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).map((entry) => entry.UploadId!);
}

export async function bucketExists(client: S3Client, bucket = BUCKET): Promise<boolean> {
  const head = await outcome(client.send(new HeadBucketCommand({ Bucket: bucket })));
  if (head !== 'ok' && head !== 'NotFound') throw new Error(`HeadBucket answered ${head}`);
  return head === 'ok';
}
