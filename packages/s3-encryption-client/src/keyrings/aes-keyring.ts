/**
 * @module
 * The raw AES-256 `AES/GCM` keyring (CSE with a key the caller holds): the 32-byte data key is
 * encrypted with AES-256-GCM under the wrapping key, a fresh 12-byte IV and, as AAD, the UTF-8 of
 * the content algorithm (`AES/GCM/NoPadding` for V2, `115` for V3); stored as IV ‖ ciphertext ‖ tag,
 * 60 bytes (Java `materials/AesKeyring.java`; Ruby `encryptionV2/utils.rb`). With
 * `enableLegacyWrappingAlgorithms` it also unwraps, read only, `AESWrap` (RFC 3394, Java SDK v1
 * AuthenticatedEncryption) and `AES` (V1 EncryptionOnly: AES/ECB/PKCS5Padding of the data key), as
 * Java's `AesKeyring` does behind the same option.
 */

import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

// RFC 3394 section 2.2.3.1's default initial value.
const AES_WRAP_IV = Buffer.from('a6a6a6a6a6a6a6a6', 'hex');

import { wipe } from '../crypto/content-key.ts';
import { S3EncryptionClientError } from '../errors.ts';
import { DATA_KEY_LENGTH, GCM_IV_LENGTH, TAG_LENGTH } from '../format/constants.ts';
import { mapFromRecord } from '../format/json-map.ts';
import type { Keyring, KeyringDecryptRequest, KeyringEncryptRequest, KeyringEncryptResult, RandomBytes } from './keyring.ts';

const WRAPPED_LENGTH = GCM_IV_LENGTH + DATA_KEY_LENGTH + TAG_LENGTH;

/** Options of `AesKeyring`. */
export interface AesKeyringOptions {
  /** The 32-byte AES-256 wrapping key (copied). */
  readonly wrappingKey: Uint8Array;
  /** Stored as `x-amz-matdesc` / `x-amz-m` on new objects (default `{}`); not checked on read, as in Java. */
  readonly materialsDescription?: Readonly<Record<string, string>>;
  /** Randomness for data keys and IVs (default `node:crypto` randomBytes). */
  readonly random?: RandomBytes;
  /** Read objects whose data key is wrapped with the legacy `AESWrap` or `AES` (V1). Default false. */
  readonly enableLegacyWrappingAlgorithms?: boolean;
}

/**
 * An `AES/GCM` keyring.
 *
 * @example
 * ```ts
 * const keyring = new AesKeyring({ wrappingKey: crypto.getRandomValues(new Uint8Array(32)) });
 * ```
 */
export class AesKeyring implements Keyring {
  readonly #key: Uint8Array;
  readonly #description: ReadonlyMap<string, string>;
  readonly #random: RandomBytes;
  readonly #legacy: boolean;

  /** @throws TypeError / RangeError for a wrapping key that is not 32 bytes. */
  constructor(options: AesKeyringOptions) {
    if (!(options?.wrappingKey instanceof Uint8Array)) throw new TypeError('"wrappingKey" expected Uint8Array');
    if (options.wrappingKey.length !== 32) throw new RangeError(`"wrappingKey" expected Uint8Array of length 32, got length=${options.wrappingKey.length}`);
    this.#key = new Uint8Array(options.wrappingKey);
    this.#description = mapFromRecord(options.materialsDescription, 'materialsDescription');
    this.#random = options.random ?? ((length) => new Uint8Array(randomBytes(length)));
    this.#legacy = options.enableLegacyWrappingAlgorithms === true;
  }

