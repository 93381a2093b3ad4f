/**
 * @module
 * GetObject's `Range` and `partNumber`, as real S3 answers them (LS-snapshot `test_get_object_range`
 * and `test_get_object_part`, recorded against AWS; ../shared/reference/s3-sse.md §2.3):
 *
 * - one `bytes=` range only: first-last, open-ended `first-`, or a suffix `-n`; `last` past the end
 *   is clamped, and a suffix longer than the object means the whole object;
 * - anything S3 cannot parse (`bytes=1-0`, `bytes=-1-`, `bytes=0--1`, `bytes=--`, several ranges,
 *   another unit, garbage) is **ignored**: 200 with the full object;
 * - a parsed range that selects nothing (`bytes=-0`, a first byte at or past the end) is
 *   416 `InvalidRange` with `ActualObjectSize` and `RangeRequested`;
 * - `partNumber` is 1..10000; a part the object does not have is 416 `InvalidPartNumber`; a
 *   single-part object has exactly part 1, the whole object; Range and partNumber together are
 *   400 `InvalidRequest`.
 */

import { S3Error } from '../errors.ts';

/** S3's largest part number. */
export const MAX_PART_NUMBER = 10_000;

/** A syntactically valid `Range` header, before the object's size is known. */
export type ByteRangeSpec =
  /** `bytes=first-last` or, with `last` undefined, `bytes=first-`. */
  | { readonly kind: 'bounded'; readonly first: number; readonly last: number | undefined }
  /** `bytes=-suffixLength`: the last `suffixLength` bytes. */
  | { readonly kind: 'suffix'; readonly suffixLength: number };

/** The bytes a GET returns: a whole object (200) or a slice of it (206). */
export type ResolvedRange =
  | { readonly kind: 'full'; readonly size: number }
  /** Inclusive `[start, end]`, as `Content-Range: bytes start-end/size` states it. */
  | { readonly kind: 'partial'; readonly start: number; readonly end: number; readonly size: number };

// One `bytes=` spec with decimal digits only. Whitespace, signs and other units are not S3's syntax.
const SINGLE_RANGE = /^bytes=(\d*)-(\d*)$/;

/**
 * Parses a `Range` header value into one byte range, or `undefined` when S3 ignores the header
 * (and answers 200 with the whole object).
 *
 * @example
 * ```ts
 * import { parseRangeHeader } from '@strongbox/s3';
 * parseRangeHeader('bytes=-16'); // { kind: 'suffix', suffixLength: 16 }
 * parseRangeHeader('bytes=0-1,4-5'); // undefined: S3 ignores multiple ranges
 * ```
 */
export function parseRangeHeader(value: string | undefined): ByteRangeSpec | undefined {
  if (value === undefined) return undefined;
  const match = SINGLE_RANGE.exec(value);
  if (match === null) return undefined;
  const [, firstText = '', lastText = ''] = match;
  if (firstText === '') {
    // `bytes=-` has neither end; `bytes=-n` is a suffix (n = 0 parses and is then unsatisfiable).
    if (lastText === '') return undefined;
    return { kind: 'suffix', suffixLength: toCount(lastText) };
  }
  const first = toCount(firstText);
  if (lastText === '') return { kind: 'bounded', first, last: undefined };
  const last = toCount(lastText);
  // RFC 9110 §14.1.1: last < first makes the spec invalid, which S3 ignores (`bytes=1-0` → 200).
  if (last < first) return undefined;
  return { kind: 'bounded', first, last };
}

/**
 * Applies a parsed range to an object of `size` bytes.
 *
 * @param requested - the original header text, echoed in `RangeRequested`.
 * @throws S3Error InvalidRange (416) when the range selects no byte of the object.
 * @example
 * ```ts
 * import { parseRangeHeader, resolveRange } from '@strongbox/s3';
 * resolveRange(parseRangeHeader('bytes=-2'), 10, 'bytes=-2'); // { kind: 'partial', start: 8, end: 9, size: 10 }
 * ```
 */
