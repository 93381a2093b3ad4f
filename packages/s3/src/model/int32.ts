/**
 * @module
 * S3's reading of an integer query argument (`max-keys`, `max-uploads`, `max-parts`,
 * `part-number-marker`): a Java `int`. Measured against S3 by brekkylab/backlot (`_int32_param`,
 * 2026-09-11 to 2026-09-29): an optional `-` and digits, leading zeros and all (`05` is 5, `-0` is
 * 0), judged by value within -2147483648..2147483647; a space around the digits, a `+`, a word or
 * a value past that range is not an integer (refused before the bucket), a negative one is the
 * operation's to refuse (after the bucket). An empty value is taken as absent (same measurements;
 * LS-snapshot `test_list_parts_empty_part_number_marker`).
 */

/** The smallest and largest values of a signed 32-bit integer. */
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The 32-bit integer `text` spells, or `undefined` when it spells none (see the module).
 * @example
 * ```ts
 * import { parseInt32 } from '@strongbox/s3';
 * parseInt32('005');        // 5
 * parseInt32(' 5');         // undefined
 * parseInt32('2147483648'); // undefined
 * ```
 */
export function parseInt32(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  // `+ 0` turns `-0` into 0, as S3 serves `-0`.
  const value = Number(text) + 0;
  return value >= INT32_MIN && value <= INT32_MAX ? value : undefined;
}
