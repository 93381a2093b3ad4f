/**
 * A call sent to another Region than its bucket's: S3's 301 PermanentRedirect to the bucket's
 * Region, for every bucket-scoped operation, before authorization; CopyObject's source may be in
 * any Region. In process, the call's `region` is the Region it is sent to.
 */

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { S3 } from '../../src/index.ts';
import { catchS3Async } from '../helpers/errors.ts';

const EAST = { region: 'us-east-1' };
const WEST = { region: 'eu-west-1' };
const STRANGER = 'arn:aws:iam::111122223333:root';

let s3: S3;
beforeEach(async () => {
  s3 = new S3();
  await s3.createBucket({ Bucket: 'west-data', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }, WEST);
  await s3.putObject({ Bucket: 'west-data', Key: 'k', Body: 'hello' }, WEST);
});
afterEach(() => s3.close());

describe('a call sent to another Region than the bucket', () => {
  it('is 301 PermanentRedirect naming the bucket endpoint, the bucket and its Region', async () => {
    const error = await catchS3Async(() => s3.getObject({ Bucket: 'west-data', Key: 'k' }, EAST));
    expect([error.reason, error.code, error.status, error.bucketRegion]).toEqual(['WrongRegionEndpoint', 'PermanentRedirect', 301, 'eu-west-1']);
    expect(error.message).toBe(
      'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
    );
    expect(error.fields).toEqual([
      ['Endpoint', 'west-data.s3-eu-west-1.amazonaws.com'],
      ['Bucket', 'west-data'],
    ]);
  });

  it('names the bare global endpoint for a us-east-1 bucket', async () => {
    // S3 names `s3.amazonaws.com`, without the bucket, for a us-east-1 bucket whose name has no
    // dot: captures in chilts/awssum-amazon-s3#3 (2013), bradleyg/django-s3direct#90 (2017), a
    // path-style request in 2022 and a botocore 1.34 debug log of a virtual-hosted PutObject in 2024.
    await s3.createBucket({ Bucket: 'east-data' }, EAST);
    const error = await catchS3Async(() => s3.headBucket({ Bucket: 'east-data' }, WEST));
    expect([error.code, error.bucketRegion, error.fields[0]]).toEqual(['PermanentRedirect', 'us-east-1', ['Endpoint', 's3.amazonaws.com']]);
  });

  it('names the bucket global endpoint for a us-east-1 bucket whose name holds dots', async () => {
    // Captures for dotted names: `i.cloudup.com.s3.amazonaws.com` (Automattic/knox#178, 2013),
    // `rafelamer.com.s3.amazonaws.com` (s3fs-fuse/s3fs-fuse#1195, 2019).
    await s3.createBucket({ Bucket: 'east.data' }, EAST);
    const error = await catchS3Async(() => s3.headBucket({ Bucket: 'east.data' }, WEST));
    expect([error.code, error.bucketRegion, error.fields[0]]).toEqual(['PermanentRedirect', 'us-east-1', ['Endpoint', 'east.data.s3.amazonaws.com']]);
  });

  it('names the dotted regional endpoint of a bucket in eu-central-1', async () => {
    // S3's answer for a eu-central-1 bucket names `<bucket>.s3.eu-central-1.amazonaws.com` (the
    // capture in aws/aws-sdk-ruby gems/aws-sdk-s3/spec/client/region_detection_spec.rb); the
    // dash form is captured only for Regions older than it (ap-northeast-1, us-west-2).
    await s3.createBucket({ Bucket: 'fra-data', CreateBucketConfiguration: { LocationConstraint: 'eu-central-1' } }, { region: 'eu-central-1' });
    const error = await catchS3Async(() => s3.getObject({ Bucket: 'fra-data', Key: 'k' }, EAST));
    expect([error.code, error.bucketRegion]).toEqual(['PermanentRedirect', 'eu-central-1']);
    expect(error.fields).toEqual([
      ['Endpoint', 'fra-data.s3.eu-central-1.amazonaws.com'],
      ['Bucket', 'fra-data'],
    ]);
  });

  it('refuses writes and deletions, changing nothing', async () => {
    for (const call of [
      () => s3.putObject({ Bucket: 'west-data', Key: 'other', Body: 'x' }, EAST),
      () => s3.deleteObject({ Bucket: 'west-data', Key: 'k' }, EAST),
      () => s3.deleteBucket({ Bucket: 'west-data' }, EAST),
      () => s3.putBucketPolicy({ Bucket: 'west-data', Policy: '{"Version":"2012-10-17","Statement":[]}' }, EAST),
      () => s3.createMultipartUpload({ Bucket: 'west-data', Key: 'm' }, EAST),
    ]) {
      expect((await catchS3Async(call)).reason).toBe('WrongRegionEndpoint');
    }
    const listed = await s3.listObjectsV2({ Bucket: 'west-data' }, WEST);
    expect(listed.Contents?.map((entry) => entry.Key)).toEqual(['k']);
    expect((await s3.listMultipartUploads({ Bucket: 'west-data' }, WEST)).Uploads ?? []).toEqual([]);
    expect((await catchS3Async(() => s3.getBucketPolicy({ Bucket: 'west-data' }, WEST))).code).toBe('NoSuchBucketPolicy');
  });

  it('is the redirect before authorization: a caller without access learns the Region too', async () => {
    const error = await catchS3Async(() => s3.getObject({ Bucket: 'west-data', Key: 'k' }, { ...EAST, caller: STRANGER }));
    expect([error.code, error.bucketRegion]).toEqual(['PermanentRedirect', 'eu-west-1']);
    const denied = await catchS3Async(() => s3.getObject({ Bucket: 'west-data', Key: 'k' }, { ...WEST, caller: STRANGER }));
    expect(denied.code).toBe('AccessDenied');
  });

  it('is NoSuchBucket for a bucket that does not exist', async () => {
    const error = await catchS3Async(() => s3.getObject({ Bucket: 'nowhere-data', Key: 'k' }, EAST));
    expect([error.code, error.bucketRegion]).toEqual(['NoSuchBucket', undefined]);
  });

  it('still locates the bucket and lists it among every Region bucket', async () => {
    expect(await s3.getBucketLocation({ Bucket: 'west-data' }, EAST)).toEqual({ LocationConstraint: 'eu-west-1' });
    expect((await s3.listBuckets({}, EAST)).Buckets?.map((bucket) => [bucket.Name, bucket.BucketRegion])).toEqual([['west-data', 'eu-west-1']]);
  });
});

