/**
 * @module
 * Byte helpers shared by the envelope core: argument assertions (with noble's message shape,
 * `"name" expected ..., got ...`), big-endian integer codecs, concatenation, constant-time
 * comparison and wiping. Internal: not exported from the package.
 */

/** Throws `TypeError` unless `value` is a `Uint8Array` (a Node `Buffer` qualifies). */
export function assertBytes(value: unknown, title: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new TypeError(`"${title}" expected Uint8Array, got ${describe(value)}`);
  }
}

/** Throws `TypeError`/`RangeError` unless `value` is a `Uint8Array` of exactly `length` bytes. */
export function assertBytesOfLength(value: unknown, length: number, title: string): asserts value is Uint8Array {
  assertBytes(value, title);
  if (value.length !== length) {
    throw new RangeError(`"${title}" expected Uint8Array of length ${length}, got length=${value.length}`);
  }
}

/** Throws `TypeError`/`RangeError` unless `value` is a safe integer in `[min, max]`. */
export function assertInteger(value: unknown, min: number, max: number, title: string): asserts value is number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
    throw new TypeError(`"${title}" expected a safe integer, got ${describe(value)}`);
  }
  if (value < min || value > max) {
    throw new RangeError(`"${title}" expected an integer in [${min}, ${max}], got ${value}`);
  }
}

/** Throws `TypeError` unless `value` is a non-null object (and not an array). */
export function assertObject(value: unknown, title: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`"${title}" expected an object, got ${describe(value)}`);
  }
}

/** A short, secret-free description of a value for error messages (never prints contents). */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Uint8Array) return `Uint8Array(length=${value.length})`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === 'number') return `number ${value}`;
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/** Concatenates byte arrays into one new, unshared `Uint8Array`. */
export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += part.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Compares two byte arrays in time that depends only on their lengths, never on where they differ
 * (commitments and tags are compared with this, so a mismatch position leaks nothing).
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= byteAt(a, i) ^ byteAt(b, i);
  return diff === 0;
}

/**
 * The byte at `index`. Callers check their bounds first; this is the backstop that turns a bad
 * index into an error rather than a silent `undefined` (read as 0 by arithmetic).
 *
 * @throws RangeError if `index` is outside `bytes`.
 */
export function byteAt(bytes: Uint8Array, index: number): number {
  const byte = bytes[index];
  if (byte === undefined) throw new RangeError(`byte ${index} is outside a ${bytes.length}-byte array`);
  return byte;
}

/** Overwrites each array with zeros (`fill(0)`), for key material that is no longer needed. */
export function wipe(...arrays: readonly (Uint8Array | undefined)[]): void {
  for (const array of arrays) array?.fill(0);
}

/** A copy of `bytes` in its own `ArrayBuffer`, so wiping it never touches a caller's buffer. */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  return Uint8Array.prototype.slice.call(bytes);
}

/** Writes `value` as a big-endian unsigned 16-bit integer at `offset`. */
export function writeU16(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 8;
  out[offset + 1] = value & 0xff;
}

/** Writes `value` as a big-endian unsigned 32-bit integer at `offset`. */
export function writeU32(out: Uint8Array, offset: number, value: number): void {
  out[offset] = value >>> 24;
  out[offset + 1] = (value >>> 16) & 0xff;
  out[offset + 2] = (value >>> 8) & 0xff;
  out[offset + 3] = value & 0xff;
}

/** Reads a big-endian unsigned 16-bit integer at `offset`. */
export function readU16(bytes: Uint8Array, offset: number): number {
  return (byteAt(bytes, offset) << 8) | byteAt(bytes, offset + 1);
}

/** Reads a big-endian unsigned 32-bit integer at `offset`. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return ((byteAt(bytes, offset) << 24) | (byteAt(bytes, offset + 1) << 16) | (byteAt(bytes, offset + 2) << 8) | byteAt(bytes, offset + 3)) >>> 0;
}

const UTF8 = new TextEncoder();
const UTF8_STRICT = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Below this length a plain loop beats TextEncoder/TextDecoder's per-call overhead for ASCII. */
const SHORT_TEXT = 64;

/** UTF-8 bytes of a string (callers check `isWellFormed` first where injectivity matters). */
export function utf8(text: string): Uint8Array {
  // Context keys, values and keyring ids are mostly short ASCII: encode those without TextEncoder.
  if (text.length <= SHORT_TEXT) {
    const out = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) {
      const code = text.charCodeAt(i);
      if (code > 0x7f) return UTF8.encode(text);
      out[i] = code;
    }
    return out;
  }
  return UTF8.encode(text);
}

/** Decodes strict UTF-8; returns `undefined` for invalid sequences instead of inserting U+FFFD. */
export function fromUtf8(bytes: Uint8Array): string | undefined {
  if (bytes.length <= SHORT_TEXT) {
    let ascii = true;
    for (const byte of bytes) if (byte > 0x7f) ascii = false;
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return UTF8_STRICT.decode(bytes);
  } catch {
    return undefined;
  }
}
