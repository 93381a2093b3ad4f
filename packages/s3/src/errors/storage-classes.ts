/**
 * @module
 * Storage classes: an unknown class, reads and copies of archived objects, and RestoreObject.
 * These are rows of `S3_ERRORS` (`../errors.ts`, which joins the topics); the source of each stands
 * beside it, UNCONFIRMED where no capture of real S3 exists.
 */

import type { S3WireError } from './wire.ts';

/** Storage classes, archived objects and RestoreObject. */
export type StorageClassErrorReason =
  | 'InvalidStorageClass'
  | 'InvalidObjectState'
  | 'ObjectNotInActiveTier'
  | 'RestoreNotAllowedForClass'
  | 'ObjectAlreadyInActiveTier'
  | 'RestoreDaysForIntelligentTiering'
  | 'RestoreAlreadyInProgress'
  | 'InvalidRestoreDays'
  | 'RestoreExpiryTooLate'
  | 'InvalidRestoreTier';

/** How S3 answers each `StorageClassErrorReason`. */
export const STORAGE_CLASS_ERRORS: Readonly<Record<StorageClassErrorReason, S3WireError>> = {
  // A value outside the StorageClass enum in x-amz-storage-class (PutObject, CopyObject,
  // CreateMultipartUpload): AWS's error-code list, "InvalidStorageClass: The storage class you
  // specified is not valid", 400.
  InvalidStorageClass: { code: 'InvalidStorageClass', status: 400, message: 'The storage class you specified is not valid' },
  // GetObject of a GLACIER or DEEP_ARCHIVE object that was not restored: "Object is archived and
  // inaccessible until restored" (model InvalidObjectState, with a `StorageClass` member), 403 and
  // this text in users' captures of S3 ("The operation is not valid for the object's storage class").
  InvalidObjectState: { code: 'InvalidObjectState', status: 403, message: "The operation is not valid for the object's storage class" },
  // A copy (CopyObject, UploadPartCopy) from such an object: AWS's error-code list,
  // "ObjectNotInActiveTierError", 403, this text.
  ObjectNotInActiveTier: {
    code: 'ObjectNotInActiveTierError',
    status: 403,
    message: 'The source object of the COPY action is not in the active tier and is only stored in Amazon S3 Glacier.',
  },
  // RestoreObject of an object whose class is not archived: S3's answer, captured, "403
  // (InvalidObjectState): Restore is not allowed for the object's current storage class"
  // (s3tools/s3cmd#1375; botocore's InvalidObjectState with this text in getmoto/moto#4670).
  RestoreNotAllowedForClass: { code: 'InvalidObjectState', status: 403, message: "Restore is not allowed for the object's current storage class" },
  // RestoreObject of an INTELLIGENT_TIERING object without Days, which here is always in an active
  // tier: the RestoreObject API reference's special error, "ObjectAlreadyInActiveTierError: This
  // action is not allowed against this storage tier", 403 (UNCONFIRMED for this case: no capture).
  ObjectAlreadyInActiveTier: { code: 'ObjectAlreadyInActiveTierError', status: 403, message: 'This action is not allowed against this storage tier' },
  // The same with Days: S3's answer, captured (s3tools/s3cmd#1377), 400 InvalidArgument, this text
  // (the ArgumentName is UNCONFIRMED).
  RestoreDaysForIntelligentTiering: {
    code: 'InvalidArgument',
    status: 400,
    message: 'INTELLIGENT_TIERING objects are not subject to restore expiry. Do not specify Days when restoring this object',
    argumentName: 'Days',
  },
  // RestoreObject API reference, "Special errors": 409 Conflict, "Object restore is already in progress."
  RestoreAlreadyInProgress: { code: 'RestoreAlreadyInProgress', status: 409, message: 'Object restore is already in progress.' },
  // A restore's `Days` below 1 (UNCONFIRMED code and text: no capture).
  InvalidRestoreDays: { code: 'InvalidArgument', status: 400, message: 'The Days element must be a whole number of at least 1.', argumentName: 'Days' },
  // A restored copy whose expiry, counted from its completion, is past what an HTTP date writes
  // (Strongbox's own bound: S3 documents none).
  RestoreExpiryTooLate: {
    code: 'InvalidArgument',
    status: 400,
    message: 'The restored copy would expire after 9999-12-31, the latest date x-amz-restore can carry.',
    argumentName: 'Days',
  },
  // Expedited on DEEP_ARCHIVE: "not available" (RestoreObject API reference); S3's code and text are
  // UNCONFIRMED (no capture), answered as an InvalidArgument naming what is refused.
  InvalidRestoreTier: {
    code: 'InvalidArgument',
    status: 400,
    message: (d) => `${d.value ?? 'This retrieval tier'} is not available.`,
    argumentName: 'Tier',
  },
};
