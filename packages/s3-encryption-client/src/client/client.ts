/**
 * @module
 * `S3EncryptionClient`: wraps an `@aws-sdk/client-s3` `S3Client` (pointed at AWS, any
 * S3-compatible store or Strongbox) and encrypts on put, decrypts on get, in the object formats of
 * the official Amazon S3 Encryption Clients (V3 with key commitment by default, V2 on request).
 */

import { randomBytes } from 'node:crypto';
import type {
  CompleteMultipartUploadCommandOutput,
  CopyObjectCommandInput,
  CopyObjectCommandOutput,
  DeleteObjectCommandInput,
  DeleteObjectCommandOutput,
  GetObjectCommandInput,
  GetObjectCommandOutput,
  PutObjectCommandInput,
  PutObjectCommandOutput,
  S3Client,
} from '@aws-sdk/client-s3';
import { S3EncryptionClientError } from '../errors.ts';
import { INSTRUCTION_FILE_SUFFIX } from '../format/constants.ts';
import { COMMITMENT_POLICIES, type CommitmentPolicy } from '../format/envelope.ts';
import type { Keyring, RandomBytes } from '../keyrings/keyring.ts';
import type { ClientContext, RequestOptions } from './context.ts';
import { copyEncryptedObject } from './copy-object.ts';
import { deleteEncryptedObject } from './delete-object.ts';
import { getDecryptedObject } from './get-object.ts';
import { type CreateEncryptedMultipartUploadInput, createEncryptedMultipartUpload, type EncryptedMultipartUpload } from './multipart.ts';
import { putEncryptedObject } from './put-object.ts';
import { type UploadOptions, uploadEncrypted } from './upload.ts';

/** The default authentication buffer: 64 MiB, as Java's `S3EncryptionClientUtilities.java`. */
export const DEFAULT_BUFFER_SIZE: number = 64 * 1024 * 1024;

/** Options of `S3EncryptionClient`, named after the Java client's builder options. */
export interface S3EncryptionClientOptions {
  /** The S3 client every request goes through (its region, credentials, endpoint, retries). */
  readonly s3: S3Client;
  /** Wraps and unwraps data keys: `KmsKeyring`, `AesKeyring` or `RsaKeyring`. */
  readonly keyring: Keyring;
  /** Default `REQUIRE_ENCRYPT_REQUIRE_DECRYPT` (writes and reads V3 only), as every V4-generation client. */
  readonly commitmentPolicy?: CommitmentPolicy;
  /** Read AES-CBC objects and allow ranged GETs, both unauthenticated. Default false. */
  readonly enableLegacyUnauthenticatedModes?: boolean;
  /** Stream full GETs larger than `bufferSize`, releasing plaintext before the tag is checked. Default false. */
  readonly enableDelayedAuthenticationMode?: boolean;
  /** Ciphertext bytes a full GET authenticates before releasing plaintext. Default 64 MiB. */
  readonly bufferSize?: number;
  /** Store the envelope's key material in `<key>.instruction` instead of the object metadata. Default false. */
  readonly writeInstructionFile?: boolean;
  /** The instruction-file suffix. Default `.instruction`. */
  readonly instructionFileSuffix?: string;
  /** Randomness for IVs and message IDs (default `node:crypto` randomBytes); for tests. */
  readonly random?: RandomBytes;
}

/**
 * An Amazon S3 Encryption Client for TypeScript.
 *
 * @example
 * ```ts
 * import { S3Client } from '@aws-sdk/client-s3';
 * import { KMSClient } from '@aws-sdk/client-kms';
 * import { S3EncryptionClient, KmsKeyring } from '@strongbox/s3-encryption-client';
 * import { kmsClientAdapter } from '@strongbox/s3-encryption-client/kms-sdk';
 *
 * const client = new S3EncryptionClient({ s3: new S3Client({}), keyring: new KmsKeyring({ kms: kmsClientAdapter(new KMSClient({})), kmsKeyId: 'alias/my-key' }) });
 * await client.putObject({ Bucket: 'my-bucket', Key: 'secret.txt', Body: 'hello' });
 * const text = await (await client.getObject({ Bucket: 'my-bucket', Key: 'secret.txt' })).Body?.transformToString();
 * ```
 */
export class S3EncryptionClient {
  readonly #context: ClientContext;

