/**
 * @module
 * S3's reading of an integer query argument (`max-keys`, `max-uploads`, `max-parts`,
 * `part-number-marker`): a Java `int`. Measured against S3 by brekkylab/backlot (`_int32_param`,
 * 2026-09-11 to 2026-09-29): an optional `-` and digits, leading zeros and all (`05` is 5, `-0` is
 * 0), judged by value within -2147483648..2147483647; a leading space (`max-keys= 5`), a word or a
 * value past that range is not an integer (refused before the bucket), a negative one is the
 * operation's to refuse (after the bucket). An empty value is taken as absent (same measurements;
 * LS-snapshot `test_list_parts_empty_part_number_marker`). A trailing space and a leading `+` are
 * refused the same way, UNCONFIRMED: backlot measured a trailing space for `max-buckets` only
 * (`max-buckets=1 `), and refuses `+5` by its code without saying it sent one.
 *
 * That refusal comes before the bucket on every transport: on the wire before the credential too
 * (the router, `RouteTable.refuseBeforeCredential`, from the binding's `int32`), in process at the
 * top of the operation (`int32Argument`), so a call of the in-process API answers as the wire does.
 */

import { S3Error, type S3ErrorReason } from '../errors.ts';

/** The smallest and largest values of a signed 32-bit integer. */
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;

/**
 * The 32-bit integer `text` spells, or `undefined` when it spells none (see the module).
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { parseInt32 } from './src/model/int32.ts';
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

/**
 * A 32-bit integer argument as S3 reads it before the bucket: `undefined` when absent or empty, else
 * the integer it is, given as a number (the in-process API's members) or as text (the wire's, and
 * the SDK's string markers). Anything else is refused with `malformed`, naming the value as given;
 * a negative value is the operation's to judge, after the bucket (see the module).
 * @throws S3Error `malformed` (InvalidMaxKeys, InvalidMaxParts, …).
 * @example
 * ```ts
 * // From packages/s3: not exported by '@strongbox/s3'.
 * import { int32Argument } from './src/model/int32.ts';
 * int32Argument('05', 'InvalidMaxKeys');        // 5
 * int32Argument(2 ** 31, 'InvalidMaxParts');    // throws: "Provided max-parts not an integer or within integer range"
 * ```
 */
export function int32Argument(value: number | string | undefined, malformed: S3ErrorReason): number | undefined {
  if (value === undefined || value === '') return undefined;
  const number = typeof value === 'number' ? (Number.isInteger(value) && value >= INT32_MIN && value <= INT32_MAX ? value + 0 : undefined) : parseInt32(value);
  if (number === undefined) throw new S3Error(malformed, { fields: [['ArgumentValue', String(value)]] });
  return number;
}
