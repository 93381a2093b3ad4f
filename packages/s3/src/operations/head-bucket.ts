/**
 * @module
 * HeadBucket: whether the bucket exists and the caller may use it, and its Region
 * (`x-amz-bucket-region`). NoSuchBucket (404 with no body on the wire), 403 for another
 * account's bucket, with the bucket's Region (S3 API reference: "regardless of the permissions on
 * the bucket, you will receive a response header with the correct bucket location").
 */

import { decodeContinuationToken } from '../model/continuation-token.ts';
import { OTHER_VERSION_ARGUMENTS, refuseOtherListingVersion } from '../model/listing.ts';
import { header, int32, query } from '../protocol/binding.ts';
import { bucketArn, ownedBucket } from './shared/buckets.ts';
import type { OperationDefinition } from './types.ts';

/** HeadBucket request. */
export interface HeadBucketRequest {
  Bucket: string;
  /** `list-type`, read only to know whether a `continuation-token` is ListObjectsV2's. */
  ListType?: string;
  /** A ListObjectsV2 `continuation-token`, read only to be refused when it does not decode. */
  ContinuationToken?: string;
}

/** HeadBucket response. */
export interface HeadBucketResponse {
  BucketRegion: string;
  AccessPointAlias: boolean;
  /** `x-amz-bucket-arn` (brekkylab/backlot `head_bucket`, measured 2026-09-29 on a public bucket). */
  BucketArn: string;
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
    // Under `list-type=2` a `continuation-token` is ListObjectsV2's, one that does not decode (or is
    // empty) refused after the bucket as the listing refuses it, as its status alone (same
    // source: "then an `encoding-type` or a `continuation-token` it cannot read after the bucket",
    // measured 2026-09-29 beside the GET).
    request: {
      members: {
        MaxKeys: query('max-keys', int32('InvalidMaxKeys')),
        ListType: query('list-type'),
        ContinuationToken: query('continuation-token'),
      },
    },
    // So are the other listing version's parameters, as the GET refuses them
    // (`refuseOtherListingVersion`; `list-type=2` reads as ListObjectsV2, any other as ListObjects),
    // before the credential and the bucket (same source and date): `list-type` is claimed, read only
    // for that.
    claims: ['list-type'],
    refusedFirst: {
      names: [...OTHER_VERSION_ARGUMENTS.v1, ...OTHER_VERSION_ARGUMENTS.v2],
      refuse: (sent) => refuseOtherListingVersion(sent, sent.get('list-type') === '2'),
    },
    response: {
      members: {
        BucketRegion: header('x-amz-bucket-region'),
        AccessPointAlias: header('x-amz-access-point-alias', 'boolean'),
        BucketArn: header('x-amz-bucket-arn'),
      },
    },
  },
  // HeadBucket is authorized by s3:ListBucket (S3 API reference).
  access: { action: 's3:ListBucket', resource: 'bucket' },
  // Its 403 carries the Region too: the expected-owner check reads this, the handler's own
  // authorization the same option below.
  regionOnDenial: true,

  async handler(input, context) {
    const bucket = await ownedBucket(input.Bucket, context, { regionOnDenial: true });
    const token = input.ContinuationToken;
    if (token !== undefined && input.ListType === '2') decodeContinuationToken(token, bucket.name, context.crypto.continuationTokenMac);
    return { BucketRegion: bucket.region, AccessPointAlias: false, BucketArn: bucketArn(bucket.name) };
  },
  auditParameters: (input) => ({ bucketName: input.Bucket }),
};
