/**
 * @module
 * The `kms+context` keyring (CSE-KMS): KMS GenerateDataKey with the caller's encryption context plus
 * the reserved `aws:x-amz-cek-alg` entry, and KMS Decrypt with the stored context verbatim (spec
 * `materials/s3-kms-keyring.md` L31-92; Java `materials/KmsKeyring.java`; Go
 * `v4/materials/kms_keyring.go`; Ruby `encryptionV2/kms_cipher_provider.rb`). Reads the legacy `kms`
 * wrap only with `enableLegacyWrappingAlgorithms`.
 *
 * Any client shaped like KMS works: the in-process `Kms` of `@strongbox/kms` as it is, or an
 * `@aws-sdk/client-kms` `KMSClient` through `kmsClientAdapter` (subpath `./kms-sdk`).
 */

import { wipe } from '../crypto/content-key.ts';
import { S3EncryptionClientError } from '../errors.ts';
import { DATA_KEY_LENGTH, LEGACY_KMS_CMK_ID_KEY, RESERVED_CEK_ALG_KEY } from '../format/constants.ts';
import { recordFromMap, sameStringMap } from '../format/json-map.ts';
import type { Keyring, KeyringDecryptRequest, KeyringEncryptRequest, KeyringEncryptResult } from './keyring.ts';

/** The two KMS operations the keyring calls, with AWS's request and response member names. */
export interface KmsClientLike {
  generateDataKey(input: {
    KeyId: string;
    KeySpec: 'AES_256';
    EncryptionContext: Record<string, string>;
  }): Promise<{ CiphertextBlob?: Uint8Array | undefined; Plaintext?: Uint8Array | undefined }>;
  decrypt(input: { CiphertextBlob: Uint8Array; EncryptionContext: Record<string, string>; KeyId?: string }): Promise<{ Plaintext?: Uint8Array | undefined }>;
}

/** Options of `KmsKeyring`. */
export interface KmsKeyringOptions {
  /** A KMS client: `@strongbox/kms`'s `Kms`, or `kmsClientAdapter(new KMSClient(...))`. */
  readonly kms: KmsClientLike;
  /**
   * The KMS key (ID, ARN, alias name or alias ARN) for new objects, also sent as `KeyId` on Decrypt
   * so KMS refuses data keys of any other key. Without it the keyring only decrypts, with any key
   * the caller may use (the official clients' "decrypt-only any key" keyring).
   */
  readonly kmsKeyId?: string;
  /** Read objects wrapped with the legacy `kms` algorithm (V1-era KMS context `{"kms_cmk_id": ...}`). */
  readonly enableLegacyWrappingAlgorithms?: boolean;
}

/**
 * A `kms+context` keyring.
 *
 * @example
 * ```ts
 * import { Kms } from '@strongbox/kms';
 * const kms = new Kms();
 * const { KeyMetadata } = await kms.createKey({});
 * const keyring = new KmsKeyring({ kms, kmsKeyId: KeyMetadata.KeyId });
 * ```
 */
export class KmsKeyring implements Keyring {
  readonly #kms: KmsClientLike;
  readonly #keyId: string | undefined;
  readonly #legacy: boolean;

  /** @throws TypeError when `kms` lacks generateDataKey/decrypt or `kmsKeyId` is not a non-empty string. */
  constructor(options: KmsKeyringOptions) {
    if (typeof options?.kms?.generateDataKey !== 'function' || typeof options.kms.decrypt !== 'function')
      throw new TypeError('"kms" expected an object with generateDataKey and decrypt methods');
    if (options.kmsKeyId !== undefined && (typeof options.kmsKeyId !== 'string' || options.kmsKeyId === ''))
      throw new TypeError('"kmsKeyId" expected a non-empty string');
    this.#kms = options.kms;
    this.#keyId = options.kmsKeyId;
    this.#legacy = options.enableLegacyWrappingAlgorithms === true;
  }

