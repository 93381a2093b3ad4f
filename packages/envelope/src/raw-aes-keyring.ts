/**
 * @module
 * A keyring holding a raw 256-bit AES wrapping key. Wrapped key format (60 bytes for a 32-byte
 * data key):
 *
 * ```
 * 12 B random nonce ‖ AES-256-GCM(wrapping key, nonce, data key, AAD) ‖ 16 B tag
 * AAD = "strongbox/raw-aes-keyring/v1" ‖ u16 keyring id length ‖ keyring id ‖ canonical context
 * ```
 *
 * Binding the keyring id and the canonical encryption context as AAD means a wrapped key unwraps
 * only under the same keyring name and exactly the same context. Random 96-bit nonces are safe for
 * up to 2^32 wraps per wrapping key (NIST SP 800-38D §8.3); rotate the wrapping key before that.
 */

import defaultBackend from '#default-backend';
import type { Backend } from './backend/types.ts';
import { assertBytes, assertBytesOfLength, assertObject, copyBytes, utf8, wipe, writeU16 } from './bytes.ts';
import { type EncryptionContext, sharedCanonicalBytes } from './context.ts';
import type { Keyring, WrappedDataKey } from './keyring.ts';

const WRAPPING_KEY_LENGTH = 32;
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const AAD_LABEL: Uint8Array = utf8('strongbox/raw-aes-keyring/v1');
const MAX_NAME_BYTES = 1000;

/** Options of {@link RawAesKeyring}. */
export interface RawAesKeyringOptions {
  /** Names the wrapping key; becomes the keyring id `raw-aes:<name>` written into headers. */
  readonly name: string;
  /** The 32-byte AES-256 wrapping key; copied, so the caller may wipe its own buffer. */
  readonly key: Uint8Array;
  /** Crypto backend; defaults to the platform's (node:crypto under Node.js, noble elsewhere). */
  readonly backend?: Backend;
}

/**
 * Wraps data keys with AES-256-GCM under a raw key held in memory.
 *
 * @example
 * ```ts
 * import { RawAesKeyring, seal } from '@strongbox/envelope';
 * const keyring = new RawAesKeyring({ name: 'app-secrets', key: wrappingKey });
 * const sealed = await seal(plaintext, { keyring, context: { tenant: 'acme' } });
 * ```
 */
export class RawAesKeyring implements Keyring {
  /** The keyring id stored next to each wrapped key: `raw-aes:<name>`. */
  readonly id: string;
  readonly #key: Uint8Array;
  readonly #backend: Backend;
  readonly #idPrefix: Uint8Array;
  #destroyed = false;
  /** The last context encoding seen and its AAD (read-only to every user; never handed out). */
  #lastContextBytes: Uint8Array | undefined;
  #lastAad: Uint8Array | undefined;

  /**
   * @throws TypeError if `name` is not a non-empty well-formed string or `key` not a Uint8Array.
   * @throws RangeError if `key` is not 32 bytes or `name` is longer than 1000 UTF-8 bytes.
   */
  constructor(options: RawAesKeyringOptions) {
    assertObject(options, 'options');
    const { name, key, backend } = options;
    if (typeof name !== 'string' || name.length === 0 || !name.isWellFormed()) {
      throw new TypeError('"name" expected a non-empty, well-formed string');
    }
    if (utf8(name).length > MAX_NAME_BYTES) throw new RangeError(`"name" expected at most ${MAX_NAME_BYTES} UTF-8 bytes`);
    assertBytesOfLength(key, WRAPPING_KEY_LENGTH, 'key');
    this.id = `raw-aes:${name}`;
    this.#key = copyBytes(key);
    this.#backend = backend ?? defaultBackend;
    const id = utf8(this.id);
    this.#idPrefix = new Uint8Array(AAD_LABEL.length + 2 + id.length);
    this.#idPrefix.set(AAD_LABEL);
    writeU16(this.#idPrefix, AAD_LABEL.length, id.length);
    this.#idPrefix.set(id, AAD_LABEL.length + 2);
  }

  /**
   * Wraps `dataKey` under the wrapping key, bound to this keyring's id and `context`.
   * @throws Error after `destroy()`.
   * @throws TypeError if `dataKey` is not a Uint8Array or `context` not an object of well-formed
   *   strings.
   * @throws RangeError if the context's canonical encoding exceeds MAX_CONTEXT_BYTES (or a key or
   *   value exceeds 65,535 UTF-8 bytes).
   */
  async wrapDataKey(dataKey: Uint8Array, context: EncryptionContext): Promise<WrappedDataKey> {
    this.#assertUsable();
    assertBytes(dataKey, 'dataKey');
    const nonce = this.#backend.randomBytes(NONCE_LENGTH);
    // nonce ‖ ciphertext ‖ tag, the cipher writing straight after the nonce.
    const ciphertext = new Uint8Array(NONCE_LENGTH + dataKey.length + TAG_LENGTH);
    ciphertext.set(nonce);
    this.#backend.aesGcmEncrypt(this.#key, nonce, dataKey, this.#aad(context), ciphertext.subarray(NONCE_LENGTH));
    return { keyringId: this.id, ciphertext };
  }

  /**
   * Unwraps a key this keyring wrapped under the same context; `undefined` otherwise.
   * @throws Error after `destroy()`.
   * @throws TypeError / RangeError for a context that is invalid or oversized, as `wrapDataKey`.
   */
  async unwrapDataKey(wrapped: WrappedDataKey, context: EncryptionContext): Promise<Uint8Array | undefined> {
    this.#assertUsable();
    if (wrapped.keyringId !== this.id || wrapped.ciphertext.length < NONCE_LENGTH + TAG_LENGTH) return undefined;
    const nonce = wrapped.ciphertext.subarray(0, NONCE_LENGTH);
    return this.#backend.aesGcmDecrypt(this.#key, nonce, wrapped.ciphertext.subarray(NONCE_LENGTH), this.#aad(context));
  }

  /** Wipes the wrapping key; the keyring cannot be used afterwards. */
  destroy(): void {
    wipe(this.#key);
    this.#destroyed = true;
  }

  /** Redacted: the wrapping key never reaches logs. */
  toJSON(): { id: string } {
    return { id: this.id };
  }

  #assertUsable(): void {
    // A wiped key is all zeros; wrapping under it would silently produce worthless ciphertext.
    if (this.#destroyed) throw new Error(`RawAesKeyring ${this.id}: the keyring has been destroyed`);
  }

  #aad(context: EncryptionContext): Uint8Array {
    // A normalized context's canonical bytes are cached (the same object each time), so many
    // messages sealed under one context build their AAD once.
    const contextBytes = sharedCanonicalBytes(context);
    if (contextBytes === this.#lastContextBytes && this.#lastAad !== undefined) return this.#lastAad;
    const aad = new Uint8Array(this.#idPrefix.length + contextBytes.length);
    aad.set(this.#idPrefix);
    aad.set(contextBytes, this.#idPrefix.length);
    this.#lastContextBytes = contextBytes;
    this.#lastAad = aad;
    return aad;
  }
}
