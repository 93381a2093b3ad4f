/**
 * Checked access for tests under `noUncheckedIndexedAccess`: instead of a `!` assertion, a read
 * that is missing fails the test with a message.
 */

/** `value`, or a thrown Error if it is `undefined` or `null`. */
export function defined<T>(value: T | undefined | null, what = 'value'): T {
  if (value === undefined || value === null) throw new Error(`expected ${what} to be present`);
  return value;
}

/** XORs `mask` into `bytes[index]`; throws if `index` is outside `bytes`. */
export function xorAt(bytes: Uint8Array, index: number, mask: number): void {
  const byte = bytes[index];
  if (byte === undefined) throw new RangeError(`index ${index} is outside a ${bytes.length}-byte array`);
  bytes[index] = byte ^ mask;
}
