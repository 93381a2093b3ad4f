/**
 * @module
 * CRC combination: the CRC of `A ‖ B` from `crc(A)`, `crc(B)` and the length of `B`, without the
 * bytes. S3 makes a multipart object's FULL_OBJECT checksum this way from its parts' CRCs (User
 * Guide, "Checking object integrity": full-object checksums are available for CRC32, CRC32C and
 * CRC64NVME only, because CRCs combine "linearly"), so Strongbox needs it to answer
 * CompleteMultipartUpload without reading the object back.
 *
 * Why written here: no well-kept npm package combines all three of S3's CRCs. `@aws-crypto/crc32`,
 * `@aws-crypto/crc32c` and `@aws-sdk/crc64-nvme` compute but do not combine; `@balena/node-crc-utils`
 * combines CRC-32 only (an Emscripten build of zlib). This is zlib's `crc32_combine` algorithm
 * (zlib 1.2.12+, `multmodp` and `x2nmodp`), written once over a reflected polynomial of any width
 * up to 64 bits with `bigint`, and checked against the CRC of the concatenation in known-answer and
 * property tests. It holds for CRCs whose initial value equals their final XOR (all ones for the
 * three S3 CRCs): the conditioning then cancels, `crc(A‖B) = crc(A)·x^(8·|B|) ⊕ crc(B)` over GF(2).
 */

/** A reflected CRC with initial value = final XOR (the form `crc32_combine` handles). */
export interface CombinableCrc {
  /** Bits: 32 or 64 for S3's CRCs. */
  readonly width: number;
  /** The polynomial, bit-reflected (CRC-32: 0xEDB88320). */
  readonly reflectedPolynomial: bigint;
}

/** CRC-32 (ISO-HDLC, zlib's), S3's `CRC32`. */
export const CRC32_PARAMETERS: CombinableCrc = Object.freeze({ width: 32, reflectedPolynomial: 0xedb88320n });
/** CRC-32C (Castagnoli, iSCSI), S3's `CRC32C`. */
export const CRC32C_PARAMETERS: CombinableCrc = Object.freeze({ width: 32, reflectedPolynomial: 0x82f63b78n });
/** CRC-64/NVME, S3's `CRC64NVME` (normal polynomial 0xAD93D23594C93659; s3-sse.md §5.5). */
export const CRC64NVME_PARAMETERS: CombinableCrc = Object.freeze({ width: 64, reflectedPolynomial: 0x9a6c9329ac4bc9b5n });

/** Per-CRC table of x^(2^k) mod p, grown on demand (k up to 63 covers any byte length below 2^60). */
const powerTables = new WeakMap<CombinableCrc, bigint[]>();

/**
 * `a · b mod p` over GF(2), both reflected (the top bit is x^0), as zlib's `multmodp`.
 */
function multiplyModP(crc: CombinableCrc, a: bigint, b: bigint): bigint {
  const top = 1n << BigInt(crc.width - 1);
  let m = top;
  let product = 0n;
  let multiplicand = b;
  // zlib loops until the last set bit of `a`; the `m` bound also ends it for a = 0.
  while (m !== 0n) {
    if ((a & m) !== 0n) {
      product ^= multiplicand;
      if ((a & (m - 1n)) === 0n) break;
    }
    m >>= 1n;
    multiplicand = (multiplicand & 1n) !== 0n ? (multiplicand >> 1n) ^ crc.reflectedPolynomial : multiplicand >> 1n;
  }
  return product;
}

/** x^(2^k) mod p. */
function powerOfTwoPower(crc: CombinableCrc, k: number): bigint {
  let table = powerTables.get(crc);
  if (table === undefined) {
    // x^1, reflected: the second-highest bit.
    table = [1n << BigInt(crc.width - 2)];
    powerTables.set(crc, table);
  }
  while (table.length <= k) {
    const last = table[table.length - 1] as bigint;
    table.push(multiplyModP(crc, last, last));
  }
  return table[k] as bigint;
}

/** x^(n · 2^k) mod p, as zlib's `x2nmodp` (n bytes: k = 3). */
function xPowerModP(crc: CombinableCrc, n: number, k: number): bigint {
  let power = 1n << BigInt(crc.width - 1); // x^0
  let remaining = BigInt(n);
  let bit = k;
  while (remaining > 0n) {
    if ((remaining & 1n) !== 0n) power = multiplyModP(crc, powerOfTwoPower(crc, bit), power);
    remaining >>= 1n;
    bit += 1;
  }
  return power;
}

/**
 * The CRC of `A ‖ B` from `crc(A)`, `crc(B)` and `|B|` in bytes.
 *
 * @param crc - the CRC's parameters (`CRC32_PARAMETERS`, ...).
 * @param first - crc(A), as an unsigned integer.
 * @param second - crc(B).
 * @param secondLength - |B| in bytes (a safe integer ≥ 0).
 * @throws RangeError for a negative or unsafe length.
 * @example
 * ```ts
 * // CRC-32 of "123456789" is 0xCBF43926.
 * combineCrc(CRC32_PARAMETERS, crc32('12345'), crc32('6789'), 4); // 0xcbf43926n
 * ```
 */
export function combineCrc(crc: CombinableCrc, first: bigint, second: bigint, secondLength: number): bigint {
  if (!Number.isSafeInteger(secondLength) || secondLength < 0) throw new RangeError(`secondLength must be a safe integer >= 0, not ${secondLength}`);
  return multiplyModP(crc, xPowerModP(crc, secondLength, 3), first) ^ second;
}

/**
 * The CRC of the concatenation of parts, from each part's CRC and byte length, in order.
 * An empty list is the CRC of no bytes (0 for these CRCs).
 * @example combineCrcs(CRC64NVME_PARAMETERS, [{ crc: a, length: 5 }, { crc: b, length: 4 }])
 */
export function combineCrcs(crc: CombinableCrc, parts: readonly { readonly crc: bigint; readonly length: number }[]): bigint {
  // Parts mostly share one size: x^(8·length) is computed once per distinct length.
  const shifts = new Map<number, bigint>();
  let combined = 0n;
  for (const part of parts) {
    if (!Number.isSafeInteger(part.length) || part.length < 0) throw new RangeError(`part length must be a safe integer >= 0, not ${part.length}`);
    let shift = shifts.get(part.length);
    if (shift === undefined) {
      shift = xPowerModP(crc, part.length, 3);
      shifts.set(part.length, shift);
    }
    combined = multiplyModP(crc, shift, combined) ^ part.crc;
  }
  return combined;
}

/**
 * Big-endian bytes (as S3 sends a checksum) to an unsigned integer.
 * @example crcFromBytes(Uint8Array.of(0xcb, 0xf4, 0x39, 0x26)) // 0xcbf43926n
 */
export function crcFromBytes(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * An unsigned integer to `width / 8` big-endian bytes.
 * @example crcToBytes(0xcbf43926n, 32) // Uint8Array [0xcb, 0xf4, 0x39, 0x26]
 */
export function crcToBytes(value: bigint, width: number): Uint8Array {
  const bytes = new Uint8Array(width / 8);
  let rest = value;
  for (let index = bytes.length - 1; index >= 0; index -= 1) {
    bytes[index] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return bytes;
}
