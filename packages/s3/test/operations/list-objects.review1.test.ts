import { describe, expect, it } from 'vitest';
import type { S3 } from '../../src/index.ts';
import { BACKENDS } from '../helpers/backends.ts';

const [memory] = BACKENDS;

/**
 * review1 (failing on purpose): CloudTrail names both listings `ListObjects` and tells them apart by
 * the request's parameters. A captured data event of `aws s3 ls` (AWS CLI 2.36.17, which lists with
 * ListObjectsV2) reads `"eventName": "ListObjects"`, `"requestParameters": {"list-type": "2",
 * "bucketName": …, "encoding-type": "url", "prefix": "", "delimiter": "/", "Host": …}` and
 * `"resources": [{"type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::<bucket>", …}, {"type":
 * "AWS::S3::Object", "ARNPrefix": "arn:aws:s3:::<bucket>/"}]`; a ListObjects one (TryHackMe AoC
 * 2024 day 7 log) `"requestParameters": {"bucketName": …, "Host": …, "prefix": ""}`. Strongbox
 * names the V2 call `ListObjectsV2` and logs `requestParameters: null` for both, so a trail lookup
 * by `eventName: 'ListObjects'` finds the V1 calls and misses every V2 one.
 */
describe('the listings in the audit trail (review1)', () => {
  it('a ListObjectsV2 call is logged as ListObjects with list-type 2 among its request parameters', async () => {
    const s3 = (memory as NonNullable<typeof memory>).open({ dataEvents: true });
    try {
      await s3.createBucket({ Bucket: 'audited' });
      await s3.listObjectsV2({ Bucket: 'audited', Prefix: 'p/' });
      await s3.listObjects({ Bucket: 'audited', Prefix: 'p/' });
      const listings = s3.auditTrail.events().filter((event) => event.eventName.startsWith('ListObjects'));
      expect(listings.map((event) => event.eventName)).toEqual(['ListObjects', 'ListObjects']);
      expect(listings.map((event) => event.requestParameters?.['list-type'])).toEqual(['2', undefined]);
      expect(listings.map((event) => event.requestParameters?.['prefix'])).toEqual(['p/', 'p/']);
    } finally {
      await s3.close();
    }
  });
});
