/**
 * Requests on one key or upload in flight together, through the official `@aws-sdk/client-s3` on
 * the in-process handler, over the memory store and a data directory. S3 (strongly consistent
 * since December 2020) answers them as if they ran one after the other in some order: of two
 * conditional writes that each expect the object as it was, one wins and the other is refused
 * (412 PreconditionFailed, or 409 ConditionalRequestConflict: UG `conditional-writes`), and an
 * upload ends once.
 *
 * Each test stops one request at its store step (`gatedStore`: every check the handler makes
 * before that step is behind it), runs the other to its end, then lets the first go on, and checks
 * that the answers and the state left are those of one serial order (`helpers/races.ts`).
 */

import { AbortMultipartUploadCommand, DeleteBucketCommand, DeleteObjectCommand, PutObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it } from 'vitest';
import { BUCKET, body, complete, interleave, start, stopAll, upload, uploadsLeft } from '../helpers/races.ts';

afterEach(stopAll);

describe.each(['memory', 'filesystem'] as const)('requests on one key or upload in flight together (%s store)', (backend) => {
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
});
