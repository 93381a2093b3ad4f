/**
 * @module
 * Encryption context: a string-to-string map that is authenticated (never encrypted) wherever
 * Strongbox seals data, exactly as AWS KMS treats it. This module owns its one canonical encoding,
 * the bytes used as AAD everywhere (sealed-message headers, keyring wraps, KMS ciphertext blobs):
 *
 * ```
 * u16 pairCount
 * pairCount × ( u16 keyLength ‖ key (UTF-8) ‖ u16 valueLength ‖ value (UTF-8) )   sorted by key bytes
 * ```
 *
 * All integers are big-endian. Every field is length-prefixed, so the encoding is injective:
 * `{"ab":"c"}` and `{"a":"bc"}` encode differently (moto, LocalStack and local-kms concatenate
 * key ‖ value without lengths and let those two contexts decrypt each other's ciphertexts).
 * Keys are sorted by their UTF-8 bytes, so the order in which pairs were given never matters.
 * Strings must be well-formed Unicode: a lone surrogate would be encoded as U+FFFD and collide with
 * a real U+FFFD, breaking injectivity, so it is rejected.
 */

import { assertBytes, assertObject, byteAt, equalBytes, fromUtf8, readU16, utf8, writeU16 } from './bytes.ts';

/** A string-to-string map bound to ciphertexts as authenticated data. */
export type EncryptionContext = Readonly<Record<string, string>>;

/** Hard maximum of one key or value, in UTF-8 bytes (a u16 length field). */
export const MAX_CONTEXT_STRING_BYTES = 0xffff;

/** Hard maximum of the whole canonical encoding, in bytes (the header stores it behind a u16). */
export const MAX_CONTEXT_BYTES = 0xffff;

/** The canonical encoding of the empty context: a zero pair count. */
const EMPTY_ENCODING: Uint8Array = new Uint8Array(2);

/**
 * Canonical bytes of the frozen contexts `normalizeEncryptionContext` and `decodeEncryptionContext`
 * returned. A seal or an open uses its context several times (header, expected-context check,
 * keyring AAD); the frozen object cannot change, so its bytes are computed once. Keyed weakly: the
 * cache never keeps a context alive.
 */
const CANONICAL = new WeakMap<object, Uint8Array>();

/**
 * Encodes an encryption context canonically (see the module documentation).
 *
 * @param context - the context; plain object of string values. `undefined` means empty.
 * @returns a new `Uint8Array` holding the canonical bytes.
 * @throws TypeError if `context` is not an object of well-formed Unicode strings.
 * @throws RangeError if a key, a value or the whole encoding exceeds its hard maximum.
 * @example
 * ```ts
 * import { encodeEncryptionContext } from '@strongbox/envelope';
 * encodeEncryptionContext({ purpose: 'backup' }); // Uint8Array [0,1, 0,7, ...'purpose', 0,6, ...'backup']
 * ```
 */
export function encodeEncryptionContext(context: EncryptionContext | undefined): Uint8Array {
  if (typeof context === 'object' && context !== null) {
    const cached = CANONICAL.get(context);
    // A copy: callers own what they get and may modify it.
    if (cached !== undefined) return cached.slice();
  }
  return canonicalize(context);
}

/**
 * The canonical bytes of `context` for the package's own read-only use: for a normalized context
 * the cached bytes themselves (no copy), so callers may compare them by identity to reuse what
 * they built from them. Never hand the result to users; `encodeEncryptionContext` copies.
 *
 * @throws TypeError / RangeError as `encodeEncryptionContext`.
 */
export function sharedCanonicalBytes(context: EncryptionContext | undefined): Uint8Array {
  if (typeof context === 'object' && context !== null) {
    const cached = CANONICAL.get(context);
    if (cached !== undefined) return cached;
  }
  return canonicalize(context);
}

/** The canonical bytes of a context, validating it once. */
function canonicalize(context: EncryptionContext | undefined): Uint8Array {
  return encodePairs(contextPairs(context));
}

