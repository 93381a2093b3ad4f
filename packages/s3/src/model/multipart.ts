/**
 * @module
 * Multipart upload rules that need no storage (model CreateMultipartUpload, UploadPart,
 * UploadPartCopy, CompleteMultipartUpload, ListParts, ListMultipartUploads;
 * ../shared/reference/s3-sse.md §1.4 and §2.4):
 *
 * - part numbers are 1..10000 (400 `InvalidArgument`, UploadPart's text);
 * - a completion lists parts in strictly ascending order (400 `InvalidPartOrder`), each with the
 *   ETag its upload answered (quotes optional, as S3 accepts both) or 400 `InvalidPart`, and every
 *   part but the last holds at least 5 MiB (400 `EntityTooSmall`);
 * - UploadPartCopy's `x-amz-copy-source-range` is `bytes=first-last` inside the source;
 * - the listings' integer arguments (`max-parts`, `max-uploads`, `part-number-marker`).
 */

import { S3Error, type S3ErrorReason } from '../errors.ts';
import { CHECKSUM_ALGORITHMS, type UploadChecksum } from './checksum.ts';
import type { ChecksumValues } from './checksum-multipart.ts';
import { int32Argument } from './int32.ts';
import { MAX_PART_NUMBER } from './range.ts';

/** Every part but the last must hold at least this many bytes (5 MiB). */
export const MIN_PART_SIZE: number = 5 * 1024 * 1024;

/** The most entries a ListParts or ListMultipartUploads page holds, and the default. */
export const MAX_LIST_ENTRIES: number = 1000;

/** One part of a CompleteMultipartUpload request, as the request names it. */
export interface RequestedPart {
  readonly partNumber: number;
  /** As sent: quoted or bare. */
  readonly etag: string;
  /** The part's checksum values the request lists (`<ChecksumCRC32>` …), if any. */
  readonly checksums?: ChecksumValues | undefined;
}

/** A stored part, as a completion checks it. */
export interface UploadedPart {
  readonly partNumber: number;
  /** Bare hex (or hex-N), as stored. */
  readonly etag: string;
  /** Plaintext bytes. */
  readonly size: number;
  /** The part's checksum of its upload's algorithm, when the upload named one. */
  readonly checksum?: string | undefined;
}

/**
 * Checks a part number of UploadPart or UploadPartCopy.
 *
 * @throws S3Error PartNumberOutOfBounds (400 `InvalidArgument`, `ArgumentValue` the number).
 * @example
 * ```ts
 * import { checkPartNumber } from '@strongbox/s3';
 * checkPartNumber(10_000); // 10000
 * ```
 */
export function checkPartNumber(partNumber: unknown): number {
  if (typeof partNumber !== 'number' || !Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
    throw new S3Error('PartNumberOutOfBounds', { fields: [['ArgumentValue', String(partNumber)]] });
  }
  return partNumber;
}

/**
 * Checks the shape of a completion's part list: at least one part, numbers in range, strictly
 * ascending (a repeated number is out of order too).
 *
 * @throws S3Error MalformedXML (no parts: the request body's schema requires one),
 *   PartNumberOutOfBounds, InvalidPartOrder.
 * @example
 * ```ts
 * import { checkPartList } from '@strongbox/s3';
 * checkPartList([{ partNumber: 1, etag: '"a"' }, { partNumber: 3, etag: 'b' }]);
 * ```
 */
export function checkPartList(parts: readonly RequestedPart[]): void {
  if (parts.length === 0) throw new S3Error('MalformedXML');
  let previous = 0;
  for (const part of parts) {
    checkPartNumber(part.partNumber);
    if (part.partNumber <= previous) throw new S3Error('InvalidPartOrder');
    previous = part.partNumber;
  }
}