  /** @throws TypeError / RangeError / S3EncryptionClientError `InvalidConfiguration` for bad options. */
  constructor(options: S3EncryptionClientOptions) {
    if (typeof options?.s3?.send !== 'function') throw new TypeError('"s3" expected an S3Client');
    if (typeof options.keyring?.onEncrypt !== 'function' || typeof options.keyring.onDecrypt !== 'function')
      throw new TypeError('"keyring" expected a Keyring');
    const policy = options.commitmentPolicy ?? 'REQUIRE_ENCRYPT_REQUIRE_DECRYPT';
    if (!COMMITMENT_POLICIES.includes(policy)) throw new S3EncryptionClientError('InvalidConfiguration', `unknown commitment policy ${JSON.stringify(policy)}`);
    const bufferSize = options.bufferSize ?? DEFAULT_BUFFER_SIZE;
    if (!Number.isSafeInteger(bufferSize) || bufferSize < 0) throw new RangeError(`"bufferSize" expected a non-negative integer, got ${bufferSize}`);
    const suffix = options.instructionFileSuffix ?? INSTRUCTION_FILE_SUFFIX;
    if (typeof suffix !== 'string' || suffix === '') throw new TypeError('"instructionFileSuffix" expected a non-empty string');
    this.#context = {
      s3: options.s3,
      keyring: options.keyring,
      commitmentPolicy: policy,
      enableLegacyUnauthenticatedModes: options.enableLegacyUnauthenticatedModes === true,
      enableDelayedAuthenticationMode: options.enableDelayedAuthenticationMode === true,
      bufferSize,
      writeInstructionFile: options.writeInstructionFile === true,
      instructionFileSuffix: suffix,
      random: options.random ?? ((length) => new Uint8Array(randomBytes(length))),
    };
  }

  /**
   * Encrypts and uploads an object. A stream `Body` needs `ContentLength` (the plaintext length) and
   * is encrypted as it is sent, never buffered whole.
   * @throws S3EncryptionClientError for configuration and keyring failures; S3 errors pass through.
   */
  putObject(input: PutObjectCommandInput, options?: RequestOptions): Promise<PutObjectCommandOutput> {
    return putEncryptedObject(this.#context, input, options);
  }

  /**
   * Downloads and decrypts an object; `Body` is the plaintext, authenticated before it is released
   * unless delayed authentication is on (or the request has a `Range`).
   * @throws S3EncryptionClientError for format, policy, key and authentication failures; S3 errors pass through.
   */
  getObject(input: GetObjectCommandInput, options?: RequestOptions): Promise<GetObjectCommandOutput> {
    return getDecryptedObject(this.#context, input, options);
  }

  /**
   * Copies an encrypted object with its envelope (and instruction file) to a new key or bucket,
   * without re-encrypting; S3's CopyObject parameters pass through.
   * @throws S3EncryptionClientError `InvalidConfiguration` for a copy that would leave the object
   *   undecryptable (MetadataDirective REPLACE over a metadata envelope, a versioned source with an
   *   instruction file); S3 errors pass through.
   */
  copyObject(input: CopyObjectCommandInput, options?: RequestOptions): Promise<CopyObjectCommandOutput> {
    return copyEncryptedObject(this.#context, input, options);
  }

  /**
   * Deletes an object and its instruction file.
   * @throws S3 errors, unchanged.
   */
  deleteObject(input: DeleteObjectCommandInput, options?: RequestOptions): Promise<DeleteObjectCommandOutput> {
    return deleteEncryptedObject(this.#context, input, options);
  }

  /**
   * Starts an encrypted multipart upload: one GCM stream across the parts, sent in order.
   * @throws S3EncryptionClientError for keyring failures; S3 errors pass through.
   */
  createMultipartUpload(input: CreateEncryptedMultipartUploadInput, options?: RequestOptions): Promise<EncryptedMultipartUpload> {
    return createEncryptedMultipartUpload(this.#context, input, options);
  }

  /**
   * Encrypts and uploads a body of any length without `ContentLength`, one part in memory at a time:
   * a single PutObject when it fits in one part, an encrypted multipart upload otherwise.
   * @throws RangeError for a bad `partSize`; S3EncryptionClientError as putObject; S3 errors pass through.
   */
  upload(input: PutObjectCommandInput, options?: UploadOptions): Promise<PutObjectCommandOutput | CompleteMultipartUploadCommandOutput> {
    return uploadEncrypted(this.#context, input, options);
  }
}