/** The canonical bytes of validated pairs in canonical order (`contextPairs`). */
function encodePairs(pairs: readonly ContextPair[]): Uint8Array {
  if (pairs.length === 0) return EMPTY_ENCODING.slice();
  let length = 2;
  for (const [, key, value] of pairs) length += 4 + key.length + value.length;
  if (length > MAX_CONTEXT_BYTES) {
    throw new RangeError(`"context" expected at most ${MAX_CONTEXT_BYTES} encoded bytes, got ${length}`);
  }
  const out = new Uint8Array(length);
  writeU16(out, 0, pairs.length);
  let offset = 2;
  for (const [, key, value] of pairs) {
    writeU16(out, offset, key.length);
    out.set(key, offset + 2);
    offset += 2 + key.length;
    writeU16(out, offset, value.length);
    out.set(value, offset + 2);
    offset += 2 + value.length;
  }
  return out;
}

/**
 * Decodes a canonical encoding back into a context. Only canonical bytes are accepted: keys must be
 * strictly increasing (so sorted and unique), UTF-8 must be valid, and nothing may trail.
 *
 * @returns the context, frozen and already normalized (`normalizeEncryptionContext` returns it as
 *   is), or `undefined` if `bytes` is not a canonical encoding.
 * @throws TypeError unless `bytes` is a Uint8Array.
 * @example
 * ```ts
 * import { decodeEncryptionContext, encodeEncryptionContext } from '@strongbox/envelope';
 * decodeEncryptionContext(encodeEncryptionContext({ a: 'b' })); // { a: 'b' }
 * ```
 */
export function decodeEncryptionContext(bytes: Uint8Array): EncryptionContext | undefined {
  assertBytes(bytes, 'bytes');
  if (bytes.length < 2) return undefined;
  const count = readU16(bytes, 0);
  const context: Record<string, string> = Object.create(null);
  let offset = 2;
  let previousKey: Uint8Array | undefined;
  for (let i = 0; i < count; i++) {
    const key = readField(bytes, offset);
    if (key === undefined) return undefined;
    offset += 2 + key.length;
    const value = readField(bytes, offset);
    if (value === undefined) return undefined;
    offset += 2 + value.length;
    if (previousKey !== undefined && compareBytes(previousKey, key) >= 0) return undefined;
    previousKey = key;
    const keyText = fromUtf8(key);
    const valueText = fromUtf8(value);
    if (keyText === undefined || valueText === undefined) return undefined;
    context[keyText] = valueText;
  }
  if (offset !== bytes.length) return undefined;
  const decoded = Object.freeze({ ...context });
  // The bytes were just proven canonical for exactly these pairs: cache a private copy (the caller
  // may reuse `bytes`), so opening a message never re-encodes its header's context. An encoding
  // over the maximum (only reachable through this public decoder, never from a header) is left
  // uncached, so encoding or normalizing it still throws RangeError.
  if (bytes.length <= MAX_CONTEXT_BYTES) CANONICAL.set(decoded, bytes.slice());
  return decoded;
}

/**
 * Decodes a header's context bytes like `decodeEncryptionContext`, returning `known` itself when
 * `known` is a normalized context (from `normalizeEncryptionContext` or this decoder) and the bytes
 * are exactly its canonical encoding. The encoding is injective, so those bytes decode to exactly
 * its pairs: an opener that knows the context it expects (the usual case) skips decoding and
 * validating the same pairs again. Any other bytes are decoded and checked in full.
 *
 * @returns as `decodeEncryptionContext`.
 * @throws TypeError unless `bytes` is a Uint8Array.
 * @example
 * ```ts
 * const expected = normalizeEncryptionContext({ a: 'b' });
 * decodeKnownEncryptionContext(encodeEncryptionContext({ a: 'b' }), expected) === expected; // true
 * ```
 */
export function decodeKnownEncryptionContext(bytes: Uint8Array, known: EncryptionContext | undefined): EncryptionContext | undefined {
  if (typeof known === 'object' && known !== null) {
    const cached = CANONICAL.get(known);
    if (cached !== undefined && bytes instanceof Uint8Array && equalBytes(cached, bytes)) return known;
  }
  return decodeEncryptionContext(bytes);
}

