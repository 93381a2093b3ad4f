/**
 * @module
 * The typed entries of a CloudTrail record's `resources`, built from the ARNs an event keeps.
 * KMS lists every key and alias as `AWS::KMS::Key` with the account in its ARN (ct-reencrypt).
 * S3 data events list the object, without an account, then its bucket, with the bucket owner's
 * account (S3 ARNs carry none: the event keeps the owners, `resourceAccountIds`); a captured PutObject record (aws-cdk, `aws-cloudtrail/SAMPLE-EVENTS.md`):
 * `[{"ARN": "arn:aws:s3:::BUCKETNAME/OBJECTKEY", "type": "AWS::S3::Object"},
 *   {"accountId": "123456789012", "ARN": "arn:aws:s3:::BUCKETNAME", "type": "AWS::S3::Bucket"}]`.
 * A call on many objects (a listing, DeleteObjects) names them by the prefix of their ARNs,
 * `ARNPrefix` in place of `ARN`: a captured ListObjects data event (TryHackMe AoC 2024 day 7 log,
 * `"prefix": ""`) lists `[{"type": "AWS::S3::Object", "ARNPrefix":
 * "arn:aws:s3:::aoc-cloudtrail-wareville/"}, {"accountId": "518371450717", "type":
 * "AWS::S3::Bucket", "ARN": "arn:aws:s3:::aoc-cloudtrail-wareville"}]`, as does a DeleteObjects one
 * (DataDog stratus-red-team, `aws.impact.s3-ransomware-batch-deletion`). The event keeps such an
 * entry as a string too, marked (`arnPrefixResource`), so that it shares the trail's compact
 * `resources` column and its accounting. The mark is persisted with the event (a trail's
 * `onRecord` sink): a data directory written by a version that knew no ARN prefix holds none and
 * reads back unchanged, while an older version reading a newer directory would render the entry as
 * an ARN, `{"accountId": "", "type": …, "ARN": "prefix arn:aws:s3:::b/"}` (an accepted downgrade
 * cost: the event survives, its entry reads oddly).
 */

import type { AuditEvent } from './audit-event.ts';

/** An entry of a record's `resources` that names one resource by its ARN. */
export interface CloudTrailArnResource {
  /** Absent on S3 objects, as CloudTrail writes them. */
  readonly accountId?: string;
  /** `AWS::KMS::Key` (KMS lists aliases under it too), `AWS::S3::Bucket`, `AWS::S3::Object`. */
  readonly type: string;
  readonly ARN: string;
  /** Never present here; declared so that `resource.ARNPrefix !== undefined` narrows the union. */
  readonly ARNPrefix?: undefined;
}

/** An entry of a record's `resources` that names S3 objects by the prefix of their ARNs (a listing's, DeleteObjects'). */
export interface CloudTrailArnPrefixResource {
  /** Never present: CloudTrail writes no account on an object entry. */
  readonly accountId?: undefined;
  readonly type: 'AWS::S3::Object';
  /** Never present here; declared so that code reading `resource.ARN` compiles and narrows the union. */
  readonly ARN?: undefined;
  readonly ARNPrefix: string;
}

/**
 * One entry of a record's `resources`: an ARN, or (S3's calls on many objects) an ARN prefix. Every
 * member is declared on both shapes, so reading `type`, `ARN` or `accountId` compiles on either,
 * and testing `ARN` or `ARNPrefix` against `undefined` narrows to one shape.
 */
export type CloudTrailResource = CloudTrailArnResource | CloudTrailArnPrefixResource;

const S3_OBJECT = 'AWS::S3::Object';
const S3_BUCKET = 'AWS::S3::Bucket';
/**
 * What marks an event's resource as an ARN prefix: every ARN starts with `arn:`, so a string
 * starting with this cannot be one.
 */
const PREFIX_MARK = 'prefix ';

/**
 * How an event lists the objects under an ARN prefix among its `resources` (rendered as
 * `{"type": "AWS::S3::Object", "ARNPrefix": prefix}`).
 * @example arnPrefixResource('arn:aws:s3:::b/logs/') // a string `resourcesOf` renders with ARNPrefix
 */
export function arnPrefixResource(prefix: string): string {
  return PREFIX_MARK + prefix;
}

/**
 * Whether a resource of an event names `name`, its ARN or (a marked entry) its ARN prefix, as
 * LookupEvents' `ResourceName` compares them: exactly, without slicing the entry.
 * @example namesResource(arnPrefixResource('arn:aws:s3:::b/'), 'arn:aws:s3:::b/') // true
 */
export function namesResource(resource: string, name: string): boolean {
  if (!resource.startsWith(PREFIX_MARK)) return resource === name;
  return resource.length === PREFIX_MARK.length + name.length && resource.endsWith(name);
}

/**
 * The CloudTrail type of `arn` in `event`: an S3 ARN names a bucket or, past the bucket's `/`, an
 * object; any other ARN has the event's resource type.
 * @example resourceTypeOf(event, 'arn:aws:s3:::b/k') // 'AWS::S3::Object'
 */
export function resourceTypeOf(event: Pick<AuditEvent, 'resourceType'>, arn: string): string {
  if (arn.startsWith(PREFIX_MARK)) return S3_OBJECT;
  const rest = s3Resource(arn);
  if (rest === undefined) return event.resourceType;
  return rest.includes('/') ? S3_OBJECT : S3_BUCKET;
}

/**
 * The record's `resources` element for `arns`.
 * @example resourcesOf(event, ['arn:aws:kms:us-east-1:111122223333:key/k'])[0]?.accountId // '111122223333'
 */
export function resourcesOf(
  event: Pick<AuditEvent, 'resourceType' | 'resourceAccountIds' | 'recipientAccountId'>,
  arns: readonly string[],
): CloudTrailResource[] {
  const entries: CloudTrailResource[] = [];
  // The owners of the buckets, in the order the buckets are listed (`resourceAccountIds`).
  let bucket = 0;
  for (const arn of arns) {
    if (arn.startsWith(PREFIX_MARK)) {
      entries.push({ type: S3_OBJECT, ARNPrefix: arn.slice(PREFIX_MARK.length) });
      continue;
    }
    const rest = s3Resource(arn);
    if (rest === undefined) entries.push({ accountId: arn.split(':')[4] ?? '', type: event.resourceType, ARN: arn });
    else if (rest.includes('/')) entries.push({ type: S3_OBJECT, ARN: arn });
    else entries.push({ accountId: event.resourceAccountIds?.[bucket++] ?? event.recipientAccountId, type: S3_BUCKET, ARN: arn });
  }
  return entries;
}

/** What follows `arn:<partition>:s3:::` in an S3 ARN (`bucket` or `bucket/key`), else undefined. */
function s3Resource(arn: string): string | undefined {
  const partitionEnd = arn.indexOf(':', 4);
  if (!arn.startsWith('arn:') || partitionEnd < 0 || !arn.startsWith(':s3:::', partitionEnd)) return undefined;
  return arn.slice(partitionEnd + 6);
}
