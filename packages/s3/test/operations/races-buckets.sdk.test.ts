/**
 * Requests on one bucket in flight together, through the official `@aws-sdk/client-s3` on the
 * in-process handler, over the memory store and a data directory. S3 answers them as if they ran
 * one after the other in some order: a deleted bucket holds nothing, an acknowledged write into a
 * bucket that still exists is kept, and a CreateBucket racing a DeleteBucket of the name is
 * answered as one order or the other, never 500.
 *
 * Most tests stop one request at its store step (`gatedStore`) while the other runs to its end
 * (`helpers/races.ts`); a group starts the requests together (`Promise.allSettled`) without a
 * gate, in whatever order they interleave.
 */

import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetBucketPolicyCommand,
  ListObjectsV2Command,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryObjectStore, type ObjectStore } from '../../src/index.ts';
import {
  BUCKET,
  body,
  bucketExists,
  createBucket,
  ELSEWHERE,
  forget,
  heldBody,
  interleave,
  outcome,
  outcomes,
  readPolicy,
  start,
  stop,
  stopAll,
  uploadsLeft,
} from '../helpers/races.ts';
import { inProcessClient, wireEngine } from '../helpers/wire.ts';

afterEach(stopAll);

describe.each(['memory', 'filesystem'] as const)('requests on one bucket in flight together (%s store)', (backend) => {
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
      forget(before);
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
        // A turn of the event loop per round: were the bound gone, the loop would otherwise run
        // in settled promises alone, and the test would hang instead of failing at its timeout.
        await new Promise((resolve) => setImmediate(resolve));
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
        message: 'A conflicting conditional operation is currently in progress against this resource. Please try again.',
        $metadata: { httpStatusCode: 409 },
      });
      expect(rounds).toBe(3);
    } finally {
      client.destroy();
      await engine.close();
    }
  });
});
