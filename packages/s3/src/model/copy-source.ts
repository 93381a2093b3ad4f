/**
 * @module
 * CopyObject's request rules: the `x-amz-copy-source` value (`bucket/key`, URL-encoded, an
 * optional leading `/` and `?versionId=`), the metadata directive, the 5 GiB ceiling, and when a
 * copy of an object onto itself is refused (../shared/reference/s3-sse.md §2.4).
 */

import { S3Error } from '../errors.ts';
import type { EncryptionMode } from './encryption.ts';

/** A parsed copy source. */
export interface CopySource {
  readonly bucket: string;
  /** Decoded. */
  readonly key: string;
  /** `?versionId=`, if given (decoded). */
  readonly versionId?: string;
}

/** The most bytes one CopyObject copies (5 GiB; larger objects need UploadPartCopy). */
export const MAX_COPY_SOURCE_SIZE: number = 5 * 1024 ** 3;

/**
 * Parses `CopySource` (the `x-amz-copy-source` header's value): `bucket/key` or `/bucket/key`, the
 * key URL-encoded, optionally followed by `?versionId=<id>`. A `+` decodes to a space, as LocalStack
 * (whose copy tests are recorded against real S3) decodes it: SDKs disagree on `%20` and `+`.
 *
 * @throws S3Error InvalidCopySource (LS-snapshot `test_s3_copy_object_wrong_format`: a value with
 *   no `/` is refused with the header's name as `ArgumentValue`, whatever was sent); the same for a
 *   value that is not text, an empty bucket or key, or a malformed percent escape (UNCONFIRMED: no
 *   capture of those).
 * @example
 * ```ts
 * import { parseCopySource } from '@strongbox/s3';
 * parseCopySource('/photos/2026/a%20b.jpg?versionId=null'); // { bucket: 'photos', key: '2026/a b.jpg', versionId: 'null' }
 * ```
 */
export function parseCopySource(value: unknown): CopySource {
  if (typeof value !== 'string') throw invalidCopySource();
  const query = value.indexOf('?');
  const path = (query === -1 ? value : value.slice(0, query)).replaceAll('+', ' ');
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) throw invalidCopySource();
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(trimmed.slice(0, slash));
    key = decodeURIComponent(trimmed.slice(slash + 1));
  } catch (cause) {
    throw invalidCopySource(cause);
  }
  if (query === -1) return { bucket, key };
  const versionId = new URLSearchParams(value.slice(query + 1)).get('versionId');
  return versionId === null ? { bucket, key } : { bucket, key, versionId };
}

function invalidCopySource(cause?: unknown): S3Error {
  return new S3Error('InvalidCopySource', { fields: [['ArgumentValue', 'x-amz-copy-source']], ...(cause === undefined ? {} : { cause }) });
}

/** Where the destination's content type and user metadata come from. */
export type MetadataDirective = 'COPY' | 'REPLACE';

/**
 * Checks `MetadataDirective`: `COPY` (the default: the source's metadata) or `REPLACE` (the
 * request's).
 * @throws S3Error InvalidMetadataDirective for anything else.
 * @example
 * ```ts
 * import { metadataDirective } from '@strongbox/s3';
 * metadataDirective(undefined); // 'COPY'
 * ```
 */
export function metadataDirective(value: string | undefined): MetadataDirective {
  if (value === undefined || value === 'COPY') return 'COPY';
  if (value === 'REPLACE') return 'REPLACE';
  throw new S3Error('InvalidMetadataDirective', { fields: [['ArgumentValue', value]] });
}

/** What decides whether a copy onto itself changes anything. */
export interface InPlaceCopy {
  readonly metadataDirective: MetadataDirective;
  /** The request names an encryption (`x-amz-server-side-encryption` or SSE-C for the target). */
  readonly requestNamesEncryption: boolean;
  /** The destination bucket has a default encryption configuration set by PutBucketEncryption. */
  readonly bucketEncryptionConfigured: boolean;
  /** The request names a storage class (`x-amz-storage-class`), whatever the source's is. */
  readonly requestNamesStorageClass: boolean;
  /** The request names a website redirect location (`x-amz-website-redirect-location`), whatever the source's is. */
  readonly requestNamesWebsiteRedirect: boolean;
  /** How the source object is stored. */
  readonly sourceMode: EncryptionMode;
}

/**
 * Refuses a copy of an object onto itself that changes nothing (LS-snapshot
 * `test_s3_copy_object_in_place*`, recorded against S3). S3 looks at what the request names, not at
 * whether the value differs from the source's: it is allowed with `MetadataDirective: REPLACE`,
 * when the request names an encryption, a storage class (`STANDARD` onto a STANDARD object too:
 * `test_s3_copy_object_in_place_storage_class`, `test_s3_copy_object_in_place_metadata_directive`)
 * or a website redirect location (the source's own too:
 * `test_s3_copy_object_in_place_website_redirect_location`), when the bucket has an explicitly
 * configured default (`test_copy_in_place_with_bucket_encryption`), or when the source is not
 * SSE-S3 (the bucket's default re-encrypts it: `copy-object-in-place-without-kms-sse`). User
 * metadata under `COPY` is ignored, so it changes nothing (`no-metadata-directive-fail`).
 *
 * @throws S3Error CopyToItselfWithoutChange.
 * @example
 * ```ts
 * import { checkInPlaceCopy } from '@strongbox/s3';
 * checkInPlaceCopy({
 *   metadataDirective: 'COPY', requestNamesEncryption: false, bucketEncryptionConfigured: false,
 *   requestNamesStorageClass: true, requestNamesWebsiteRedirect: false, sourceMode: 'SSE-S3',
 * }); // allowed: a storage class is named
 * ```
 */
export function checkInPlaceCopy(copy: InPlaceCopy): void {
  const changes =
    copy.metadataDirective === 'REPLACE' ||
    copy.requestNamesEncryption ||
    copy.requestNamesStorageClass ||
    copy.requestNamesWebsiteRedirect ||
    copy.bucketEncryptionConfigured ||
    copy.sourceMode !== 'SSE-S3';
  if (!changes) throw new S3Error('CopyToItselfWithoutChange');
}

/**
 * Refuses a source larger than one CopyObject copies.
 * @throws S3Error CopySourceTooLarge.
 */
export function checkCopySourceSize(size: number): void {
  if (size > MAX_COPY_SOURCE_SIZE) throw new S3Error('CopySourceTooLarge');
}
