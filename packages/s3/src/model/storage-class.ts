/**
 * @module
 * The `x-amz-storage-class` request header of PutObject, CopyObject and CreateMultipartUpload.
 * AWS answers 400 `InvalidStorageClass` ("The storage class you specified is not valid") for a
 * value outside the S3 `StorageClass` enum; the list below is that enum as the pinned
 * `@aws-sdk/client-s3` models it.
 *
 * Known difference from AWS: storage classes are not modelled. A valid class is accepted and the
 * object is stored and answered as `STANDARD` (no `x-amz-storage-class` on GET/HEAD, `STANDARD`
 * in listings), with no retrieval rules, minimum durations or Outposts/Express constraints.
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
 * checkStorageClass('STANDARD_IA'); // accepted (stored as STANDARD: classes are not modelled)
 * checkStorageClass('NOT_A_CLASS'); // throws S3Error InvalidStorageClass
 * ```
 */
export function checkStorageClass(value: string | undefined): void {
  if (value === undefined || VALID.has(value)) return;
  throw new S3Error('InvalidStorageClass');
}
