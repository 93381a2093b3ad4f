/**
 * @module
 * PutObject, encrypted: the body is encrypted with AES-256-GCM (in one pass for in-memory bodies,
 * as a stream for streams, which then need `ContentLength`), the envelope goes into the object's
 * metadata or, when configured, into `<key>.instruction` (spec `client.md`; Java
 * `PutEncryptedObjectPipeline.java`).
 */

import { pipeline } from 'node:stream';
import { PutObjectCommand, type PutObjectCommandInput, type PutObjectCommandOutput } from '@aws-sdk/client-s3';
import { createEncryptStream, encryptChunks } from '../crypto/content-cipher.ts';
import { wipe } from '../crypto/content-key.ts';
import { S3EncryptionClientError } from '../errors.ts';
import {
  INSTRUCTION_FILE_MARKER_KEY,
  MAX_GCM_PLAINTEXT_LENGTH,
  TAG_LENGTH,
  UNENCRYPTED_CONTENT_LENGTH_KEY,
  V1_KEY,
  V2_KEYS,
  V3_KEYS,
} from '../format/constants.ts';
import { type EncodedEnvelope, encodeEnvelope } from '../format/metadata.ts';
import { toNodeReadable } from './body.ts';
import { type ClientContext, type RequestOptions, sendOptions } from './context.ts';
import { newObjectMaterials } from './materials.ts';
import { withRetries } from './retry.ts';

/**
 * The checksum value members of S3's write requests and part results: the ten algorithms of the
 * S3 API model (the pinned `@aws-sdk/client-s3`: the five of 2025 and MD5, SHA512, XXHASH64,
 * XXHASH3, XXHASH128, added in April 2026). One list, so the client's refusals and its multipart
 * completion cannot disagree about which exist.
 */
export const CHECKSUM_MEMBERS = [
  'ChecksumCRC32',
  'ChecksumCRC32C',
  'ChecksumCRC64NVME',
  'ChecksumSHA1',
  'ChecksumSHA256',
  'ChecksumMD5',
  'ChecksumSHA512',
  'ChecksumXXHASH64',
  'ChecksumXXHASH3',
  'ChecksumXXHASH128',
] as const;

/**
 * Integrity values a caller computes over plaintext would not match the ciphertext S3 receives;
 * the SDK computes its own checksum of what it actually sends, so these are refused.
 */
export const PLAINTEXT_INTEGRITY_FIELDS: readonly ['ContentMD5', ...typeof CHECKSUM_MEMBERS] = ['ContentMD5', ...CHECKSUM_MEMBERS];

// Any of these in user metadata would make the object's format ambiguous (or mixed) on read.
const ENVELOPE_KEYS: ReadonlySet<string> = new Set([
  V1_KEY,
  UNENCRYPTED_CONTENT_LENGTH_KEY,
  INSTRUCTION_FILE_MARKER_KEY,
  ...Object.values(V2_KEYS),
  ...Object.values(V3_KEYS),
]);

/**
 * Encrypts and uploads one object.
 *
 * @throws S3EncryptionClientError `InvalidConfiguration` for a stream without ContentLength, a body
 *   over the GCM limit, plaintext checksums or metadata keys that clash with the envelope; keyring
 *   errors; S3 errors pass through.
 * @example
 * ```ts
 * await putEncryptedObject(context, { Bucket: 'b', Key: 'k', Body: 'hello' });
 * ```
 */
