/**
 * @module
 * Storage classes: the `x-amz-storage-class` request header of PutObject, CopyObject,
 * CreateMultipartUpload and a POST form, and the class an object keeps. AWS answers 400
 * `InvalidStorageClass` ("The storage class you specified is not valid") for a value outside the
 * S3 `StorageClass` enum; the list below is that enum as the pinned `@aws-sdk/client-s3` models it.
 *
 * An object keeps its class and answers it: `x-amz-storage-class` on GetObject and HeadObject for
 * any class but STANDARD ("Amazon S3 returns this header for all objects except for S3 Standard
 * storage class objects", GetObject API reference), `StorageClass` in listings and
 * GetObjectAttributes. GLACIER and DEEP_ARCHIVE objects are archived: GetObject answers 403
 * `InvalidObjectState` and a copy from one 403 `ObjectNotInActiveTierError` until restored, and
 * RestoreObject is not served, so they stay archived (HeadObject, tagging and listings work, as
 * in S3). Known differences: no retrieval charges, minimum durations, Intelligent-Tiering access
 * tiers or Outposts/Express constraints; every class is stored alike.
 */

import { S3Error } from '../errors.ts';

/** The values S3 accepts in `x-amz-storage-class` (the `StorageClass` enum of the S3 API model). */
export const STORAGE_CLASSES: readonly string[] = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
  'FSX_OPENZFS',
  'FSX_ONTAP',
  'AWS_BACKUP_WARM',
  'AWS_BACKUP_LOW_COST_WARM',
];

const VALID: ReadonlySet<string> = new Set(STORAGE_CLASSES);

/**
 * Checks a requested storage class (absent: the default, STANDARD). Case matters, as the enum's
 * values are written (UNCONFIRMED: no capture of real S3 answering a lower-case class).
 * @throws S3Error InvalidStorageClass for a value outside `STORAGE_CLASSES`.
 * @example
 * ```ts
 * import { checkStorageClass } from '@strongbox/s3';
 * checkStorageClass('STANDARD_IA'); // accepted
 * checkStorageClass('NOT_A_CLASS'); // throws S3Error InvalidStorageClass
 * ```
 */
export function checkStorageClass(value: string | undefined): void {
  if (value === undefined || VALID.has(value)) return;
  throw new S3Error('InvalidStorageClass');
}

/** The class of an object or upload written without one. */
export const DEFAULT_STORAGE_CLASS = 'STANDARD';

/**
 * Classes whose objects are archived: "If the object you are retrieving is stored in the S3
 * Glacier Flexible Retrieval storage class, the S3 Glacier Deep Archive storage class [...],
 * before you can retrieve the object you must first restore a copy using RestoreObject" (GetObject
 * API reference). GLACIER_IR is read at once ("Instant Retrieval").
 */
const ARCHIVED: ReadonlySet<string> = new Set(['GLACIER', 'DEEP_ARCHIVE']);

/**
 * The class to store for a requested one: `undefined` for STANDARD or none, so that most records
 * carry no field and a record written before classes were kept reads as STANDARD.
 * @example storedStorageClass('STANDARD') // undefined
 */
export function storedStorageClass(requested: string | undefined): string | undefined {
  return requested === undefined || requested === DEFAULT_STORAGE_CLASS ? undefined : requested;
}

/**
 * Checks that an object of `storageClass` can be read (GetObject).
 * @throws S3Error InvalidObjectState (with the class as `StorageClass`) for GLACIER and DEEP_ARCHIVE.
 * @example checkRetrievable('GLACIER_IR') // fine
 */
export function checkRetrievable(storageClass: string): void {
  if (ARCHIVED.has(storageClass)) throw new S3Error('InvalidObjectState', { fields: [['StorageClass', storageClass]] });
}

/**
 * Checks that an object of `storageClass` can be a copy's source (CopyObject, UploadPartCopy).
 * @throws S3Error ObjectNotInActiveTier for GLACIER and DEEP_ARCHIVE.
 * @example checkCopyable('STANDARD') // fine
 */
export function checkCopyable(storageClass: string): void {
  if (ARCHIVED.has(storageClass)) throw new S3Error('ObjectNotInActiveTier');
}
