/**
 * @module
 * Encrypted multipart upload (spec `client.md` L143-156; Java `MultipartUploadObjectPipeline.java`):
 * one data key and one IV (V2) or message ID (V3) per upload, the envelope on
 * CreateMultipartUpload, and the parts encrypted in order through one GCM cipher, so the completed
 * object is exactly a single-PUT GCM object every client reads. Only the last part finalises the
 * cipher and carries the 16-byte tag. Every part but the last must be a multiple of 16 bytes, the
 * last part must be flagged, and CompleteMultipartUpload is refused before it, as in Java.
 */

import type { CipherGCM } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  type AbortMultipartUploadCommandOutput,
  type CompletedPart,
  CompleteMultipartUploadCommand,
  type CompleteMultipartUploadCommandOutput,
  CreateMultipartUploadCommand,
  type CreateMultipartUploadCommandInput,
  UploadPartCommand,
  type UploadPartCommandInput,
  type UploadPartCommandOutput,
} from '@aws-sdk/client-s3';
import { createGcmCipher } from '../crypto/content-cipher.ts';
import { wipe } from '../crypto/content-key.ts';
import { S3EncryptionClientError } from '../errors.ts';
import { type EncodedEnvelope, encodeEnvelope } from '../format/metadata.ts';
import { type ClientContext, type RequestOptions, sendOptions } from './context.ts';
import { newObjectMaterials } from './materials.ts';
import { CHECKSUM_MEMBERS, mergeMetadata, PLAINTEXT_INTEGRITY_FIELDS, putInstructionFile } from './put-object.ts';

const BLOCK = 16;

/** CreateMultipartUpload's input (its `Metadata` gets the envelope added). */
export type CreateEncryptedMultipartUploadInput = CreateMultipartUploadCommandInput;

/** One part: UploadPart's input without the upload's identity, plus the last-part flag. */
export type EncryptedPartInput = Omit<UploadPartCommandInput, 'Bucket' | 'Key' | 'UploadId' | 'Body' | 'ContentLength' | 'ContentMD5' | 'PartNumber'> & {
  /** The plaintext of this part (in memory). */
  readonly Body: Uint8Array | string;
  /** Must be the next number in order when given (parts are encrypted in sequence). */
  readonly PartNumber?: number;
  /** Flags the last part, which finalises the cipher (Java `SdkPartType.LAST`, .NET `IsLastPart`). */
  readonly isLastPart?: boolean;
};

/**
 * Starts an encrypted multipart upload.
 *
 * @throws S3EncryptionClientError from the keyring; S3 errors pass through.
 * @example
 * ```ts
 * const upload = await createEncryptedMultipartUpload(context, { Bucket: 'b', Key: 'k' });
 * ```
 */
export async function createEncryptedMultipartUpload(
  context: ClientContext,
  input: CreateEncryptedMultipartUploadInput,
  options?: RequestOptions,
): Promise<EncryptedMultipartUpload> {
  const { envelope, contentKey } = await newObjectMaterials(context, options);
  let encoded: EncodedEnvelope;
  let cipher: CipherGCM;
  try {
    encoded = encodeEnvelope(envelope);
    cipher = createGcmCipher(contentKey);
  } finally {
    wipe(contentKey.key);
  }
  const output = await context.s3.send(new CreateMultipartUploadCommand({ ...input, Metadata: mergeMetadata(input.Metadata, encoded) }), sendOptions(options));
  if (output.UploadId === undefined) throw new S3EncryptionClientError('InvalidPart', 'CreateMultipartUpload returned no UploadId');
  return new EncryptedMultipartUpload(context, input, output.UploadId, cipher, encoded, options);
}

/**
 * An encrypted multipart upload in progress: send the parts in order, the last one flagged, then
 * `complete()` (or `abort()`).
 *
 * @example
 * ```ts
 * const upload = await client.createMultipartUpload({ Bucket: 'b', Key: 'k' });
 * await upload.uploadPart({ Body: first5MiB });
 * await upload.uploadPart({ Body: rest, isLastPart: true });
 * await upload.complete();
 * ```
 */
export class EncryptedMultipartUpload {
  /** S3's upload ID. */
  readonly uploadId: string;
  readonly #context: ClientContext;
  readonly #input: CreateEncryptedMultipartUploadInput;
  readonly #cipher: CipherGCM;
  readonly #encoded: EncodedEnvelope;
  readonly #options: RequestOptions | undefined;
  readonly #parts: CompletedPart[] = [];
  #state: 'open' | 'last-sent' | 'failed' | 'done' = 'open';
  #busy = false;

  /** Use `S3EncryptionClient.createMultipartUpload`. */
  constructor(
    context: ClientContext,
    input: CreateEncryptedMultipartUploadInput,
    uploadId: string,
    cipher: CipherGCM,
    encoded: EncodedEnvelope,
    options: RequestOptions | undefined,
  ) {
    this.#context = context;
    this.#input = input;
    this.uploadId = uploadId;
    this.#cipher = cipher;
    this.#encoded = encoded;
    this.#options = options;
  }

