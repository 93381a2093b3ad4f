/**
 * @module
 * The `RSA-OAEP-SHA1` keyring: RSA-OAEP with SHA-1 and MGF1-SHA-1, empty label, over the "pseudo
 * data key" `len(1 byte = 32) ‖ dataKey(32) ‖ UTF-8(content algorithm)` (Java
 * `materials/RsaKeyring.java`; Ruby `encryptionV2/utils.rb`). With `enableLegacyWrappingAlgorithms`
 * it also unwraps, read only, V1's `RSA` (PKCS#1 v1.5 of the bare data key), as Java's `RsaKeyring`.
 */

import { constants, createPrivateKey, createPublicKey, type KeyObject, privateDecrypt, publicEncrypt, randomBytes, timingSafeEqual } from 'node:crypto';
import { wipe } from '../crypto/content-key.ts';
import { S3EncryptionClientError } from '../errors.ts';
import { DATA_KEY_LENGTH } from '../format/constants.ts';
import { mapFromRecord } from '../format/json-map.ts';
import type { Keyring, KeyringDecryptRequest, KeyringEncryptRequest, KeyringEncryptResult, RandomBytes } from './keyring.ts';

/** A key as node:crypto accepts it: a KeyObject or a PEM string. */
export type RsaKeyInput = KeyObject | string;

/** Options of `RsaKeyring`: a public key to write, a private key to read, or both. */
export interface RsaKeyringOptions {
  readonly publicKey?: RsaKeyInput;
  readonly privateKey?: RsaKeyInput;
  /** Stored as `x-amz-matdesc` / `x-amz-m` on new objects (default `{}`). */
  readonly materialsDescription?: Readonly<Record<string, string>>;
  readonly random?: RandomBytes;
  /** Read objects whose data key is wrapped with the legacy `RSA` (PKCS#1 v1.5, V1). Default false. */
  readonly enableLegacyWrappingAlgorithms?: boolean;
}

/**
 * An `RSA-OAEP-SHA1` keyring.
 *
 * @example
 * ```ts
 * const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
 * const keyring = new RsaKeyring({ publicKey, privateKey });
 * ```
 */
export class RsaKeyring implements Keyring {
  readonly #public: KeyObject | undefined;
  readonly #private: KeyObject | undefined;
  readonly #description: ReadonlyMap<string, string>;
  readonly #random: RandomBytes;
  readonly #legacy: boolean;

