/**
 * @module
 * HeadBucket: whether the bucket exists and the caller may use it, and its Region
 * (`x-amz-bucket-region`). NoSuchBucket (404 with no body on the wire), 403 for another
 * account's bucket.
 */

import { OTHER_VERSION_ARGUMENTS, refuseOtherListingVersion } from '../model/listing.ts';
import { header, int32, query } from '../protocol/binding.ts';
import { ownedBucket } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** HeadBucket request. */
export interface HeadBucketRequest {
  Bucket: string;
}

/** HeadBucket response. */
export interface HeadBucketResponse {
  BucketRegion: string;
  AccessPointAlias: boolean;
}

/** HeadBucket. */
export const headBucket: OperationDefinition<'HeadBucket', HeadBucketRequest, HeadBucketResponse> = {
  name: 'HeadBucket',
  quota: { shared: 'read' },
  readOnly: true,
  // CloudTrail logs HeadBucket as a management (read) event; it carries no object data.
  eventCategory: 'Management',
  rest: {
    method: 'HEAD',
    path: 'bucket',
    // Read only to be refused: S3 reads a HEAD's `max-keys` as the listing's GET does, one that is
    // no 32-bit integer the 400 (status alone) before the credential and the bucket, `-1` the 200
    // (brekkylab/backlot `backlot/routers/s3.py` `head_bucket`, commit
    // 07bef4332838e4c4ee55118732a8ac1520f70d16, measured 2026-09-29 on a public bucket and on a
    // name nobody owns). The handler ignores the value.
    request: { members: { MaxKeys: query('max-keys', int32('InvalidMaxKeys')) } },
    // So are the other listing version's parameters, as the GET refuses them
    // (`refuseOtherListingVersion`; `list-type=2` reads as ListObjectsV2, any other as ListObjects),
    // before the credential and the bucket (same source and date): `list-type` is claimed, read only
    // for that.
    claims: ['list-type'],
    refusedFirst: {
      names: [...OTHER_VERSION_ARGUMENTS.v1, ...OTHER_VERSION_ARGUMENTS.v2],
      refuse: (sent) => refuseOtherListingVersion(sent, sent.get('list-type') === '2'),
    },
    response: { members: { BucketRegion: header('x-amz-bucket-region'), AccessPointAlias: header('x-amz-access-point-alias', 'boolean') } },
  },
  // HeadBucket is authorized by s3:ListBucket (S3 API reference).
  access: { action: 's3:ListBucket', resource: 'bucket' },

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context);
    return { BucketRegion: bucket.region, AccessPointAlias: false };
  },
  auditParameters: (input) => ({ bucketName: input.Bucket }),
};
