/**
 * UploadPartCopy from a source key that does not exist, through `@aws-sdk/client-s3` and the
 * in-process handler: as CopyObject and GetObject answer it (GetObject API reference,
 * "Permissions"), 404 NoSuchKey only to a caller who may list the source bucket
 * (`s3:ListBucket`), 403 AccessDenied to one who may not, so that a caller who cannot list
 * cannot learn which keys exist.
 */

import {
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { parseUsers } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, inProcessClient, sdkError, type WireEngine, wireEngine } from '../helpers/wire.ts';

/** An IAM user of the buckets' account allowed `actions` on `resources`. */
function user(name: string, actions: readonly string[], resources: readonly string[]) {
  return {
    accessKeyId: `AKIA${name.toUpperCase()}`,
    secretAccessKey: `${name}-secret`,
    principal: `arn:aws:iam::${ACCOUNT}:user/${name}`,
    policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: resources }] },
  };
}

const COPIER = ['s3:GetObject', 's3:PutObject'];
const OBJECTS = ['arn:aws:s3:::source/*', 'arn:aws:s3:::target/*'];
// May list the source bucket as well.
const LISTER = user('lister', [...COPIER, 's3:ListBucket'], [...OBJECTS, 'arn:aws:s3:::source']);
const BLIND = user('blind', COPIER, OBJECTS);

describe('UploadPartCopy from a missing source key', () => {
  let engine: WireEngine;
  let owner: S3Client;
  let lister: S3Client;
  let blind: S3Client;
  let uploadId: string | undefined;
  beforeEach(async () => {
    engine = wireEngine({ strict: true, users: parseUsers({ users: [LISTER, BLIND] }) });
    const clientOf = (who: typeof LISTER): S3Client =>
      inProcessClient(engine.handler, { credentials: { accessKeyId: who.accessKeyId, secretAccessKey: who.secretAccessKey } });
    owner = inProcessClient(engine.handler);
    lister = clientOf(LISTER);
    blind = clientOf(BLIND);
    await owner.send(new CreateBucketCommand({ Bucket: 'source' }));
    await owner.send(new CreateBucketCommand({ Bucket: 'target' }));
    await owner.send(new PutObjectCommand({ Bucket: 'source', Key: 'present', Body: 'bytes' }));
    uploadId = (await owner.send(new CreateMultipartUploadCommand({ Bucket: 'target', Key: 'assembled' }))).UploadId;
  });
  afterEach(async () => {
    for (const client of [owner, lister, blind]) client.destroy();
    await engine.close();
  });

  const partCopy = (client: S3Client, source: string) =>
    client.send(new UploadPartCopyCommand({ Bucket: 'target', Key: 'assembled', UploadId: uploadId, PartNumber: 1, CopySource: source }));

  it('is 404 NoSuchKey to a caller who may list the source bucket', async () => {
    const error = await sdkError(partCopy(lister, 'source/gone'));
    expect([error.$metadata.httpStatusCode, error.name]).toEqual([404, 'NoSuchKey']);
    expect(error).toMatchObject({ Key: 'gone' });
  });

  it('is 403 AccessDenied naming s3:ListBucket on the source bucket to one who may not, as CopyObject answers it', async () => {
    const denial = `User: arn:aws:iam::${ACCOUNT}:user/blind is not authorized to perform: s3:ListBucket on resource: "arn:aws:s3:::source"`;
    const error = await sdkError(partCopy(blind, 'source/gone'));
    expect([error.$metadata.httpStatusCode, error.name]).toEqual([403, 'AccessDenied']);
    expect(error.message).toContain(denial);
    const copy = await sdkError(blind.send(new CopyObjectCommand({ Bucket: 'target', Key: 'copy', CopySource: 'source/gone' })));
    expect([copy.$metadata.httpStatusCode, copy.name]).toEqual([403, 'AccessDenied']);
    expect(copy.message).toContain(denial);
  });

  it('a source that exists is copied for the caller who may not list (the check is only for a missing key)', async () => {
    const copied = await partCopy(blind, 'source/present');
    expect(copied.CopyPartResult?.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  });
});
