/**
 * @module
 * GetObject, decrypted (spec `decryption.md`; Java `GetEncryptedObjectPipeline.java`): strict
 * format detection, the instruction file when the metadata has no envelope, the commitment policy
 * before any key is unwrapped, the keyring, the V3 commitment, then the content. A full GET is
 * authenticated before any plaintext is released, up to the buffer size; beyond it only with
 * delayed authentication. A ranged GET is unauthenticated AES-CTR, only with the legacy option.
 */

import { pipeline } from 'node:stream';
import { GetObjectCommand, type GetObjectCommandInput, type GetObjectCommandOutput } from '@aws-sdk/client-s3';
import { createDecryptStream, decryptChunks, decryptContent } from '../crypto/content-cipher.ts';
import { type ContentKey, contentKeyFor, wipe } from '../crypto/content-key.ts';
import { ciphertextRange, createRangeDecryptStream, parseContentRange, parseRange, plaintextSpan } from '../crypto/ranges.ts';
import { S3EncryptionClientError } from '../errors.ts';
import { TAG_LENGTH } from '../format/constants.ts';
import { type Envelope, policyAllowsRead } from '../format/envelope.ts';
import { mapFromRecord } from '../format/json-map.ts';
import { detectFormat, parseEnvelope, parseInstructionFile } from '../format/metadata.ts';
import { decodeMetadataValue } from '../format/rfc2047.ts';
import { bytesStream, destroy, readAll, toNodeReadable, withSdkMixin } from './body.ts';
import { type ClientContext, type RequestOptions, sendOptions } from './context.ts';

// Instruction files are a few hundred bytes; anything much larger is not one.
const INSTRUCTION_FILE_LIMIT = 64 * 1024;

/**
 * Downloads and decrypts one object. The output is GetObject's, with `Body` the plaintext and
 * `ContentLength` (and `ContentRange` for ranges) describing it.
 *
 * @throws S3EncryptionClientError for every format, policy, key or authentication failure; S3 and
 *   KMS errors pass through.
 * @example
 * ```ts
 * const { Body } = await getDecryptedObject(context, { Bucket: 'b', Key: 'k' });
 * ```
 */
export async function getDecryptedObject(context: ClientContext, input: GetObjectCommandInput, options?: RequestOptions): Promise<GetObjectCommandOutput> {
  const range = input.Range === undefined ? undefined : parseRange(input.Range);
  // Java: "Enable legacy unauthenticated modes to use Ranged Get."
  if (range !== undefined && !context.enableLegacyUnauthenticatedModes)
    throw new S3EncryptionClientError('LegacyModeDisabled', 'enable legacy unauthenticated modes to use ranged GETs');
  const request = range === undefined ? input : { ...input, Range: ciphertextRange(range) };
  const response = await context.s3.send(new GetObjectCommand(request), sendOptions(options));
  try {
    // Spec decryption.md L36-37: a Content-Range answer to a request without Range is refused.
    if (range === undefined && response.ContentRange !== undefined)
      throw new S3EncryptionClientError('InvalidRange', 'the response has Content-Range but the request had no Range');
    const envelope = await readEnvelope(context, input, response.Metadata, options);
    const contentKey = await unwrap(context, envelope, options);
    try {
      return await decryptResponse(context, contentKey, response, range);
    } finally {
      // Every path has built its decipher (which copies the key) by the time it returns.
      wipe(contentKey.key);
    }
  } catch (error) {
    destroy(response.Body);
    throw error;
  }
}

async function decryptResponse(
  context: ClientContext,
  contentKey: ContentKey,
  response: GetObjectCommandOutput,
  range: ReturnType<typeof parseRange> | undefined,
): Promise<GetObjectCommandOutput> {
  if (range !== undefined) {
    if (contentKey.mode !== 'gcm') throw new S3EncryptionClientError('InvalidRange', 'ranged GETs of AES-CBC objects are not supported');
    const contentRange = parseContentRange(response.ContentRange);
    const span = plaintextSpan(range, contentRange);
    // Streamed, never buffered: ranged reads are unauthenticated anyway.
    const decrypting = createRangeDecryptStream(contentKey, range, contentRange);
    pipeline(toNodeReadable(response.Body), decrypting, () => undefined);
    const outputRange = span.length === 0 ? `bytes */${span.total}` : `bytes ${span.first}-${span.first + span.length - 1}/${span.total}`;
    return { ...response, Body: withSdkMixin(decrypting), ContentLength: span.length, ContentRange: outputRange } as GetObjectCommandOutput;
  }
  return { ...response, ...(await decryptBody(context, contentKey, response)) } as GetObjectCommandOutput;
}

/**
 * The envelope of an object: from its metadata, or from `<key>.instruction`.
 *
 * @throws S3EncryptionClientError `MalformedMetadata`, `MixedFormatVersions`, `UnsupportedAlgorithm`.
 * @example
 * ```ts
 * const envelope = await readEnvelope(context, { Bucket: 'b', Key: 'k' }, response.Metadata);
 * ```
 */
