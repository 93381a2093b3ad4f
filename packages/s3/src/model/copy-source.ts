/**
 * @module
 * The `x-amz-copy-source` of UploadPartCopy (and CopyObject): `bucket/key` or `/bucket/key`,
 * URL-encoded, optionally followed by `?versionId=…` (model `CopySource`). A value without a key,
 * or not valid percent-encoding, is 400 `InvalidArgument` "Invalid copy source object key"
 * (LS-snapshot `test_s3_copy_object_wrong_format`).
 */

import { S3Error } from '../errors.ts';

/** A parsed copy source. */
export interface CopySource {
  readonly bucket: string;
  readonly key: string;
  /** As given in `?versionId=`; buckets here are unversioned, so only `null` names an object. */
  readonly versionId?: string;
}

/**
 * Parses a copy source.
 *
 * @throws S3Error InvalidCopySource.
 * @example
 * ```ts
 * import { parseCopySource } from '@strongbox/s3';
 * parseCopySource('/src-bucket/reports%2Fq1.csv'); // { bucket: 'src-bucket', key: 'reports/q1.csv' }
 * ```
 */
export function parseCopySource(value: unknown): CopySource {
  if (typeof value !== 'string') throw invalid(String(value));
  const query = value.indexOf('?');
  const path = query === -1 ? value : value.slice(0, query);
  const versionId = query === -1 ? undefined : (new URLSearchParams(value.slice(query + 1)).get('versionId') ?? undefined);
  const trimmed = path.startsWith('/') ? path.slice(1) : path;
  const slash = trimmed.indexOf('/');
  if (slash <= 0 || slash === trimmed.length - 1) throw invalid(value);
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(trimmed.slice(0, slash));
    key = decodeURIComponent(trimmed.slice(slash + 1));
  } catch {
    throw invalid(value);
  }
  return versionId === undefined ? { bucket, key } : { bucket, key, versionId };
}

function invalid(value: string): S3Error {
  return new S3Error('InvalidCopySource', { fields: [['ArgumentValue', value]] });
}