export async function putEncryptedObject(context: ClientContext, input: PutObjectCommandInput, options?: RequestOptions): Promise<PutObjectCommandOutput> {
  for (const field of PLAINTEXT_INTEGRITY_FIELDS)
    if (input[field] !== undefined)
      throw new S3EncryptionClientError('InvalidConfiguration', `${field} would describe the plaintext, not the stored ciphertext; leave it to the SDK`);
  const source = input.Body;
  const plaintext = source === undefined || typeof source === 'string' || source instanceof Uint8Array ? toBytes(source) : undefined;
  const length = plaintext?.length ?? streamLength(input);
  if (length > MAX_GCM_PLAINTEXT_LENGTH)
    throw new S3EncryptionClientError('InvalidConfiguration', `an object of ${length} bytes exceeds AES-GCM's limit of ${MAX_GCM_PLAINTEXT_LENGTH}`);
  const { envelope, contentKey } = await newObjectMaterials(context, options, length);
  let encoded: EncodedEnvelope;
  let output: PutObjectCommandOutput;
  try {
    encoded = encodeEnvelope(envelope);
    const send = (body: NonNullable<PutObjectCommandInput['Body']>): Promise<PutObjectCommandOutput> =>
      context.s3.send(
        new PutObjectCommand({ ...input, Body: body, ContentLength: length + TAG_LENGTH, Metadata: mergeMetadata(input.Metadata, encoded) }),
        sendOptions(options),
      );
    if (plaintext !== undefined) {
      // In-memory plaintext: its ciphertext is streamed as it is encrypted, a few MiB per GCM call,
      // so no whole-object ciphertext is built beside it. The SDK does not retry a streamed body,
      // so each attempt gets the stream made again (the same bytes: same key and IV).
      output = await withRetries(context.s3, () => send(encryptChunks(contentKey, plaintext)), options?.abortSignal);
    } else {
      const encrypting = createEncryptStream(contentKey, length);
      // pipeline forwards a source error to the encrypting stream, so the upload fails instead of hanging.
      pipeline(toNodeReadable(input.Body), encrypting, () => undefined);
      // The cipher holds its own copy of the key from here on.
      wipe(contentKey.key);
      output = await send(encrypting);
    }
  } finally {
    wipe(contentKey.key);
  }
  await putInstructionFile(context, input, encoded, options);
  return output;
}

/**
 * Uploads `<key>.instruction` when the envelope has an instruction-file part (marked as Java marks it).
 *
 * @example
 * ```ts
 * await putInstructionFile(context, { Bucket: 'b', Key: 'k' }, encoded);
 * ```
 */
export async function putInstructionFile(
  context: ClientContext,
  input: {
    Bucket: string | undefined;
    Key: string | undefined;
    ExpectedBucketOwner?: string | undefined;
    RequestPayer?: PutObjectCommandInput['RequestPayer'];
  },
  encoded: EncodedEnvelope,
  options?: RequestOptions,
): Promise<void> {
  if (encoded.instructionFile === undefined) return;
  await context.s3.send(
    new PutObjectCommand({
      Bucket: input.Bucket,
      Key: `${input.Key ?? ''}${context.instructionFileSuffix}`,
      Body: encoded.instructionFile,
      Metadata: { [INSTRUCTION_FILE_MARKER_KEY]: '' },
      ...(input.ExpectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: input.ExpectedBucketOwner }),
      ...(input.RequestPayer === undefined ? {} : { RequestPayer: input.RequestPayer }),
    }),
    sendOptions(options),
  );
}

/**
 * The caller's metadata plus the envelope's, refusing caller keys that an envelope key would overwrite.
 *
 * @throws S3EncryptionClientError `InvalidConfiguration` on a clash.
 * @example
 * ```ts
 * mergeMetadata({ owner: 'me' }, encoded); // { owner: 'me', 'x-amz-c': '115', ... }
 * ```
 */
export function mergeMetadata(user: Record<string, string> | undefined, encoded: EncodedEnvelope): Record<string, string> {
  const merged: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [key, value] of Object.entries(user ?? {})) {
    if (encoded.metadata.has(key.toLowerCase()) || ENVELOPE_KEYS.has(key.toLowerCase()))
      throw new S3EncryptionClientError('InvalidConfiguration', `user metadata key ${JSON.stringify(key)} is reserved for the encryption envelope`);
    Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  }
  for (const [key, value] of encoded.metadata) Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  return merged;
}

function toBytes(body: string | Uint8Array | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? new Uint8Array(Buffer.from(body, 'utf8')) : body;
}

function streamLength(input: PutObjectCommandInput): number {
  if (typeof Blob !== 'undefined' && input.Body instanceof Blob) return input.Body.size;
  const length = input.ContentLength;
  if (length === undefined || !Number.isSafeInteger(length) || length < 0)
    throw new S3EncryptionClientError(
      'InvalidConfiguration',
      'a streaming Body needs ContentLength (the plaintext length), so the ciphertext can be streamed without buffering',
    );
  return length;
}