  /**
   * GenerateDataKey with the caller's context plus `aws:x-amz-cek-alg`.
   * @throws S3EncryptionClientError `InvalidConfiguration` without `kmsKeyId`, `ReservedKey` when the
   *   caller's context holds `aws:x-amz-cek-alg`, `DecryptionFailed` for a malformed KMS answer.
   */
  async onEncrypt(request: KeyringEncryptRequest): Promise<KeyringEncryptResult> {
    if (this.#keyId === undefined) throw new S3EncryptionClientError('InvalidConfiguration', 'this KMS keyring has no kmsKeyId, so it can only decrypt');
    // Precondition: the caller cannot set the reserved key; the keyring sets it to the content algorithm.
    if (request.encryptionContext.has(RESERVED_CEK_ALG_KEY)) throw new S3EncryptionClientError('ReservedKey', `${RESERVED_CEK_ALG_KEY} is set by the client`);
    const context = new Map(request.encryptionContext);
    context.set(RESERVED_CEK_ALG_KEY, request.contentAlgorithm);
    const response = await this.#kms.generateDataKey({ KeyId: this.#keyId, KeySpec: 'AES_256', EncryptionContext: recordFromMap(context) });
    // The response's Plaintext is ours (KMS answered this call): copied into a buffer the client owns, then zeroed.
    const dataKey = response.Plaintext;
    try {
      if (dataKey?.length !== DATA_KEY_LENGTH || response.CiphertextBlob === undefined || response.CiphertextBlob.length === 0)
        throw new S3EncryptionClientError('InvalidConfiguration', 'KMS GenerateDataKey returned no 32-byte Plaintext or no CiphertextBlob');
      return {
        dataKey: new Uint8Array(dataKey),
        encryptedDataKey: new Uint8Array(response.CiphertextBlob),
        wrapAlgorithm: 'kms+context',
        description: context,
      };
    } finally {
      wipe(dataKey);
    }
  }

  /**
   * Decrypt with the stored context, after checking it against the content algorithm and the caller's context.
   * @throws S3EncryptionClientError `KeyringMismatch`, `LegacyModeDisabled`, `ContentAlgorithmMismatch`,
   *   `EncryptionContextMismatch`; KMS errors pass through.
   */
  async onDecrypt(request: KeyringDecryptRequest): Promise<Uint8Array> {
    const stored = request.description;
    if (request.wrapAlgorithm === 'kms') {
      if (!this.#legacy) throw new S3EncryptionClientError('LegacyModeDisabled', 'enable legacy wrapping algorithms to read objects wrapped with "kms"');
    } else if (request.wrapAlgorithm === 'kms+context') {
      // Precondition: the stored reserved key names this object's content algorithm (spec PR #325; Go, Ruby).
      if (stored.get(RESERVED_CEK_ALG_KEY) !== request.contentAlgorithm) throw new S3EncryptionClientError('ContentAlgorithmMismatch');
    } else {
      throw new S3EncryptionClientError('KeyringMismatch', `a KMS keyring cannot unwrap ${request.wrapAlgorithm}`);
    }
    // Precondition: the stored context minus the reserved keys equals the caller's (Java, Go, Ruby).
    const userPart = new Map([...stored].filter(([key]) => key !== RESERVED_CEK_ALG_KEY && key !== LEGACY_KMS_CMK_ID_KEY));
    if (!sameStringMap(userPart, request.encryptionContext)) throw new S3EncryptionClientError('EncryptionContextMismatch');
    const response = await this.#kms.decrypt({
      CiphertextBlob: request.encryptedDataKey,
      EncryptionContext: recordFromMap(stored),
      ...(this.#keyId === undefined ? {} : { KeyId: this.#keyId }),
    });
    try {
      if (response.Plaintext?.length !== DATA_KEY_LENGTH) throw new S3EncryptionClientError('DecryptionFailed', 'KMS Decrypt returned no 32-byte data key');
      return new Uint8Array(response.Plaintext);
    } finally {
      wipe(response.Plaintext);
    }
  }
}