export function resolveRange(spec: ByteRangeSpec | undefined, size: number, requested: string): ResolvedRange {
  if (spec === undefined) return { kind: 'full', size };
  if (spec.kind === 'suffix') {
    // RFC 9110 §14.1.2: a suffix of 0 bytes, or any suffix of an empty object, selects nothing.
    if (spec.suffixLength === 0 || size === 0) throw unsatisfiable(size, requested);
    return { kind: 'partial', start: Math.max(0, size - spec.suffixLength), end: size - 1, size };
  }
  if (spec.first >= size) throw unsatisfiable(size, requested);
  const end = spec.last === undefined ? size - 1 : Math.min(spec.last, size - 1);
  return { kind: 'partial', start: spec.first, end, size };
}

/**
 * Parses the `partNumber` query parameter.
 *
 * @throws S3Error PartNumberOutOfBounds (400 `InvalidArgument`) unless it is an integer in 1..10000.
 * @example
 * ```ts
 * import { parsePartNumber } from '@strongbox/s3';
 * parsePartNumber('3'); // 3
 * ```
 */
export function parsePartNumber(value: string): number {
  const number = /^\d{1,5}$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= 1 && number <= MAX_PART_NUMBER)) {
    throw new S3Error('PartNumberOutOfBounds', { fields: [['ArgumentValue', value]] });
  }
  return number;
}

/**
 * The bytes of part `partNumber` of an object.
 *
 * @param partSizes - plaintext size of each part of a multipart object, or `undefined` for an
 *   object written in one PUT (which has exactly one part, itself).
 * @param size - the object's plaintext size.
 * @returns a partial range (206, even for the whole of a single-part object, as S3 answers) and
 *   the part count S3 reports in `x-amz-mp-parts-count` (multipart objects only).
 * @throws S3Error InvalidPartNumber (416, with `ActualPartCount` and `PartNumberRequested`).
 * @example
 * ```ts
 * import { resolvePartRange } from '@strongbox/s3';
 * resolvePartRange(2, [5_242_880, 100], 5_242_980).range; // bytes 5242880-5242979/5242980
 * ```
 */
export function resolvePartRange(
  partNumber: number,
  partSizes: readonly number[] | undefined,
  size: number,
): { readonly range: ResolvedRange; readonly partsCount: number | undefined } {
  const sizes = partSizes ?? [size];
  const partSize = sizes[partNumber - 1];
  if (partSize === undefined) {
    throw new S3Error('InvalidPartNumber', {
      fields: [
        ['ActualPartCount', String(sizes.length)],
        ['PartNumberRequested', String(partNumber)],
      ],
    });
  }
  let start = 0;
  for (let index = 0; index < partNumber - 1; index++) start += sizes[index] ?? 0;
  // An empty part (an empty single-PUT object, or an empty last part of a multipart one): S3's
  // answer is UNCONFIRMED. The range is empty (end = start - 1); the response omits Content-Range,
  // since `bytes a-(a-1)/n` is no valid Content-Range (RFC 9110 §14.4), and answers an empty body.
  const range: ResolvedRange = { kind: 'partial', start, end: start + partSize - 1, size };
  return { range, partsCount: partSizes === undefined ? undefined : partSizes.length };
}

/**
 * Rejects a GET that names both a Range and a partNumber.
 *
 * @throws S3Error RangeWithPartNumber (400 `InvalidRequest`).
 * @example
 * ```ts
 * import { assertRangeOrPart } from '@strongbox/s3';
 * assertRangeOrPart('bytes=0-1', undefined);
 * ```
 */
export function assertRangeOrPart(range: string | undefined, partNumber: string | undefined): void {
  if (range !== undefined && partNumber !== undefined) throw new S3Error('RangeWithPartNumber');
}

/** Decimal digits to a count; beyond 2^53 every object is smaller anyway, so saturate. */
function toCount(digits: string): number {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : Number.MAX_SAFE_INTEGER;
}

function unsatisfiable(size: number, requested: string): S3Error {
  return new S3Error('InvalidRange', {
    fields: [
      ['RangeRequested', requested],
      ['ActualObjectSize', String(size)],
    ],
  });
}
