/**
 * @module
 * GenerateMac and VerifyMac: "the standard, raw HMAC defined in RFC 2104" (GenerateMac doc) with
 * SHA-224/256/384/512. Verification compares in constant time.
 *
 * HMAC is computed as RFC 2104 §2 defines it, H((K0 ⊕ opad) ‖ H((K0 ⊕ ipad) ‖ message)), on
 * node:crypto's one-shot `hash`: a key's two padded blocks (K0 ⊕ ipad, K0 ⊕ opad) are derived once
 * and kept beside the key, so a call pays two one-shot digests and none of the HMAC context and
 * Buffer set-up `createHmac` pays on every call. Equality with `createHmac` for every hash, key
 * length and message length is a tested property.
 *
 * The pad blocks are key material. They live only in a `WeakMap` keyed by the key's own array (a
 * key record's `macKey`, never changed in place: records are replaced, not edited), in private
 * fields (nothing for `JSON.stringify` or `util.inspect` to show): new material is a new array and
 * gets its own blocks, and the blocks of material nothing refers to any more go with it.
 * `forgetMacKey` drops them at once, wiped.
 */

import { hash, timingSafeEqual } from 'node:crypto';
import type { MacAlgorithm } from './spec-table.ts';

/** One hash function as HMAC uses it: its node:crypto name, block length B and output length L (RFC 2104 §2). */
interface HashFunction {
  readonly name: string;
  readonly blockLength: number;
  readonly outputLength: number;
}

// FIPS 180-4 §1 (Figure 1): SHA-224/256 process 512-bit blocks, SHA-384/512 1024-bit blocks.
// A dictionary without a prototype: an algorithm name is looked up here as given.
const HASHES: Readonly<Record<MacAlgorithm, HashFunction | undefined>> = Object.freeze({
  __proto__: null,
  HMAC_SHA_224: Object.freeze({ name: 'sha224', blockLength: 64, outputLength: 28 }),
  HMAC_SHA_256: Object.freeze({ name: 'sha256', blockLength: 64, outputLength: 32 }),
  HMAC_SHA_384: Object.freeze({ name: 'sha384', blockLength: 128, outputLength: 48 }),
  HMAC_SHA_512: Object.freeze({ name: 'sha512', blockLength: 128, outputLength: 64 }),
});

/** RFC 2104 §2: ipad is the byte 0x36 and opad the byte 0x5C, each repeated B times. */
const IPAD = 0x36;
const OPAD = 0x5c;
/** GenerateMac's largest message (4096 bytes) after the largest block: the shared inner buffer's length. */
const INNER_INPUT_LENGTH = 128 + 4096;

/**
 * The inner hash's input, (K0 ⊕ ipad) ‖ message, written in place for each call and zeroed after
 * it (shared: calls are synchronous and never nest). A longer message gets an array of its own.
 */
const innerInput = new Uint8Array(INNER_INPUT_LENGTH);
/** The view of `innerInput` the previous call hashed: calls with a message of the same length reuse it. */
let innerView = innerInput.subarray(0, 0);

/** A key's padded blocks for one hash function (secret: key material). */
class PadBlocks {
  readonly hashFunction: HashFunction;
  /** K0 ⊕ ipad (B bytes). */
  readonly #inner: Uint8Array;
  /** (K0 ⊕ opad) ‖ room for the inner digest: the outer hash's whole input, written in place. */
  readonly #outer: Uint8Array;

  constructor(hashFunction: HashFunction, key: Uint8Array) {
    const { name, blockLength, outputLength } = hashFunction;
    this.hashFunction = hashFunction;
    // RFC 2104 §2: a key longer than B is hashed first; K0 is the key padded with zeros to B bytes.
    const k0 = key.length > blockLength ? hash(name, key, 'buffer') : key;
    this.#inner = new Uint8Array(blockLength).fill(IPAD);
    this.#outer = new Uint8Array(blockLength + outputLength).fill(OPAD, 0, blockLength);
    for (let i = 0; i < k0.length; i++) {
      this.#inner[i] = (this.#inner[i] as number) ^ (k0[i] as number);
      this.#outer[i] = (this.#outer[i] as number) ^ (k0[i] as number);
    }
    if (k0 !== key) k0.fill(0);
  }

