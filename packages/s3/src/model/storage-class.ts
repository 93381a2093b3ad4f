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
 * `InvalidObjectState` and a copy from one 403 `ObjectNotInActiveTierError` until restored
 * (RestoreObject, `model/restore.ts`) and after the restored copy expires (HeadObject, tagging and
 * listings work throughout, as in S3). Known differences: no retrieval charges, minimum durations, Intelligent-Tiering access
 * tiers or Outposts/Express constraints; every class is stored alike.
 */

import { S3Error } from '../errors.ts';
import { type RestoreRecord, restoreStateAt } from './restore.ts';

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

/** What the archive checks read of an object (an `ObjectRecord` is one). */
export interface ArchiveFacts {
  readonly storageClass: string;
  /** Its last restore, if any (`model/restore.ts`). */
  readonly restore: RestoreRecord | undefined;
}

/**
 * Whether an object's bytes can be read at `now`: any class but an archived one, and an archived
 * one while a restored copy exists ("before you can retrieve the object you must first restore a
 * copy using RestoreObject", GetObject API reference).
 * @example isReadable({ storageClass: 'GLACIER', restore: undefined }, Date.now()) // false
 */
export function isReadable(object: ArchiveFacts, now: number): boolean {
  return !ARCHIVED.has(object.storageClass) || restoreStateAt(object.restore, now).kind === 'restored';
}

/**
 * Checks that an object can be read (GetObject) at `now`.
 * @throws S3Error InvalidObjectState (with the class as `StorageClass`) for a GLACIER or
 *   DEEP_ARCHIVE object with no restored copy at `now`.
 * @example checkRetrievable({ storageClass: 'GLACIER_IR', restore: undefined }, Date.now()) // fine
 */
export function checkRetrievable(object: ArchiveFacts, now: number): void {
  if (!isReadable(object, now)) throw new S3Error('InvalidObjectState', { fields: [['StorageClass', object.storageClass]] });
}

/**
 * Checks that an object can be a copy's source (CopyObject, UploadPartCopy) at `now`: "you must
 * restore a copy of it before you can copy it" (CopyObject API reference, storage classes).
 * @throws S3Error ObjectNotInActiveTier for a GLACIER or DEEP_ARCHIVE object with no restored copy at `now`.
 * @example checkCopyable({ storageClass: 'STANDARD', restore: undefined }, Date.now()) // fine
 */
export function checkCopyable(object: ArchiveFacts, now: number): void {
  if (!isReadable(object, now)) throw new S3Error('ObjectNotInActiveTier');
}
