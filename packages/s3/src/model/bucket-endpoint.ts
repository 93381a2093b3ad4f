/**
 * @module
 * The endpoint S3's 301 PermanentRedirect names in `<Endpoint>` for a bucket of another Region
 * than the one a request was sent to: where the client should send the bucket's requests.
 *
 * The form follows the captures of real S3 (none covers every Region; see `bucketEndpoint`):
 * - us-east-1, a name without dots: the bare global endpoint `s3.amazonaws.com`
 *   (chilts/awssum-amazon-s3#3, 2013; bradleyg/django-s3direct#90, 2017; a path-style request in
 *   2022 and a botocore 1.34 debug log of a virtual-hosted PutObject in 2024, both cited in the
 *   review of the Region redirect).
 * - us-east-1, a name with dots: `<bucket>.s3.amazonaws.com` (Automattic/knox#178, 2013:
 *   `i.cloudup.com`; s3fs-fuse/s3fs-fuse#1195, 2019: `rafelamer.com`).
 * - The Regions opened before 2014, whose endpoint was first `s3-<region>.amazonaws.com`:
 *   `<bucket>.s3-<region>.amazonaws.com` (ap-northeast-1: yanganto/s3rs#18, appoxy/aws#110;
 *   us-west-2: awslabs/mountpoint-s3#1; ap-southeast-2: aws/aws-cli#968; us-west-1:
 *   aws/aws-sdk-php#1503).
 * - Every other Region: `<bucket>.s3.<region>.amazonaws.com` (eu-central-1, opened 2014: the
 *   capture kept in aws/aws-sdk-ruby `gems/aws-sdk-s3/spec/client/region_detection_spec.rb`,
 *   `aws-sdk-fra.s3.eu-central-1.amazonaws.com`), `.amazonaws.com.cn` in the China Regions.
 *
 * Captures that do not fit these forms: bji/libs3#12 (2015, a bucket of ap-southeast-2 named
 * `<bucket>.s3.amazonaws.com`), aristidb/aws#160 (2015, ap-southeast-2 named
 * `s3-ap-southeast-2.amazonaws.com`, no bucket) and bgahagan/git-remote-s3#15 (2022, a name
 * without dots named `<bucket>.s3.amazonaws.com`, its Region not stated); the names in the first
 * and the last are placeholders. The form may depend on how the request addressed the bucket
 * (path-style or virtual-hosted, the global endpoint or a Regional one) or on the year: UNCONFIRMED.
 */

/**
 * The Regions whose S3 endpoint was first `s3-<region>.amazonaws.com`: those opened before 2014,
 * the ones where S3 still takes Signature Version 2 (AWS General Reference, "Amazon S3
 * endpoints", Signature Version(s) Support "2 and 4"; eu-central-1, opened in October 2014, is
 * SigV4 only and its redirect names the dotted form). A redirect naming the dash form is captured
 * for ap-northeast-1, us-west-2, ap-southeast-2 and us-west-1; for eu-west-1, ap-southeast-1,
 * sa-east-1 and us-gov-west-1 it is UNCONFIRMED (no capture found), as is the boundary itself and
 * the list, taken from that page as remembered (the page could not be read when this was written).
 */
export const DASH_ENDPOINT_REGIONS: ReadonlySet<string> = new Set([
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'sa-east-1',
  'us-gov-west-1',
]);

/**
 * The endpoint S3's PermanentRedirect names for a bucket (module TSDoc for the sources). That the
 * dots of a us-east-1 name decide between `s3.amazonaws.com` and `<bucket>.s3.amazonaws.com` is
 * inferred from two captures with dots and four without, and the dotted regional form for the
 * Regions after 2014 from one capture (eu-central-1): both UNCONFIRMED beyond those captures.
 *
 * @example bucketEndpoint('west-data', 'eu-west-1') // 'west-data.s3-eu-west-1.amazonaws.com'
 */
export function bucketEndpoint(bucket: string, region: string): string {
  if (region === 'us-east-1') return bucket.includes('.') ? `${bucket}.s3.amazonaws.com` : 's3.amazonaws.com';
  if (DASH_ENDPOINT_REGIONS.has(region)) return `${bucket}.s3-${region}.amazonaws.com`;
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `${bucket}.s3.${region}.${domain}`;
}
