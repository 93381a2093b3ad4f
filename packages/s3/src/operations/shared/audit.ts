/**
 * @module
 * CloudTrail fields of S3 management events: `requestParameters` name the bucket as
 * `bucketName` (CloudTrail User Guide, "Amazon S3 information in CloudTrail" examples), and the
 * resources are the bucket's ARN.
 */

/** `requestParameters` of a bucket-level management event. */
export function bucketParameters(input: { readonly Bucket?: unknown }, extra: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  return { bucketName: input.Bucket, ...extra };
}
