/** A copy of `bytes` with bit `bit` (counted from bit 0 of byte 0) flipped: the unit of the tamper tests. */
export function flipBit<T extends Uint8Array>(bytes: T, bit: number): T {
  const copy = bytes.slice() as T;
  copy[bit >> 3] = (copy[bit >> 3] ?? 0) ^ (1 << (bit & 7));
  return copy;
}