describe("HeadBucket's refusal of an existing bucket", () => {
  // HeadBucket answers the bucket's Region "regardless of the permissions on the bucket" (S3 API
  // reference, HeadBucket; GetBucketLocation: "whether access to the bucket is authorized or not").
  it('is 403 AccessDenied carrying the bucket Region for a caller without access', async () => {
    const error = await catchS3Async(() => s3.headBucket({ Bucket: 'west-data' }, { ...WEST, caller: STRANGER }));
    expect([error.code, error.status, error.bucketRegion]).toEqual(['AccessDenied', 403, 'eu-west-1']);
  });

  it('leaves the header off the 403 of the other operations', async () => {
    const error = await catchS3Async(() => s3.listObjectsV2({ Bucket: 'west-data' }, { ...WEST, caller: STRANGER }));
    expect([error.code, error.bucketRegion]).toEqual(['AccessDenied', undefined]);
  });
});

describe('a call naming no Region', () => {
  it('is served in the bucket Region (the global endpoint reaches it)', async () => {
    const got = await s3.getObject({ Bucket: 'west-data', Key: 'k' });
    expect(await got.Body.transformToString()).toBe('hello');
  });
});

describe('CopyObject across Regions', () => {
  it('copies from a source bucket in another Region: the destination decides', async () => {
    await s3.createBucket({ Bucket: 'east-data' }, EAST);
    await s3.copyObject({ Bucket: 'east-data', Key: 'copy', CopySource: 'west-data/k' }, EAST);
    const got = await s3.getObject({ Bucket: 'east-data', Key: 'copy' }, EAST);
    expect(await got.Body.transformToString()).toBe('hello');
    const error = await catchS3Async(() => s3.copyObject({ Bucket: 'west-data', Key: 'copy', CopySource: 'east-data/copy' }, EAST));
    expect([error.code, error.bucketRegion]).toEqual(['PermanentRedirect', 'eu-west-1']);
  });
});
