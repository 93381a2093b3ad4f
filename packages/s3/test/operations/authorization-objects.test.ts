// biome-ignore-all lint/suspicious/noTemplateCurlyInString: IAM policy variables are written ${key} inside policy strings.
/** Authorization of CopyObject (two resources), DeleteObjects (per key) and ListObjectsV2 (listing condition keys). */

import { type Principal, principalFromArn, rootPrincipal } from '@strongbox/service-kernel';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';

const OWNER = '111122223333';
const OTHER = '444455556666';

let s3: S3;
beforeEach(async () => {
  s3 = new S3({ account: OWNER });
  await s3.createBucket({ Bucket: 'source' });
  await s3.createBucket({ Bucket: 'target' });
  await s3.putObject({ Bucket: 'source', Key: 'public/a', Body: 'a' });
  await s3.putObject({ Bucket: 'source', Key: 'private/b', Body: 'b' });
});
afterEach(() => s3.close());

const policy = (...statements: object[]): string => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const user = (name: string, ...statements: object[]) => principalFromArn(`arn:aws:iam::${OWNER}:user/${name}`, { identityPolicy: policy(...statements) });

describe('CopyObject', () => {
  const putTarget = { Effect: 'Allow', Action: 's3:PutObject', Resource: 'arn:aws:s3:::target/*' };
  const getSource = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::source/public/*' };

  it('needs s3:GetObject on the source and s3:PutObject on the destination', async () => {
    const writerOnly = user('writer', putTarget);
    const refused = await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/a' }, { caller: writerOnly }));
    expect(refused.message).toBe(
      `User: ${writerOnly.arn} is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::source/public/a" because no identity-based policy allows the s3:GetObject action`,
    );
    const readerOnly = user('reader', getSource);
    expect(
      (await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/a' }, { caller: readerOnly }))).message,
    ).toContain('s3:PutObject on resource: "arn:aws:s3:::target/copy"');
    const copier = user('copier', putTarget, getSource);
    await s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/a' }, { caller: copier });
    expect(await (await s3.getObject({ Bucket: 'target', Key: 'copy' })).Body.transformToString()).toBe('a');
    expect((await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/private/b' }, { caller: copier }))).code).toBe(
      'AccessDenied',
    );
  });

  it('the destination bucket policy sees the copy’s encryption headers: an unencrypted-upload Deny refuses a header-less copy', async () => {
    await s3.putBucketPolicy({
      Bucket: 'target',
      Policy: policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::target/*',
        Condition: { Null: { 's3:x-amz-server-side-encryption': 'true' } },
      }),
    });
    expect((await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/a' }))).code).toBe('AccessDenied');
    await s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/a', ServerSideEncryption: 'AES256' });
  });

  it('s3:x-amz-metadata-directive is the request’s directive', async () => {
    await s3.putBucketPolicy({
      Bucket: 'target',
      Policy: policy({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:PutObject',
        Resource: 'arn:aws:s3:::target/*',
        Condition: { StringEquals: { 's3:x-amz-metadata-directive': 'REPLACE' } },
      }),
    });
    expect((await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'c', CopySource: 'source/public/a', MetadataDirective: 'REPLACE' }))).code).toBe(
      'AccessDenied',
    );
    await s3.copyObject({ Bucket: 'target', Key: 'c', CopySource: 'source/public/a', MetadataDirective: 'COPY' });
  });

  it('a missing source is 404 NoSuchKey to a caller who may list the source bucket, 403 to one who may not', async () => {
    const lister = user('lister', putTarget, getSource, { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::source' });
    const missing = await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/gone' }, { caller: lister }));
    expect([missing.status, missing.code]).toEqual([404, 'NoSuchKey']);
    const blind = user('blind', putTarget, getSource);
    const refused = await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/gone' }, { caller: blind }));
    expect([refused.status, refused.code]).toEqual([403, 'AccessDenied']);
    expect(refused.message).toContain('s3:ListBucket');
  });

  it('another account needs the source bucket’s policy to let it read', async () => {
    const otherRoot = rootPrincipal('us-east-1', OTHER);
    await s3.putBucketPolicy({
      Bucket: 'target',
      Policy: policy({ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::target/*' }),
    });
    const refused = await catchS3Async(() => s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/a' }, { caller: otherRoot }));
    expect([refused.code, refused.message]).toEqual(['AccessDenied', 'Access Denied']);
    await s3.putBucketPolicy({
      Bucket: 'source',
      Policy: policy({ Effect: 'Allow', Principal: { AWS: OTHER }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::source/*' }),
    });
    await s3.copyObject({ Bucket: 'target', Key: 'copy', CopySource: 'source/public/a' }, { caller: otherRoot });
  });
});

describe('DeleteObjects', () => {
  it('checks s3:DeleteObject per key: refused keys are AccessDenied entries and stay, the others are deleted', async () => {
    const cleaner = user('cleaner', { Effect: 'Allow', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::source/public/*' });
    const response = await s3.deleteObjects({ Bucket: 'source', Delete: { Objects: [{ Key: 'public/a' }, { Key: 'private/b' }] } }, { caller: cleaner });
    expect(response.Deleted).toEqual([{ Key: 'public/a' }]);
    expect(response.Errors?.map((error) => [error.Key, error.Code])).toEqual([['private/b', 'AccessDenied']]);
    expect((await catchS3Async(() => s3.headObject({ Bucket: 'source', Key: 'public/a' }))).code).toBe('NoSuchKey');
    await expect(s3.headObject({ Bucket: 'source', Key: 'private/b' })).resolves.toBeDefined();
  });

  it('a bucket policy Deny on a prefix protects those keys from the root too', async () => {
    await s3.putBucketPolicy({
      Bucket: 'source',
      Policy: policy({ Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::source/private/*' }),
    });
    const response = await s3.deleteObjects({ Bucket: 'source', Delete: { Objects: [{ Key: 'public/a' }, { Key: 'private/b' }], Quiet: true } });
    expect(response).toEqual({ Errors: [expect.objectContaining({ Key: 'private/b', Code: 'AccessDenied' })] });
  });
});

describe('ListObjectsV2', () => {
  it('is s3:ListBucket on the bucket, with s3:prefix as the request sent it', async () => {
    const lister = user('lister', {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::source',
      Condition: { StringLike: { 's3:prefix': 'public/*' } },
    });
    const listed = await s3.listObjectsV2({ Bucket: 'source', Prefix: 'public/' }, { caller: lister });
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['public/a']);
    expect((await catchS3Async(() => s3.listObjectsV2({ Bucket: 'source' }, { caller: lister }))).code).toBe('AccessDenied');
    expect((await catchS3Async(() => s3.listObjectsV2({ Bucket: 'source', Prefix: 'private/' }, { caller: lister }))).code).toBe('AccessDenied');
  });

  it('the UG home-directory policy: each user lists and reads only under home/${aws:username}/', async () => {
    const [alice, bob] = ['alice', 'bob'].map((name) => principalFromArn(`arn:aws:iam::${OWNER}:user/${name}`)) as [Principal, Principal];
    await s3.putObject({ Bucket: 'source', Key: 'home/alice/a', Body: 'a' });
    await s3.putObject({ Bucket: 'source', Key: 'home/bob/b', Body: 'b' });
    await s3.putBucketPolicy({
      Bucket: 'source',
      Policy: policy(
        {
          Effect: 'Allow',
          Principal: { AWS: [alice.arn, bob.arn] },
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::source',
          Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*'] } },
        },
        { Effect: 'Allow', Principal: { AWS: [alice.arn, bob.arn] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::source/home/${aws:username}/*' },
      ),
    });
    const listed = await s3.listObjectsV2({ Bucket: 'source', Prefix: 'home/alice/' }, { caller: alice });
    expect(listed.Contents?.map((object) => object.Key)).toEqual(['home/alice/a']);
    expect((await catchS3Async(() => s3.listObjectsV2({ Bucket: 'source', Prefix: 'home/alice/' }, { caller: bob }))).code).toBe('AccessDenied');
    expect((await catchS3Async(() => s3.getObject({ Bucket: 'source', Key: 'home/bob/b' }, { caller: alice }))).code).toBe('AccessDenied');
    expect(await (await s3.getObject({ Bucket: 'source', Key: 'home/bob/b' }, { caller: bob })).Body.transformToString()).toBe('b');
  });

  it('s3:max-keys and s3:delimiter are the request’s parameters', async () => {
    await s3.putBucketPolicy({
      Bucket: 'source',
      Policy: policy(
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::source',
          Condition: { NumericGreaterThan: { 's3:max-keys': '10' } },
        },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 's3:ListBucket',
          Resource: 'arn:aws:s3:::source',
          Condition: { StringNotEqualsIfExists: { 's3:delimiter': '/' } },
        },
      ),
    });
    expect((await catchS3Async(() => s3.listObjectsV2({ Bucket: 'source', MaxKeys: 100, Delimiter: '/' }))).code).toBe('AccessDenied');
    expect((await catchS3Async(() => s3.listObjectsV2({ Bucket: 'source', MaxKeys: 5, Delimiter: '|' }))).code).toBe('AccessDenied');
    expect((await catchS3Async(() => s3.listObjectsV2({ Bucket: 'source', MaxKeys: 5 }))).code).toBe('AccessDenied');
    expect((await s3.listObjectsV2({ Bucket: 'source', MaxKeys: 5, Delimiter: '/' })).CommonPrefixes?.length).toBe(2);
  });
});