  /**
   * Encrypts and uploads the next part. A failed part cannot be re-sent (the cipher has moved on):
   * the upload must be aborted and started again, as with Java's client.
   *
   * @throws S3EncryptionClientError `InvalidPart` for a part out of order, concurrent, after the
   *   last, or (not last) of a size that is not a multiple of 16; S3 errors pass through.
   */
  async uploadPart(part: EncryptedPartInput): Promise<UploadPartCommandOutput> {
    const { Body, PartNumber, isLastPart, ...rest } = part;
    const next = this.#parts.length + 1;
    for (const field of PLAINTEXT_INTEGRITY_FIELDS)
      if ((rest as Record<string, unknown>)[field] !== undefined)
        throw new S3EncryptionClientError('InvalidPart', `${field} would describe the plaintext, not the stored ciphertext; leave it to the SDK`);
    if (this.#busy) throw new S3EncryptionClientError('InvalidPart', 'parts must be sent one at a time, in order');
    if (this.#state !== 'open')
      throw new S3EncryptionClientError(
        'InvalidPart',
        this.#state === 'failed' ? 'an earlier part failed; abort and start again' : 'the last part was already sent',
      );
    if (PartNumber !== undefined && PartNumber !== next) throw new S3EncryptionClientError('InvalidPart', `expected part ${next}, got ${PartNumber}`);
    const plaintext = typeof Body === 'string' ? Buffer.from(Body, 'utf8') : Body;
    if (isLastPart !== true && plaintext.length % BLOCK !== 0)
      throw new S3EncryptionClientError(
        'InvalidPart',
        'part sizes for encrypted multipart uploads must be multiples of the cipher block size (16) with the exception of the last part',
      );
    this.#busy = true;
    try {
      const head = this.#cipher.update(plaintext);
      const body = isLastPart === true ? Buffer.concat([head, this.#cipher.final(), this.#cipher.getAuthTag()]) : head;
      this.#state = isLastPart === true ? 'last-sent' : 'open';
      const output = await this.#context.s3.send(
        new UploadPartCommand({
          // A part must carry its upload's checksum algorithm (S3 refuses another one, or none).
          ...(this.#input.ChecksumAlgorithm === undefined ? {} : { ChecksumAlgorithm: this.#input.ChecksumAlgorithm }),
          ...rest,
          Bucket: this.#input.Bucket,
          Key: this.#input.Key,
          UploadId: this.uploadId,
          PartNumber: next,
          Body: new Uint8Array(body),
          ContentLength: body.length,
        }),
        sendOptions(this.#options),
      );
      // S3 takes part checksums in the completion only for an upload created with an algorithm
      // (else 400 InvalidPart, even for the right values), and needs them for a COMPOSITE one.
      this.#parts.push({ PartNumber: next, ETag: output.ETag, ...(this.#input.ChecksumAlgorithm === undefined ? {} : checksums(output)) });
      return output;
    } catch (error) {
      this.#state = 'failed';
      throw error;
    } finally {
      this.#busy = false;
    }
  }

  /**
   * Completes the upload, then writes the instruction file if the client uses them.
   * @throws S3EncryptionClientError `InvalidPart` when the last part was not sent; S3 errors pass through.
   */
  async complete(): Promise<CompleteMultipartUploadCommandOutput> {
    if (this.#state !== 'last-sent')
      throw new S3EncryptionClientError('InvalidPart', 'CompleteMultipartUpload needs the last part, flagged isLastPart, to be sent first');
    const output = await this.#context.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.#input.Bucket,
        Key: this.#input.Key,
        UploadId: this.uploadId,
        MultipartUpload: { Parts: this.#parts },
        ...(this.#input.ExpectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: this.#input.ExpectedBucketOwner }),
        ...(this.#input.RequestPayer === undefined ? {} : { RequestPayer: this.#input.RequestPayer }),
      }),
      sendOptions(this.#options),
    );
    this.#state = 'done';
    await putInstructionFile(this.#context, this.#input, this.#encoded, this.#options);
    return output;
  }

  /**
   * Aborts the upload.
   * @throws S3 errors, unchanged.
   */
  async abort(): Promise<AbortMultipartUploadCommandOutput> {
    this.#state = 'failed';
    return this.#context.s3.send(
      new AbortMultipartUploadCommand({ Bucket: this.#input.Bucket, Key: this.#input.Key, UploadId: this.uploadId }),
      sendOptions(this.#options),
    );
  }
}

function checksums(output: UploadPartCommandOutput): Partial<CompletedPart> {
  const found: Partial<Record<(typeof CHECKSUM_MEMBERS)[number], string>> = {};
  for (const name of CHECKSUM_MEMBERS) {
    const value = output[name];
    if (value !== undefined) found[name] = value;
  }
  return found;
}
