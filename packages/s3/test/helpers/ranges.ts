/**
 * Byte ranges a property suite picks from two arbitrary numbers, in each form of a `Range:
 * bytes=` header (RFC 9110 §14.1.2: first-last, first- to the end, and -suffix length), with the
 * bytes each selects.
 */

/** The forms of a single byte range. */
export const RANGE_FORMS = ['bounded', 'open', 'suffix'] as const;

/** One of `RANGE_FORMS`. */
export type RangeForm = (typeof RANGE_FORMS)[number];

/** A `Range` header and the first and last byte (inclusive) it selects. */
export interface PickedRange {
  readonly header: string;
  readonly first: number;
  readonly last: number;
}

/**
 * A range of `form` over a body of `length` bytes (at least 1), its bounds picked by `x` and `y`.
 * @example pickRange(10, 2, 3, 'suffix') // { header: 'bytes=-4', first: 6, last: 9 }
 */
export function pickRange(length: number, x: number, y: number, form: RangeForm): PickedRange {
  const a = x % length;
  const b = a + (y % (length - a));
  if (form === 'bounded') return { header: `bytes=${a}-${b}`, first: a, last: b };
  if (form === 'open') return { header: `bytes=${a}-`, first: a, last: length - 1 };
  return { header: `bytes=-${b - a + 1}`, first: length - (b - a + 1), last: length - 1 };
}
