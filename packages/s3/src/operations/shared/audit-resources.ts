/**
 * @module
 * `resources` of S3 data events (each definition's `eventCategory`): a call on an object lists the
 * object, then its bucket (a captured PutObject data event, aws-cdk
 * `packages/aws-cdk-lib/aws-cloudtrail/SAMPLE-EVENTS.md`); a listing or a DeleteObjects names its
 * objects by their ARN prefix (`prefixResources`).
 */

import { arnPrefixResource } from '@strongbox/service-kernel';
import { isObjectKey } from '../../model/names.ts';
import type { OperationDefinition } from '../types.ts';
import { bucketArn } from './buckets.ts';

/** The data events on many objects, which name them by an ARN prefix (`prefixResources`). */
const ON_MANY_OBJECTS: ReadonlySet<string> = new Set(['ListObjects', 'ListObjectsV2', 'ListObjectVersions', 'DeleteObjects']);

/**
 * `definition` with the `resources` CloudTrail lists for it: a data event on an object names the
 * object before its bucket, one on many objects their ARN prefix before it. Other definitions as given.
 * @example withTrailShape(getObject).auditResources !== undefined // true
 */
export function withTrailShape<Definition extends OperationDefinition>(definition: Definition): Definition {
  if (definition.eventCategory !== 'Data' || definition.auditResources !== undefined) return definition;
  return { ...definition, auditResources: ON_MANY_OBJECTS.has(definition.name) ? prefixResources : objectResources };
}

/**
 * A data event's `resources`: the object the request names, then what the handler touched (its
 * bucket). The object is listed only once its bucket was found (a request refused before that
 * lists nothing, as before), and only for a key S3 takes: a key refused as too long
 * (KeyTooLongError) is no object, and would otherwise reach the trail whole through its ARN.
 */
function objectResources(input: { readonly Bucket?: unknown; readonly Key?: unknown }, touched: readonly string[]): readonly string[] {
  if (typeof input.Key !== 'string' || typeof input.Bucket !== 'string' || touched.length === 0 || !isObjectKey(input.Key)) return touched;
  const bucket = bucketArn(input.Bucket);
  return touched.includes(bucket) ? [`${bucket}/${input.Key}`, ...touched] : touched;
}

/**
 * A data event on many objects names them by the prefix of their ARNs, `ARNPrefix`, before its
 * bucket: the bucket's ARN, `/` and the listing's `prefix` (none: the empty prefix). Captured, with
 * the empty prefix: ListObjects (TryHackMe AoC 2024 day 7 log, `"prefix": ""` and no prefix at all:
 * `"ARNPrefix": "arn:aws:s3:::aoc-cloudtrail-wareville/"`), DeleteObjects (DataDog
 * stratus-red-team, `aws.impact.s3-ransomware-batch-deletion`: `"ARNPrefix":
 * "arn:aws:s3:::target-bucket/"`). UNCONFIRMED: a non-empty prefix appended (the S3 User Guide's
 * "Amazon S3 CloudTrail events" has the listings logged for "a prefix specified in the trail"), and
 * ListObjectVersions's entry (no capture). Listed, like an object, once the bucket was found.
 */
function prefixResources(input: { readonly Bucket?: unknown; readonly Prefix?: unknown }, touched: readonly string[]): readonly string[] {
  if (typeof input.Bucket !== 'string' || touched.length === 0) return touched;
  const bucket = bucketArn(input.Bucket);
  if (!touched.includes(bucket)) return touched;
  const prefix = typeof input.Prefix === 'string' ? input.Prefix : '';
  return [arnPrefixResource(`${bucket}/${prefix}`), ...touched];
}
