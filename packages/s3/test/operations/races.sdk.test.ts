/**
 * Requests on one key, upload or bucket in flight together, through the official
 * `@aws-sdk/client-s3` on the in-process handler, over the memory store and a data directory. S3
 * (strongly consistent since December 2020) answers them as if they ran one after the other in
 * some order: of two conditional writes that each expect the object as it was, one wins and the
 * other is refused (412 PreconditionFailed, or 409 ConditionalRequestConflict: UG
 * `conditional-writes`); an upload ends once; a deleted bucket holds nothing, and an acknowledged
 * write into a bucket that still exists is kept.
 *
 * Each test stops one request at its store step (`gatedStore`: every check the handler makes
 * before that step is behind it), runs the other to its end, then lets the first go on, and checks
 * that the answers and the state left are those of one serial order. A last group starts the
 * requests together (`Promise.allSettled`) without a gate, in whatever order they interleave.
 */

import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  DeleteObjectCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryObjectStore, type ObjectStore, openFileSystemObjectStore } from '../../src/index.ts';
import { type GatedStore, gatedStore } from '../helpers/gated-store.ts';
import { tempDirectory } from '../helpers/temp.ts';
import { ACCOUNT, inProcessClient, type WireEngine, wireEngine } from '../helpers/wire.ts';

const BUCKET = 'race';
const ELSEWHERE = 'eu-west-1';

type Backend = 'memory' | 'filesystem';

interface Running {
  readonly engine: WireEngine;
  readonly client: S3Client;
  readonly gated: GatedStore;
  readonly inner: ObjectStore;
  readonly directory: string | undefined;
}

const running: Running[] = [];
afterEach(async () => {
  for (const entry of running.splice(0)) await stop(entry);
});

async function stop(entry: Running): Promise<void> {
  entry.client.destroy();
  await entry.engine.close();
  // A store the caller made stays the caller's to close.
  await entry.inner.close();
}

/** A fresh engine over a gated store of `backend`, in `region`, and a client; with BUCKET unless told not to. */
async function start(backend: Backend, options: { region?: string; bucket?: boolean; directory?: string } = {}): Promise<Running> {
  const region = options.region ?? 'us-east-1';
  const directory = backend === 'filesystem' ? (options.directory ?? tempDirectory('races')) : undefined;
  const inner = directory === undefined ? await createMemoryObjectStore() : await openFileSystemObjectStore({ directory });
  const gated = gatedStore(inner);
  const engine = wireEngine({ engine: { region, storage: gated.store } });
  // One attempt: the SDK would retry a 500 and hide it.
  const client = inProcessClient(engine.handler, { region, maxAttempts: 1 });
  const entry = { engine, client, gated, inner, directory };
  running.push(entry);
  if (options.bucket !== false) await createBucket(client, BUCKET, region);
  return entry;
}

function createBucket(client: S3Client, bucket: string, region: string): Promise<unknown> {
  // us-east-1 takes no LocationConstraint; elsewhere it must name the Region.
  const configuration = region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as typeof ELSEWHERE } };
  return client.send(new CreateBucketCommand({ Bucket: bucket, ...configuration }));
}

/** What a call came to: `'ok'` or its error's name. */
async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'ok';
  } catch (error) {
    return (error as Error).name;
  }
}

/** What each call, run concurrently, came to. */
function outcomes(...calls: Promise<unknown>[]): Promise<string[]> {
  return Promise.all(calls.map(outcome));
}

/**
 * Runs `first` until it reaches the store's `method` (`when`: before the call, or after the
 * store's answer), then `second` to its end, then lets `first` go on; the two outcomes.
 */
async function interleave(
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

async function body(client: S3Client, key: string): Promise<string | undefined> {
  try {
    return await (await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: key }))).Body?.transformToString();
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey') return undefined;
    throw error;
  }
}

/** A bucket policy letting the account read BUCKET's objects. */
function readPolicy(): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }],
  });
}

/** A body that sends `first`, then waits for `release()` before it sends `rest` and ends. */
function heldBody(first: string, rest: string): { body: Readable; length: number; release(): void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  async function* chunks(): AsyncGenerator<Buffer> {
    yield Buffer.from(first);
    await released;
    yield Buffer.from(rest);
  }
  return { body: Readable.from(chunks()), length: first.length + rest.length, release };
}

interface Upload {
  readonly uploadId: string;
  readonly parts: { PartNumber: number; ETag: string }[];
}