  /** HMAC of `message` (RFC 2104 §2), as a new array. */
  mac(message: Uint8Array): Uint8Array {
    const { name, blockLength, outputLength } = this.hashFunction;
    const length = blockLength + message.length;
    const shared = length <= INNER_INPUT_LENGTH;
    const input = shared ? innerInput : new Uint8Array(length);
    input.set(this.#inner);
    input.set(message, blockLength);
    if (shared && innerView.length !== length) innerView = innerInput.subarray(0, length);
    // Digests come out as 'binary' (latin1) text, one character per byte, exact for all 256 values:
    // node:crypto makes a short string for much less than a Buffer, which needs a backing store of
    // its own, and copying 28 to 64 characters out costs little.
    const inner = hash(name, shared ? innerView : input, 'binary');
    // The key's block must not outlive the key here, nor the message the call.
    input.fill(0, 0, length);
    const outer = this.#outer;
    for (let i = 0; i < outputLength; i++) outer[blockLength + i] = inner.charCodeAt(i);
    const digest = hash(name, outer, 'binary');
    // A new array of its own (not a view into Buffer's shared pool, which other data shares).
    const mac = new Uint8Array(outputLength);
    for (let i = 0; i < outputLength; i++) mac[i] = digest.charCodeAt(i);
    return mac;
  }

  /** Overwrites the blocks with zeros. */
  wipe(): void {
    this.#inner.fill(0);
    this.#outer.fill(0);
  }
}

/** Each key array's pad blocks, for the hash function last used with it (a key has one key spec, so one). */
const PAD_BLOCKS = new WeakMap<Uint8Array, PadBlocks>();

function padBlocksOf(algorithm: MacAlgorithm, key: Uint8Array): PadBlocks {
  const hashFunction = HASHES[algorithm];
  let blocks = PAD_BLOCKS.get(key);
  if (blocks === undefined || blocks.hashFunction !== hashFunction) {
    if (hashFunction === undefined) throw new TypeError(`"algorithm" expected an HMAC algorithm, got ${String(algorithm)}`);
    blocks?.wipe();
    blocks = new PadBlocks(hashFunction, key);
    PAD_BLOCKS.set(key, blocks);
  }
  return blocks;
}

/**
 * The HMAC of `message` under `key` (RFC 2104 with the algorithm's SHA-2 hash). `key` must not be
 * changed in place afterwards (its derived pad blocks are kept with it); call `forgetMacKey` first
 * if it ever must be.
 *
 * @throws TypeError for an unknown algorithm.
 * @example
 * ```ts
 * generateMac('HMAC_SHA_256', key, new TextEncoder().encode('hello')); // 32 bytes
 * ```
 */
export function generateMac(algorithm: MacAlgorithm, key: Uint8Array, message: Uint8Array): Uint8Array {
  return padBlocksOf(algorithm, key).mac(message);
}

/**
 * Whether `mac` is the HMAC of `message` under `key` (constant time in the MAC's bytes).
 *
 * @throws TypeError for an unknown algorithm.
 * @example
 * ```ts
 * verifyMac('HMAC_SHA_256', key, message, generateMac('HMAC_SHA_256', key, message)); // true
 * ```
 */
export function verifyMac(algorithm: MacAlgorithm, key: Uint8Array, message: Uint8Array, mac: Uint8Array): boolean {
  const expected = generateMac(algorithm, key, message);
  return mac.length === expected.length && timingSafeEqual(expected, mac);
}

/**
 * Drops (and wipes) the pad blocks derived from `key`, for material about to be wiped or changed
 * in place; its next use derives them afresh.
 *
 * @example
 * ```ts
 * forgetMacKey(key);
 * key.fill(0);
 * ```
 */
export function forgetMacKey(key: Uint8Array): void {
  PAD_BLOCKS.get(key)?.wipe();
  PAD_BLOCKS.delete(key);
}

/**
 * Test hooks: whether pad blocks are kept for `key`, and the (opaque) object holding them, for a
 * test to watch its lifetime.
 */
export const __TESTS: { readonly hasPadBlocks: (key: Uint8Array) => boolean; readonly padBlocksOf: (key: Uint8Array) => object | undefined } = Object.freeze({
  hasPadBlocks: (key: Uint8Array): boolean => PAD_BLOCKS.has(key),
  padBlocksOf: (key: Uint8Array): object | undefined => PAD_BLOCKS.get(key),
});
