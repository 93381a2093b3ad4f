/**
 * @module
 * `DataKey`: a write-once holder for plaintext key material. Its bytes are set once, at
 * construction, in a buffer of its own (never a view into someone else's memory), can be read until
 * `wipe()` overwrites them with zeros, and never appear in logs: `toString`, `toJSON` and Node's
 * `util.inspect` all print a redacted placeholder.
 */

import type { Backend } from './backend/types.ts';
import { assertBytes, assertInteger, copyBytes } from './bytes.ts';

const REDACTED = 'DataKey(<redacted>)';
/** Node's `util.inspect` hook (a registered symbol, so this module needs no Node import). */
const INSPECT: unique symbol = Symbol.for('nodejs.util.inspect.custom');

/**
 * Plaintext key material with an explicit end of life.
 *
 * @example
 * ```ts
 * import { DataKey } from '@strongbox/envelope';
 * const key = DataKey.generate(32);
 * try {
 *   useKey(key.bytes);
 * } finally {
 *   key.wipe();
 * }
 * ```
 */
export class DataKey {
  #bytes: Uint8Array;
  #wiped = false;

  private constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
  }

  /**
   * Generates a key from a CSPRNG.
   *
   * @param length - key length in bytes (1..1024, KMS's range for data keys).
   * @param backend - the randomness source; defaults to `globalThis.crypto.getRandomValues`.
   * @throws TypeError / RangeError for a bad length.
   */
  static generate(length: number, backend?: Pick<Backend, 'randomBytes'>): DataKey {
    assertInteger(length, 1, 1024, 'length');
    const bytes = backend ? backend.randomBytes(length) : globalThis.crypto.getRandomValues(new Uint8Array(length));
    return new DataKey(bytes);
  }

  /**
   * Copies `bytes` into a new holder; the caller still owns (and should wipe) its own buffer.
   *
   * @throws TypeError unless `bytes` is a `Uint8Array`.
   */
  static copyOf(bytes: Uint8Array): DataKey {
    assertBytes(bytes, 'bytes');
    return new DataKey(copyBytes(bytes));
  }

  /**
   * Takes ownership of `bytes` without copying; the holder wipes exactly that buffer. Use it only
   * for buffers nobody else references (a keyring's freshly unwrapped key, say). `bytes` must span
   * its whole `ArrayBuffer`: a view into a larger buffer (a Node.js pooled `Buffer`, a slice of a
   * message) shares memory with someone else, so use `copyOf` for those.
   *
   * @throws TypeError unless `bytes` is a `Uint8Array`.
   * @throws RangeError if `bytes` is a view into part of a larger `ArrayBuffer`.
   */
  static adopt(bytes: Uint8Array): DataKey {
    assertBytes(bytes, 'bytes');
    // Precondition: the buffer is the key's alone, so wipe() can never zero a neighbour's bytes.
    if (bytes.byteOffset !== 0 || bytes.byteLength !== bytes.buffer.byteLength) {
      throw new RangeError(
        `"bytes" expected a Uint8Array spanning its whole ArrayBuffer, got byteOffset=${bytes.byteOffset}, byteLength=${bytes.byteLength} of ${bytes.buffer.byteLength}`,
      );
    }
    return new DataKey(bytes);
  }

  /**
   * The key bytes, borrowed: valid until `wipe()`; do not keep or modify them.
   *
   * @throws Error if the key was wiped.
   */
  get bytes(): Uint8Array {
    if (this.#wiped) throw new Error('DataKey: the key has been wiped');
    return this.#bytes;
  }

  /** Key length in bytes. */
  get length(): number {
    return this.#bytes.length;
  }

  /** Whether `wipe()` has run. */
  get wiped(): boolean {
    return this.#wiped;
  }

  /** Overwrites the key with zeros; further reads of `bytes` throw. Idempotent. */
  wipe(): void {
    this.#bytes.fill(0);
    this.#wiped = true;
  }

  /** Redacted: key material never reaches logs through string conversion. */
  toString(): string {
    return REDACTED;
  }

  /** Redacted: key material never reaches logs through JSON. */
  toJSON(): string {
    return REDACTED;
  }
}

// Redacted for Node's `util.inspect` and `console.log` too. Defined outside the class body because
// isolatedDeclarations cannot emit a computed method name.
Object.defineProperty(DataKey.prototype, INSPECT, { value: (): string => REDACTED });
