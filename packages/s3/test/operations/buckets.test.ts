/** Bucket operations: CreateBucket, HeadBucket, ListBuckets, GetBucketLocation, DeleteBucket. */

import { afterEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';

const OTHER = 'arn:aws:iam::111122223333:root';
const engines: S3[] = [];
function engine(options: ConstructorParameters<typeof S3>[0] = {}): S3 {
  const s3 = new S3(options);
  engines.push(s3);
  return s3;
}
afterEach(async () => {
  for (const s3 of engines.splice(0)) await s3.close();
});

describe('CreateBucket', () => {
  it('creates a bucket and answers its Location', async () => {
    const s3 = engine();
    expect(await s3.createBucket({ Bucket: 'reports' })).toEqual({ Location: '/reports' });
    expect(await engine({ region: 'eu-west-1' }).createBucket({ Bucket: 'reports', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } })).toEqual({
      Location: 'http://reports.s3.amazonaws.com/',
    });
  });

  it.each(['ab', 'a'.repeat(64), 'Upper', 'a..b', '192.168.5.4', 'xn--bucket', 'bucket-s3alias', 'under_score', '-leading'])(
    'refuses the name %j with 400 InvalidBucketName',
    async (name) => {
      const s3 = engine();
      const error = await catchS3Async(() => s3.createBucket({ Bucket: name }));
      expect([error.code, error.status, error.message]).toEqual(['InvalidBucketName', 400, 'The specified bucket is not valid.']);
      expect((await s3.listBuckets({})).Buckets).toEqual([]);
    },
  );

  it('answers 409 BucketAlreadyOwnedByYou for an own bucket outside us-east-1', async () => {
    const s3 = engine({ region: 'eu-west-1' });
    await s3.createBucket({ Bucket: 'mine', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } });
    const error = await catchS3Async(() => s3.createBucket({ Bucket: 'mine', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    expect([error.code, error.status, error.message]).toEqual([
      'BucketAlreadyOwnedByYou',
      409,
      'Your previous request to create the named bucket succeeded and you already own it.',
    ]);
    expect(error.fields).toContainEqual(['BucketName', 'mine']);
  });

  it('answers 200 for an own bucket in us-east-1 (legacy compatibility) and keeps its objects', async () => {
    const s3 = engine();
    await s3.createBucket({ Bucket: 'mine' });
    await s3.putObject({ Bucket: 'mine', Key: 'k', Body: 'kept' });
    expect(await s3.createBucket({ Bucket: 'mine' })).toEqual({ Location: '/mine' });
    expect(await (await s3.getObject({ Bucket: 'mine', Key: 'k' })).Body.transformToString()).toBe('kept');
  });

  it("answers 409 BucketAlreadyExists for another account's bucket", async () => {
    const s3 = engine();
    await s3.createBucket({ Bucket: 'taken' });
    const error = await catchS3Async(() => s3.createBucket({ Bucket: 'taken' }, { caller: OTHER }));
    expect([error.code, error.status]).toEqual(['BucketAlreadyExists', 409]);
  });

  it('refuses a LocationConstraint of another Region with 400 IllegalLocationConstraintException', async () => {
    const s3 = engine({ region: 'eu-west-1' });
    const error = await catchS3Async(() => s3.createBucket({ Bucket: 'b-1', CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
    expect([error.code, error.status, error.message]).toEqual([
      'IllegalLocationConstraintException',
      400,
      'The us-west-2 location constraint is incompatible for the region specific endpoint this request was sent to.',
    ]);
    const east = engine();
    expect((await catchS3Async(() => east.createBucket({ Bucket: 'b-2', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }))).code).toBe(
      'IllegalLocationConstraintException',
    );
  });
});

describe('HeadBucket, GetBucketLocation, ListBuckets', () => {
  it('answer the Region, the constraint (empty for us-east-1) and the own buckets by name', async () => {
    const s3 = engine({ region: 'eu-west-1' });
    for (const name of ['zeta', 'alpha']) await s3.createBucket({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } });
    await s3.createBucket({ Bucket: 'theirs', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }, { caller: OTHER });
    expect(await s3.headBucket({ Bucket: 'alpha' })).toEqual({ BucketRegion: 'eu-west-1', AccessPointAlias: false, BucketArn: 'arn:aws:s3:::alpha' });
    expect(await s3.getBucketLocation({ Bucket: 'alpha' })).toEqual({ LocationConstraint: 'eu-west-1' });
    const listed = await s3.listBuckets({});
    expect(listed.Buckets.map((bucket) => [bucket.Name, bucket.BucketRegion])).toEqual([
      ['alpha', 'eu-west-1'],
      ['zeta', 'eu-west-1'],
    ]);
    expect(listed.Buckets[0]?.CreationDate).toBeInstanceOf(Date);
    expect(listed.Owner.ID).toMatch(/^[0-9a-f]{64}$/);
    expect((await s3.listBuckets({ Prefix: 'z' })).Buckets.map((bucket) => bucket.Name)).toEqual(['zeta']);
    const east = engine();
    await east.createBucket({ Bucket: 'east' });
    expect(await east.getBucketLocation({ Bucket: 'east' })).toEqual({});
  });

  it('answer 404 NoSuchBucket for a missing bucket and 403 AccessDenied for another account', async () => {
    const s3 = engine();
    await s3.createBucket({ Bucket: 'theirs' }, { caller: OTHER });
    for (const call of [() => s3.headBucket({ Bucket: 'missing' }), () => s3.getBucketLocation({ Bucket: 'missing' })]) {
      const error = await catchS3Async(call);
      expect([error.code, error.status, error.message]).toEqual(['NoSuchBucket', 404, 'The specified bucket does not exist']);
      expect(error.fields).toContainEqual(['BucketName', 'missing']);
    }
    expect((await catchS3Async(() => s3.headBucket({ Bucket: 'theirs' }))).status).toBe(403);
  });
});

describe('DeleteBucket', () => {
  it('deletes an empty bucket; 409 BucketNotEmpty while it holds an object; 404 once gone', async () => {
    const s3 = engine();
    await s3.createBucket({ Bucket: 'full' });
    await s3.putObject({ Bucket: 'full', Key: 'k', Body: 'x' });
    const error = await catchS3Async(() => s3.deleteBucket({ Bucket: 'full' }));
    expect([error.code, error.status, error.message]).toEqual(['BucketNotEmpty', 409, 'The bucket you tried to delete is not empty']);
    expect(await s3.headBucket({ Bucket: 'full' })).toBeDefined();
    await s3.deleteObject({ Bucket: 'full', Key: 'k' });
    await s3.deleteBucket({ Bucket: 'full' });
    expect((await catchS3Async(() => s3.deleteBucket({ Bucket: 'full' }))).code).toBe('NoSuchBucket');
    expect((await s3.listBuckets({})).Buckets).toEqual([]);
  });

  it("refuses another account's bucket with 403 and keeps it", async () => {
    const s3 = engine();
    await s3.createBucket({ Bucket: 'theirs' }, { caller: OTHER });
    expect((await catchS3Async(() => s3.deleteBucket({ Bucket: 'theirs' }))).code).toBe('AccessDenied');
    expect(await s3.headBucket({ Bucket: 'theirs' }, { caller: OTHER })).toBeDefined();
  });
});