/** An upload of `key` with one part holding `text`. */
async function upload(client: S3Client, key: string, text: string): Promise<Upload> {
  const uploadId = (await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }))).UploadId!;
  const part = await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: key, UploadId: uploadId, PartNumber: 1, Body: text }));
  return { uploadId, parts: [{ PartNumber: 1, ETag: part.ETag! }] };
}

function complete(client: S3Client, key: string, made: Upload, condition: { IfMatch?: string; IfNoneMatch?: string } = {}): Promise<unknown> {
  return client.send(
    new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: key, UploadId: made.uploadId, MultipartUpload: { Parts: made.parts }, ...condition }),
  );
}

async function uploadsLeft(client: S3Client): Promise<string[]> {
  return ((await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET }))).Uploads ?? []).map((entry) => entry.UploadId!);
}

async function bucketExists(client: S3Client, bucket = BUCKET): Promise<boolean> {
  const head = await outcome(client.send(new HeadBucketCommand({ Bucket: bucket })));
  if (head !== 'ok' && head !== 'NotFound') throw new Error(`HeadBucket answered ${head}`);
  return head === 'ok';
}

describe.each(['memory', 'filesystem'] as const)('requests in flight together (%s store)', (backend) => {
  describe('conditional writes', () => {
    it('PutObject If-None-Match: * checked, then another creates the key: the first is 412', async () => {
      const { client, gated } = await start(backend);
      const put = (text: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: text, IfNoneMatch: '*' }));
      expect(
        await interleave(
          gated,
          'putObject',
          () => put('first'),
          () => put('second'),
        ),
      ).toEqual(['PreconditionFailed', 'ok']);
      expect(await body(client, 'k')).toBe('second');
    });

    it('PutObject If-Match checked, then another replaces that ETag: the first is 412', async () => {
      const { client, gated } = await start(backend);
      const { ETag } = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'old' }));
      const put = (text: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: text, IfMatch: ETag }));
      expect(
        await interleave(
          gated,
          'putObject',
          () => put('first'),
          () => put('second'),
        ),
      ).toEqual(['PreconditionFailed', 'ok']);
      expect(await body(client, 'k')).toBe('second');
    });

    it('CompleteMultipartUpload If-None-Match: * checked, then another completes the key: the first is 412 and its upload stays', async () => {
      const { client, gated } = await start(backend);
      const [a, b] = [await upload(client, 'k', 'first'), await upload(client, 'k', 'second')];
      const answers = await interleave(
        gated,
        'completeUpload',
        () => complete(client, 'k', a, { IfNoneMatch: '*' }),
        () => complete(client, 'k', b, { IfNoneMatch: '*' }),
      );
      expect(answers).toEqual(['PreconditionFailed', 'ok']);
      expect(await body(client, 'k')).toBe('second');
      expect(await uploadsLeft(client)).toEqual([a.uploadId]);
    });

    it('CompleteMultipartUpload If-Match checked, then another completes over that ETag: the first is 412', async () => {
      const { client, gated } = await start(backend);
      const { ETag } = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'old' }));
      const [a, b] = [await upload(client, 'k', 'first'), await upload(client, 'k', 'second')];
      const answers = await interleave(
        gated,
        'completeUpload',
        () => complete(client, 'k', a, { IfMatch: ETag! }),
        () => complete(client, 'k', b, { IfMatch: ETag! }),
      );
      expect(answers).toEqual(['PreconditionFailed', 'ok']);
      expect(await body(client, 'k')).toBe('second');
    });

    it('DeleteObject If-Match checked, then a PutObject replaces the object: the delete is 412 and the new object stays', async () => {
      const { client, gated } = await start(backend);
      const { ETag } = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'old' }));
      const answers = await interleave(
        gated,
        'deleteObject',
        () => client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k', IfMatch: ETag })),
        () => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'new' })),
      );
      expect(answers).toEqual(['PreconditionFailed', 'ok']);
      expect(await body(client, 'k')).toBe('new');
    });

    it('two DeleteObject with one If-Match: the second to commit finds no object (404 NoSuchKey)', async () => {
      const { client, gated } = await start(backend);
      const { ETag } = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'old' }));
      const remove = () => client.send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'k', IfMatch: ETag }));
      expect(await interleave(gated, 'deleteObject', remove, remove)).toEqual(['NoSuchKey', 'ok']);
      expect(await body(client, 'k')).toBeUndefined();
    });
  });

  describe('multipart uploads', () => {
    it('CompleteMultipartUpload twice: the second to commit is NoSuchUpload, the object is whole', async () => {
      const { client, gated } = await start(backend);
      const made = await upload(client, 'k', 'whole');
      // As a completion that comes after it: NoSuchUpload (CompleteMultipartUpload API reference:
      // the upload "might have been aborted or completed"). S3 is reported to answer a repeat of
      // a completion 200 for a while; Strongbox answers a repeat in sequence NoSuchUpload too.
      expect(
        await interleave(
          gated,
          'completeUpload',
          () => complete(client, 'k', made),
          () => complete(client, 'k', made),
        ),
      ).toEqual(['NoSuchUpload', 'ok']);
      expect(await body(client, 'k')).toBe('whole');
      expect(await uploadsLeft(client)).toEqual([]);
    });

    it('AbortMultipartUpload while a completion is checked: the completion is NoSuchUpload, no object', async () => {
      const { client, gated } = await start(backend);
      const made = await upload(client, 'k', 'whole');
      const answers = await interleave(
        gated,
        'completeUpload',
        () => complete(client, 'k', made),
        () => client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'k', UploadId: made.uploadId })),
      );
      expect(answers).toEqual(['NoSuchUpload', 'ok']);
      expect(await body(client, 'k')).toBeUndefined();
      expect(await uploadsLeft(client)).toEqual([]);
    });

    it('CompleteMultipartUpload while an abort is checked: the abort is NoSuchUpload, the object stays', async () => {
      const { client, gated } = await start(backend);
      const made = await upload(client, 'k', 'whole');
      const answers = await interleave(
        gated,
        'abortUpload',
        () => client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'k', UploadId: made.uploadId })),
        () => complete(client, 'k', made),
      );
      expect(answers).toEqual(['NoSuchUpload', 'ok']);
      expect(await body(client, 'k')).toBe('whole');
    });

    it('UploadPart while a completion commits: the part is NoSuchUpload, the object has the part listed', async () => {
      const { client, gated } = await start(backend);
      const made = await upload(client, 'k', 'first');
      const answers = await interleave(
        gated,
        'putPart',
        () => client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'k', UploadId: made.uploadId, PartNumber: 1, Body: 'second' })),
        () => complete(client, 'k', made),
      );
      expect(answers).toEqual(['NoSuchUpload', 'ok']);
      expect(await body(client, 'k')).toBe('first');
    });

    it('AbortMultipartUpload while an UploadPart is checked: the part is NoSuchUpload', async () => {
      const { client, gated } = await start(backend);
      const made = await upload(client, 'k', 'first');
      const answers = await interleave(
        gated,
        'putPart',
        () => client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'k', UploadId: made.uploadId, PartNumber: 2, Body: 'second' })),
        () => client.send(new AbortMultipartUploadCommand({ Bucket: BUCKET, Key: 'k', UploadId: made.uploadId })),
      );
      expect(answers).toEqual(['NoSuchUpload', 'ok']);
      expect(await uploadsLeft(client)).toEqual([]);
      // Nothing holds the bucket: the part was not kept.
      await client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
    });

    it('UploadPart replacing a listed part while a completion is checked: the completion is 400 InvalidPart', async () => {
      const { client, gated } = await start(backend);
      const made = await upload(client, 'k', 'first');
      const answers = await interleave(
        gated,
        'completeUpload',
        () => complete(client, 'k', made),
        () => client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'k', UploadId: made.uploadId, PartNumber: 1, Body: 'second' })),
      );
      expect(answers).toEqual(['InvalidPart', 'ok']);
      expect(await body(client, 'k')).toBeUndefined();
      expect(await uploadsLeft(client)).toEqual([made.uploadId]);
    });
  });

  describe('buckets', () => {
    it('DeleteBucket while a PutObject is checked: the PutObject is NoSuchBucket, the bucket is gone', async () => {
      const { client, gated } = await start(backend);
      const answers = await interleave(
        gated,
        'putObject',
        () => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'lost' })),
        () => client.send(new DeleteBucketCommand({ Bucket: BUCKET })),
      );
      expect(answers).toEqual(['NoSuchBucket', 'ok']);
      expect(await bucketExists(client)).toBe(false);
    });

    for (const recreate of [false, true]) {
      it(`DeleteBucket${recreate ? ' and CreateBucket' : ''} while a PutObject's body streams in: the PutObject is NoSuchBucket, nothing is kept`, async () => {
        const { client, gated } = await start(backend);
        const held = heldBody('streamed ', 'to the end');
        const gate = gated.gate('putObject');
        const put = outcome(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: held.body, ContentLength: held.length })));
        await gate.reached;
        // The store starts on the body now (its first step is queued ahead of the DeleteBucket's)
        // and waits for the rest, which comes only once the bucket is gone.
        gate.release();
        expect(await outcome(client.send(new DeleteBucketCommand({ Bucket: BUCKET })))).toBe('ok');
        if (recreate) await createBucket(client, BUCKET, 'us-east-1');
        held.release();
        expect(await put).toBe('NoSuchBucket');
        expect(await bucketExists(client)).toBe(recreate);
        if (recreate) expect((await client.send(new ListObjectsV2Command({ Bucket: BUCKET }))).KeyCount).toBe(0);
      });
    }

    it('PutObject while a DeleteBucket is checked: the DeleteBucket is 409 BucketNotEmpty, the object stays', async () => {
      const { client, gated } = await start(backend);
      const answers = await interleave(
        gated,
        'deleteBucket',
        () => client.send(new DeleteBucketCommand({ Bucket: BUCKET })),
        () => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'kept' })),
      );
      expect(answers).toEqual(['BucketNotEmpty', 'ok']);
      expect(await body(client, 'k')).toBe('kept');
    });

    it('DeleteBucket while a CreateMultipartUpload is checked: the upload is NoSuchBucket', async () => {
      const { client, gated } = await start(backend);
      const answers = await interleave(
        gated,
        'createUpload',
        () => client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'k' })),
        () => client.send(new DeleteBucketCommand({ Bucket: BUCKET })),
      );
      expect(answers).toEqual(['NoSuchBucket', 'ok']);
      expect(await bucketExists(client)).toBe(false);
    });

    it('CreateMultipartUpload while a DeleteBucket is checked: the DeleteBucket is 409 BucketNotEmpty', async () => {
      const { client, gated } = await start(backend);
      const answers = await interleave(
        gated,
        'deleteBucket',
        () => client.send(new DeleteBucketCommand({ Bucket: BUCKET })),
        () => client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'k' })),
      );
      expect(answers).toEqual(['BucketNotEmpty', 'ok']);
      expect(await uploadsLeft(client)).toHaveLength(1);
    });

    it('DeleteBucket while a PutBucketPolicy is checked: the policy is NoSuchBucket', async () => {
      const { client, gated } = await start(backend);
      const answers = await interleave(
        gated,
        'updateBucket',
        () => client.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: readPolicy() })),
        () => client.send(new DeleteBucketCommand({ Bucket: BUCKET })),
      );
      expect(answers).toEqual(['NoSuchBucket', 'ok']);
      expect(await bucketExists(client)).toBe(false);
    });

    it('CreateBucket twice in us-east-1: both 200 (legacy compatibility), one bucket', async () => {
      const { client, gated } = await start(backend, { bucket: false });
      const create = () => createBucket(client, 'twin', 'us-east-1');
      expect(await interleave(gated, 'createBucket', create, create, 'after')).toEqual(['ok', 'ok']);
      expect(await bucketExists(client, 'twin')).toBe(true);
    });

    it('CreateBucket twice elsewhere: the second is 409 BucketAlreadyOwnedByYou', async () => {
      const { client, gated } = await start(backend, { bucket: false, region: ELSEWHERE });
      const create = () => createBucket(client, 'twin', ELSEWHERE);
      expect(await interleave(gated, 'createBucket', create, create, 'after')).toEqual(['ok', 'BucketAlreadyOwnedByYou']);
    });

    for (const region of ['us-east-1', ELSEWHERE]) {
      it(`CreateBucket of an existing bucket while a DeleteBucket removes it (${region}): answered as one order, never 500`, async () => {
        const { client, gated } = await start(backend, { bucket: false, region });
        await createBucket(client, 'twin', region);
        // The CreateBucket found the bucket there; the DeleteBucket then removes it before the
        // CreateBucket reads who owns it.
        const answers = await interleave(
          gated,
          'createBucket',
          () => createBucket(client, 'twin', region),
          () => client.send(new DeleteBucketCommand({ Bucket: 'twin' })),
          'after',
        );
        // Create then delete: 200 in us-east-1 (legacy), 409 BucketAlreadyOwnedByYou elsewhere,
        // and no bucket left; delete then create: 200 and a new bucket.
        const orders = [
          [region === 'us-east-1' ? 'ok' : 'BucketAlreadyOwnedByYou', 'ok', false],
          ['ok', 'ok', true],
        ];
        expect(orders).toContainEqual([...answers, await bucketExists(client, 'twin')]);
      });
    }

    it('PutBucketEncryption checked while PutBucketPolicy and DeleteBucketEncryption commit: every change is kept in order', async () => {
      const { client, gated } = await start(backend);
      const policy = readPolicy();
      const answers = await interleave(
        gated,
        'updateBucket',
        () =>
          client.send(
            new PutBucketEncryptionCommand({
              Bucket: BUCKET,
              ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true }] },
            }),
          ),
        async () => {
          await client.send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: policy }));
          await client.send(new DeleteBucketEncryptionCommand({ Bucket: BUCKET }));
        },
      );
      expect(answers).toEqual(['ok', 'ok']);
      expect((await client.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy).toBe(policy);
      const rule = (await client.send(new GetBucketEncryptionCommand({ Bucket: BUCKET }))).ServerSideEncryptionConfiguration!.Rules![0]!;
      expect([rule.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, rule.BucketKeyEnabled]).toEqual(['aws:kms', true]);
    });
  });

  describe('started together, in whatever order they interleave', () => {
    it('two PutObject If-None-Match: * of a new key: one stores, the other is 412 or 409', async () => {
      const { client } = await start(backend);
      const put = (text: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: text, IfNoneMatch: '*' }));
      const answers = await outcomes(put('a'), put('b'));
      expect(answers.filter((answer) => answer === 'ok')).toHaveLength(1);
      expect(['PreconditionFailed', 'ConditionalRequestConflict']).toContain(answers.find((answer) => answer !== 'ok'));
      expect(await body(client, 'k')).toBe(answers[0] === 'ok' ? 'a' : 'b');
    });

    it('DeleteBucket and PutObject: never both acknowledged; what is left is what was acknowledged', async () => {
      const { client } = await start(backend);
      const [deleted, put] = await outcomes(
        client.send(new DeleteBucketCommand({ Bucket: BUCKET })),
        client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'kept' })),
      );
      expect([
        ['ok', 'NoSuchBucket'],
        ['BucketNotEmpty', 'ok'],
      ]).toContainEqual([deleted, put]);
      expect(await bucketExists(client)).toBe(put === 'ok');
      if (put === 'ok') expect(await body(client, 'k')).toBe('kept');
    });
  });
});

