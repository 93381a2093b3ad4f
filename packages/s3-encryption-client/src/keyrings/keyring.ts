/**
 * @module
 * The keyring interface of the S3 Encryption Client: a keyring produces a data key and its wrapped
 * form for a new object, and unwraps the data key of an existing one. Unlike
 * `@strongbox/envelope`'s keyrings, these speak the S3EC wire formats (`kms+context`, `AES/GCM`,
 * `RSA-OAEP-SHA1`), which bind the data key to the content algorithm in ways the envelope format
 * does not.
 */

import type { ContentAlgorithm, WrapAlgorithm } from '../format/constants.ts';

/** What a keyring needs to create a data key for a new object. */
export interface KeyringEncryptRequest {
  /** `AES/GCM/NoPadding` (V2) or `115` (V3): the value the wrap binds the data key to. */
  readonly contentAlgorithm: ContentAlgorithm;
  /** The caller's encryption context (KMS keyrings only), reserved key already refused. */
  readonly encryptionContext: ReadonlyMap<string, string>;
}

/** A new data key, its wrapped form, and the map stored with it. */
export interface KeyringEncryptResult {
  /**
   * The plaintext data key (32 bytes): used for the content, never stored. Ownership passes to the
   * client, which zeroes it once the content cipher (or the V3 derivation) has it, so a keyring must
   * return a buffer of its own making, never one it keeps (a cache hands out a copy).
   */
  readonly dataKey: Uint8Array;
  readonly encryptedDataKey: Uint8Array;
  readonly wrapAlgorithm: WrapAlgorithm;
  /** The KMS encryption context as sent to KMS, or the raw keyring's materials description. */
  readonly description: ReadonlyMap<string, string>;
}

/** What a keyring needs to unwrap an object's data key. */
export interface KeyringDecryptRequest {
  readonly contentAlgorithm: ContentAlgorithm;
  readonly wrapAlgorithm: WrapAlgorithm;
  readonly encryptedDataKey: Uint8Array;
  /** The stored encryption context or materials description. */
  readonly description: ReadonlyMap<string, string>;
  /** The caller's encryption context for this GET (KMS keyrings compare it with the stored one). */
  readonly encryptionContext: ReadonlyMap<string, string>;
}

/**
 * Creates and unwraps data keys for the S3 Encryption Client.
 *
 * @example
 * ```ts
 * const keyring: Keyring = new AesKeyring({ wrappingKey });
 * ```
 */
export interface Keyring {
  /**
   * Creates a data key for a new object.
   * @throws S3EncryptionClientError for a reserved context key or a misbehaving key service.
   */
  onEncrypt(request: KeyringEncryptRequest): Promise<KeyringEncryptResult>;
  /**
   * Unwraps an object's data key (32 bytes). As with `onEncrypt`, the returned buffer becomes the
   * client's, which zeroes it after use (on failure too).
   * @throws S3EncryptionClientError `KeyringMismatch`, `DecryptionFailed`, `EncryptionContextMismatch`, ...
   */
  onDecrypt(request: KeyringDecryptRequest): Promise<Uint8Array>;
}

/** Randomness source: `n` fresh random bytes. */
export type RandomBytes = (length: number) => Uint8Array;
