/**
 * @module
 * UUID text ↔ bytes, on hot paths (every ciphertext blob names its key by the UUID's 16 bytes, and
 * every call gets a request id and an event id): a byte-to-hex table instead of `toString(16)`,
 * and a small cache of parsed key ids, since a workload uses few keys many times.
 */

const HEX: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const PARSED = new Map<string, Uint8Array>();
const PARSED_LIMIT = 4096;

/** Two hex digits of the byte at `index` (a byte past the end reads as `00`). */
function hexAt(bytes: Uint8Array, index: number): string {
  return HEX[bytes[index] ?? 0] ?? '00';
}

/**
 * The lowercase 8-4-4-4-12 text of 16 bytes at `offset`.
 * @example formatUuid(new Uint8Array(16)) // '00000000-0000-0000-0000-000000000000'
 */
export function formatUuid(bytes: Uint8Array, offset = 0): string {
  const b = bytes;
  const o = offset;
  return (
    hexAt(b, o) +
    hexAt(b, o + 1) +
    hexAt(b, o + 2) +
    hexAt(b, o + 3) +
    '-' +
    hexAt(b, o + 4) +
    hexAt(b, o + 5) +
    '-' +
    hexAt(b, o + 6) +
    hexAt(b, o + 7) +
    '-' +
    hexAt(b, o + 8) +
    hexAt(b, o + 9) +
    '-' +
    hexAt(b, o + 10) +
    hexAt(b, o + 11) +
    hexAt(b, o + 12) +
    hexAt(b, o + 13) +
    hexAt(b, o + 14) +
    hexAt(b, o + 15)
  );
}

/**
 * Sets the version (4) and variant bits of RFC 9562 §5.4 on the 16 bytes at `offset`.
 * @throws RangeError if `bytes` has fewer than 16 bytes from `offset`.
 */
export function markRandomUuid(bytes: Uint8Array, offset = 0): void {
  const version = bytes[offset + 6];
  const variant = bytes[offset + 8];
  if (version === undefined || variant === undefined || offset + 16 > bytes.length) throw new RangeError('a UUID needs 16 bytes');
  bytes[offset + 6] = (version & 0x0f) | 0x40;
  bytes[offset + 8] = (variant & 0x3f) | 0x80;
}

/**
 * A random (version 4, RFC 9562 §5.4) UUID from 16 random bytes at `offset`; the bytes are modified.
 * @throws RangeError if `bytes` has fewer than 16 bytes from `offset`.
 */
export function randomUuid(bytes: Uint8Array, offset = 0): string {
  markRandomUuid(bytes, offset);
  return formatUuid(bytes, offset);
}

/**
 * The 16 bytes of a lowercase UUID. Returns a shared, cached array: callers must not modify it.
 * @throws RangeError if `text` is not a lowercase UUID.
 */
export function parseUuid(text: string): Uint8Array {
  const cached = PARSED.get(text);
  if (cached !== undefined) return cached;
  if (!UUID.test(text)) throw new RangeError(`expected a lowercase UUID, got ${JSON.stringify(text)}`);
  const digits = text.replaceAll('-', '');
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = Number.parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  if (PARSED.size >= PARSED_LIMIT) PARSED.clear();
  PARSED.set(text, out);
  return out;
}

/** Lowercase hex of `bytes`. */
export function hex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += hexAt(bytes, i);
  return out;
}
