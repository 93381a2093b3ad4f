/**
 * @module
 * Version ids in a store whose buckets are never versioned. S3 gives every object of a bucket
 * that never had versioning enabled the version id `null` (UG "How S3 Versioning works": objects
 * stored before versioning was set "have a version ID of null"), and accepts `versionId=null`
 * wherever a request may name a version, as the current object. Any other id names nothing S3
 * could have issued for such an object; S3 refuses one it cannot read before looking anything up
 * (LS-snapshot `test_get_object_with_version_unversioned_bucket`, `test_delete_object`: a
 * well-formed id of another bucket is 400 InvalidArgument "Invalid version id specified"), and
 * an empty one with its own text (captured against S3 in 2026: GetObjectAcl, PutObjectAcl, a copy
 * source). Strongbox issues no version ids, so every id but `null` is one it cannot read.
 *
 * A request naming a version needs the version's permission (`s3:GetObjectVersion` instead of
 * `s3:GetObject`, GetObject API reference "versionId"), which carries `s3:versionid` (Service
 * Authorization Reference, "Condition keys for Amazon S3").
 */

import type { RequestConditions } from '@strongbox/service-kernel';
import { S3Error } from '../errors.ts';

/** The version id of every object in a bucket that was never versioned. */
export const NULL_VERSION_ID = 'null';

/**
 * Checks a request's version id: absent or `null` names the current object.
 *
 * @param argumentName - the `ArgumentName` S3 reports: `versionId` for the query parameter,
 *   `x-amz-copy-source` for a copy source's `?versionId=`, `version-id-marker` for a listing.
 * @throws S3Error EmptyVersionId for `''`, InvalidVersionId for any other id.
 * @example
 * ```ts
 * import { checkVersionId } from '@strongbox/s3';
 * checkVersionId(undefined); // fine: the current object
 * checkVersionId('null');    // fine: the current object, named
 * checkVersionId('3HL4kqtJlcpXroDTDmJ'); // throws 400 InvalidArgument "Invalid version id specified"
 * ```
 */
export function checkVersionId(versionId: string | undefined, argumentName = 'versionId'): void {
  if (versionId === undefined || versionId === NULL_VERSION_ID) return;
  const fields: [string, string][] = [
    ['ArgumentName', argumentName],
    ['ArgumentValue', versionId],
  ];
  throw new S3Error(versionId === '' ? 'EmptyVersionId' : 'InvalidVersionId', { fields });
}

/**
 * The condition keys of a request naming a version: `s3:versionid`; none without one.
 * @example versionConditions('null') // { 's3:versionid': 'null' }
 */
export function versionConditions(versionId: string | undefined): RequestConditions {
  const conditions: Record<string, string> = Object.create(null) as Record<string, string>;
  if (versionId !== undefined) conditions['s3:versionid'] = versionId;
  return conditions;
}