export async function readEnvelope(
  context: ClientContext,
  input: GetObjectCommandInput,
  rawMetadata: Record<string, string> | undefined,
  options?: RequestOptions,
): Promise<Envelope> {
  const metadata = new Map<string, string>();
  for (const [key, value] of Object.entries(rawMetadata ?? {})) {
    const name = key.toLowerCase();
    // Only the envelope's own values are decoded: the caller's other metadata is none of our business,
    // and a value of theirs that is not UTF-8 must not make the object unreadable.
    metadata.set(name, name.startsWith('x-amz-') ? decodeMetadataValue(value) : value);
  }
  const detected = detectFormat(metadata);
  if (detected === 'V1' || detected === 'V2' || detected === 'V3') return parseEnvelope(metadata);
  // Every official client treats an object without envelope metadata as "look for the instruction
  // file", so a plaintext object fails with S3's NoSuchKey for `<key>.instruction` (java#113).
  const file = await context.s3.send(
    new GetObjectCommand({
      Bucket: input.Bucket,
      Key: `${input.Key ?? ''}${context.instructionFileSuffix}`,
      ...(input.ExpectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: input.ExpectedBucketOwner }),
      ...(input.RequestPayer === undefined ? {} : { RequestPayer: input.RequestPayer }),
    }),
    sendOptions(options),
  );
  const body = Buffer.from(await readAll(file.Body, INSTRUCTION_FILE_LIMIT)).toString('utf8');
  return parseEnvelope(metadata, parseInstructionFile(body));
}

/**
 * Applies the commitment policy and the legacy switch, unwraps the data key and checks the V3
 * commitment.
 *
 * @throws S3EncryptionClientError `CommitmentPolicyViolation`, `LegacyModeDisabled`, keyring errors, `KeyCommitmentMismatch`.
 * @example
 * ```ts
 * const contentKey = await unwrap(context, envelope);
 * ```
 */
export async function unwrap(context: ClientContext, envelope: Envelope, options?: RequestOptions): Promise<ContentKey> {
  // Precondition: the policy is applied before KMS or any key is touched.
  if (!policyAllowsRead(context.commitmentPolicy, envelope.format))
    throw new S3EncryptionClientError(
      'CommitmentPolicyViolation',
      'cannot decrypt non-key-committing object when commitment policy is REQUIRE_ENCRYPT_REQUIRE_DECRYPT',
    );
  if (envelope.contentAlgorithm === 'AES/CBC/PKCS5Padding' && !context.enableLegacyUnauthenticatedModes)
    throw new S3EncryptionClientError('LegacyModeDisabled', 'configure the client with enableLegacyUnauthenticatedModes to decrypt with AES/CBC/PKCS5Padding');
  const dataKey = await context.keyring.onDecrypt({
    contentAlgorithm: envelope.contentAlgorithm,
    wrapAlgorithm: envelope.wrapAlgorithm,
    encryptedDataKey: envelope.encryptedDataKey,
    description: envelope.description,
    encryptionContext: mapFromRecord(options?.encryptionContext, 'encryptionContext'),
  });
  let contentKey: ContentKey | undefined;
  try {
    contentKey = contentKeyFor(envelope, dataKey);
    return contentKey;
  } finally {
    // V3 derives a separate content key: the data key is done with (also when the commitment fails).
    // V2 uses the data key itself, wiped by the caller with the content key.
    if (contentKey?.key !== dataKey) wipe(dataKey);
  }
}

/**
 * The plaintext body: authenticated in full before return when the ciphertext fits the buffer (or
 * its length is unknown, read up to the buffer); streamed with delayed authentication only when
 * the client allows it; refused otherwise (Java `BufferedCipherSubscriber.java`).
 */
async function decryptBody(
  context: ClientContext,
  contentKey: ContentKey,
  response: GetObjectCommandOutput,
): Promise<{ Body: unknown; ContentLength?: number }> {
  const length = response.ContentLength;
  const plainLength = length === undefined || contentKey.mode !== 'gcm' ? undefined : Math.max(0, length - TAG_LENGTH);
  const fits = length !== undefined && length <= context.bufferSize;
  if (fits && contentKey.mode === 'gcm' && response.Body !== undefined && response.Body !== null) {
    // Decrypted as the chunks arrive into one plaintext buffer (no joined ciphertext), released
    // only once the tag verifies.
    const plaintext = await decryptChunks(contentKey, toNodeReadable(response.Body), length);
    return { Body: bytesStream(plaintext), ContentLength: plaintext.length };
  }
  if (fits || (length === undefined && !context.enableDelayedAuthenticationMode)) {
    const plaintext = decryptContent(contentKey, await readAll(response.Body, context.bufferSize));
    return { Body: bytesStream(plaintext), ContentLength: plaintext.length };
  }
  if (!context.enableDelayedAuthenticationMode)
    throw new S3EncryptionClientError('BufferLimitExceeded', `the object has ${length} bytes, the buffer ${context.bufferSize}`);
  const decrypting = createDecryptStream(contentKey);
  pipeline(toNodeReadable(response.Body), decrypting, () => undefined);
  return { Body: withSdkMixin(decrypting), ...(plainLength === undefined ? {} : { ContentLength: plainLength }) };
}