describe('a data directory reopened after DeleteBucket and PutObject raced', () => {
  for (const first of ['PutObject', 'DeleteBucket'] as const) {
    it(`keeps what was acknowledged (${first} stopped at its store step)`, async () => {
      const before = await start('filesystem');
      const put = () => before.client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'k', Body: 'kept' }));
      const remove = () => before.client.send(new DeleteBucketCommand({ Bucket: BUCKET }));
      const answers =
        first === 'PutObject' ? await interleave(before.gated, 'putObject', put, remove) : await interleave(before.gated, 'deleteBucket', remove, put);
      running.splice(running.indexOf(before), 1);
      await stop(before);
      const after = await start('filesystem', { directory: before.directory!, bucket: false });
      if (first === 'PutObject') {
        expect(answers).toEqual(['NoSuchBucket', 'ok']);
        expect(await bucketExists(after.client)).toBe(false);
      } else {
        expect(answers).toEqual(['BucketNotEmpty', 'ok']);
        // The SSE-S3 root keys of a caller-made store live in memory: the listing shows the object.
        const listed = await after.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
        expect(listed.Contents?.map((object) => object.Key)).toEqual(['k']);
      }
    });
  }
});

describe('a CreateBucket that keeps finding the bucket there and then gone', () => {
  it('gives up after a few rounds with 409 OperationAborted instead of looping', async () => {
    // A caller's own store that always says the bucket exists and never finds it: each round is
    // a DeleteBucket in between as far as CreateBucket can tell.
    const inner = await createMemoryObjectStore();
    let rounds = 0;
    const store: ObjectStore = Object.assign(Object.create(inner) as ObjectStore, {
      createBucket: async () => {
        rounds += 1;
        return false;
      },
      getBucket: async () => undefined,
    });
    const engine = wireEngine({ engine: { storage: store } });
    const client = inProcessClient(engine.handler);
    try {
      const failed = await client.send(new CreateBucketCommand({ Bucket: 'vanishing' })).catch((error: unknown) => error);
      expect(failed).toMatchObject({
        name: 'OperationAborted',
        message: 'A conflicting conditional operation is currently in progress against this resource. Try again.',
        $metadata: { httpStatusCode: 409 },
      });
      expect(rounds).toBe(3);
    } finally {
      client.destroy();
      await engine.close();
    }
  });
});
