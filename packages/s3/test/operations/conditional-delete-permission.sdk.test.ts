/**
 * The permissions a conditional delete needs (UG "How to perform conditional deletes",
 * `conditional-deletes`: "To perform a conditional delete with an If-Match header with an ETag
 * value, you must have s3:DeleteObject and s3:GetObject permissions"), through the official
 * `@aws-sdk/client-s3` signing as IAM users of the bucket's account. With s3:DeleteObject alone,
 * 412 for a wrong ETag and 204 for the right one told a caller who may not read an object its
 * ETag, the MD5 of its content for a single-part SSE-S3 object (REVIEW R5).
 */

import { CreateBucketCommand, DeleteObjectCommand, DeleteObjectsCommand, HeadObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

const WRONG = '"0123456789abcdef0123456789abcdef"';

/** An IAM user of the bucket's account allowed `actions` on the bucket's objects, and its client. */
function user(name: string, actions: readonly string[]) {
  return {
    accessKeyId: `AKIA${name.toUpperCase()}`,
    secretAccessKey: `${name}-secret`,
    principal: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: 'arn:aws:s3:::data/*' }] },
  };
}

const DELETER = user('deleter', ['s3:DeleteObject']);
const READER_DELETER = user('readerdeleter', ['s3:DeleteObject', 's3:GetObject']);

let engine: WireEngine;
let owner: S3Client;
let deleter: S3Client;
let readerDeleter: S3Client;
let etag: string;
beforeEach(async () => {
  engine = wireEngine({ strict: true, users: parseUsers({ users: [DELETER, READER_DELETER] }) });
  owner = inProcessClient(engine.handler);
  deleter = inProcessClient(engine.handler, { credentials: { accessKeyId: DELETER.accessKeyId, secretAccessKey: DELETER.secretAccessKey } });
  readerDeleter = inProcessClient(engine.handler, {
    credentials: { accessKeyId: READER_DELETER.accessKeyId, secretAccessKey: READER_DELETER.secretAccessKey },
  });
  await owner.send(new CreateBucketCommand({ Bucket: 'data' }));
  etag = (await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'secret', Body: 'salary=100000' }))).ETag ?? '';
});
afterEach(async () => {
  for (const client of [owner, deleter, readerDeleter]) client.destroy();
  await engine.close();
});

async function exists(key: string): Promise<boolean> {
  const head = owner.send(new HeadObjectCommand({ Bucket: 'data', Key: key }));
  return head.then(
    () => true,
    async () => (await sdkError(head)).$metadata.httpStatusCode !== 404,
  );
}

describe('a conditional delete with an ETag needs s3:GetObject as well as s3:DeleteObject', () => {
  it('DeleteObject: 403 naming s3:GetObject for a right or a wrong ETag alike, and the object stays', async () => {
    for (const ifMatch of [WRONG, etag]) {
      const error = await sdkError(deleter.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'secret', IfMatch: ifMatch })));
      expect([error.name, error.$metadata.httpStatusCode]).toEqual(['AccessDenied', 403]);
      expect(error.message).toContain('user/deleter is not authorized to perform: s3:GetObject');
    }
    expect(await exists('secret')).toBe(true);
    // With both permissions, the ETag decides.
    const wrong = await sdkError(readerDeleter.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'secret', IfMatch: WRONG })));
    expect([wrong.name, wrong.$metadata.httpStatusCode]).toEqual(['PreconditionFailed', 412]);
    await readerDeleter.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'secret', IfMatch: etag }));
    expect(await exists('secret')).toBe(false);
  });

  it('DeleteObject: If-Match * and an unconditional delete need s3:DeleteObject only', async () => {
    await owner.send(new PutObjectCommand({ Bucket: 'data', Key: 'other', Body: 'x' }));
    await deleter.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'secret', IfMatch: '*' }));
    await deleter.send(new DeleteObjectCommand({ Bucket: 'data', Key: 'other' }));
    expect([await exists('secret'), await exists('other')]).toEqual([false, false]);
  });

  it('DeleteObjects: each entry with an ETag is AccessDenied without s3:GetObject; the others are deleted', async () => {
    for (const key of ['plain', 'any']) await owner.send(new PutObjectCommand({ Bucket: 'data', Key: key, Body: key }));
    const batch = await deleter.send(
      new DeleteObjectsCommand({
        Bucket: 'data',
        Delete: {
          Objects: [{ Key: 'secret', ETag: WRONG }, { Key: 'plain' }, { Key: 'secret', ETag: etag }, { Key: 'any', ETag: '*' }],
        },
      }),
    );
    expect(batch.Deleted?.map((entry) => entry.Key)).toEqual(['plain', 'any']);
    expect(batch.Errors?.map((entry) => [entry.Key, entry.Code])).toEqual([
      ['secret', 'AccessDenied'],
      ['secret', 'AccessDenied'],
    ]);
    expect(await exists('secret')).toBe(true);
    const allowed = await readerDeleter.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'secret', ETag: etag }] } }));
    expect([allowed.Deleted?.map((entry) => entry.Key), allowed.Errors]).toEqual([['secret'], undefined]);
  });
});