  /** @throws TypeError when neither key is given or a key is not RSA. */
  constructor(options: RsaKeyringOptions) {
    if (options?.publicKey === undefined && options?.privateKey === undefined) throw new TypeError('"publicKey" or "privateKey" expected');
    this.#private =
      options.privateKey === undefined ? undefined : typeof options.privateKey === 'string' ? createPrivateKey(options.privateKey) : options.privateKey;
    this.#public =
      options.publicKey === undefined
        ? this.#private === undefined
          ? undefined
          : createPublicKey(this.#private)
        : typeof options.publicKey === 'string'
          ? createPublicKey(options.publicKey)
          : options.publicKey;
    for (const key of [this.#public, this.#private])
      if (key !== undefined && key.asymmetricKeyType !== 'rsa') throw new TypeError(`expected an RSA key, got ${key.asymmetricKeyType ?? key.type}`);
    this.#description = mapFromRecord(options.materialsDescription, 'materialsDescription');
    this.#random = options.random ?? ((length) => new Uint8Array(randomBytes(length)));
    this.#legacy = options.enableLegacyWrappingAlgorithms === true;
  }

  /**
   * A random data key, RSA-OAEP-encrypted as a pseudo data key.
   * @throws S3EncryptionClientError `InvalidConfiguration` without a public key or with an encryption context.
   */
  async onEncrypt(request: KeyringEncryptRequest): Promise<KeyringEncryptResult> {
    if (this.#public === undefined) throw new S3EncryptionClientError('InvalidConfiguration', 'this RSA keyring has no public key, so it can only decrypt');
    if (request.encryptionContext.size > 0)
      throw new S3EncryptionClientError('InvalidConfiguration', 'an encryption context applies to KMS keyrings only; use materialsDescription');
    const dataKey = this.#random(DATA_KEY_LENGTH);
    const pseudo = Buffer.concat([Uint8Array.of(DATA_KEY_LENGTH), dataKey, Buffer.from(request.contentAlgorithm, 'utf8')]);
    let wrapped: Buffer;
    try {
      wrapped = publicEncrypt({ key: this.#public, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, pseudo);
    } finally {
      wipe(pseudo);
    }
    return { dataKey, encryptedDataKey: new Uint8Array(wrapped), wrapAlgorithm: 'RSA-OAEP-SHA1', description: this.#description };
  }

  /**
   * Decrypts the pseudo data key and checks its length byte and content-algorithm suffix.
   * @throws S3EncryptionClientError `KeyringMismatch`, `InvalidConfiguration` (no private key), `DecryptionFailed`.
   */
  async onDecrypt(request: KeyringDecryptRequest): Promise<Uint8Array> {
    if (request.wrapAlgorithm === 'RSA') return this.#unwrapPkcs1(request.encryptedDataKey);
    if (request.wrapAlgorithm !== 'RSA-OAEP-SHA1')
      throw new S3EncryptionClientError('KeyringMismatch', `an RSA keyring cannot unwrap ${request.wrapAlgorithm}`);
    if (this.#private === undefined) throw new S3EncryptionClientError('InvalidConfiguration', 'this RSA keyring has no private key, so it cannot decrypt');
    let pseudo: Buffer;
    try {
      pseudo = privateDecrypt({ key: this.#private, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, request.encryptedDataKey);
    } catch (error) {
      throw new S3EncryptionClientError('DecryptionFailed', 'the data key did not unwrap', { cause: error });
    }
    try {
      const suffix = Buffer.from(request.contentAlgorithm, 'utf8');
      const found = pseudo.subarray(1 + DATA_KEY_LENGTH);
      // Precondition: the pseudo key names this object's content algorithm (compared in constant time).
      if (pseudo.length !== 1 + DATA_KEY_LENGTH + suffix.length || pseudo[0] !== DATA_KEY_LENGTH || !timingSafeEqual(found, suffix))
        throw new S3EncryptionClientError('DecryptionFailed', 'the data key did not unwrap');
      return new Uint8Array(pseudo.subarray(1, 1 + DATA_KEY_LENGTH));
    } finally {
      wipe(pseudo);
    }
  }

  #unwrapPkcs1(wrapped: Uint8Array): Uint8Array {
    // Java: "Enable legacy wrapping algorithms to use legacy key wrapping algorithm: RSA".
    if (!this.#legacy) throw new S3EncryptionClientError('LegacyModeDisabled', 'enable legacy wrapping algorithms to use legacy key wrapping algorithm: RSA');
    if (this.#private === undefined) throw new S3EncryptionClientError('InvalidConfiguration', 'this RSA keyring has no private key, so it cannot decrypt');
    // Node refuses RSA_PKCS1_PADDING private decryption (CVE-2023-46809, Marvin), so the raw RSA
    // result is unpadded here, scanning every byte whatever it finds, and every failure (wrong key,
    // bad padding, wrong length) is the same error. Not constant time in the strict sense, hence
    // legacy objects only, behind the option.
    let block: Buffer;
    try {
      block = privateDecrypt({ key: this.#private, padding: constants.RSA_NO_PADDING }, wrapped);
    } catch (error) {
      throw new S3EncryptionClientError('DecryptionFailed', 'Unable to RSA unwrap', { cause: error });
    }
    try {
      const dataKey = pkcs1Unpad(block, DATA_KEY_LENGTH);
      if (dataKey === undefined) throw new S3EncryptionClientError('DecryptionFailed', 'Unable to RSA unwrap');
      return dataKey;
    } finally {
      wipe(block);
    }
  }
}

/**
 * EME-PKCS1-v1_5 decoding (RFC 8017 section 7.2.2) of a block expected to carry `length` bytes:
 * 0x00 0x02 PS(>= 8 non-zero bytes) 0x00 M. The scan visits every byte whatever it finds.
 */
function pkcs1Unpad(block: Uint8Array, length: number): Uint8Array | undefined {
  let separator = 0;
  let badPadding = (block[0] ?? 1) | ((block[1] ?? 0) ^ 0x02);
  for (let index = 2; index < block.length; index++) {
    const isZero = (block[index] ?? 0) === 0 ? 1 : 0;
    const first = isZero & (separator === 0 ? 1 : 0);
    separator = first === 1 ? index : separator;
  }
  badPadding |= separator < 10 ? 1 : 0;
  badPadding |= block.length - separator - 1 !== length ? 1 : 0;
  if (badPadding !== 0) return undefined;
  return new Uint8Array(block.subarray(separator + 1));
}
