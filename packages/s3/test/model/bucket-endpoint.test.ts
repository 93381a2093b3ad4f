/**
 * The endpoint S3's 301 PermanentRedirect names in `<Endpoint>`: the bare global endpoint for a
 * us-east-1 bucket with a plain name, the bucket's global host for a dotted one, the dash form for
 * the Regions that had dash endpoints, the dotted regional form for every other Region.
 */

import { describe, expect, it } from 'vitest';
import { bucketEndpoint, DASH_ENDPOINT_REGIONS } from '../../src/index.ts';

describe('bucketEndpoint', () => {
  it('names s3.amazonaws.com, without the bucket, for a us-east-1 bucket whose name has no dot', () => {
    expect(bucketEndpoint('statement', 'us-east-1')).toBe('s3.amazonaws.com');
    expect(bucketEndpoint('tetra-memories-development', 'us-east-1')).toBe('s3.amazonaws.com');
  });

  it('names the bucket global host for a us-east-1 bucket whose name holds dots', () => {
    expect(bucketEndpoint('i.cloudup.com', 'us-east-1')).toBe('i.cloudup.com.s3.amazonaws.com');
    expect(bucketEndpoint('rafelamer.com', 'us-east-1')).toBe('rafelamer.com.s3.amazonaws.com');
  });

  it('names the dash endpoint of the Regions that had one', () => {
    expect(bucketEndpoint('tokyo-data', 'ap-northeast-1')).toBe('tokyo-data.s3-ap-northeast-1.amazonaws.com');
    expect(bucketEndpoint('oregon-data', 'us-west-2')).toBe('oregon-data.s3-us-west-2.amazonaws.com');
    expect(bucketEndpoint('sydney-data', 'ap-southeast-2')).toBe('sydney-data.s3-ap-southeast-2.amazonaws.com');
    expect(bucketEndpoint('west.data', 'eu-west-1')).toBe('west.data.s3-eu-west-1.amazonaws.com');
  });

  it('names the dotted regional endpoint of every later Region', () => {
    expect(bucketEndpoint('aws-sdk-fra', 'eu-central-1')).toBe('aws-sdk-fra.s3.eu-central-1.amazonaws.com');
    expect(bucketEndpoint('ohio-data', 'us-east-2')).toBe('ohio-data.s3.us-east-2.amazonaws.com');
    expect(bucketEndpoint('cape-data', 'af-south-1')).toBe('cape-data.s3.af-south-1.amazonaws.com');
  });

  it('names the China partition domain for a cn- Region', () => {
    expect(bucketEndpoint('beijing-data', 'cn-north-1')).toBe('beijing-data.s3.cn-north-1.amazonaws.com.cn');
  });

  it('keeps the dash form to the eight Regions opened before 2014', () => {
    expect([...DASH_ENDPOINT_REGIONS].sort()).toEqual([
      'ap-northeast-1',
      'ap-southeast-1',
      'ap-southeast-2',
      'eu-west-1',
      'sa-east-1',
      'us-gov-west-1',
      'us-west-1',
      'us-west-2',
    ]);
  });
});