  /**
   * A random data key, wrapped with AAD = the content algorithm.
   * @throws S3EncryptionClientError `InvalidConfiguration` when an encryption context is given (KMS only).
   */
  async onEncrypt(request: KeyringEncryptRequest): Promise<KeyringEncryptResult> {
    if (request.encryptionContext.size > 0)
      throw new S3EncryptionClientError('InvalidConfiguration', 'an encryption context applies to KMS keyrings only; use materialsDescription');
    const dataKey = this.#random(DATA_KEY_LENGTH);
    const iv = this.#random(GCM_IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv, { authTagLength: TAG_LENGTH });
    cipher.setAAD(Buffer.from(request.contentAlgorithm, 'utf8'));
    const wrapped = Buffer.concat([iv, cipher.update(dataKey), cipher.final(), cipher.getAuthTag()]);
    return { dataKey, encryptedDataKey: new Uint8Array(wrapped), wrapAlgorithm: 'AES/GCM', description: this.#description };
  }

  /**
   * Unwraps IV ‖ ciphertext ‖ tag with AAD = the object's content algorithm.
   * @throws S3EncryptionClientError `KeyringMismatch` for another wrap, `LegacyModeDisabled` for
   *   `AESWrap`/`AES` without the option, `DecryptionFailed` when the tag (or wrap) does not verify.
   */
  async onDecrypt(request: KeyringDecryptRequest): Promise<Uint8Array> {
    if (request.wrapAlgorithm === 'AESWrap' || request.wrapAlgorithm === 'AES') return this.#unwrapLegacy(request.wrapAlgorithm, request.encryptedDataKey);
    if (request.wrapAlgorithm !== 'AES/GCM') throw new S3EncryptionClientError('KeyringMismatch', `an AES keyring cannot unwrap ${request.wrapAlgorithm}`);
    const wrapped = request.encryptedDataKey;
    if (wrapped.length !== WRAPPED_LENGTH)
      throw new S3EncryptionClientError('DecryptionFailed', `the wrapped data key is ${wrapped.length} bytes, expected ${WRAPPED_LENGTH}`);
    let head: Buffer | undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, wrapped.subarray(0, GCM_IV_LENGTH), { authTagLength: TAG_LENGTH });
      decipher.setAAD(Buffer.from(request.contentAlgorithm, 'utf8'));
      decipher.setAuthTag(wrapped.subarray(WRAPPED_LENGTH - TAG_LENGTH));
      head = decipher.update(wrapped.subarray(GCM_IV_LENGTH, WRAPPED_LENGTH - TAG_LENGTH));
      const tail = decipher.final();
      // A fresh buffer for the caller to own and wipe; the intermediate may sit in Node's shared pool.
      const dataKey = new Uint8Array(DATA_KEY_LENGTH);
      dataKey.set(head);
      dataKey.set(tail, head.length);
      return dataKey;
    } catch (error) {
      // The cause is OpenSSL's authentication error: it names no key bytes.
      throw new S3EncryptionClientError('DecryptionFailed', 'the data key did not unwrap', { cause: error });
    } finally {
      wipe(head);
    }
  }

  #unwrapLegacy(wrap: 'AESWrap' | 'AES', wrapped: Uint8Array): Uint8Array {
    // Java: "Enable legacy wrapping algorithms to use legacy key wrapping algorithm: AESWrap".
    if (!this.#legacy)
      throw new S3EncryptionClientError('LegacyModeDisabled', `enable legacy wrapping algorithms to use legacy key wrapping algorithm: ${wrap}`);
    let head: Buffer | undefined;
    let tail: Buffer | undefined;
    try {
      // AESWrap: RFC 3394 with its integrity check value; AES: ECB with PKCS#7 padding (32 bytes become 48).
      const decipher = wrap === 'AESWrap' ? createDecipheriv('id-aes256-wrap', this.#key, AES_WRAP_IV) : createDecipheriv('aes-256-ecb', this.#key, null);
      head = decipher.update(wrapped);
      tail = decipher.final();
    } catch (error) {
      wipe(head);
      throw new S3EncryptionClientError('DecryptionFailed', `Unable to ${wrap} unwrap`, { cause: error });
    }
    try {
      if (head.length + tail.length !== DATA_KEY_LENGTH)
        throw new S3EncryptionClientError('DecryptionFailed', `Unable to ${wrap} unwrap: not a 32-byte data key`);
      const dataKey = new Uint8Array(DATA_KEY_LENGTH);
      dataKey.set(head);
      dataKey.set(tail, head.length);
      return dataKey;
    } finally {
      wipe(head, tail);
    }
  }
}
