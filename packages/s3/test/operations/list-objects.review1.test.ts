import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { S3 } from '../../src/index.ts';
import { BACKENDS } from '../helpers/backends.ts';
import { catchS3Async } from '../helpers/errors.ts';

const [memory] = BACKENDS;

/**
 * review1 (failing on purpose, UNCONFIRMED by an AWS capture): S3 reads `max-keys` as a 32-bit
 * integer. Emulators written against it agree on two answers: a value that is not an integer or
 * not within the int32 range is 400 InvalidArgument "Provided max-keys not an integer or within
 * integer range" (ArgumentName `max-keys`), and a negative one is 400 InvalidArgument "Argument
 * maxKeys must be an integer between 0 and 2147483647" (ArgumentName `maxKeys`; MinIO's
 * ErrInvalidMaxKeys, fake-s3, floci-io/floci#3510 citing AWS). Strongbox accepts any safe integer
 * (2147483648 lists a page) and names `max-keys` for a negative one.
 */
describe('ListObjects max-keys range (review1)', () => {
  let s3: S3;
  beforeEach(async () => {
    s3 = (memory as NonNullable<typeof memory>).open();
    await s3.createBucket({ Bucket: 'range' });
  });
  afterEach(() => s3.close());

  it('refuses a max-keys above 2147483647', async () => {
    const error = await catchS3Async(() => s3.listObjects({ Bucket: 'range', MaxKeys: 2147483648 }));
    expect([error.status, error.code]).toEqual([400, 'InvalidArgument']);
  });

  it('names maxKeys for a negative max-keys', async () => {
    const error = await catchS3Async(() => s3.listObjects({ Bucket: 'range', MaxKeys: -1 }));
    expect([error.status, error.code, error.fields[0]]).toEqual([400, 'InvalidArgument', ['ArgumentName', 'maxKeys']]);
  });
});

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