/**
 * Checks a completion's parts against what was uploaded, part by part in the order listed (the
 * order of LocalStack's checks, recorded against real S3): the ETag must be the part's and an
 * upload that named no checksum algorithm takes no part checksums (else `InvalidPart`); an upload
 * that named one needs the part's checksum of that algorithm where it is COMPOSITE (FULL_OBJECT
 * parts may omit it) and a listed one must be the stored one (else `InvalidPart`); every part but
 * the last holds at least `MIN_PART_SIZE` bytes.
 *
 * @param uploaded - the listed parts as stored, same order as `requested`.
 * @param checksum - the upload's checksum (`resolveUploadChecksum`); undefined checks no checksums.
 * @throws S3Error InvalidPart (with `UploadId`, `PartNumber`, `ETag`), PartChecksumMissing (400
 *   InvalidRequest), PartChecksumMismatch (400 BadDigest: only a checksum of another algorithm was
 *   listed for a COMPOSITE upload's part), EntityTooSmall (with `ProposedSize`, `MinSizeAllowed`,
 *   `PartNumber`, `ETag`; LocalStack's elements, their presence on real S3 UNCONFIRMED).
 * @example
 * ```ts
 * import { checkCompletedParts } from '@strongbox/s3';
 * checkCompletedParts('upload-id', [{ partNumber: 1, etag: '"abc"' }], [{ partNumber: 1, etag: 'abc', size: 3 }]);
 * ```
 */
export function checkCompletedParts(uploadId: string, requested: readonly RequestedPart[], uploaded: readonly UploadedPart[], checksum?: UploadChecksum): void {
  const declared = checksum?.requested === true ? checksum : undefined;
  for (const [index, part] of uploaded.entries()) {
    const asked = requested[index];
    const listed = CHECKSUM_ALGORITHMS.filter((algorithm) => asked?.checksums?.[algorithm] !== undefined);
    if (asked === undefined || bareEtag(asked.etag) !== part.etag || (declared === undefined && checksum !== undefined && listed.length > 0)) {
      throw invalidPart(uploadId, part.partNumber, asked?.etag ?? '');
    }
    if (declared !== undefined) {
      const value = asked.checksums?.[declared.algorithm];
      if (value === undefined) {
        if (declared.type === 'COMPOSITE') {
          const other = listed[0];
          const detail = { value: (other ?? declared.algorithm).toLowerCase(), actual: String(part.partNumber) };
          throw new S3Error(other === undefined ? 'PartChecksumMissing' : 'PartChecksumMismatch', { detail });
        }
      } else if (value !== part.checksum) throw invalidPart(uploadId, part.partNumber, asked.etag);
    }
    if (index < uploaded.length - 1 && part.size < MIN_PART_SIZE) {
      throw new S3Error('EntityTooSmall', {
        fields: [
          ['ProposedSize', String(part.size)],
          ['MinSizeAllowed', String(MIN_PART_SIZE)],
          ['PartNumber', String(part.partNumber)],
          ['ETag', part.etag],
        ],
      });
    }
  }
}

/**
 * The error for a listed part that was never uploaded or whose ETag differs.
 * @example invalidPart('upload-id', 2, '"etag"').code // 'InvalidPart'
 */
export function invalidPart(uploadId: string, partNumber: number, etag: string): S3Error {
  return new S3Error('InvalidPart', {
    fields: [
      ['UploadId', uploadId],
      ['PartNumber', String(partNumber)],
      ['ETag', bareEtag(etag)],
    ],
  });
}

/**
 * An ETag without its surrounding quotes (S3 takes both forms in a completion's part list).
 * @example bareEtag('"abc"') // 'abc'
 */
export function bareEtag(etag: string): string {
  return etag.length >= 2 && etag.startsWith('"') && etag.endsWith('"') ? etag.slice(1, -1) : etag;
}

/**
 * Parses UploadPartCopy's `x-amz-copy-source-range` against the source's plaintext size.
 *
 * @returns inclusive `[first, last]`, or undefined when absent (the whole source).
 * @throws S3Error InvalidCopySourceRange (not `bytes=first-last` with first ≤ last),
 *   CopySourceRangeOutOfBounds (last at or past the end of the source).
 * @example
 * ```ts
 * import { parseCopySourceRange } from '@strongbox/s3';
 * parseCopySourceRange('bytes=0-9', 100); // { first: 0, last: 9 }
 * ```
 */
