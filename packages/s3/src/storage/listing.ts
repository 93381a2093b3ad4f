/**
 * @module
 * The pages of S3's three listings over the in-memory index: ListObjectsV2 (prefix, delimiter
 * roll-up into common prefixes, StartAfter, MaxKeys), ListParts (PartNumberMarker, MaxParts) and
 * ListMultipartUploads (KeyMarker, UploadIdMarker, prefix, delimiter, MaxUploads), each in S3's
 * order: keys by UTF-8 bytes, parts by number, uploads by key then initiation.
 */

import { objectInfo, partInfo } from './bucket-index.ts';
import type { ObjectRecord, PartRecord, UploadRecord } from './persistence.ts';
import { compareUtf8 } from './support.ts';
import type { ListOptions, ListPage, ObjectInfo, PartListOptions, PartListPage, UploadInfo, UploadListOptions, UploadListPage } from './types.ts';

/** ListObjectsV2 over sorted keys: prefix, delimiter roll-up into common prefixes, StartAfter, MaxKeys. */
export function listPage(sortedKeys: readonly string[], objects: ReadonlyMap<string, ObjectRecord>, options: ListOptions): ListPage {
  const { prefix = '', delimiter, startAfter, maxKeys } = options;
  const found: ObjectInfo[] = [];
  const commonPrefixes: string[] = [];
  let last: string | undefined;
  for (const key of sortedKeys) {
    if (startAfter !== undefined && compareUtf8(key, startAfter) <= 0) continue;
    if (!key.startsWith(prefix)) continue;
    const cut = delimiter === undefined || delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const common = cut === -1 ? undefined : key.slice(0, cut + (delimiter ?? '').length);
    // A page that ended on a common prefix continues after every key under it.
    if (common !== undefined && (common === last || (startAfter !== undefined && compareUtf8(common, startAfter) <= 0))) continue;
    if (found.length + commonPrefixes.length >= maxKeys)
      return { objects: found, commonPrefixes, isTruncated: true, ...(last === undefined ? {} : { nextStartAfter: last }) };
    if (common === undefined) {
      const record = objects.get(key);
      if (record !== undefined) found.push(objectInfo(record));
      last = key;
    } else {
      commonPrefixes.push(common);
      last = common;
    }
  }
  return { objects: found, commonPrefixes, isTruncated: false };
}

/** ListParts over an upload's parts: those after PartNumberMarker, by number, MaxParts of them. */
export function partPage(parts: Iterable<PartRecord>, options: PartListOptions): PartListPage {
  const { partNumberMarker = 0, maxParts } = options;
  const after = [...parts].filter((part) => part.partNumber > partNumberMarker);
  const sorted = after.sort((a, b) => a.partNumber - b.partNumber);
  const page = sorted.slice(0, Math.max(0, maxParts)).map(partInfo);
  const last = page.at(-1);
  return sorted.length > page.length
    ? { parts: page, isTruncated: true, ...(last === undefined ? {} : { nextPartNumberMarker: last.partNumber }) }
    : { parts: page, isTruncated: false };
}

/** S3's upload order: key (UTF-8 bytes), then initiation, oldest first (the id breaks ties). */
export function compareUploads(a: UploadRecord, b: UploadRecord): number {
  return compareUtf8(a.key, b.key) || a.initiated - b.initiated || compareUtf8(a.uploadId, b.uploadId);
}

/** ListMultipartUploads over sorted uploads: markers, prefix, delimiter roll-up, MaxUploads. */
export function uploadPage(sorted: readonly UploadRecord[], options: UploadListOptions): UploadListPage {
  const { prefix = '', delimiter, keyMarker, uploadIdMarker, maxUploads } = options;
  const markerKeyUploads = keyMarker === undefined ? [] : sorted.filter((upload) => upload.key === keyMarker);
  const uploads: UploadInfo[] = [];
  const commonPrefixes: string[] = [];
  let last: { key: string; uploadId?: string } | undefined;
  for (const upload of sorted) {
    if (!upload.key.startsWith(prefix) || !afterMarkers(upload, keyMarker, uploadIdMarker, markerKeyUploads)) continue;
    const cut = delimiter === undefined || delimiter === '' ? -1 : upload.key.indexOf(delimiter, prefix.length);
    const common = cut === -1 ? undefined : upload.key.slice(0, cut + (delimiter ?? '').length);
    // A page that ended on a common prefix continues after every upload under it.
    if (common !== undefined && (common === last?.key || (keyMarker !== undefined && compareUtf8(common, keyMarker) <= 0))) continue;
    if (uploads.length + commonPrefixes.length >= maxUploads) {
      return {
        uploads,
        commonPrefixes,
        isTruncated: true,
        ...(last === undefined ? {} : { nextKeyMarker: last.key }),
        ...(last?.uploadId === undefined ? {} : { nextUploadIdMarker: last.uploadId }),
      };
    }
    if (common === undefined) {
      uploads.push(upload);
      last = { key: upload.key, uploadId: upload.uploadId };
    } else {
      commonPrefixes.push(common);
      last = { key: common };
    }
  }
  return { uploads, commonPrefixes, isTruncated: false };
}

/** Whether an upload comes after ListMultipartUploads' markers. */
function afterMarkers(upload: UploadRecord, keyMarker: string | undefined, uploadIdMarker: string | undefined, sameKey: readonly UploadRecord[]): boolean {
  if (keyMarker === undefined) return true;
  const order = compareUtf8(upload.key, keyMarker);
  if (order !== 0 || uploadIdMarker === undefined) return order > 0;
  // The marker upload of this key: those after it in listing order. An id no longer there (its
  // upload completed or aborted): S3 documents "upload IDs lexicographically greater".
  const at = sameKey.findIndex((candidate) => candidate.uploadId === uploadIdMarker);
  return at === -1 ? compareUtf8(upload.uploadId, uploadIdMarker) > 0 : sameKey.indexOf(upload) > at;
}
