/**
 * @module
 * Version ids (buckets here are never versioned: only `null` names a version).
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Version ids and version-id markers. */
export type VersionErrorReason =
  | 'NoSuchVersion'
  | 'InvalidVersionId'
  | 'EmptyVersionId'
  | 'CopySourceInvalidVersionId'
  | 'VersionIdNotAccepted'
  | 'VersionIdMarkerWithoutKeyMarker'
  | 'EmptyVersionIdMarker';

/** How S3 answers each `VersionErrorReason`. */
export const VERSION_ERRORS: Readonly<Record<VersionErrorReason, S3WireError>> = {
  // LS-snapshot test_delete_objects (a DeleteObjects entry naming a version that does not exist).
  NoSuchVersion: { code: 'NoSuchVersion', status: 404, message: 'The specified version does not exist.' },
  // LS-snapshot test_get_object_with_version_unversioned_bucket and test_delete_object: a version
  // id S3 cannot read (there, a well-formed one of another bucket) on GetObject and DeleteObject,
  // with ArgumentName `versionId` and the value as ArgumentValue (fields: the argument's name
  // differs by operation: `x-amz-copy-source`, `version-id-marker`).
  InvalidVersionId: { code: 'InvalidArgument', status: 400, message: 'Invalid version id specified' },
  // Captured against S3 (us-east-1, 2026-04: GetObjectAcl, PutObjectAcl, and a copy source's
  // `?versionId=` with ArgumentName `x-amz-copy-source`): `versionId=` with no value.
  EmptyVersionId: { code: 'InvalidArgument', status: 400, message: 'Version id cannot be the empty string' },
  // Captured against S3 (us-east-1, 2026-04): CopyObject's `x-amz-copy-source` naming a version
  // id S3 cannot read answers this bare InvalidRequest, where UploadPartCopy answers
  // InvalidVersionId. UNCONFIRMED for a source bucket that was never versioned.
  CopySourceInvalidVersionId: { code: 'InvalidRequest', status: 400, message: 'Invalid Request' },
  // Captured against S3 (us-east-1, 2026-04 and 2026-09): `?versionId=` on an operation that takes
  // none (UploadPart, ListObjectVersions, GetBucketVersioning, ...), any value, `null` and empty
  // included (with ArgumentValue). Answered by the router (`protocol/routes.ts`).
  VersionIdNotAccepted: { code: 'InvalidArgument', status: 400, message: 'This operation does not accept a version-id.', argumentName: 'versionId' },
  // LS-snapshot test_list_objects_versions_markers (with ArgumentValue).
  VersionIdMarkerWithoutKeyMarker: {
    code: 'InvalidArgument',
    status: 400,
    message: 'A version-id marker cannot be specified without a key marker.',
    argumentName: 'version-id-marker',
  },
  // Captured against S3 (us-east-1, 2026-09, a third-party emulator's table of S3's answers):
  // `?versions&key-marker=a&version-id-marker=`, with an empty ArgumentValue.
  EmptyVersionIdMarker: { code: 'InvalidArgument', status: 400, message: 'A version-id marker cannot be empty.', argumentName: 'version-id-marker' },
};