export function parseCopySourceRange(value: string | undefined, size: number): { readonly first: number; readonly last: number } | undefined {
  if (value === undefined) return undefined;
  // Only the bounded form: no suffix, no open end (unlike GetObject's Range).
  const match = /^bytes=(\d{1,16})-(\d{1,16})$/.exec(value);
  const first = Number(match?.[1]);
  const last = Number(match?.[2]);
  if (match === null || !(first <= last)) throw new S3Error('InvalidCopySourceRange', { fields: [['ArgumentValue', value]] });
  if (last >= size) throw new S3Error('CopySourceRangeOutOfBounds', { detail: { value: String(size) } });
  return { first, last };
}

/** The listings' integer arguments, each refused with its own error when it is no integer. */
export type ListArgument = 'max-parts' | 'max-uploads' | 'part-number-marker';

/** Each argument's refusal when it is not a 32-bit integer (`S3_ERRORS`). */
const NOT_AN_INTEGER: Readonly<Record<ListArgument, S3ErrorReason>> = Object.freeze({
  'max-parts': 'InvalidMaxParts',
  'max-uploads': 'InvalidMaxUploads',
  'part-number-marker': 'InvalidPartNumberMarker',
});

/**
 * A listing's integer argument as S3 reads it before the bucket (`int32Argument`): `undefined` when
 * absent or empty, else its value, negative ones included (judged after the bucket: `listInteger`).
 * @throws S3Error InvalidMaxParts, InvalidMaxUploads or InvalidPartNumberMarker for a value that
 *   is not a 32-bit integer.
 * @example listArgument(2 ** 31, 'max-parts') // throws: "Provided max-parts not an integer or within integer range"
 */
export function listArgument(value: number | string | undefined, argument: ListArgument): number | undefined {
  return int32Argument(value, NOT_AN_INTEGER[argument]);
}

/**
 * A listing's page size (`max-parts`, `max-uploads`): 1000 when absent or empty, at most 1000.
 *
 * @throws S3Error InvalidMaxParts / InvalidMaxUploads for a value that is not a 32-bit integer;
 *   InvalidListArgument for a negative one.
 * @example
 * ```ts
 * import { listPageSize } from '@strongbox/s3';
 * listPageSize(undefined, 'max-parts'); // 1000
 * ```
 */
export function listPageSize(value: number | string | undefined, argument: 'max-parts' | 'max-uploads'): number {
  if (value === undefined || value === '') return MAX_LIST_ENTRIES;
  return Math.min(listInteger(value, argument), MAX_LIST_ENTRIES);
}

/**
 * A non-negative integer argument of a listing, read as S3 reads it (`parseInt32`): a value that is
 * no 32-bit integer is refused with the argument's own error and the value as sent, before a
 * negative one, which S3 words "Argument … must be an integer between 0 and 2147483647" with the
 * value as parsed (`S3_ERRORS` cites the captures).
 * @throws S3Error InvalidMaxParts, InvalidMaxUploads or InvalidPartNumberMarker (not an
 *   integer); InvalidListArgument (negative).
 * @example listInteger('5', 'part-number-marker') // 5
 */
export function listInteger(value: number | string, argument: ListArgument): number {
  const number = listArgument(value, argument);
  // An empty value is absent to the callers, which never pass one: here it is no integer.
  if (number === undefined) throw new S3Error(NOT_AN_INTEGER[argument], { fields: [['ArgumentValue', String(value)]] });
  if (number < 0) {
    throw new S3Error('InvalidListArgument', {
      detail: { value: argument },
      fields: [
        ['ArgumentName', argument],
        ['ArgumentValue', String(number)],
      ],
    });
  }
  return number;
}