/**
 * Whether two contexts hold exactly the same pairs (case-sensitive; order free), as KMS requires
 * for Decrypt and for a grant's `EncryptionContextEquals` constraint.
 *
 * @throws TypeError if either argument is not a valid encryption context.
 * @example
 * ```ts
 * import { contextEquals } from '@strongbox/envelope';
 * contextEquals({ a: '1', b: '2' }, { b: '2', a: '1' }); // true
 * ```
 */
export function contextEquals(a: EncryptionContext | undefined, b: EncryptionContext | undefined): boolean {
  // One normalized object (a header's context reused from the expected one): no bytes to compare.
  if (a === b && typeof a === 'object' && a !== null && CANONICAL.has(a)) return true;
  // The encoding is injective, so equal bytes mean equal pairs; cached bytes are compared uncopied.
  return equalBytes(sharedCanonicalBytes(a), sharedCanonicalBytes(b));
}

/**
 * Validates a context and returns a frozen copy with only its own enumerable string pairs.
 *
 * @throws TypeError if `context` is not an object of well-formed Unicode strings.
 * @throws RangeError if its canonical encoding exceeds the hard maximum.
 * @example
 * ```ts
 * import { normalizeEncryptionContext } from '@strongbox/envelope';
 * normalizeEncryptionContext({ b: '2', a: '1' }); // frozen { a: '1', b: '2' }
 * ```
 */
export function normalizeEncryptionContext(context: EncryptionContext | undefined): EncryptionContext {
  if (typeof context === 'object' && context !== null && CANONICAL.has(context)) return context;
  const pairs = contextPairs(context);
  const bytes = encodePairs(pairs);
  // Built on a null-prototype object so a `__proto__` key stays an ordinary pair, then spread
  // (which defines own data properties) into a plain frozen object in canonical order. Built from
  // the strings contextPairs read (each read once), so a getter cannot make copy and bytes differ.
  const copy: Record<string, string> = Object.create(null);
  for (const [key, , , value] of pairs) copy[key] = value;
  const normalized = Object.freeze({ ...copy });
  CANONICAL.set(normalized, bytes);
  return normalized;
}

/** Validates `context` and returns its pairs (name, key bytes, value bytes), sorted by key bytes. */
/** One pair of a context: its name, the name's and the value's UTF-8 bytes, and the value. */
type ContextPair = [name: string, key: Uint8Array, value: Uint8Array, text: string];

function contextPairs(context: EncryptionContext | undefined): ContextPair[] {
  if (context === undefined) return [];
  assertObject(context, 'context');
  const pairs: ContextPair[] = [];
  for (const key of Object.keys(context)) {
    const value: unknown = context[key];
    if (typeof value !== 'string') {
      throw new TypeError(`"context" expected string values, got ${typeof value} for key ${JSON.stringify(key)}`);
    }
    if (!key.isWellFormed() || !value.isWellFormed()) {
      throw new TypeError('"context" expected well-formed Unicode strings (no lone surrogates)');
    }
    const keyBytes = utf8(key);
    const valueBytes = utf8(value);
    if (keyBytes.length > MAX_CONTEXT_STRING_BYTES || valueBytes.length > MAX_CONTEXT_STRING_BYTES) {
      throw new RangeError(`"context" keys and values must be at most ${MAX_CONTEXT_STRING_BYTES} UTF-8 bytes`);
    }
    pairs.push([key, keyBytes, valueBytes, value]);
  }
  pairs.sort((x, y) => compareBytes(x[1], y[1]));
  return pairs;
}

/** Reads a u16-length-prefixed field at `offset`, or `undefined` if it runs past the end. */
function readField(bytes: Uint8Array, offset: number): Uint8Array | undefined {
  if (offset + 2 > bytes.length) return undefined;
  const length = readU16(bytes, offset);
  if (offset + 2 + length > bytes.length) return undefined;
  return bytes.subarray(offset + 2, offset + 2 + length);
}

/** Lexicographic byte comparison (negative, zero or positive, like `Array.prototype.sort`). */
function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = byteAt(a, i);
    const y = byteAt(b, i);
    if (x !== y) return x - y;
  }
  return a.length - b.length;
}
